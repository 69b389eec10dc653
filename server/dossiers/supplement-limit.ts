/**
 * Art. 19.5 of Decree 118/2025/NĐ-CP: a dossier found incomplete after its receipt is returned for a
 * supplement "không quá 03 ngày làm việc kể từ ngày tiếp nhận hồ sơ" (sector law may set another period:
 * not modelled). The limit is the end of the 3rd working day after the day the processing time started
 * from (the receipt day, or the next working day when it came on a day off or after closing: the rule of
 * due dates, server/dossiers/working-days.ts); the clerk has the whole of that day.
 */
import type { Executor } from '../../db/create-db.js'
import { findCenterById } from '../centers/center.repository.js'
import * as repo from './dossier.repository.js'
import { addDays, nextWorkingDay, startDay, zonedInstant, type WorkCalendar } from './working-days.js'
import { localTime } from '../time.js'
import { AppError } from '../errors.js'

export const SUPPLEMENT_LIMIT_WORKING_DAYS = 3

/** The last moment (exclusive) a supplement may be requested for a dossier received at `receivedAt`. */
export function supplementLimitAt(cal: WorkCalendar, receivedAt: Date): Date {
  let day = startDay(cal, receivedAt)
  for (let i = 0; i < SUPPLEMENT_LIMIT_WORKING_DAYS; i++) day = nextWorkingDay(cal, day)
  return zonedInstant(addDays(day, 1), '00:00', cal.timeZone)
}

/** The same, with the center's calendar read from the database (a few weeks from the receipt are enough). */
export async function supplementLimit(db: Executor, centerId: string, receivedAt: Date): Promise<Date> {
  const center = await findCenterById(db, centerId)
  const day = localTime(receivedAt, center.time_zone).day
  const rows = await repo.calendarDays(db, center.id, day, addDays(day, 60))
  return supplementLimitAt({ timeZone: center.time_zone, hours: center.opening_hours, days: new Map(rows.map((r) => [r.date, r.kind])) }, receivedAt)
}

/**
 * Refuses a supplement request for a received dossier past its limit: `409 SUPPLEMENT_TOO_LATE {date}` (the
 * last day, dd/mm/yyyy). An online filing not yet received is answered under Art. 17.2 (8 working hours) instead.
 */
export async function assertSupplementInTime(db: Executor, d: { center_id: string; received_at: Date | string | null }, now: Date): Promise<void> {
  if (!d.received_at) return
  const limit = await supplementLimit(db, d.center_id, new Date(d.received_at))
  if (now.getTime() < limit.getTime()) return
  const center = await findCenterById(db, d.center_id)
  const last = localTime(new Date(limit.getTime() - 1), center.time_zone).day
  throw new AppError('SUPPLEMENT_TOO_LATE', { date: last.split('-').reverse().join('/'), limitAt: limit.toISOString() })
}
