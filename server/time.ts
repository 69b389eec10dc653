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

/** The last answer per time zone, by the minute it is for: a request asks several times (formatToParts costs ~10 µs). */
const lastMinute = new Map<string, { minute: number; at: Readonly<LocalTime> }>()

/**
 * The center's wall-clock view of an instant (frozen: shared by the calls of one minute; every time
 * zone in use is offset from UTC by whole minutes, so the day, time and weekday are those of the minute).
 */
export function localTime(at: Date, timeZone: string): Readonly<LocalTime> {
  const minute = Math.floor(at.getTime() / 60_000)
  const last = lastMinute.get(timeZone)
  if (last?.minute === minute) return last.at
  const p = Object.fromEntries(formatter(timeZone).formatToParts(at).map((x) => [x.type, x.value]))
  const lt = Object.freeze({ day: `${p.year}-${p.month}-${p.day}`, hm: `${p.hour}:${p.minute}`, weekday: WEEKDAYS[p.weekday!]! })
  lastMinute.set(timeZone, { minute, at: lt })
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
