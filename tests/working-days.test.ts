// Due-date arithmetic in working days: pure, with a fixed calendar (no database, no clock).
import { describe, expect, it } from '@jest/globals'
import { addDays, closingTime, dueAt, dueDay, hoursOnDay, isWorkingDay, outcomeOf, startDay, weekdayOf, zonedInstant, type WorkCalendar } from '../server/dossiers/working-days.js'
import { VN_CALENDAR } from '../common/dossier-holidays-vn.js'

const HOURS: [string, string][] = [['07:00', '11:30'], ['13:30', '17:00']]
/** Na Sang's week, and a fixed slice of the 2026 calendar: Tết (16–20/2) and the 2/1 ↔ 10/1 swap. */
const cal: WorkCalendar = {
  timeZone: 'Asia/Ho_Chi_Minh',
  hours: { 1: HOURS, 2: HOURS, 3: HOURS, 4: HOURS, 5: HOURS },
  days: new Map([
    ['2026-01-01', 'holiday'], ['2026-01-02', 'holiday'], ['2026-01-10', 'workday'],
    ['2026-02-16', 'holiday'], ['2026-02-17', 'holiday'], ['2026-02-18', 'holiday'], ['2026-02-19', 'holiday'], ['2026-02-20', 'holiday'],
  ]),
}
const at = (day: string, hm: string) => new Date(`${day}T${hm}:00+07:00`)
const iso = (day: string, hm: string) => at(day, hm).toISOString()

describe('working days', () => {
  it('knows weekdays, weekends, holidays and make-up Saturdays', () => {
    expect(weekdayOf('2026-11-23')).toBe(1) // Monday
    expect(weekdayOf('2026-11-29')).toBe(7) // Sunday
    expect(isWorkingDay(cal, '2026-11-27')).toBe(true) // Friday
    expect(isWorkingDay(cal, '2026-11-28')).toBe(false) // Saturday
    expect(isWorkingDay(cal, '2026-02-17')).toBe(false) // Tết, a Tuesday
    expect(isWorkingDay(cal, '2026-01-10')).toBe(true) // make-up Saturday
    expect(addDays('2026-12-31', 1)).toBe('2027-01-01')
  })

  it('0 processing days: due the same day at closing time', () => {
    expect(dueAt(cal, at('2026-11-23', '09:00'), 0).toISOString()).toBe(iso('2026-11-23', '17:00'))
  })

  it('counts N working days after the receipt day, across a weekend', () => {
    // Thursday + 3 working days: Friday, Monday, Tuesday
    expect(dueDay(cal, at('2026-11-26', '10:00'), 3)).toBe('2026-12-01')
    expect(dueAt(cal, at('2026-11-26', '10:00'), 3).toISOString()).toBe(iso('2026-12-01', '17:00'))
  })

  it('skips Tết: received the Friday before, 2 days → the Tuesday after the holiday week', () => {
    // 13/2 (Fri) → [weekend, Tết 16–20/2, weekend] → 23/2 (Mon) is day 1, 24/2 (Tue) day 2
    expect(dueDay(cal, at('2026-02-13', '09:00'), 2)).toBe('2026-02-24')
  })

  it('lands on a make-up Saturday, which is worked', () => {
    // Wednesday 7/1 + 3: Thursday 8/1, Friday 9/1, Saturday 10/1 (make-up day)
    expect(dueDay(cal, at('2026-01-07', '09:00'), 3)).toBe('2026-01-10')
    // a make-up Saturday has no hours of its own: it closes like a weekday
    expect(closingTime(cal.hours, '2026-01-10')).toBe('17:00')
    expect(dueAt(cal, at('2026-01-07', '09:00'), 3).toISOString()).toBe(iso('2026-01-10', '17:00'))
  })

  it('a dossier left on a holiday counts from the next working day', () => {
    // Thursday 1/1 (holiday) → start Monday 5/1 (2/1 holiday, 3–4/1 weekend); 0 days → due that day
    expect(startDay(cal, at('2026-01-01', '09:00'))).toBe('2026-01-05')
    expect(dueAt(cal, at('2026-01-01', '09:00'), 0).toISOString()).toBe(iso('2026-01-05', '17:00'))
    expect(dueDay(cal, at('2026-01-01', '09:00'), 1)).toBe('2026-01-06')
  })

  it('a dossier received after closing time counts from the next working day', () => {
    expect(startDay(cal, at('2026-11-27', '16:59'))).toBe('2026-11-27')
    expect(startDay(cal, at('2026-11-27', '17:00'))).toBe('2026-11-30') // Friday 17:00 → Monday
    expect(dueDay(cal, at('2026-11-27', '18:30'), 1)).toBe('2026-12-01')
    // on a Saturday
    expect(startDay(cal, at('2026-11-28', '09:00'))).toBe('2026-11-30')
  })

  it('converts local wall-clock time in the center’s time zone', () => {
    expect(zonedInstant('2026-11-23', '17:00', 'Asia/Ho_Chi_Minh').toISOString()).toBe('2026-11-23T10:00:00.000Z')
    // a zone with daylight saving time works too (no fixed offset assumed)
    expect(zonedInstant('2026-07-01', '17:00', 'Europe/Paris').toISOString()).toBe('2026-07-01T15:00:00.000Z')
    expect(zonedInstant('2026-12-01', '17:00', 'Europe/Paris').toISOString()).toBe('2026-12-01T16:00:00.000Z')
  })

  it('applies the calendar to the weekly hours: a holiday has none, a make-up Saturday works weekday hours', () => {
    expect(hoursOnDay(cal.hours, '2026-02-17', 'holiday')['2']).toEqual([])
    expect(hoursOnDay(cal.hours, '2026-01-10', 'workday')['6']).toEqual(HOURS)
    expect(hoursOnDay(cal.hours, '2026-11-24', undefined)).toBe(cal.hours)
    // other weekdays keep their hours
    expect(hoursOnDay(cal.hours, '2026-02-17', 'holiday')['3']).toEqual(HOURS)
  })

  it('counts early, on time and late', () => {
    const due = at('2026-11-25', '17:00')
    expect(outcomeOf(at('2026-11-24', '16:00'), due, cal.timeZone)).toBe('early')
    expect(outcomeOf(at('2026-11-25', '08:00'), due, cal.timeZone)).toBe('on_time')
    expect(outcomeOf(at('2026-11-25', '17:00'), due, cal.timeZone)).toBe('on_time')
    expect(outcomeOf(at('2026-11-25', '17:01'), due, cal.timeZone)).toBe('late')
  })

  it('the seeded Vietnamese calendar: holidays fall on weekdays, make-up days on weekends, no date twice', () => {
    const dates = VN_CALENDAR.map((d) => d.date)
    expect(new Set(dates).size).toBe(dates.length)
    for (const d of VN_CALENDAR) {
      expect({ date: d.date, weekend: weekdayOf(d.date) >= 6 }).toEqual({ date: d.date, weekend: d.kind === 'workday' })
    }
    for (const year of ['2025', '2026', '2027']) {
      // Tết Dương lịch, five weekdays of Tết, Hùng Kings, 30/4, 1/5, two days of Quốc khánh: 11 days off at least
      expect(VN_CALENDAR.filter((d) => d.date.startsWith(year) && d.kind === 'holiday').length).toBeGreaterThanOrEqual(11)
    }
  })
})
