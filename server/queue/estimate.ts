import type { Executor } from '../../db/create-db.js'
import type { ServiceStat } from '../../common/types.js'
import { countWaitingByService, issuedToday, openCountersByService, recentServiceSeconds } from './ticket.repository.js'

/**
 * Estimated wait, in whole minutes: the tickets ahead × the average service time of the service's
 * last 20 completed tickets (its default when fewer than 3), shared among the open counters that
 * serve it in either tier (at least one, so a closed service still shows a figure).
 */
export function estimateMinutes(ahead: number, avgServiceSeconds: number, openCounters: number): number {
  if (ahead <= 0) return 0
  return Math.ceil((ahead * avgServiceSeconds) / Math.max(1, openCounters) / 60)
}

export interface ServiceTiming { avgSeconds: Map<string, number>; openCounters: Map<string, number> }

/** Timing of the center's services (only `serviceIds` when given: an event or one ticket needs no more). */
export async function loadServiceTiming(db: Executor, centerId: string, now: Date, serviceIds?: string[]): Promise<ServiceTiming> {
  const [avgSeconds, openCounters] = await Promise.all([
    recentServiceSeconds(db, centerId, now, serviceIds), openCountersByService(db, centerId, serviceIds)])
  return { avgSeconds, openCounters }
}

export function estimateFor(timing: ServiceTiming, service: { id: string; default_service_minutes: number }, ahead: number) {
  const avg = timing.avgSeconds.get(service.id) ?? service.default_service_minutes * 60
  return estimateMinutes(ahead, avg, timing.openCounters.get(service.id) ?? 0)
}

export async function serviceStats(db: Executor, centerId: string, serviceDay: string, now: Date,
  services: { id: string; default_service_minutes: number; daily_cap: number | null }[],
  timingOf: (ids: string[]) => Promise<ServiceTiming> = (ids) => loadServiceTiming(db, centerId, now, ids)): Promise<ServiceStat[]> {
  const ids = services.map((s) => s.id)
  const capped = services.filter((s) => s.daily_cap).map((s) => s.id)
  const [waitingRows, timing, issued] = await Promise.all([
    countWaitingByService(db, centerId, serviceDay, ids), timingOf(ids),
    capped.length ? issuedToday(db, capped, serviceDay) : new Map<string, number>()])
  const waiting = new Map(waitingRows.map((r) => [r.service_id, Number(r.n)]))
  return services.map((s) => {
    const n = waiting.get(s.id) ?? 0
    return { id: s.id, waiting: n, estimatedWaitMinutes: estimateFor(timing, s, n),
      capReached: !!s.daily_cap && (issued.get(s.id) ?? 0) >= s.daily_cap }
  })
}
