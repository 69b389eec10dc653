/** (3) Call-next p50 with 10, 1,000, 10,000 and 100,000 waiting tickets, and the plan of its query. */
import { DEMO_PASSWORD } from '../db/seed-demo.js'
import { admin, fmt, freshDatabase, header, login, percentile, post, startServer, writeSection } from './lib.js'
import { demo, seats, waitingTickets } from './fixtures.js'

const LENGTHS = [10, 1_000, 10_000, 100_000]
const CALLS = Number(process.env.BENCH_SCALING_CALLS ?? 300)

export async function scalingBench() {
  const dbUrl = await freshDatabase('scaling')
  const server = await startServer(dbUrl)
  const rows: { length: number; p50: number; p90: number; p99: number }[] = []
  let plan = '', planMulti = ''
  let k = 0
  for (const length of LENGTHS) {
    // a counter of its own and two services of its own per length: the other queues are not in its way
    const { desk, serviceIds } = await admin(async (c) => {
      const d = await demo(c)
      const serviceIds: string[] = []
      for (let j = 0; j < 2; j++) {
        const prefix = String.fromCharCode(75 + k) + String.fromCharCode(65 + j)
        serviceIds.push((await c.query(`INSERT INTO service (center_id, code, prefix, name_vi, name_en) VALUES ($1, $2, $3, $2, $2) RETURNING id`, [d.center, `bench-${prefix.toLowerCase()}`, prefix])).rows[0].id)
      }
      k++
      const [desk] = await seats(c, d.center, serviceIds, 1, 200 + k)
      await waitingTickets(c, d.center, serviceIds, length)
      return { desk: desk!, serviceIds }
    }, dbUrl)
    const cookie = await login(server.url, desk.username, DEMO_PASSWORD)
    await post(`${server.url}/api/counters/${desk.counterId}/open`, {}, cookie)
    const lat: number[] = []
    for (let i = 0; i < CALLS + 20; i++) {
      const s = performance.now()
      const r = await post(`${server.url}/api/counters/${desk.counterId}/call-next`, {}, cookie)
      const ms = performance.now() - s
      if (r.status !== 200 || !r.body.ticket) throw new Error(`call-next: ${r.status}`)
      if (i >= 20) lat.push(ms) // the first 20 warm up
      // put it back: the queue keeps its length (not measured)
      await admin((c) => c.query(`UPDATE ticket SET status = 'waiting', counter_id = NULL, staff_id = NULL, called_at = NULL, call_count = 0 WHERE id = $1`, [r.body.ticket.id]), dbUrl)
    }
    lat.sort((a, b) => a - b)
    rows.push({ length, p50: percentile(lat, 50), p90: percentile(lat, 90), p99: percentile(lat, 99) })
    if (length === LENGTHS.at(-1)) {
      ;({ plan, planMulti } = await admin(async (c) => {
        const one = await c.query(`EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF, SUMMARY OFF) SELECT * FROM ticket WHERE service_id IN ($1) AND service_day = '2026-11-23' AND status = 'waiting'
          ORDER BY queue_at, issued_at, number, id LIMIT 1 FOR UPDATE SKIP LOCKED`, [serviceIds[0]])
        const multi = await c.query(`EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF, SUMMARY OFF) SELECT * FROM ticket WHERE id IN (
          SELECT c.id FROM unnest($1::uuid[]) AS s(id) CROSS JOIN LATERAL (
            SELECT t.id FROM ticket t WHERE t.service_id = s.id AND t.service_day = '2026-11-23' AND t.status = 'waiting'
            ORDER BY t.queue_at, t.issued_at, t.number, t.id LIMIT 64) c)
          AND status = 'waiting' AND service_day = '2026-11-23' ORDER BY queue_at, issued_at, number, id LIMIT 1 FOR UPDATE SKIP LOCKED`, [serviceIds])
        return { plan: one.rows.map((r) => r['QUERY PLAN']).join('\n'), planMulti: multi.rows.map((r) => r['QUERY PLAN']).join('\n') }
      }, dbUrl))
    }
  }
  await server.stop()
  const base = rows[0]!.p50
  writeSection('scaling', `${header('3. Call-next latency by queue length', 'npm run bench -- scaling')}
- one counter serving two services of its own (primary tier: the multi-service query), the given number of waiting tickets in them; ${CALLS} sequential \`call-next\` over HTTP after 20 warm-up calls, each called ticket put back to waiting by SQL afterwards (so the length holds). The latency is the whole request: the call's transaction and the payloads of its events (the service's waiting count, the counter, the ticket view), which are computed before the answer.

| waiting tickets | call-next p50 ms | p90 ms | p99 ms | p50 vs 10 waiting |
|---|---|---|---|---|
${rows.map((r) => `| ${r.length.toLocaleString('en')} | ${fmt(r.p50, 2)} | ${fmt(r.p90, 2)} | ${fmt(r.p99, 2)} | ${fmt(r.p50 / base, 2)}× |`).join('\n')}

Plan at 100,000 waiting, the counter's two services (the query call-next runs; \`EXPLAIN ANALYZE\`):

\`\`\`
${planMulti}
\`\`\`

and the single-service form (a counter with one service in a tier):

\`\`\`
${plan}
\`\`\`
`)
  return rows
}
