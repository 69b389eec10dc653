import { sql, type RawBuilder } from 'kysely'
import type { Executor } from '../../db/create-db.js'
import type { ReportGroupBy } from '../../common/rating-types.js'

/**
 * The report's SQL: every figure is computed by PostgreSQL over the event tables (ticket, ticket_event,
 * counter_event, rating, dossier), grouped by the chosen key with `GROUPING SETS ((key), ())` so the
 * totals row is computed too (a median of medians is not a median). Definitions: docs/reports.md.
 */
export interface Period {
  centerId: string
  timeZone: string
  /** service days, inclusive */
  from: string
  to: string
  now: Date
  /** W2: each weekday's closing time ('HH:MM', index 1 = Monday … 7 = Sunday; null: closed), and a make-up working day's */
  closing?: { byWeekday: (string | null)[]; workday: string | null }
}

/**
 * W2 (issue 22): whether an instant is after the center's closing time on its local day: after the
 * weekday's last closing, on a closed weekday, on a holiday, or after a make-up working day's closing.
 */
function afterHours(p: Period, col: RawBuilder<unknown>) {
  const c = p.closing
  if (!c) return sql`false`
  const local = sql`(${col} AT TIME ZONE ${p.timeZone})`
  const rows = sql.join([1, 2, 3, 4, 5, 6, 7].map((wd) => sql`(${wd}::int, ${c.byWeekday[wd] ?? null}::time)`))
  return sql`(SELECT coalesce((
      SELECT CASE WHEN cd.kind = 'holiday' THEN true
        ELSE coalesce(wk.close, ${c.workday}::time) IS NULL OR ${local}::time >= coalesce(wk.close, ${c.workday}::time) END
      FROM calendar_day cd WHERE cd.center_id = ${p.centerId} AND cd.date = ${local}::date
    ), wk.close IS NULL OR ${local}::time >= wk.close)
    FROM (VALUES ${rows}) AS wk (dow, close) WHERE wk.dow = extract(isodow FROM ${local})::int)`
}

/** One row per key (`total` = the row of the whole period). */
interface Keyed { k: string | null; total: boolean }

export interface TicketFigureRow extends Keyed {
  /** W2: counter-issued walk-ins; tickets finished (done) after closing time */
  counter_issued: number; served_after_hours: number
  issued: number; served: number; no_show: number; cancelled: number; expired: number; transferred: number
  wait_avg: number | null; wait_median: number | null; wait_p90: number | null
  service_avg: number | null; service_median: number | null; walk_avg: number | null
}
export interface RatingFigureRow extends Keyed { ratings: number; l5: number; l4: number; l3: number; l2: number; l1: number }
export interface CounterTimeRow extends Keyed { pause_s: number | null; idle_s: number | null }
export interface DossierFigureRow extends Keyed {
  received: number; early: number; on_time: number; late: number; overdue_now: number; rated_not_satisfied: number
  /** W2: received after closing time */
  received_after_hours: number
}
/** W2: fees collected (Decree 118 Art. 24), keyed by when and by whom they were collected */
export interface FeeFigureRow extends Keyed { fees_vnd: number; fee_payments: number }

/** The period's bounds: from the first service day's local midnight to the one after the last day. */
function bounds(p: Period) {
  return {
    ps: sql`((${p.from}::date)::timestamp AT TIME ZONE ${p.timeZone})`,
    pe: sql`((${p.to}::date + 1)::timestamp AT TIME ZONE ${p.timeZone})`,
  }
}

const hourOf = (col: RawBuilder<unknown>, tz: string) => sql`extract(hour FROM ${col} AT TIME ZONE ${tz})::int::text`

/**
 * Runs one figure query grouped by `key` plus the totals row. JIT is switched off for it: the planner
 * over-estimates the per-segment `generate_series` (1,000 rows a call), the cost passes `jit_above_cost`,
 * and compiling took ~1 s on PostgreSQL for a query that runs in ~0.1 s (PGlite has no JIT; the setting is harmless).
 */
async function grouped<R extends Keyed>(db: Executor, key: RawBuilder<unknown>, inner: (key: RawBuilder<unknown>) => RawBuilder<unknown>, aggregates: RawBuilder<unknown>): Promise<R[]> {
  const query = sql<R>`
    SELECT x.k, GROUPING(x.k) = 1 AS total, ${aggregates}
    FROM (${inner(key)}) AS x
    GROUP BY GROUPING SETS ((x.k), ())`
  if (db.isTransaction) return (await query.execute(db)).rows
  return db.transaction().execute(async (trx) => {
    await sql`SET LOCAL jit = off`.execute(trx)
    return (await query.execute(trx)).rows
  })
}

/**
 * Tickets of the period's service days: counts by final status; wait = first call − issue; service =
 * finish − start (done tickets); walk = start − first call. A ticket's counter and clerk are the last
 * ones it was called to.
 */
export function ticketFigures(db: Executor, p: Period, groupBy: ReportGroupBy) {
  const { ps, pe } = bounds(p)
  const key = {
    day: sql`t.service_day::text`, service: sql`t.service_id::text`, counter: sql`t.counter_id::text`,
    staff: sql`t.staff_id::text`, hour: hourOf(sql`t.issued_at`, p.timeZone),
  }[groupBy]
  return grouped<TicketFigureRow>(db, key, (k) => sql`
      SELECT ${k} AS k, t.status, t.counter_issued,
        (t.status = 'done' AND ${afterHours(p, sql`t.finished_at`)}) AS after_hours,
        extract(epoch FROM fc.at - t.issued_at)::float8 AS wait,
        CASE WHEN t.status = 'done' THEN extract(epoch FROM t.finished_at - t.started_at)::float8 END AS service,
        extract(epoch FROM t.started_at - fc.at)::float8 AS walk
      FROM ticket t
      -- first calls, read once for the period: a ticket is only ever called on its own service day
      LEFT JOIN (
        SELECT e.ticket_id, min(e.at) AS at FROM ticket_event e
        WHERE e.center_id = ${p.centerId} AND e.at >= ${ps} AND e.at < ${pe} AND e.type IN ('called', 'called_out_of_order')
        GROUP BY e.ticket_id) fc ON fc.ticket_id = t.id
      WHERE t.center_id = ${p.centerId} AND t.service_day BETWEEN ${p.from}::date AND ${p.to}::date`, sql`
    count(*)::int AS issued,
    count(*) FILTER (WHERE x.counter_issued)::int AS counter_issued,
    count(*) FILTER (WHERE x.after_hours)::int AS served_after_hours,
    count(*) FILTER (WHERE x.status = 'done')::int AS served,
    count(*) FILTER (WHERE x.status = 'no_show')::int AS no_show,
    count(*) FILTER (WHERE x.status = 'cancelled')::int AS cancelled,
    count(*) FILTER (WHERE x.status = 'expired')::int AS expired,
    count(*) FILTER (WHERE x.status = 'transferred')::int AS transferred,
    avg(x.wait)::float8 AS wait_avg,
    percentile_cont(0.5) WITHIN GROUP (ORDER BY x.wait) AS wait_median,
    percentile_cont(0.9) WITHIN GROUP (ORDER BY x.wait) AS wait_p90,
    avg(x.service)::float8 AS service_avg,
    percentile_cont(0.5) WITHIN GROUP (ORDER BY x.service) AS service_median,
    avg(x.walk)::float8 AS walk_avg`)
}

/** Ratings of the period's tickets, by level (the 5-level axis, whatever scale each was given on). */
export function ratingFigures(db: Executor, p: Period, groupBy: ReportGroupBy) {
  const key = {
    day: sql`t.service_day::text`, service: sql`r.service_id::text`, counter: sql`r.counter_id::text`,
    staff: sql`r.staff_id::text`, hour: hourOf(sql`t.issued_at`, p.timeZone),
  }[groupBy]
  return grouped<RatingFigureRow>(db, key, (k) => sql`
      SELECT ${k} AS k, r.level
      FROM rating r JOIN ticket t ON t.id = r.ticket_id
      WHERE r.center_id = ${p.centerId} AND t.service_day BETWEEN ${p.from}::date AND ${p.to}::date`, sql`
    count(*)::int AS ratings,
    count(*) FILTER (WHERE x.level = 5)::int AS l5,
    count(*) FILTER (WHERE x.level = 4)::int AS l4,
    count(*) FILTER (WHERE x.level = 3)::int AS l3,
    count(*) FILTER (WHERE x.level = 2)::int AS l2,
    count(*) FILTER (WHERE x.level = 1)::int AS l1`)
}

/**
 * Counter time in the period (clipped to it and to now): each counter's timeline merges its own events
 * (open/resume → open, pause → paused, close → closed) with the ticket events at it that start or end a
 * ticket's stay at the desk (called/resumed → busy; done, no-show, held, transferred, cancelled → free).
 * Paused = time in "paused"; idle = time open, not paused, and not busy. Time is credited to the clerk who
 * opened the counter, and sliced into days or hours of the center's time zone for those groupings.
 * By service: not computed (null key). One sort and one window pass: the last counter event and the last
 * ticket event before each point are carried forward as running maxima.
 */
export function counterTime(db: Executor, p: Period, groupBy: ReportGroupBy) {
  const { ps, pe } = bounds(p)
  const now = p.now.toISOString()
  const sliced = groupBy === 'day' || groupBy === 'hour'
  const unit = groupBy === 'hour' ? 'hour' : 'day'
  const key = {
    day: sql`(agg.local)::date::text`, hour: sql`extract(hour FROM agg.local)::int::text`,
    counter: sql`agg.counter_id::text`, staff: sql`ceo.staff_id::text`, service: sql`NULL::text`,
  }[groupBy]
  // days or hours: a segment within one bucket goes there as it is; the few crossing a boundary are cut
  const tz = p.timeZone, step = `1 ${unit}`
  const bucketOf = (t: RawBuilder<unknown>) => sql`date_trunc(${unit}, ${t} AT TIME ZONE ${tz})`
  const last = sql`(seg.e - interval '1 microsecond')`
  const pieces = sliced ? sql`
        SELECT seg.counter_id, seg.ce_id, seg.busy, ${bucketOf(sql`seg.s`)} AS local, seg.s, seg.e FROM seg
        WHERE seg.s < seg.e AND ${bucketOf(sql`seg.s`)} = ${bucketOf(last)}
        UNION ALL
        SELECT seg.counter_id, seg.ce_id, seg.busy, d, greatest(seg.s, d AT TIME ZONE ${tz}), least(seg.e, (d + ${step}::interval) AT TIME ZONE ${tz})
        FROM seg CROSS JOIN LATERAL generate_series(${bucketOf(sql`seg.s`)}, seg.e AT TIME ZONE ${tz}, ${step}::interval) AS d
        WHERE seg.s < seg.e AND ${bucketOf(sql`seg.s`)} <> ${bucketOf(last)}`
    : sql`SELECT seg.counter_id, seg.ce_id, seg.busy, NULL::timestamp AS local, seg.s, seg.e FROM seg WHERE seg.s < seg.e`
  return grouped<CounterTimeRow>(db, key, (k) => sql`
      WITH ce AS (
        SELECT e.counter_id, e.at, e.id, e.type, CASE WHEN e.type = 'open' THEN e.staff_id END AS opener
        FROM counter_event e JOIN counter c ON c.id = e.counter_id
        WHERE c.center_id = ${p.centerId} AND e.at >= ${ps} AND e.at < ${pe}
        UNION ALL
        -- each counter's state as the period starts: its last event before, and who had opened it
        SELECT c.id, ${ps}, 0, l.type, o.staff_id
        FROM counter c
        JOIN LATERAL (SELECT e.type FROM counter_event e WHERE e.counter_id = c.id AND e.at < ${ps} ORDER BY e.at DESC, e.id DESC LIMIT 1) l ON true
        LEFT JOIN LATERAL (SELECT e.staff_id FROM counter_event e WHERE e.counter_id = c.id AND e.at < ${ps} AND e.type = 'open' ORDER BY e.at DESC, e.id DESC LIMIT 1) o ON true
        WHERE c.center_id = ${p.centerId}
      ),
      -- who opened the counter for each of its events: the last 'open' at or before it
      ceo AS (
        SELECT ce.*, (array_agg(opener) FILTER (WHERE opener IS NOT NULL) OVER (PARTITION BY counter_id ORDER BY at, id))[
          count(opener) OVER (PARTITION BY counter_id ORDER BY at, id)] AS staff_id
        FROM ce
      ),
      tl AS (
        SELECT counter_id, at, 0 AS src, id, NULL::boolean AS busy FROM ce
        UNION ALL
        -- only the ticket events that change whether a ticket is at the desk (not 'started', not 'recalled')
        SELECT e.counter_id, e.at, 1, e.id, e.to_status IN ('called', 'serving')
        FROM ticket_event e
        WHERE e.center_id = ${p.centerId} AND e.counter_id IS NOT NULL AND e.at >= ${ps} AND e.at < ${pe}
          AND (e.to_status IN ('called', 'serving')) <> coalesce(e.from_status IN ('called', 'serving'), false)
      ),
      g AS (
        SELECT counter_id, at,
          max(CASE WHEN src = 0 THEN ARRAY[extract(epoch FROM at), id] END) OVER w AS last_ce,
          max(CASE WHEN src = 1 THEN ARRAY[extract(epoch FROM at), id, busy::int] END) OVER w AS last_te,
          lead(at) OVER w AS next_at
        FROM tl WINDOW w AS (PARTITION BY counter_id ORDER BY at, src, id)
      ),
      seg AS (
        SELECT counter_id, (last_ce[2])::bigint AS ce_id, coalesce(last_te[3] = 1, false) AS busy,
          at AS s, least(coalesce(next_at, ${pe}), ${pe}, ${now}::timestamptz) AS e
        FROM g WHERE last_ce IS NOT NULL
      ),
      -- summed per counter event (its state and clerk) and bucket first: few rows to label
      pieces AS (${pieces}),
      agg AS (
        SELECT b.counter_id, b.ce_id, b.local, sum(extract(epoch FROM b.e - b.s)) AS all_s,
          sum(extract(epoch FROM b.e - b.s)) FILTER (WHERE NOT b.busy) AS free_s
        FROM pieces b
        WHERE b.e > b.s
        GROUP BY 1, 2, 3
      )
      SELECT ${k} AS k, ceo.type AS state, agg.all_s, agg.free_s
      FROM agg JOIN ceo ON ceo.counter_id = agg.counter_id AND ceo.id = agg.ce_id
      WHERE ceo.type IN ('open', 'resume', 'pause')`, sql`
    (sum(x.all_s) FILTER (WHERE x.state = 'pause'))::float8 AS pause_s,
    (sum(x.free_s) FILTER (WHERE x.state IN ('open', 'resume')))::float8 AS idle_s`)
}

/**
 * Dossiers received in the period: how many; of those, ready early / on time / late so far, overdue now
 * (still being processed after their due time), and rated not satisfied (a rating of Không hài lòng or
 * worse on the ticket the dossier was received from, or on a ticket that checked in with it).
 */
export function dossierFigures(db: Executor, p: Period, groupBy: ReportGroupBy) {
  const { ps, pe } = bounds(p)
  const key = {
    day: sql`(d.received_at AT TIME ZONE ${p.timeZone})::date::text`, service: sql`pr.service_id::text`,
    counter: sql`it.counter_id::text`, staff: sql`d.received_by::text`, hour: hourOf(sql`d.received_at`, p.timeZone),
  }[groupBy]
  const now = p.now.toISOString()
  return grouped<DossierFigureRow>(db, key, (k) => sql`
      SELECT ${k} AS k, d.outcome, ${afterHours(p, sql`d.received_at`)} AS after_hours,
        -- the time runs while received or processing only: a supplement's completion restarts it (docs/dossiers.md)
        (d.status IN ('received', 'processing') AND d.due_at < ${now}::timestamptz) AS overdue,
        -- two lookups, each by an index (rating_one_per_ticket; ticket_dossier), rather than one OR that scans ratings
        (EXISTS (SELECT 1 FROM rating r WHERE r.ticket_id = d.ticket_id AND r.level <= 2)
          OR EXISTS (SELECT 1 FROM ticket ct JOIN rating r ON r.ticket_id = ct.id WHERE ct.dossier_id = d.id AND r.level <= 2)) AS rated_bad
      FROM dossier d
      JOIN procedure pr ON pr.id = d.procedure_id
      LEFT JOIN ticket it ON it.id = d.ticket_id
      -- created_at ≤ received_at: bounds the scan of the (center_id, created_at) index
      WHERE d.center_id = ${p.centerId} AND d.created_at < ${pe} AND d.received_at >= ${ps} AND d.received_at < ${pe}`, sql`
    count(*)::int AS received,
    count(*) FILTER (WHERE x.outcome = 'early')::int AS early,
    count(*) FILTER (WHERE x.outcome = 'on_time')::int AS on_time,
    count(*) FILTER (WHERE x.outcome = 'late')::int AS late,
    count(*) FILTER (WHERE x.overdue)::int AS overdue_now,
    count(*) FILTER (WHERE x.rated_bad)::int AS rated_not_satisfied,
    count(*) FILTER (WHERE x.after_hours)::int AS received_after_hours`)
}

/**
 * W2 (issue 22): fees collected in the period (Decree 118 Art. 24): the sum paid and the number of
 * payments, by the day and hour they were collected, the clerk who collected them, the procedure's
 * service, or the counter of the ticket the dossier was received from.
 */
export function feeFigures(db: Executor, p: Period, groupBy: ReportGroupBy) {
  const { ps, pe } = bounds(p)
  const key = {
    day: sql`(d.fee_collected_at AT TIME ZONE ${p.timeZone})::date::text`, service: sql`pr.service_id::text`,
    counter: sql`it.counter_id::text`, staff: sql`d.fee_collected_by::text`, hour: hourOf(sql`d.fee_collected_at`, p.timeZone),
  }[groupBy]
  return grouped<FeeFigureRow>(db, key, (k) => sql`
      SELECT ${k} AS k, d.fee_paid_vnd
      FROM dossier d
      JOIN procedure pr ON pr.id = d.procedure_id
      LEFT JOIN ticket it ON it.id = d.ticket_id
      WHERE d.center_id = ${p.centerId} AND d.fee_collected_at >= ${ps} AND d.fee_collected_at < ${pe}`, sql`
    coalesce(sum(x.fee_paid_vnd), 0)::float8 AS fees_vnd,
    count(*)::int AS fee_payments`)
}

/** Labels of the keys: the center's services and counters, and the staff named by `staffIds` (who may have moved since). */
export async function labels(db: Executor, centerId: string, staffIds: string[]) {
  const [services, counters, staff] = await Promise.all([
    db.selectFrom('service').select(['id', 'prefix', 'name_vi', 'name_en', 'sort_order']).where('center_id', '=', centerId).execute(),
    db.selectFrom('counter').select(['id', 'number']).where('center_id', '=', centerId).execute(),
    staffIds.length ? db.selectFrom('staff').select(['id', 'full_name']).where('id', 'in', staffIds).execute() : Promise.resolve([]),
  ])
  return { services, counters, staff }
}
