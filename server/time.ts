import type { OpeningHours } from '../db/types.js'

export interface LocalTime {
  /** service day: the local date, 'YYYY-MM-DD' */
  day: string
  /** 'HH:MM' local */
  hm: string
  /** ISO weekday, 1 = Monday */
  weekday: number
}

const formatters = new Map<string, Intl.DateTimeFormat>()
function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone)
  if (!f) {
    f = new Intl.DateTimeFormat('en-CA', {
      timeZone, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit',
      hourCycle: 'h23', weekday: 'short',
    })
    formatters.set(timeZone, f)
  }
  return f
}
const WEEKDAYS: Record<string, number> = { Mon: 1, Tue: 2, Wed: 3, Thu: 4, Fri: 5, Sat: 6, Sun: 7 }

/**
 * Answers by time zone and minute (formatToParts costs ~10 µs): a request asks for now several times, and an
 * estimate also for the minutes counters were paused at, so one entry per zone would be evicted in turn. The
 * minutes asked for are few (now, and the day's pauses); the map is emptied should it ever hold many.
 */
const minutes = new Map<string, Readonly<LocalTime>>()
const MAX_MINUTES = 10_000

/**
 * The center's wall-clock view of an instant (frozen: shared by the calls of one minute; every time
 * zone in use is offset from UTC by whole minutes, so the day, time and weekday are those of the minute).
 */
export function localTime(at: Date, timeZone: string): Readonly<LocalTime> {
  const key = `${timeZone} ${Math.floor(at.getTime() / 60_000)}`
  const known = minutes.get(key)
  if (known) return known
  const p = Object.fromEntries(formatter(timeZone).formatToParts(at).map((x) => [x.type, x.value]))
  const lt = Object.freeze({ day: `${p.year}-${p.month}-${p.day}`, hm: `${p.hour}:${p.minute}`, weekday: WEEKDAYS[p.weekday!]! })
  if (minutes.size >= MAX_MINUTES) minutes.clear()
  minutes.set(key, lt)
  return lt
}

export function hoursOn(hours: OpeningHours, weekday: number): [string, string][] {
  return hours[String(weekday) as keyof OpeningHours] ?? []
}

export function isOpenAt(hours: OpeningHours, t: LocalTime): boolean {
  return hoursOn(hours, t.weekday).some(([from, to]) => t.hm >= from && t.hm < to)
}

export function describeHours(hours: OpeningHours, weekday: number, closedWord: string): string {
  const list = hoursOn(hours, weekday)
  return list.length ? list.map(([a, b]) => `${a}–${b}`).join(', ') : closedWord
}
