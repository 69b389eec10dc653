import { sql } from 'kysely'
import type { Executor } from '../../db/create-db.js'
import type { ServiceStat } from '../../common/types.js'

/**
 * Estimated wait, in whole minutes: the tickets ahead × the average service time of the service's
 * last 20 completed tickets (its default when fewer than 3), shared among the open counters that
 * serve it in either tier (at least one, so a closed service still shows a figure).
 */
export function estimateMinutes(ahead: number, avgServiceSeconds: number, openCounters: number): number {
  if (ahead <= 0) return 0
  return Math.ceil((ahead * avgServiceSeconds) / Math.max(1, openCounters) / 60)
}

/** What the queue figures of one service of the day are made of. */
export interface ServiceFigures {
  id: string
  defaultServiceMinutes: number
  dailyCap: number | null
  /** waiting tickets now (`queue_count`, kept exact by triggers on `ticket`) */
  waiting: number
  /** the last number taken today (what a daily cap counts) */
  issued: number
  /** mean service time of the last 20 completed tickets of the past 14 days; null while fewer than 3 */
  avgSeconds: number | null
  /** open (not paused) counters serving it in either tier */
  openCounters: number
}

/**
 * The figures of the center's services for the day (only `serviceIds` when given), in board order
 * (sort order, prefix): one statement, and none of its parts grows with the queue (the waiting count
 * is one row of `queue_count`; the service times read at most 20 rows per service through an index).
 */
export async function loadServiceFigures(db: Executor, centerId: string, serviceDay: string, now: Date, serviceIds?: string[]): Promise<ServiceFigures[]> {
  if (serviceIds && !serviceIds.length) return []
  const { rows } = await serviceFiguresQuery(centerId, serviceDay, now, serviceIds).execute(db)
  return rows.map(toFigures)
}

export type FiguresRow = { id: string; default_service_minutes: number; daily_cap: number | null; waiting: number; issued: number; avg_s: number | null; done_n: number; open_counters: number }

export function toFigures(r: FiguresRow): ServiceFigures {
  return {
    id: r.id, defaultServiceMinutes: r.default_service_minutes, dailyCap: r.daily_cap, waiting: Number(r.waiting),
    issued: Number(r.issued), avgSeconds: r.done_n >= 3 ? r.avg_s : null, openCounters: Number(r.open_counters),
  }
}

/** The statement of `loadServiceFigures` (bench/scaling.ts shows its plan). */
export function serviceFiguresQuery(centerId: string, serviceDay: string, now: Date, serviceIds?: string[]) {
  const since = new Date(now.getTime() - 14 * 86_400_000)
  const only = serviceIds ? sql`AND s.id = ANY(${serviceIds}::uuid[])` : sql``
  return sql<FiguresRow>`
    SELECT s.id, s.default_service_minutes, s.daily_cap, coalesce(q.waiting, 0) AS waiting, coalesce(n.last, 0) AS issued,
      r.avg_s, r.n AS done_n,
      (SELECT count(*)::int FROM counter_service cs JOIN counter c ON c.id = cs.counter_id
        WHERE cs.service_id = s.id AND c.status = 'open') AS open_counters
    FROM service s
    LEFT JOIN queue_count q ON q.service_id = s.id AND q.service_day = ${serviceDay}
    LEFT JOIN ticket_number n ON n.service_id = s.id AND n.service_day = ${serviceDay}
    CROSS JOIN LATERAL (
      SELECT avg(extract(epoch FROM x.finished_at - x.started_at))::float8 AS avg_s, count(*)::int AS n
      FROM (SELECT finished_at, started_at FROM ticket
            WHERE service_id = s.id AND status = 'done' AND finished_at >= ${since}
            ORDER BY finished_at DESC LIMIT 20) x
    ) r
    WHERE s.center_id = ${centerId} ${only}
    ORDER BY s.sort_order, s.prefix`
}

export function estimateFor(f: ServiceFigures, ahead: number) {
  return estimateMinutes(ahead, f.avgSeconds ?? f.defaultServiceMinutes * 60, f.openCounters)
}

export function statOf(f: ServiceFigures): ServiceStat {
  return { id: f.id, waiting: f.waiting, estimatedWaitMinutes: estimateFor(f, f.waiting),
    capReached: !!f.dailyCap && f.issued >= f.dailyCap }
}

/** Waiting count, estimate and cap of each of `services` (board order of the rows read). */
export async function serviceStats(db: Executor, centerId: string, serviceDay: string, now: Date,
  services: { id: string }[]): Promise<ServiceStat[]> {
  if (!services.length) return []
  return (await loadServiceFigures(db, centerId, serviceDay, now, services.map((s) => s.id))).map(statOf)
}
