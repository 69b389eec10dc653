import type { Db } from '../../db/create-db.js'
import type { Center } from '../../db/types.js'
import type { Clock } from '../clock.js'
import { addDays, hoursOnDay } from './working-days.js'

/** How long a day's calendar entry is trusted: a change made on another instance is seen within this. */
const TTL_MS = 60_000

/**
 * The calendar's word on one day of a center (holiday, make-up working day, or nothing), cached: the
 * kiosk asks on every ticket, and the calendar changes a few times a year. Changes made through this
 * instance are seen at once (`forget`); those of other instances within a minute.
 */
export class CalendarCache {
  private entries = new Map<string, { kind: 'holiday' | 'workday' | undefined; until: number }>()

  constructor(private db: Db, private clock: Clock) {}

  async kind(centerId: string, day: string): Promise<'holiday' | 'workday' | undefined> {
    const key = `${centerId}|${day}`
    const now = this.clock().getTime()
    const hit = this.entries.get(key)
    if (hit && hit.until > now) return hit.kind
    const row = await this.db.selectFrom('calendar_day').select('kind').where('center_id', '=', centerId).where('date', '=', day).executeTakeFirst()
    if (this.entries.size > 10_000) this.entries.clear() // days roll over: old keys are never asked again
    this.entries.set(key, { kind: row?.kind, until: now + TTL_MS })
    return row?.kind
  }

  /** The center as it works on `day`: its weekly hours with the calendar applied (a holiday: closed). */
  async centerOn(center: Center, day: string): Promise<Center> {
    const kind = await this.kind(center.id, day)
    return kind ? { ...center, opening_hours: hoursOnDay(center.opening_hours, day, kind) } : center
  }

  /** The calendar's exceptions from `from` to `days` days after it (the closed screens' "opens next"; not cached). */
  async upcoming(centerId: string, from: string, days: number): Promise<Map<string, 'holiday' | 'workday'>> {
    const rows = await this.db.selectFrom('calendar_day').select(['date', 'kind']).where('center_id', '=', centerId)
      .where('date', '>=', from).where('date', '<=', addDays(from, days)).execute()
    return new Map(rows.map((r) => [r.date, r.kind]))
  }

  forget(centerId: string) {
    for (const key of this.entries.keys()) if (key.startsWith(`${centerId}|`)) this.entries.delete(key)
  }
}
