/**
 * (Reports) A month of a busy center — ≈ 20,000 tickets with their events, counter sessions, ratings and
 * dossiers, written straight into the database — then `GET /api/reports/summary`'s work (ReportService,
 * every query of it) timed for each groupBy, on PostgreSQL and on PGlite. `npm run bench -- reports`.
 */
import { sql } from 'kysely'
import { createDb, type DbHandle } from '../db/create-db.js'
import { migrateToLatest } from '../db/migrate.js'
import { seedDemo } from '../db/seed-demo.js'
import { hashPassword } from '../server/auth/auth.service.js'
import { BENCH_PASSWORD } from './fixtures.js'
import { ReportService } from '../server/reports/report.service.js'
import { REPORT_GROUPS, type ReportGroupBy } from '../common/rating-types.js'
import { fmt, freshDatabase, header, percentile, writeSection } from './lib.js'

/** tickets per counter and working day: 6 counters × 21 working days × 160 ≈ 20,000 */
const PER_COUNTER_DAY = Number(process.env.BENCH_REPORT_TICKETS_PER_COUNTER_DAY ?? 160)
const RUNS = 7

/** November 2026 in Na Sang: 21 working days, the demo's six counters each serving all day. */
async function fill(h: DbHandle) {
  const db = h.db
  const center = (await db.selectFrom('center').select('id').where('slug', '=', 'na-sang').executeTakeFirstOrThrow()).id
  // tickets: each counter serves its primary service back to back from 07:05; the citizen waited 0–30 min before the call
  await sql`
    WITH days AS (
      SELECT d::date AS day FROM generate_series('2026-11-01'::date, '2026-11-30'::date, interval '1 day') d WHERE extract(isodow FROM d) < 6),
    cs AS (
      SELECT c.id AS counter_id, st.id AS staff_id, p.service_id, sv.prefix
      FROM counter c JOIN staff st ON st.username = 'canbo' || c.number
      JOIN LATERAL (SELECT service_id FROM counter_service WHERE counter_id = c.id AND tier = 1 ORDER BY service_id LIMIT 1) p ON true
      JOIN service sv ON sv.id = p.service_id
      WHERE c.center_id = ${center}),
    base AS (
      SELECT days.day, cs.*, g.n, (20 + random() * 40)::int AS walk, (90 + random() * 130)::int AS svc, (random() * 30)::int AS gap,
             (random() * 1800)::int AS wait, random() AS r
      FROM days CROSS JOIN cs CROSS JOIN generate_series(1, ${PER_COUNTER_DAY}::int) g(n)),
    timed AS (
      SELECT base.*, ((day + time '07:05') AT TIME ZONE 'Asia/Ho_Chi_Minh')
               + make_interval(secs => (sum(walk + svc + gap) OVER (PARTITION BY day, counter_id ORDER BY n) - (walk + svc + gap))::float8) AS called_at
      FROM base),
    t AS (
      SELECT timed.*, greatest(called_at - make_interval(secs => wait), (day + time '07:00') AT TIME ZONE 'Asia/Ho_Chi_Minh') AS issued_at,
             CASE WHEN r < 0.06 THEN 'no_show' WHEN r < 0.09 THEN 'cancelled' ELSE 'done' END::ticket_status AS status
      FROM timed)
    INSERT INTO ticket (center_id, service_id, service_day, number, code, status, queue_at, issued_at, called_at, started_at, finished_at, counter_id, staff_id, call_count)
    SELECT ${center}, service_id, day, row_number() OVER w, prefix || lpad((row_number() OVER w)::text, 3, '0'), status, issued_at, issued_at, called_at,
           CASE WHEN status = 'done' THEN called_at + make_interval(secs => walk) END,
           CASE WHEN status = 'done' THEN called_at + make_interval(secs => walk + svc) ELSE called_at + interval '1 minute' END,
           counter_id, staff_id, 1
    FROM t WINDOW w AS (PARTITION BY service_id, day ORDER BY issued_at, n)`.execute(db)
  await sql`
    INSERT INTO ticket_event (ticket_id, center_id, type, from_status, to_status, counter_id, staff_id, at)
    SELECT id, center_id, 'issued', NULL::ticket_status, 'waiting'::ticket_status, NULL::uuid, NULL::uuid, issued_at FROM ticket
    UNION ALL SELECT id, center_id, 'called', 'waiting', 'called', counter_id, staff_id, called_at FROM ticket
    UNION ALL SELECT id, center_id, 'started', 'called', 'serving', counter_id, staff_id, started_at FROM ticket WHERE started_at IS NOT NULL
    UNION ALL SELECT id, center_id, CASE status WHEN 'done' THEN 'completed' ELSE status::text END,
                     CASE WHEN status = 'done' THEN 'serving' ELSE 'called' END::ticket_status, status, counter_id, staff_id, finished_at FROM ticket`.execute(db)
  // counters: open 07:00, lunch pause 11:30–13:30, close 17:30
  await sql`
    INSERT INTO counter_event (counter_id, staff_id, type, reason, at)
    SELECT c.id, st.id, e.type, e.reason, ((d::date + e.at) AT TIME ZONE 'Asia/Ho_Chi_Minh')
    FROM counter c JOIN staff st ON st.username = 'canbo' || c.number
    CROSS JOIN generate_series('2026-11-01'::date, '2026-11-30'::date, interval '1 day') d
    CROSS JOIN (VALUES ('open', NULL, time '07:00'), ('pause', 'break', time '11:30'), ('resume', NULL, time '13:30'), ('close', NULL, time '17:30')) e(type, reason, at)
    WHERE c.center_id = ${center} AND extract(isodow FROM d) < 6`.execute(db)
  // ratings: 40 % of the served rate, mostly satisfied
  await sql`
    INSERT INTO rating (ticket_id, center_id, service_id, counter_id, staff_id, scale, score, reasons, channel, created_at)
    SELECT id, center_id, service_id, counter_id, staff_id, 5, s.score,
           CASE WHEN s.score <= 3 THEN ARRAY['wait_time'] ELSE '{}' END, CASE WHEN random() < 0.5 THEN 'phone' ELSE 'counter' END,
           finished_at + interval '2 minutes'
    FROM (SELECT t.*, random() AS r, random() AS q FROM ticket t WHERE status = 'done') t
    CROSS JOIN LATERAL (SELECT CASE WHEN t.q < 0.5 THEN 5 WHEN t.q < 0.8 THEN 4 WHEN t.q < 0.9 THEN 3 WHEN t.q < 0.96 THEN 2 ELSE 1 END AS score) s
    WHERE t.r < 0.4`.execute(db)
  // dossiers: 15 % of the served hand in a dossier; most are ready, early, on time or late
  await sql`
    INSERT INTO dossier (center_id, code, lookup_code, status, channel, procedure_id, applicant_name, applicant_phone, applicant_address,
                         ticket_id, received_at, received_by, due_at, ready_at, outcome, created_at, updated_at)
    SELECT t.center_id, 'NS-' || to_char(t.service_day, 'YYMMDD') || '-' || lpad((row_number() OVER (PARTITION BY t.service_day ORDER BY t.finished_at))::text, 4, '0'),
           'ABCD', CASE WHEN t.q < 0.8 THEN 'ready' ELSE 'processing' END::dossier_status, 'counter', p.id, 'Lò Văn Bench', '0912345678', 'Na Sang',
           t.id, t.finished_at, t.staff_id, t.finished_at + interval '3 days',
           CASE WHEN t.q < 0.8 THEN t.finished_at + make_interval(days => (t.q * 5)::int) END,
           CASE WHEN t.q >= 0.8 THEN NULL WHEN t.q < 0.3 THEN 'early' WHEN t.q < 0.7 THEN 'on_time' ELSE 'late' END,
           t.finished_at, t.finished_at
    FROM (SELECT t.*, random() AS r, random() AS q FROM ticket t WHERE status = 'done') t
    JOIN LATERAL (SELECT id FROM procedure WHERE service_id = t.service_id ORDER BY code LIMIT 1) p ON true
    WHERE t.r < 0.15`.execute(db)
  await sql`ANALYZE`.execute(db)
  const count = async (table: 'ticket' | 'ticket_event' | 'rating' | 'counter_event') =>
    Number((await db.selectFrom(table).select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n)
  const dossiers = Number((await sql<{ n: number }>`SELECT count(*)::int AS n FROM dossier`.execute(db)).rows[0]!.n)
  return { tickets: await count('ticket'), events: await count('ticket_event'), counterEvents: await count('counter_event'), ratings: await count('rating'), dossiers }
}

async function timeReports(h: DbHandle) {
  const admin = await h.db.selectFrom('staff').select('id').where('username', '=', 'quantri').executeTakeFirstOrThrow()
  const reports = new ReportService(h.db, () => new Date('2026-12-01T09:00:00+07:00'))
  const out = {} as Record<ReportGroupBy, { p50: number; max: number; rows: number }>
  for (const groupBy of REPORT_GROUPS) {
    const ms: number[] = []
    let rows = 0
    for (let i = 0; i < RUNS; i++) {
      const t0 = performance.now()
      const r = await reports.summary({ center: 'na-sang', from: '2026-11-01', to: '2026-11-30', groupBy, format: 'json' },
        { staffId: admin.id, role: 'admin', centerId: null }, 'vi')
      ms.push(performance.now() - t0)
      rows = r.rows.length
    }
    ms.sort((a, b) => a - b)
    out[groupBy] = { p50: percentile(ms, 50), max: ms.at(-1)!, rows }
  }
  return out
}

async function prepare(kind: 'postgres' | 'pglite'): Promise<DbHandle> {
  const h = kind === 'postgres' ? await createDb({ databaseUrl: await freshDatabase('reports'), poolMax: 8 }) : await createDb({})
  await migrateToLatest(h.db)
  await seedDemo(h.db, hashPassword, BENCH_PASSWORD)
  return h
}

export async function reportsBench() {
  const results: Record<string, { data: Awaited<ReturnType<typeof fill>>; fillSeconds: number; times: Awaited<ReturnType<typeof timeReports>> }> = {}
  for (const kind of ['postgres', 'pglite'] as const) {
    const h = await prepare(kind)
    try {
      const t0 = performance.now()
      const data = await fill(h)
      const fillSeconds = (performance.now() - t0) / 1000
      results[kind] = { data, fillSeconds, times: await timeReports(h) }
    } finally {
      await h.close()
    }
  }
  const pg = results.postgres!, lite = results.pglite!
  writeSection('reports', `${header('Reports: a month of a busy center', 'npm run bench -- reports')}
- Data (written by SQL, not measured): November 2026, 21 working days, the demo's 6 counters each serving ${PER_COUNTER_DAY} tickets a day back to back
  (wait 0–30 min, walk 20–60 s, service 90–220 s; 91 % done, 6 % no-show, 3 % cancelled): **${pg.data.tickets.toLocaleString('en')} tickets**,
  ${pg.data.events.toLocaleString('en')} ticket events, ${pg.data.counterEvents.toLocaleString('en')} counter events (open, lunch pause, close),
  ${pg.data.ratings.toLocaleString('en')} ratings, ${pg.data.dossiers.toLocaleString('en')} dossiers (PGlite: ${lite.data.tickets.toLocaleString('en')} tickets, ${lite.data.ratings.toLocaleString('en')} ratings; random draws differ). \`ANALYZE\` after loading.
- Measured: \`ReportService.summary\` for 1–30 Nov (the four figure queries — tickets, ratings, counter time, dossiers — run in parallel, plus the labels), what \`GET /api/reports/summary\` does minus HTTP; ${RUNS} runs per grouping, in process.

| groupBy | rows | PostgreSQL p50 ms | PostgreSQL max ms | PGlite p50 ms | PGlite max ms |
|---|---|---|---|---|---|
${REPORT_GROUPS.map((g) => `| ${g} | ${pg.times[g].rows} | ${fmt(pg.times[g].p50, 0)} | ${fmt(pg.times[g].max, 0)} | ${fmt(lite.times[g].p50, 0)} | ${fmt(lite.times[g].max, 0)} |`).join('\n')}

Goal (issue 6): a month of a busy center reports in under a second.
`)
  return { postgres: pg.times, pglite: lite.times, tickets: pg.data.tickets }
}
