import { sql, type RawBuilder } from 'kysely'
import type { Executor } from '../../db/create-db.js'
import type { ServiceStat } from '../../common/types.js'
import type { OpeningHours } from '../../db/types.js'
import { localTime } from '../time.js'
import { hmOf, intervalsOn, minutesOf, openTimeUntil, resumesAt, type Interval } from './schedule.js'

/*
 * Estimated wait, in whole minutes (docs/queue.md, "Position and estimated wait"): the work ahead (the
 * tickets ahead × the service's average of its last 20 completed tickets, its default when fewer than 3,
 * and its share of the older tickets of the other services its primary counters take first), done by
 * the counters serving it, each joining once it is free for it (its ticket in hand done; a backup counter
 * after its primary services' waiting work; a paused one when its clerk said they would be back, else when
 * expected): `doneAfter`, then
 * laid on the day's open time from now, so the lunch break and the time before opening do not count.
 */

export interface ServingCounter {
  status: 'open' | 'paused' | 'closed'; afterSeconds: number; sinceMinute: number; handSeconds: number
  /** a paused counter's: the local minute its clerk said they would be back, -1 once past, null when not said */
  untilMinute: number | null
}

/** What is left (seconds) of a ticket in hand called `elapsed` seconds ago: its service's average less that, at least a quarter of it. */
export function handLeft(avg: number, elapsed: number): number {
  return Math.max(avg - elapsed, avg / 4)
}

/** What the queue figures of one service of the day are made of. */
export interface ServiceFigures {
  id: string
  defaultServiceMinutes: number
  dailyCap: number | null
  /** waiting tickets now (`queue_count`, kept exact by triggers on `ticket`) */
  waiting: number
  /** the places taken today: the last number issued, plus the bookings still holding a place (what a daily cap counts) */
  issued: number
  /** mean time from call to completion (the walk to the counter included) of the last 20 completed tickets of the past 14 days; null while fewer than 3 */
  avgSeconds: number | null
  /**
   * the counters serving it in either tier: their state, when their state began (local minute), and
   * the work (seconds) they do before they call it: what is left of their ticket in hand (handSeconds),
   * and in the backup tier the waiting work of their primary services shared among those services'
   * primary counters (afterSeconds)
   */
  counters: ServingCounter[]
  /** the waiting work (seconds) of the other services its primary counters take in the same queue order */
  otherWorkSeconds: number
  /** the day's opening intervals (minutes since local midnight, the calendar applied) and the local minute now */
  intervals: Interval[]
  nowMinute: number
}

/**
 * The figures of the center's services for the day (only `serviceIds` when given), in board order
 * (sort order, prefix): one statement, and none of its parts grows with the queue (the waiting count
 * is one row of `queue_count`; the service times read at most 20 rows per service through an index).
 */
export async function loadServiceFigures(db: Executor, centerId: string, serviceDay: string, now: Date, serviceIds?: string[]): Promise<ServiceFigures[]> {
  if (serviceIds && !serviceIds.length) return []
  const { rows } = await serviceFiguresQuery(centerId, serviceDay, now, serviceIds).execute(db)
  return rows.map((r) => toFigures(r, serviceDay, now))
}

export type FiguresRow = {
  id: string; default_service_minutes: number; daily_cap: number | null; waiting: number; issued: number; avg_s: number | null; done_n: number
  counters: string | { status: ServingCounter['status']; after: number; since: string; until: string | null; hand: number | null; handAt: string | null }[]; other_work: number
  time_zone: string; opening_hours: OpeningHours; day_kind: 'holiday' | 'workday' | null
}

export function toFigures(r: FiguresRow, serviceDay: string, now: Date): ServiceFigures {
  const lt = localTime(now, r.time_zone)
  const hours = typeof r.opening_hours === 'string' ? JSON.parse(r.opening_hours) as OpeningHours : r.opening_hours
  return {
    id: r.id, defaultServiceMinutes: r.default_service_minutes, dailyCap: r.daily_cap, waiting: Number(r.waiting),
    issued: Number(r.issued), avgSeconds: r.done_n >= 3 ? r.avg_s : null, otherWorkSeconds: Number(r.other_work),
    counters: (typeof r.counters === 'string' ? JSON.parse(r.counters) as Exclude<FiguresRow['counters'], string> : r.counters)
      .map((c) => ({ status: c.status, afterSeconds: Number(c.after), sinceMinute: minuteOf(c.since, r.time_zone, serviceDay),
        // a time already past (today or an earlier day: a counter left paused overnight) is -1: the clerk is late
        untilMinute: c.until === null ? null : new Date(c.until).getTime() <= now.getTime() ? -1 : minuteOf(c.until, r.time_zone, serviceDay, 24 * 60),
        handSeconds: c.hand === null || c.handAt === null ? 0 : handLeft(Number(c.hand), (now.getTime() - new Date(c.handAt).getTime()) / 1000) })),
    intervals: intervalsOn(hours, serviceDay, r.day_kind),
    // a ticket of an earlier day still waiting (before the expiry sweep): its day is over, all time counts
    nowMinute: lt.day === serviceDay ? minutesOf(lt.hm) + now.getUTCSeconds() / 60 : 24 * 60,
  }
}

/**
 * The mean service time (seconds) and count of the last 20 completed tickets (of the past 14 days) of
 * the service `serviceId` names: at most 20 rows through an index.
 */
const doneTimes = (serviceId: RawBuilder<unknown>, since: Date) => sql`
  SELECT avg(extract(epoch FROM x.finished_at - coalesce(x.called_at, x.started_at)))::float8 AS avg_s, count(*)::int AS n
  FROM (SELECT finished_at, called_at, started_at FROM ticket
        WHERE service_id = ${serviceId} AND status = 'done' AND finished_at >= ${since}
        ORDER BY finished_at DESC LIMIT 20) x`

/**
 * The statement of `loadServiceFigures` (bench/scaling.ts shows its plan). Every service of the center
 * is read for its waiting count (a handful of rows, one `queue_count` row each) because a service's wait
 * depends on the others': a counter takes its primary services' tickets in queue order and its backup
 * services' only when none of those waits. The service times (at most 20 done tickets each, through an
 * index) are read once per service (`sec`), for the services asked for and those with people waiting:
 * the only ones a figure uses (the other services' work, a backup counter's primary work, a ticket in hand).
 */
export function serviceFiguresQuery(centerId: string, serviceDay: string, now: Date, serviceIds?: string[]) {
  const since = new Date(now.getTime() - 14 * 86_400_000)
  // one service (a tap's, a call's) as a plain parameter: with `= ANY(array)` PostgreSQL planned the statement afresh
  // at every run once its tables had statistics (a custom plan each time, ~1 ms of planning: docs/benchmarks.md)
  const asked = !serviceIds ? sql`true` : serviceIds.length === 1 ? sql`w.id = ${serviceIds[0]}::uuid` : sql`w.id = ANY(${serviceIds}::uuid[])`
  const only = serviceIds ? sql`AND ${asked}` : sql``
  return sql<FiguresRow>`
    WITH w AS (
      SELECT s.id, s.sort_order, s.prefix, s.default_service_minutes, s.daily_cap, coalesce(q.waiting, 0) AS waiting,
        coalesce(n.last, 0) + coalesce(n.booked, 0) AS issued
      FROM service s
      LEFT JOIN queue_count q ON q.service_id = s.id AND q.service_day = ${serviceDay}
      LEFT JOIN ticket_number n ON n.service_id = s.id AND n.service_day = ${serviceDay}
      WHERE s.center_id = ${centerId}
    ),
    cs AS (
      SELECT x.counter_id, x.service_id, x.tier, c.status, c.status_since, c.pause_until, h.service_id AS hand_service, h.called_at AS hand_at
      FROM counter_service x JOIN counter c ON c.id = x.counter_id
      LEFT JOIN LATERAL (SELECT t.service_id, coalesce(t.called_at, t.started_at) AS called_at FROM ticket t
        WHERE t.counter_id = x.counter_id AND t.status IN ('called', 'serving') LIMIT 1) h ON true
      WHERE c.center_id = ${centerId}
    ),
    -- a service's primary counters that share its waiting work: the staffed ones (open or paused), all of them when none is
    pc AS (SELECT service_id, coalesce(nullif(count(*) FILTER (WHERE status <> 'closed'), 0), count(*)) AS total FROM cs WHERE tier = 1 GROUP BY service_id),
    -- the service time (seconds) of the services a figure uses, each read once: the ones asked for and those with people waiting
    -- (the others' work, a backup counter's primary work, a ticket in hand); its average when 3 are done, else its default
    sec AS (
      SELECT w.id, r.avg_s, r.n, CASE WHEN r.n >= 3 THEN r.avg_s ELSE w.default_service_minutes * 60 END AS s
      FROM w CROSS JOIN LATERAL (${doneTimes(sql`w.id`, since)}) r
      WHERE w.waiting > 0 OR ${asked}
    )
    SELECT w.id, w.default_service_minutes, w.daily_cap, w.waiting, w.issued, r.avg_s, r.n AS done_n,
      k.counters, o.other_work,
      ce.time_zone, ce.opening_hours, cd.kind AS day_kind
    FROM w
    JOIN center ce ON ce.id = ${centerId}
    LEFT JOIN calendar_day cd ON cd.center_id = ce.id AND cd.date = ${serviceDay}::date
    JOIN sec r ON r.id = w.id
    CROSS JOIN LATERAL (
      -- the counters serving it; a backup one calls it after the waiting work of its primary services (with people waiting), shared among their primary counters
      SELECT coalesce(json_agg(json_build_object('status', cs.status, 'after', coalesce(pw.work, 0), 'since', cs.status_since, 'until', cs.pause_until,
          'hand', CASE WHEN cs.hand_at IS NOT NULL THEN coalesce(hr.s, hw.default_service_minutes * 60) END,
          'handAt', cs.hand_at)), '[]'::json) AS counters
      FROM cs LEFT JOIN w hw ON hw.id = cs.hand_service
      -- the ticket in hand's service: its time when it has people waiting (read anyway) or is this one, else its default
      LEFT JOIN sec hr ON hr.id = hw.id AND (hw.waiting > 0 OR hw.id = w.id)
      LEFT JOIN LATERAL (
        SELECT sum(wp.waiting * rp.s / pc.total)::float8 AS work
        FROM cs p JOIN w wp ON wp.id = p.service_id JOIN pc ON pc.service_id = p.service_id JOIN sec rp ON rp.id = wp.id
        WHERE cs.tier = 2 AND p.counter_id = cs.counter_id AND p.tier = 1 AND wp.waiting > 0
      ) pw ON true
      WHERE cs.service_id = w.id
    ) k
    CROSS JOIN LATERAL (
      -- the waiting work (seconds) of the other services its primary counters also take first, in the part that falls on those counters
      SELECT coalesce(sum(wp.waiting * rp.s * m.shared / m.total), 0)::float8 AS other_work
      FROM (
        -- of the other service's staffed primary counters (all, when none is), those that are this one's primary counters too
        SELECT p.service_id, count(*) FILTER (WHERE p.mine AND (p.status <> 'closed' OR NOT p.any_staffed)) AS shared,
          count(*) FILTER (WHERE p.status <> 'closed' OR NOT p.any_staffed) AS total
        FROM (SELECT q.service_id, q.status, EXISTS (SELECT 1 FROM cs me WHERE me.counter_id = q.counter_id AND me.service_id = w.id AND me.tier = 1) AS mine,
            bool_or(q.status <> 'closed') OVER (PARTITION BY q.service_id) AS any_staffed
          FROM cs q WHERE q.tier = 1 AND q.service_id <> w.id) p
        GROUP BY p.service_id
      ) m JOIN w wp ON wp.id = m.service_id JOIN sec rp ON rp.id = wp.id
      WHERE m.shared > 0 AND wp.waiting > 0
    ) o
    WHERE true ${only}
    ORDER BY w.sort_order, w.prefix`
}

/** A paused counter's clerk who did not say when they would be back is expected after as long again as the pause has lasted (open time), at least this. */
const PAUSE_MINUTES = 10
/** one who said, and is late: expected this much later still */
const LATE_MINUTES = 5

/**
 * The counters a wait is shared among: those staffed (open, or paused: they come back; while the
 * center is open a paused one joins when its clerk said they would be back (5 minutes from now once that
 * time has passed), else after as long again as its pause has lasted, at least 10 minutes).
 * None of those: every counter serving it, else one that calls it now.
 */
export function countersFor(f: ServiceFigures): ServingCounter[] {
  const inBreak = resumesAt(f.intervals, f.nowMinute) !== null
  const back = (c: ServingCounter) => {
    const said = c.untilMinute === null ? null : c.untilMinute < 0 ? 0 : openTimeSince(f.intervals, f.nowMinute, c.untilMinute) // open time to it
    const paused = said !== null ? (said > 0 ? said : LATE_MINUTES) : Math.max(PAUSE_MINUTES, openTimeSince(f.intervals, c.sinceMinute, f.nowMinute))
    return { ...c, afterSeconds: Math.max(c.afterSeconds, paused * 60) }
  }
  const staffed = f.counters.filter((c) => c.status !== 'closed').map((c) => c.status === 'paused' && !inBreak ? back(c) : c)
  const some = staffed.length ? staffed : f.counters
  return some.length ? some : [{ status: 'open', afterSeconds: 0, sinceMinute: 0, handSeconds: 0, untilMinute: null }]
}

/** open minutes between two local minutes of the day */
function openTimeSince(intervals: Interval[], from: number, to: number): number {
  if (!intervals.length) return Math.max(0, to - from)
  return intervals.reduce((m, [a, b]) => m + Math.max(0, Math.min(b, to) - Math.max(a, from)), 0)
}

/** the local minute of the service day an instant falls on; `other` when it falls on another day */
function minuteOf(at: string | Date, timeZone: string, serviceDay: string, other = 0): number {
  const lt = localTime(new Date(at), timeZone)
  return lt.day === serviceDay ? minutesOf(lt.hm) + new Date(at).getUTCSeconds() / 60 : other
}

/**
 * Seconds until `work` seconds of work are done by counters that each start after their own
 * `afterSeconds`: the capacity grows by one as each joins (piecewise linear).
 */
export function doneAfter(work: number, starts: number[]): number {
  const s = [...starts].sort((a, b) => a - b)
  let t = 0, left = Math.max(0, work), cap = 0
  for (const next of s) {
    if (cap > 0 && left <= cap * (next - t)) return t + left / cap
    left -= cap * (next - t)
    t = next
    cap++
  }
  return t + left / Math.max(1, cap)
}

/**
 * The wait of a ticket with `ahead` tickets of its service before it: their work, and the part of the
 * other services' waiting work its primary counters take first (the older tickets: in proportion to its
 * place in its own queue), done by its counters (each joins once its ticket in hand and, for a backup
 * one, its primary services' waiting work are done), laid on the day's open time.
 */
export function estimateFor(f: ServiceFigures, ahead: number) {
  const own = f.avgSeconds ?? f.defaultServiceMinutes * 60
  const others = ahead > 0 ? f.otherWorkSeconds * Math.min(1, ahead / Math.max(1, f.waiting)) : 0
  const counters = countersFor(f)
  const seconds = doneAfter(ahead * own + others, counters.map((c) => c.afterSeconds + c.handSeconds))
  return Math.max(0, Math.ceil(openTimeUntil(f.intervals, f.nowMinute, seconds / 60) - 1e-9))
}

/** 'HH:MM' when the counters call again, if now is in a break or before the day's first opening; else null. */
export function callsResumeAt(f: Pick<ServiceFigures, 'intervals' | 'nowMinute'>): string | null {
  const at = resumesAt(f.intervals, f.nowMinute)
  return at === null ? null : hmOf(at)
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
