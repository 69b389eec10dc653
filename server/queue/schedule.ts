import type { OpeningHours } from '../../db/types.js'
import { addDays, hoursOnDay, weekdayOf } from '../dossiers/working-days.js'
import { hoursOn } from '../time.js'

/**
 * A service day's opening hours as the wait estimate counts them (pure: no database, no clock): the
 * counters call only while the center is open, so a wait that reaches the lunch break resumes after
 * it; after the day's last closing every minute counts (clerks serve the tickets already issued).
 */

export type Interval = [number, number]

/** 'HH:MM' → minutes since local midnight */
export function minutesOf(hm: string): number {
  return Number(hm.slice(0, 2)) * 60 + Number(hm.slice(3, 5))
}

/** minutes since local midnight → 'HH:MM' (whole minutes, rounded up: "from 13:30", never a minute early) */
export function hmOf(minutes: number): string {
  const m = Math.ceil(minutes - 1e-9)
  return `${String(Math.floor(m / 60) % 24).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`
}

/** The opening intervals of `day`, in minutes, with the calendar's word for it (holiday: none; make-up day: a weekday's). */
export function intervalsOn(hours: OpeningHours, day: string, kind?: 'holiday' | 'workday' | null): Interval[] {
  return hoursOn(hoursOnDay(hours, day, kind ?? undefined), weekdayOf(day)).map(([a, b]) => [minutesOf(a), minutesOf(b)])
}

/**
 * When the counters call again, if `now` (minutes) falls before the day's first opening or in a break
 * between two openings; null while the center is open, after its last closing, and on a day without hours.
 */
export function resumesAt(intervals: Interval[], now: number): number | null {
  if (intervals.some(([a, b]) => now >= a && now < b)) return null
  const next = intervals.find(([a]) => a > now)
  return next ? next[0] : null
}

/**
 * Minutes from `now` until `work` minutes of open time have passed: closed time before the first
 * opening and in the breaks does not count; after the last closing (and on a day without hours) all does.
 */
export function openTimeUntil(intervals: Interval[], now: number, work: number): number {
  let t = now, left = work
  for (const [a, b] of intervals) {
    if (b <= t) continue
    t = Math.max(t, a)
    if (t + left <= b) return t + left - now
    left -= b - t
    t = b
  }
  return t + left - now
}

/**
 * The next opening at or after `hm` of `day` (that day's later openings first, then the next days with
 * hours, the calendar applied), within `maxDays`; null when none (a center without hours).
 */
export function nextOpening(hours: OpeningHours, kinds: ReadonlyMap<string, 'holiday' | 'workday'>, day: string, hm: string, maxDays = 60): { day: string; at: string } | null {
  const from = minutesOf(hm)
  for (let i = 0; i <= maxDays; i++) {
    const d = addDays(day, i)
    const first = intervalsOn(hours, d, kinds.get(d)).find(([a]) => i > 0 || a >= from)
    if (first) return { day: d, at: hmOf(first[0]) }
  }
  return null
}
