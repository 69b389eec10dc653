/** (2) Call-next contention: 50 counters at once drain N waiting tickets; nobody may get a ticket twice. */
import { admin, fmt, freshDatabase, header, login, percentile, post, startServer, writeSection, dropDatabase } from './lib.js'
import { BENCH_PASSWORD, demo, seats, waitingTickets } from './fixtures.js'

const COUNTERS = 50
const N = Number(process.env.BENCH_CALLNEXT_TICKETS ?? 20_000)
/** BENCH_CALLNEXT_TRIGGERS=off: the queue_count triggers disabled (the counts then go wrong): what they cost under contention */
const TRIGGERS = process.env.BENCH_CALLNEXT_TRIGGERS !== 'off'

/** A fresh database with `tickets` waiting, the app on it, and `counters` clerks logged in with their counters open. */
export async function callNextSetup(tickets: number, counters = COUNTERS, opts: { root?: string; name?: string; nodeArgs?: string[] } = {}) {
  const dbUrl = await freshDatabase(opts.name ?? 'callnext')
  const server = await startServer(dbUrl, { env: { BENCH_POOL: '20' }, root: opts.root, nodeArgs: opts.nodeArgs })
  const { serviceIds, desks } = await admin(async (c) => {
    const d = await demo(c)
    const serviceIds = d.services.map((s) => s.id)
    const desks = await seats(c, d.center, serviceIds, counters, 100)
    await waitingTickets(c, d.center, serviceIds, tickets)
    if (!TRIGGERS) for (const t of ['insert', 'update', 'delete']) await c.query(`ALTER TABLE ticket DISABLE TRIGGER queue_count_${t}`)
    return { serviceIds, desks }
  }, dbUrl)
  const clerks = []
  for (const d of desks) {
    const cookie = await login(server.url, d.username, BENCH_PASSWORD)
    const r = await post(`${server.url}/api/counters/${d.counterId}/open`, {}, cookie)
    if (r.status !== 200) throw new Error(`open: ${r.status}`)
    clerks.push({ ...d, cookie })
  }
  return { dbUrl, server, serviceIds, clerks }
}

/**
 * Every clerk loops `call-next` → `no-show` until call-next answers no ticket, or until `untilMs`
 * (performance.now()) has passed. Returns the tickets each call got and the call latencies.
 */
export async function drain(url: string, clerks: { counterId: string; cookie: string }[], untilMs = Infinity) {
  const lat: number[] = []
  const got: string[] = []
  let failures = 0
  await Promise.all(clerks.map(async (k) => {
    while (performance.now() < untilMs) {
      const s = performance.now()
      const r = await post(`${url}/api/counters/${k.counterId}/call-next`, {}, k.cookie)
      lat.push(performance.now() - s)
      if (r.status !== 200) { failures++; continue }
      if (!r.body.ticket) return
      got.push(r.body.ticket.id)
      const f = await post(`${url}/api/tickets/${r.body.ticket.id}/no-show`, {}, k.cookie)
      if (f.status !== 200) failures++
    }
  }))
  return { lat, got, failures }
}

export async function callNextBench() {
  const { dbUrl, server, serviceIds, clerks } = await callNextSetup(N)
  const t0 = performance.now()
  const { lat, got, failures } = await drain(server.url, clerks)
  const seconds = (performance.now() - t0) / 1000
  await server.stop()
  const check = await admin(async (c) => ({
    calledEvents: Number((await c.query(`SELECT count(*) FROM ticket_event WHERE type = 'called'`)).rows[0].count),
    calledTwice: Number((await c.query(`SELECT count(*) FROM (SELECT ticket_id FROM ticket_event WHERE type = 'called' GROUP BY ticket_id HAVING count(*) > 1) x`)).rows[0].count),
    stillWaiting: Number((await c.query(`SELECT count(*) FROM ticket WHERE status = 'waiting' AND service_id = ANY($1::uuid[])`, [serviceIds])).rows[0].count),
  }), dbUrl)
  const sorted = [...lat].sort((a, b) => a - b)
  const distinct = new Set(got).size
  writeSection('callnext', `${header(`2. Call-next contention: ${COUNTERS} counters drain ${N.toLocaleString('en')} waiting tickets`, 'npm run bench -- callnext')}
- ${N.toLocaleString('en')} waiting tickets (round-robin over the 7 demo services, inserted by SQL), ${COUNTERS} new counters each serving all 7 services as primaries, ${COUNTERS} clerks logged in; each clerk loops \`call-next\` → \`no-show\` over HTTP (keep-alive fetch) until call-next answers no ticket. The app: one process, pool 20.${N < 100_000 ? ` 100,000 tickets would take ~${fmt((100_000 / (got.length / seconds)) / 60, 0)} min at this rate: this run uses ${N.toLocaleString('en')} (set BENCH_CALLNEXT_TICKETS=100000 for the full run).` : ''}

| tickets called | seconds | calls/s (each also a no-show) | call-next p50 ms | p99 ms | max ms | non-200 | tickets received twice (client) | tickets with 2+ \`called\` events (database) | still waiting |
|---|---|---|---|---|---|---|---|---|---|
| ${got.length} | ${fmt(seconds)} | ${fmt(got.length / seconds, 0)} | ${fmt(percentile(sorted, 50))} | ${fmt(percentile(sorted, 99))} | ${fmt(sorted.at(-1)!)} | ${failures} | ${got.length - distinct} | ${check.calledTwice} | ${check.stillWaiting} |

Called events in the database: ${check.calledEvents} for ${distinct} distinct tickets.
`)
  await dropDatabase(dbUrl)
  return { called: got.length, distinct, seconds, p50: percentile(sorted, 50), p99: percentile(sorted, 99), failures, ...check }
}
