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

/** The center's wall-clock view of an instant. */
export function localTime(at: Date, timeZone: string): LocalTime {
  const p = Object.fromEntries(formatter(timeZone).formatToParts(at).map((x) => [x.type, x.value]))
  return { day: `${p.year}-${p.month}-${p.day}`, hm: `${p.hour}:${p.minute}`, weekday: WEEKDAYS[p.weekday!]! }
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
