/** (4) Fan-out: time from a call over HTTP to its ticket:called on the last of N display sockets. */
import { fork } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { DEMO_PASSWORD } from '../db/seed-demo.js'
import { admin, fmt, freshDatabase, header, login, percentile, post, sleep, startServer, writeSection, dropDatabase } from './lib.js'
import { demo, seats, waitingTickets } from './fixtures.js'

const SIZES = (process.env.BENCH_FANOUT_SOCKETS ?? '1000').split(',').map(Number)
const CALLS = Number(process.env.BENCH_FANOUT_CALLS ?? 100)
/** the load process: socket.io-client (as the pages) and/or the same protocol by hand (bench/fanout-clients.ts) */
const MODES = (process.env.BENCH_FANOUT_CLIENTS ?? 'socket.io,socket.io-events,raw').split(',')

/** CPU time (user + system, ms) a process has used so far (Linux /proc). */
function cpuMs(pid: number): number {
  const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ')
  return (Number(f[11]) + Number(f[12])) * 10 // utime, stime in clock ticks of 10 ms
}

/** The sockets live in their own process (bench/fanout-clients.ts); it reports, per call, when the last socket got it. */
async function clients(url: string, n: number, mode: string) {
  const child = fork(new URL('./fanout-clients.ts', import.meta.url).pathname, [url, String(n), mode], { execArgv: ['--import', 'tsx'] })
  await new Promise<void>((resolve, reject) => {
    child.once('message', (m: any) => (m.ready ? resolve() : reject(new Error(String(m.error)))))
    child.once('exit', (code) => reject(new Error(`clients exited ${code}`)))
  })
  return {
    /** resolves with the wall time at which the last socket received `fact` (`ticket:called A001`, `ticket:finished A001`) */
    lastFor: (fact: string) => new Promise<{ last: number; first: number; count: number }>((resolve) => {
      const on = (m: any) => { if (m.fact === fact) { child.off('message', on); resolve(m) } }
      child.on('message', on)
      child.send({ expect: fact })
    }),
    pid: child.pid!,
    stop: () => { child.kill() },
  }
}

export async function fanoutBench() {
  const dbUrl = await freshDatabase('fanout')
  const server = await startServer(dbUrl)
  const out: { n: number; where: string; mode: string; p50: number; p99: number; max: number; serverCpu: number; clientCpu: number }[] = []
  const { desk } = await admin(async (c) => {
    const d = await demo(c)
    const [desk] = await seats(c, d.center, [d.services[0]!.id], 1, 300)
    await waitingTickets(c, d.center, [d.services[0]!.id], 2000)
    return { desk: desk! }
  }, dbUrl)
  const cookie = await login(server.url, desk.username, DEMO_PASSWORD)
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
    let cpu0 = { server: 0, client: 0 }
    for (let i = 0; i < CALLS + 3; i++) {
      if (i === 3) cpu0 = { server: cpuMs(pid), client: cpuMs(cl.pid) }
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
    cl.stop()
    lat.sort((a, b) => a - b)
    out.push({ n, where, mode, p50: percentile(lat, 50), p99: percentile(lat, 99), max: lat.at(-1)!, serverCpu: cpu.server, clientCpu: cpu.client })
  }
  await serverB.stop()
  await server.stop()
  writeSection('fanout', `${header('4. Fan-out of a call to display sockets (one instance, and across two)', 'npm run bench -- fanout')}
- N websocket clients in one separate Node process, all following the center: \`socket.io\` (socket.io-client as the pages run it: \`auth.batch\`, the facts of one change in one \`facts\` frame), \`socket.io-events\` (socket.io-client taking each fact as its own event: the contract's default, and the pages before batching), or \`raw\` (the pages' protocol spoken by hand over \`ws\`, frames searched for the code, never parsed: the server cannot tell it from \`socket.io\`, the difference is the load process's own cost); ${CALLS} sequential \`call-next\` (after 3 warm-up), each measured from sending the HTTP request to the moment the last of the N sockets had \`ticket:called\` (wall clock of one machine). Before each call the ticket called before it is marked no-show, and the call is sent 100 ms after every socket has that change (its \`ticket:finished\`), so the call's frames do not queue behind the no-show's (before 2026-12-03 13:00 the call followed the no-show's answer by 100 ms, and at 5,000 sockets the no-show's frames were still being sent and read). The app on PostgreSQL, so each emit also goes through the adapter's NOTIFY (and a local emit waits for it: the adapter emits locally once its NOTIFY has returned). Across two instances: a second app process on the same database holds the sockets, the calls go to the first.${SIZES.includes(5000) ? '' : ' 5,000 sockets were not run here (`BENCH_FANOUT_SOCKETS=1000,5000`).'}

CPU per call: the CPU time the process used during the measured calls (/proc), divided by the calls (each call also waits ~100 ms; the no-show before it and the call's other facts — \`counter:changed\`, \`queue:changed\` — go to the same sockets: 2 frames per socket per measured call batched, 5 one event each).

| sockets | where | clients | p50 ms | p99 ms | max ms | app CPU per call ms | load process CPU per call ms |
|---|---|---|---|---|---|---|---|
${out.map((r) => `| ${r.n.toLocaleString('en')} | ${r.where} | ${r.mode} | ${fmt(r.p50, 0)} | ${fmt(r.p99, 0)} | ${fmt(r.max, 0)} | ${fmt(r.serverCpu, 0)} | ${fmt(r.clientCpu, 0)} |`).join('\n')}
`)
  await dropDatabase(dbUrl)
  return out
}
