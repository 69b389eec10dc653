import type { Center } from '../../db/types.js'
import type { Executor } from '../../db/create-db.js'
import { hoursOn, localTime } from '../time.js'
import { calendarDays } from './dossier.repository.js'
import { addDays, hoursOnDay, isWorkingDay, weekdayOf, zonedInstant, type WorkCalendar } from './working-days.js'

/**
 * Online dossiers are accepted, or returned for changes, within 8 working hours of the system's receipt
 * (Decree 118/2025/NĐ-CP Art. 17.2.c; issue 21). Working hours are the opening intervals of the center's working days
 * (the same calendar as due dates: holidays off, make-up days on); a working day without hours counts 08:00–12:00 and
 * 13:00–17:00. Pure but for `onlineCalendar`, which reads the center's calendar.
 */
export const ONLINE_ANSWER_MINUTES = 8 * 60
/** the manager's floor alerts when less than this is left (issue 21) */
export const ONLINE_ALERT_MINUTES = 2 * 60
const FALLBACK: [string, string][] = [['08:00', '12:00'], ['13:00', '17:00']]
const MAX_DAYS = 400

/** The working intervals of one local day, as instants. */
function intervals(cal: WorkCalendar, day: string): [number, number][] {
  if (!isWorkingDay(cal, day)) return []
  const list = hoursOn(hoursOnDay(cal.hours, day, cal.days.get(day)), weekdayOf(day))
  return (list.length ? list : FALLBACK).map(([a, b]) => [zonedInstant(day, a, cal.timeZone).getTime(), zonedInstant(day, b, cal.timeZone).getTime()])
}

/** The instant `minutes` working minutes after `from`. */
export function addWorkingMinutes(cal: WorkCalendar, from: Date, minutes: number): Date {
  let left = minutes * 60_000
  let day = localTime(from, cal.timeZone).day
  for (let i = 0; i < MAX_DAYS; i++, day = addDays(day, 1)) {
    for (const [a, b] of intervals(cal, day)) {
      const start = Math.max(a, from.getTime())
      if (b <= start) continue
      if (left <= b - start) return new Date(start + left)
      left -= b - start
    }
  }
  throw new Error(`no ${minutes} working minutes within ${MAX_DAYS} days of ${from.toISOString()}`)
}

/** Working minutes from `from` to `to` (negative when `to` is earlier), rounded down. */
export function workingMinutesBetween(cal: WorkCalendar, from: Date, to: Date): number {
  if (to.getTime() < from.getTime()) return -workingMinutesBetween(cal, to, from)
  let ms = 0
  let day = localTime(from, cal.timeZone).day
  const last = localTime(to, cal.timeZone).day
  for (let i = 0; i < MAX_DAYS && day <= last; i++, day = addDays(day, 1)) {
    for (const [a, b] of intervals(cal, day)) ms += Math.max(0, Math.min(b, to.getTime()) - Math.max(a, from.getTime()))
  }
  return Math.floor(ms / 60_000)
}

/** When the center must have answered an online filing made at `filedAt`. */
export function onlineAnswerDue(cal: WorkCalendar, filedAt: Date): Date {
  return addWorkingMinutes(cal, filedAt, ONLINE_ANSWER_MINUTES)
}

/** The center's calendar from `from` (the oldest filing) to a month after `to`. */
export async function onlineCalendar(db: Executor, center: Center, from: Date, to: Date): Promise<WorkCalendar> {
  const rows = await calendarDays(db, center.id, localTime(from, center.time_zone).day, addDays(localTime(to, center.time_zone).day, 31))
  return { timeZone: center.time_zone, hours: center.opening_hours, days: new Map(rows.map((r) => [r.date, r.kind])) }
}
