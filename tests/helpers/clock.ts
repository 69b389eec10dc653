import type { Clock } from '../../server/clock.js'

export interface TestClock extends Clock {
  set(iso: string | Date): void
  advance(ms: number): void
}

/** A clock that stands still until told; start at a Monday 09:00 in Na Sang unless given another moment. */
export function testClock(start: string = '2026-11-23T09:00:00+07:00'): TestClock {
  let now = new Date(start).getTime()
  const clock = (() => new Date(now)) as TestClock
  clock.set = (t) => { now = new Date(t).getTime() }
  clock.advance = (ms) => { now += ms }
  return clock
}

export const MINUTE = 60_000
