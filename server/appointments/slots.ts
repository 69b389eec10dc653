import type { OpeningHours } from '../../db/types.js'
import { hoursOn } from '../time.js'

// A service's slots on one day (issue 24): pure, from the day's opening hours with the center's calendar
// applied (server/dossiers/calendar-cache.ts) and the manager's rule for the weekday.

export interface Rule { weekday: number; slot_minutes: number; capacity: number }

const toMin = (hm: string) => Number(hm.slice(0, 2)) * 60 + Number(hm.slice(3, 5))
const toHm = (m: number) => `${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`

/**
 * The rule of a day: its weekday's; a make-up working Saturday or Sunday without one takes the first
 * weekday's that has one (it replaces a weekday, as its hours do: server/dossiers/working-days.ts).
 */
export function ruleOn(rules: Rule[], weekday: number, makeUpDay: boolean): Rule | undefined {
  const own = rules.find((r) => r.weekday === weekday)
  if (own || !makeUpDay) return own
  return [...rules].sort((a, b) => a.weekday - b.weekday)[0]
}

/**
 * Slot starts of a day: from each opening interval's start, every `slot_minutes`, each ending by the
 * interval's end (no slot runs into the lunch break or past closing), and starting before the kiosk's
 * cut-off (a booked citizen takes their ticket at the kiosk).
 */
export function slotTimes(hours: OpeningHours, weekday: number, rule: Rule, cutoff: string | null): string[] {
  const out: string[] = []
  for (const [from, to] of hoursOn(hours, weekday)) {
    for (let m = toMin(from); m + rule.slot_minutes <= toMin(to); m += rule.slot_minutes) {
      const hm = toHm(m)
      if (cutoff && hm >= cutoff) break
      out.push(hm)
    }
  }
  return out
}
