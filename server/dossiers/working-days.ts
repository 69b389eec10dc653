import type { OpeningHours } from '../../db/types.js'
import { hoursOn, localTime } from '../time.js'

/**
 * Due dates counted in working days of a center's calendar (pure: no database, no clock).
 *
 * A working day is Monday–Friday unless the calendar marks it a holiday, or a Saturday/Sunday the
 * calendar marks a make-up working day. The rule:
 * - the *start day* is the day of receipt when it is a working day and the dossier came before that
 *   day's closing time; otherwise the next working day (a dossier left on a holiday or after hours
 *   counts as received the next working day);
 * - the *due day* is the Nth working day after the start day (N = 0: the start day itself);
 * - the dossier is due at the center's closing time of the due day.
 */
export interface WorkCalendar {
  timeZone: string
  hours: OpeningHours
  /** 'YYYY-MM-DD' → the day's exception to the Monday–Friday rule */
  days: ReadonlyMap<string, 'holiday' | 'workday'>
}

/** No calendar holds more than a year of holidays in a row: a loop past this is a broken calendar. */
const MAX_SCAN_DAYS = 3660
/** Closing time used when the center has no hours at all (a new center not yet set up). */
const DEFAULT_CLOSING = '17:00'

/** ISO weekday of a 'YYYY-MM-DD' date (1 = Monday). */
export function weekdayOf(day: string): number {
  const d = new Date(`${day}T00:00:00Z`).getUTCDay()
  return d === 0 ? 7 : d
}

export function addDays(day: string, n: number): string {
  const d = new Date(`${day}T00:00:00Z`)
  d.setUTCDate(d.getUTCDate() + n)
  return d.toISOString().slice(0, 10)
}

export function isWorkingDay(cal: WorkCalendar, day: string): boolean {
  const exception = cal.days.get(day)
  if (exception) return exception === 'workday'
  return weekdayOf(day) <= 5
}

/** The first working day strictly after `day`. */
export function nextWorkingDay(cal: WorkCalendar, day: string): string {
  let d = day
  for (let i = 0; i < MAX_SCAN_DAYS; i++) {
    d = addDays(d, 1)
    if (isWorkingDay(cal, d)) return d
  }
  throw new Error(`no working day within ${MAX_SCAN_DAYS} days after ${day}`)
}

/**
 * A working day's opening intervals: its weekday's, or, for a make-up Saturday or Sunday without hours
 * of its own, those of the first weekday that has some (a make-up day replaces a weekday).
 */
function workdayHours(hours: OpeningHours, day: string): [string, string][] {
  const own = hoursOn(hours, weekdayOf(day))
  if (own.length) return own
  for (let wd = 1; wd <= 7; wd++) {
    const list = hoursOn(hours, wd)
    if (list.length) return list
  }
  return []
}

/** The day's closing time: the end of its last opening interval (see workdayHours). */
export function closingTime(hours: OpeningHours, day: string): string {
  const list = workdayHours(hours, day)
  return list.length ? list[list.length - 1]![1] : DEFAULT_CLOSING
}

/**
 * The weekly hours as they apply on `day`, given the calendar's word for it: a holiday has none, a
 * make-up working day works (see workdayHours); other days keep their weekday's hours.
 */
export function hoursOnDay(hours: OpeningHours, day: string, kind: 'holiday' | 'workday' | undefined): OpeningHours {
  if (!kind) return hours
  const weekday = String(weekdayOf(day)) as keyof OpeningHours
  return { ...hours, [weekday]: kind === 'holiday' ? [] : workdayHours(hours, day) }
}

/** The instant at wall-clock `hm` of `day` in `timeZone` (offsets read from the time zone database). */
export function zonedInstant(day: string, hm: string, timeZone: string): Date {
  const wanted = Date.parse(`${day}T${hm}:00Z`)
  let t = wanted
  // two passes settle any fixed or DST offset: read what the guess shows locally, shift by the difference
  for (let i = 0; i < 2; i++) {
    const lt = localTime(new Date(t), timeZone)
    t += wanted - Date.parse(`${lt.day}T${lt.hm}:00Z`)
  }
  return new Date(t)
}

/** The working day from which processing days are counted (see the rule above). */
export function startDay(cal: WorkCalendar, receivedAt: Date): string {
  const lt = localTime(receivedAt, cal.timeZone)
  if (isWorkingDay(cal, lt.day) && lt.hm < closingTime(cal.hours, lt.day)) return lt.day
  return nextWorkingDay(cal, lt.day)
}

/** The due day: `processingDays` working days after the start day. */
export function dueDay(cal: WorkCalendar, receivedAt: Date, processingDays: number): string {
  let d = startDay(cal, receivedAt)
  for (let i = 0; i < processingDays; i++) d = nextWorkingDay(cal, d)
  return d
}

/** When the dossier is due: the closing time of its due day. */
export function dueAt(cal: WorkCalendar, receivedAt: Date, processingDays: number): Date {
  const day = dueDay(cal, receivedAt, processingDays)
  return zonedInstant(day, closingTime(cal.hours, day), cal.timeZone)
}

/** The closing time of a given day, as an instant (an extension picked as a date is due then). */
export function closingInstant(cal: Pick<WorkCalendar, 'hours' | 'timeZone'>, day: string): Date {
  return zonedInstant(day, closingTime(cal.hours, day), cal.timeZone)
}

/**
 * early: ready before the due day began; on_time: ready by the due time; late: after it.
 * (DESIGN §3: every dossier is counted as one of the three once its result is ready.)
 */
export function outcomeOf(readyAt: Date, due: Date, timeZone: string): 'early' | 'on_time' | 'late' {
  if (readyAt.getTime() > due.getTime()) return 'late'
  return localTime(readyAt, timeZone).day < localTime(due, timeZone).day ? 'early' : 'on_time'
}
