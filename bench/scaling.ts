/** (3) Call-next p50 with 10, 1,000, 10,000 and 100,000 waiting tickets, and the plans of its queries. */
import { Kysely, PostgresDialect, sql, type RawBuilder } from 'kysely'
import pg from 'pg'
import type { Database } from '../db/types.js'
import { serviceFiguresQuery } from '../server/queue/estimate.js'
import { queueHeadsQuery, ticketsAhead } from '../server/queue/ticket.repository.js'
import { admin, fmt, freshDatabase, header, login, percentile, post, startServer, writeSection, dropDatabase } from './lib.js'
import { BENCH_PASSWORD, demo, seats, waitingTickets } from './fixtures.js'

const LENGTHS = [10, 1_000, 10_000, 100_000]
const CALLS = Number(process.env.BENCH_SCALING_CALLS ?? 300)
const DAY = '2026-11-23'

/** `EXPLAIN ANALYZE` of a statement as the app compiles it (kysely), run on `c`. */
async function explain(c: pg.Client, compiler: Kysely<Database>, q: RawBuilder<unknown>) {
  const { sql: text, parameters } = q.compile(compiler)
  const r = await c.query(`EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF, SUMMARY OFF) ${text}`, parameters as unknown[])
  return r.rows.map((x) => x['QUERY PLAN']).join('\n')
}

export async function scalingBench() {
  const dbUrl = await freshDatabase('scaling')
  const server = await startServer(dbUrl)
  // a counter of its own and two services of its own per length: the other queues are not in its way
  const queues: { length: number; counterId: string; cookie: string; serviceIds: string[]; lat: number[] }[] = []
  let k = 0
  for (const length of LENGTHS) {
    const { desk, serviceIds } = await admin(async (c) => {
      const d = await demo(c)
      const serviceIds: string[] = []
      for (let j = 0; j < 2; j++) {
        const prefix = String.fromCharCode(75 + k) + String.fromCharCode(65 + j)
        serviceIds.push((await c.query(`INSERT INTO service (center_id, code, prefix, name_vi, name_en) VALUES ($1, $2, $3, $2, $2) RETURNING id`, [d.center, `bench-${prefix.toLowerCase()}`, prefix])).rows[0].id)
      }
      k++
      const [desk] = await seats(c, d.center, serviceIds, 1, 200 + k)
      await waitingTickets(c, d.center, serviceIds, length, DAY)
      return { desk: desk!, serviceIds }
    }, dbUrl)
    const cookie = await login(server.url, desk.username, BENCH_PASSWORD)
    await post(`${server.url}/api/counters/${desk.counterId}/open`, {}, cookie)
    queues.push({ length, counterId: desk.counterId, cookie, serviceIds, lat: [] })
  }
  // Interleaved: one call at each length in turn, so the load of this shared machine at any moment falls
  // on every length alike (one length after the other, a busy minute of someone's tests lands on one row).
  await admin(async (c) => {
    // the fixture inserts each length in one transaction: as many dead versions of its queue_count row (the
    // app issues one ticket per transaction, where they are pruned as it goes); vacuum them as autovacuum would
    await c.query('VACUUM ANALYZE ticket, queue_count')
    for (let i = 0; i < CALLS + 20; i++) {
      for (const q of queues) {
        const s = performance.now()
        const r = await post(`${server.url}/api/counters/${q.counterId}/call-next`, {}, q.cookie)
        const ms = performance.now() - s
        if (r.status !== 200 || !r.body.ticket) throw new Error(`call-next: ${r.status}`)
        if (i >= 20) q.lat.push(ms) // the first 20 warm up
        // put it back: the queue keeps its length (not measured)
        await c.query(`UPDATE ticket SET status = 'waiting', counter_id = NULL, staff_id = NULL, called_at = NULL, call_count = 0 WHERE id = $1`, [r.body.ticket.id])
      }
    }
  }, dbUrl)
  await server.stop()
  const rows = queues.map((q) => {
    const lat = q.lat.sort((a, b) => a - b)
    return { length: q.length, p50: percentile(lat, 50), p90: percentile(lat, 90), p99: percentile(lat, 99) }
  })

  // the plans at 100,000 waiting: the call's query, the waiting counts of queue:changed, a new ticket's place
  const longest = queues.at(-1)!
  const compiler = new Kysely<Database>({ dialect: new PostgresDialect({ pool: new pg.Pool({ connectionString: dbUrl, max: 1 }) }) })
  const plans = await admin(async (c) => {
    const center = (await c.query(`SELECT center_id FROM service WHERE id = $1`, [longest.serviceIds[0]])).rows[0].center_id as string
    const one = await c.query(`EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF, SUMMARY OFF) SELECT * FROM ticket WHERE service_id IN ($1) AND service_day = '${DAY}' AND status = 'waiting'
      ORDER BY queue_at, issued_at, number, id LIMIT 1 FOR UPDATE SKIP LOCKED`, [longest.serviceIds[0]])
    // the app's own statement, as kysely compiles it
    const multi = await explain(c, compiler, queueHeadsQuery(longest.serviceIds, DAY))
    const last = (await c.query(`SELECT id FROM ticket WHERE service_id = $1 AND status = 'waiting' ORDER BY queue_at DESC, issued_at DESC, number DESC, id DESC LIMIT 1`, [longest.serviceIds[0]])).rows[0].id as string
    return {
      one: one.rows.map((r) => r['QUERY PLAN']).join('\n'),
      multi,
      figures: await explain(c, compiler, serviceFiguresQuery(center, DAY, new Date(`${DAY}T09:00:00+07:00`), longest.serviceIds)),
      ahead: await explain(c, compiler, sql`SELECT ${ticketsAhead(last)} AS ahead`),
      counts: (await c.query(`SELECT q.waiting, (SELECT count(*)::int FROM ticket t WHERE t.service_id = q.service_id AND t.service_day = q.service_day AND t.status = 'waiting') AS real
        FROM queue_count q WHERE q.service_id = ANY($1::uuid[]) AND q.service_day = $2 ORDER BY 1`, [queues.flatMap((q) => q.serviceIds), DAY])).rows as { waiting: number; real: number }[],
    }
  }, dbUrl)
  await compiler.destroy()
  const exact = plans.counts.every((r) => r.waiting === r.real)
  const base = rows[0]!.p50
  writeSection('scaling', `${header('3. Call-next latency by queue length', 'npm run bench -- scaling')}
- one counter per length serving two services of its own (primary tier: the multi-service query), the given number of waiting tickets in them; ${CALLS} rounds after 20 warm-up rounds, each round one \`call-next\` over HTTP at each length in turn (interleaved, so a busy moment of the shared machine falls on every length alike), each called ticket put back to waiting by SQL afterwards (so the length holds). The latency is the whole request: the call's transaction and the payloads of its events (the services' waiting counts and estimates, the counter, the ticket view), which are computed before the answer.

| waiting tickets | call-next p50 ms | p90 ms | p99 ms | p50 vs 10 waiting |
|---|---|---|---|---|
${rows.map((r) => `| ${r.length.toLocaleString('en')} | ${fmt(r.p50, 2)} | ${fmt(r.p90, 2)} | ${fmt(r.p99, 2)} | ${fmt(r.p50 / base, 2)}× |`).join('\n')}

The waiting counts kept by the triggers (\`queue_count\`) after the run, against a real \`COUNT\` of each of the ${plans.counts.length} services: ${exact ? '**all equal**' : '**DIFFERENT**'} (${plans.counts.map((r) => r.waiting.toLocaleString('en')).join(', ')}).

Plans at 100,000 waiting (\`EXPLAIN ANALYZE\`). The call's query, the counter's two services:

\`\`\`
${plans.multi}
\`\`\`

the single-service form (a counter with one service in a tier):

\`\`\`
${plans.one}
\`\`\`

the figures of \`queue:changed\` and of the board (\`loadServiceFigures\`: waiting count, issued count, recent service times, open counters), for the counter's two services:

\`\`\`
${plans.figures}
\`\`\`

and the place of the ticket at the end of the 100,000 (\`ticketsAhead\`, in the ticket view: a new ticket's answer; it counts the tickets behind it and takes them from the waiting count):

\`\`\`
${plans.ahead}
\`\`\`
`)
  await dropDatabase(dbUrl)
  return { rows, exact }
}
