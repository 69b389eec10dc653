import { describe, expect, it } from '@jest/globals'
import { localTime } from '../server/time.js'

/** A fresh reading, without the per-minute memory of `localTime`. */
function reference(at: Date, timeZone: string) {
  const p = Object.fromEntries(new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit',
    hour: '2-digit', minute: '2-digit', hourCycle: 'h23', weekday: 'short' }).formatToParts(at).map((x) => [x.type, x.value]))
  return { day: `${p.year}-${p.month}-${p.day}`, hm: `${p.hour}:${p.minute}`, weekday: ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'].indexOf(p.weekday!) + 1 }
}

describe('localTime', () => {
  it('answers as a fresh reading would, across minutes, midnights and time zones asked in turn', () => {
    const zones = ['Asia/Ho_Chi_Minh', 'Asia/Kathmandu', 'America/St_Johns', 'UTC']
    // around Na Sang's midnight (17:00 UTC), a second apart and then jumps, each zone in turn
    let t = Date.parse('2026-11-22T16:58:57Z')
    for (let i = 0; i < 400; i++) {
      t += i % 50 === 49 ? 86_400_000 + 7_777 : 1_000
      for (const z of zones) expect(localTime(new Date(t), z)).toEqual(reference(new Date(t), z))
      // asked again within the minute: the same answer
      expect(localTime(new Date(t), zones[0]!)).toEqual(reference(new Date(t), zones[0]!))
    }
    // back in time, too
    expect(localTime(new Date('2026-11-23T02:00:30Z'), 'Asia/Ho_Chi_Minh')).toEqual({ day: '2026-11-23', hm: '09:00', weekday: 1 })
    expect(localTime(new Date('2026-11-22T16:59:59Z'), 'Asia/Ho_Chi_Minh')).toEqual({ day: '2026-11-22', hm: '23:59', weekday: 7 })
  })

  it('its answer cannot be changed by a caller (the same object serves the whole minute)', () => {
    const lt = localTime(new Date('2026-11-23T02:00:00Z'), 'Asia/Ho_Chi_Minh')
    expect(() => { (lt as { day: string }).day = 'x' }).toThrow()
    expect(localTime(new Date('2026-11-23T02:00:59Z'), 'Asia/Ho_Chi_Minh')).toBe(lt)
  })
})
