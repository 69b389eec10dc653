/** (4) Fan-out: time from a call over HTTP to its ticket:called on the last of N display sockets. */
import { fork } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { admin, fmt, freshDatabase, header, login, percentile, post, sleep, startServer, writeSection, dropDatabase } from './lib.js'
import { BENCH_PASSWORD, demo, seats, waitingTickets } from './fixtures.js'

const SIZES = (process.env.BENCH_FANOUT_SOCKETS ?? '1000').split(',').map(Number)
const CALLS = Number(process.env.BENCH_FANOUT_CALLS ?? 100)
/** the load process: socket.io-client (as the pages) and/or the same protocol by hand (bench/fanout-clients.ts) */
const MODES = (process.env.BENCH_FANOUT_CLIENTS ?? 'socket.io,raw').split(',')

/** CPU time (user + system, ms) a process has used so far (Linux /proc). */
export function cpuMs(pid: number): number {
  const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ')
  return (Number(f[11]) + Number(f[12])) * 10 // utime, stime in clock ticks of 10 ms
}

/**
 * `n` display sockets per center (default na-sang) in their own process (bench/fanout-clients.ts), `mode`
 * socket.io or raw; resolves once every socket has its board snapshot. It reports, per fact, when the
 * last socket got it.
 */
export async function clients(url: string, n: number, mode: string, centers = ['na-sang']) {
  const child = fork(new URL('./fanout-clients.ts', import.meta.url).pathname, [url, String(n), mode, centers.join(',')], { execArgv: ['--import', 'tsx'] })
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
  await new Promise<void>((resolve, reject) => {
    child.once('message', (m: any) => (m.ready ? resolve() : reject(new Error(String(m.error)))))
    child.once('exit', (code) => reject(new Error(`clients exited ${code}`)))
  })
  return {
    /** resolves with the wall time at which the last socket received `fact` (`ticket:called A001`, `ticket:finished A001`) */
    lastFor: (fact: string) => new Promise<{ last: number; first: number; count: number; frames: number }>((resolve) => {
      const on = (m: any) => { if (m.fact === fact) { child.off('message', on); resolve(m) } }
      child.on('message', on)
      child.send({ expect: fact })
    }),
    /** event frames all the sockets have received so far (their snapshots included) */
    frames: () => new Promise<number>((resolve) => {
      const on = (m: any) => { if (typeof m.frames === 'number' && !('fact' in m)) { child.off('message', on); resolve(m.frames) } }
      child.on('message', on)
      child.send({ frames: true })
    }),
    pid: child.pid!,
    /** closes every socket (the process ends) */
    stop: async () => { child.kill(); await exited },
  }
}

export async function fanoutBench() {
  const dbUrl = await freshDatabase('fanout')
  const server = await startServer(dbUrl)
  const out: { n: number; where: string; mode: string; p50: number; p99: number; max: number; serverCpu: number; clientCpu: number; frames: number }[] = []
  const { desk } = await admin(async (c) => {
    const d = await demo(c)
    const [desk] = await seats(c, d.center, [d.services[0]!.id], 1, 300)
    await waitingTickets(c, d.center, [d.services[0]!.id], 2000)
    return { desk: desk! }
  }, dbUrl)
  const cookie = await login(server.url, desk.username, BENCH_PASSWORD)
  await post(`${server.url}/api/counters/${desk.counterId}/open`, {}, cookie)
  // the same across two instances: the sockets on B, the calls on A (through the PostgreSQL adapter)
  const serverB = await startServer(dbUrl)
  const runs = [...SIZES.flatMap((n) => MODES.map((mode) => ({ n, mode, where: 'one instance', url: server.url, pid: server.proc.pid! }))),
    { n: SIZES[0]!, mode: MODES[0]!, where: 'sockets on B, call on A', url: serverB.url, pid: serverB.proc.pid! }]
  let current: { id: string; code: string } | undefined // the ticket at the counter, sent away (no-show) before the next call
  for (const { n, where, url, mode, pid } of runs) {
    const cl = await clients(url, n, mode)
    await sleep(1000)
    const lat: number[] = []
    let cpu0 = { server: 0, client: 0 }, frames0 = 0
    for (let i = 0; i < CALLS + 3; i++) {
      // the frames counted once the warm-up's last ones (the call's counter:changed, queue:changed) are in
      if (i === 3) { await sleep(300); frames0 = await cl.frames(); cpu0 = { server: cpuMs(pid), client: cpuMs(cl.pid) } }
      if (current) {
        await post(`${server.url}/api/tickets/${current.id}/no-show`, {}, cookie)
        // the call starts once every socket has the no-show: its frames do not queue behind the no-show's
        const gone = await cl.lastFor(`ticket:finished ${current.code}`)
        if (gone.count !== n) throw new Error(`only ${gone.count} of ${n} sockets (${where}) got the no-show of ${current.code} within 10 s`)
      }
      await sleep(100)
      // the code is known only from the answer; the clients keep what they saw, so asking afterwards is safe
      const t0 = Date.now()
      const r = await post(`${server.url}/api/counters/${desk.counterId}/call-next`, {}, cookie)
      if (r.status !== 200 || !r.body?.ticket) throw new Error(`call-next (${where}): ${r.status} ${JSON.stringify(r.body)}`)
      current = { id: r.body.ticket.id, code: r.body.ticket.code }
      const got = await cl.lastFor(`ticket:called ${current.code}`)
      if (got.count !== n) throw new Error(`only ${got.count} of ${n} sockets (${where}) got ${r.body.ticket.code} within 10 s`)
      if (i >= 3) lat.push(got.last - t0)
    }
    const cpu = { server: (cpuMs(pid) - cpu0.server) / CALLS, client: (cpuMs(cl.pid) - cpu0.client) / CALLS }
    await sleep(300)
    const frames = (await cl.frames() - frames0) / n / CALLS
    await cl.stop()
    lat.sort((a, b) => a - b)
    out.push({ n, where, mode, p50: percentile(lat, 50), p99: percentile(lat, 99), max: lat.at(-1)!, serverCpu: cpu.server, clientCpu: cpu.client, frames })
  }
  await serverB.stop()
  await server.stop()
  const perCall = [...new Set(out.map((r) => fmt(r.frames, 1)))].join(', ')
  writeSection('fanout', `${header('4. Fan-out of a call to display sockets (one instance, and across two)', 'npm run bench -- fanout')}
- N websocket clients in one separate Node process (bench/fanout-clients.ts), all following the center (auth \`{ center }\`): \`socket.io\` (socket.io-client as the pages run it: a listener on every public event, each fact its own event, every packet decoded and its JSON parsed) or \`raw\` (the same protocol spoken by hand over \`ws\`: each \`42["ticket:called",{…}]\` frame is searched for the event's name and the ticket code, never parsed; the server cannot tell it from \`socket.io\`, so the difference between the two is the load process's own cost). ${CALLS} sequential \`call-next\` (after 3 warm-up), each measured from sending the HTTP request to the moment the last of the N sockets had its \`ticket:called\` (wall clock of one machine). Before each call the ticket called before it is marked no-show, and the call is sent 100 ms after every socket has that no-show's \`ticket:finished\`, so the call's frames do not queue behind the no-show's.
- The app on PostgreSQL (bench/server.ts, pool 20): after a change commits, its facts' payloads are read and each fact is emitted to the center's room of this instance at once, one Socket.IO event per fact and socket; the change also goes to the other instances as one adapter message (one NOTIFY), which each replays to its own sockets. Across two instances: a second app process on the same database holds the sockets, the calls go to the first, so every fact crosses PostgreSQL's NOTIFY/LISTEN before it reaches a socket.${SIZES.includes(5000) ? '' : ' 5,000 sockets were not run here (`BENCH_FANOUT_SOCKETS=1000,5000`).'}

CPU per call: the CPU time the process used during the measured calls (/proc), divided by the calls (each call also waits ~100 ms). Frames per socket per call: the event frames a socket received during the measured calls, divided by them (${perCall}): the no-show's \`ticket:finished\` and \`counter:changed\`, the call's \`ticket:called\`, \`counter:changed\` and \`queue:changed\`, each its own frame.

| sockets | where | clients | p50 ms | p99 ms | max ms | app CPU per call ms | load process CPU per call ms | frames per socket per call |
|---|---|---|---|---|---|---|---|---|
${out.map((r) => `| ${r.n.toLocaleString('en')} | ${r.where} | ${r.mode} | ${fmt(r.p50, 0)} | ${fmt(r.p99, 0)} | ${fmt(r.max, 0)} | ${fmt(r.serverCpu, 0)} | ${fmt(r.clientCpu, 0)} | ${fmt(r.frames, 1)} |`).join('\n')}
`)
  await dropDatabase(dbUrl)
  return out
}
