/** (4) Fan-out: time from a call over HTTP to its ticket:called on the last of N display sockets. */
import { fork } from 'node:child_process'
import { DEMO_PASSWORD } from '../db/seed-demo.js'
import { admin, fmt, freshDatabase, header, login, percentile, post, sleep, startServer, writeSection } from './lib.js'
import { demo, seats, waitingTickets } from './fixtures.js'

const SIZES = (process.env.BENCH_FANOUT_SOCKETS ?? '1000').split(',').map(Number)
const CALLS = 30

/** The sockets live in their own process (bench/fanout-clients.ts); it reports, per call, when the last socket got it. */
async function clients(url: string, n: number) {
  const child = fork(new URL('./fanout-clients.ts', import.meta.url).pathname, [url, String(n)], { execArgv: ['--import', 'tsx'] })
  await new Promise<void>((resolve, reject) => {
    child.once('message', (m: any) => (m.ready ? resolve() : reject(new Error(String(m.error)))))
    child.once('exit', (code) => reject(new Error(`clients exited ${code}`)))
  })
  return {
    /** resolves with the wall time at which the last socket received `code` */
    lastFor: (code: string) => new Promise<{ last: number; first: number; count: number }>((resolve) => {
      const on = (m: any) => { if (m.code === code) { child.off('message', on); resolve(m) } }
      child.on('message', on)
      child.send({ expect: code })
    }),
    stop: () => { child.kill() },
  }
}

export async function fanoutBench() {
  const dbUrl = await freshDatabase('fanout')
  const server = await startServer(dbUrl)
  const out: { n: number; where: string; p50: number; p99: number; max: number }[] = []
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
  const runs = [...SIZES.map((n) => ({ n, where: 'one instance', url: server.url })), { n: SIZES[0]!, where: 'sockets on B, call on A', url: serverB.url }]
  let current: string | undefined // the ticket at the counter, sent away (no-show) before the next call
  for (const { n, where, url } of runs) {
    const cl = await clients(url, n)
    await sleep(1000)
    const lat: number[] = []
    for (let i = 0; i < CALLS + 3; i++) {
      if (current) await post(`${server.url}/api/tickets/${current}/no-show`, {}, cookie)
      await sleep(100)
      // the code is known only from the answer; the clients keep what they saw, so asking afterwards is safe
      const t0 = Date.now()
      const r = await post(`${server.url}/api/counters/${desk.counterId}/call-next`, {}, cookie)
      if (r.status !== 200 || !r.body?.ticket) throw new Error(`call-next (${where}): ${r.status} ${JSON.stringify(r.body)}`)
      current = r.body.ticket.id
      const got = await cl.lastFor(r.body.ticket.code)
      if (got.count !== n) throw new Error(`only ${got.count} of ${n} sockets (${where}) got ${r.body.ticket.code} within 10 s`)
      if (i >= 3) lat.push(got.last - t0)
    }
    cl.stop()
    lat.sort((a, b) => a - b)
    out.push({ n, where, p50: percentile(lat, 50), p99: percentile(lat, 99), max: lat.at(-1)! })
  }
  await serverB.stop()
  await server.stop()
  writeSection('fanout', `${header('4. Fan-out of a call to display sockets (one instance, and across two)', 'npm run bench -- fanout')}
- N websocket clients in one separate Node process (socket.io-client), all in the center's room; ${CALLS} sequential \`call-next\` (after 3 warm-up), each measured from sending the HTTP request to the moment the last of the N sockets had \`ticket:called\` (wall clock of one machine). The app on PostgreSQL, so each emit also goes through the adapter's NOTIFY (and a local emit waits for it: the adapter emits locally once its NOTIFY has returned). Across two instances: a second app process on the same database holds the sockets, the calls go to the first.${SIZES.includes(5000) ? '' : ' 5,000 sockets were not run here (`BENCH_FANOUT_SOCKETS=1000,5000`).'}

| sockets | where | p50 ms | p99 ms | max ms |
|---|---|---|---|---|
${out.map((r) => `| ${r.n.toLocaleString('en')} | ${r.where} | ${fmt(r.p50, 0)} | ${fmt(r.p99, 0)} | ${fmt(r.max, 0)} |`).join('\n')}
`)
  return out
}
