import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { backends } from './helpers/db.js'
import { startHarness, type Harness } from './helpers/harness.js'
import { addClerk, addCounter, addService, holderGet, issue, issued, openLine, type Line } from './queue-fixtures.js'
import { doneAfter, handLeft } from '../server/queue/estimate.js'
import { intervalsOn, nextOpening, openTimeUntil, resumesAt } from '../server/queue/schedule.js'
import { DEMO_HOURS } from '../db/seed-demo.js'

/**
 * Issue 24, "Honest estimates around breaks": the wait counts the lunch break and the closed hours of
 * the day, the pages are told when calls resume, and a closed center says when it opens next.
 * Na Sang: Mon–Fri 07:00–11:30, 13:30–17:00 (Asia/Ho_Chi_Minh, UTC+7).
 */
const local = (day: string, hm: string) => `${day}T${hm}:00+07:00`
const MON = '2026-11-23', FRI = '2026-11-27', SAT = '2026-11-28'

describe('the open time of a day (pure)', () => {
  const day = intervalsOn(DEMO_HOURS, MON)
  it('reads the day’s intervals in minutes, the calendar applied', () => {
    expect(day).toEqual([[420, 690], [810, 1020]])
    expect(intervalsOn(DEMO_HOURS, '2026-09-02', 'holiday')).toEqual([])
    expect(intervalsOn(DEMO_HOURS, SAT, 'workday')).toEqual([[420, 690], [810, 1020]]) // a make-up Saturday
  })
  it('skips the break and the time before opening; after closing every minute counts', () => {
    expect(openTimeUntil(day, 600, 20)).toBe(20) // 10:00 + 20 min of work → 10:20
    expect(openTimeUntil(day, 680, 20)).toBe(10 + 120 + 10) // 11:20: 10 before the break, 10 after 13:30
    expect(openTimeUntil(day, 700, 0)).toBe(110) // 11:40, nobody ahead: called at 13:30
    expect(openTimeUntil(day, 360, 5)).toBe(65) // 06:00 → 07:05
    expect(openTimeUntil(day, 1010, 30)).toBe(30) // 16:50: clerks serve past 17:00
    expect(openTimeUntil([], 700, 12)).toBe(12) // a day without hours: no break to skip
  })
  it('says when calls resume only in a break or before opening', () => {
    expect([resumesAt(day, 360), resumesAt(day, 600), resumesAt(day, 697), resumesAt(day, 1030), resumesAt([], 700)])
      .toEqual([420, null, 810, null, null])
  })
  it('finds the next opening across weekends and holidays, and a make-up Saturday', () => {
    expect(nextOpening(DEMO_HOURS, new Map(), SAT, '00:00')).toEqual({ day: '2026-11-30', at: '07:00' })
    expect(nextOpening(DEMO_HOURS, new Map([['2026-11-30', 'holiday' as const]]), SAT, '00:00')).toEqual({ day: '2026-12-01', at: '07:00' })
    expect(nextOpening(DEMO_HOURS, new Map([[SAT, 'workday' as const]]), SAT, '00:00')).toEqual({ day: SAT, at: '07:00' })
    expect(nextOpening(DEMO_HOURS, new Map(), MON, '12:00')).toEqual({ day: MON, at: '13:30' })
    expect(nextOpening({}, new Map(), MON, '00:00')).toBeNull()
  })
})

describe.each(backends)('estimates around breaks on %s', (kind) => {
  let h: Harness
  beforeAll(async () => { h = await startHarness(kind, { publicUrl: 'https://motcua.nasang.example' }) }, 60_000)
  afterAll(async () => { await h?.close() })

  const board = async () => (await h.http.get('/api/centers/na-sang/board')).body
  const quickService = async (line: Line, n: number) => {
    // three done tickets of 15 s each: the service's average becomes 15 s
    for (let i = 0; i < n; i++) {
      const t = await issued(h, line.serviceId)
      await line.clerk.post(`/api/counters/${line.counterId}/call-next`).send({}).expect(200)
      await line.clerk.post(`/api/tickets/${t.id}/start`).send({}).expect(200)
      h.clock.advance(15_000)
      await line.clerk.post(`/api/tickets/${t.id}/complete`).send({}).expect(200)
    }
  }

  it('at 11:17 in a lunch break that starts at 11:00, four ahead of 15 s each: not "1 minute" but until after 13:30, and says calls resume at 13:30', async () => {
    // the issue's center: a morning that ends at 11:00
    await h.handle.db.updateTable('center').set({ opening_hours: JSON.stringify({ ...DEMO_HOURS, 1: [['07:00', '11:00'], ['13:30', '17:00']] }) })
      .where('id', '=', h.demo.centerId).execute()
    h.app.board.settingsChanged(h.demo.centerId)
    try {
      h.clock.set(local(MON, '10:00'))
      const line = await openLine(h, { defaultMinutes: 8 })
      await quickService(line, 3)
      h.clock.set(local(MON, '10:55'))
      for (let i = 0; i < 4; i++) await issued(h, line.serviceId)
      await line.clerk.post(`/api/counters/${line.counterId}/pause`).send({ reason: 'break' }).expect(200)
      h.clock.set(local(MON, '11:17'))
      const fifth = await issued(h, line.serviceId)
      expect(fifth.ahead).toBe(4)
      // before: ⌈4 × 15 s ÷ 1⌉ = 1 minute. Now: 13:30 − 11:17 = 133 minutes, then one minute of work
      expect(fifth.estimatedWaitMinutes).toBe(134)
      expect(fifth.callsResumeAt).toBe('13:30')
      const b = await board()
      expect(b).toMatchObject({ open: false, acceptingTickets: true, callsResumeAt: '13:30', nextOpen: null })
      expect(b.services.find((s: { id: string }) => s.id === line.serviceId).estimatedWaitMinutes).toBe(135) // five waiting now: 133 + ⌈1.25⌉
      // the phone page reads the same
      const view = (await holderGet(h, fifth.id)).body.ticket
      expect(view).toMatchObject({ estimatedWaitMinutes: 134, callsResumeAt: '13:30' })
      // the service of a tile with nobody waiting: not "no wait" in a break
      const empty = await openLine(h)
      const tile = (await board()).services.find((s: { id: string }) => s.id === empty.serviceId)
      expect(tile).toMatchObject({ waiting: 0, estimatedWaitMinutes: 133 })
      // after 13:30 the counter is open again: the plain figure, and no resume time
      h.clock.set(local(MON, '13:31'))
      await line.clerk.post(`/api/counters/${line.counterId}/resume`).send({}).expect(200)
      expect((await holderGet(h, fifth.id)).body.ticket).toMatchObject({ estimatedWaitMinutes: 1, callsResumeAt: null })
      expect((await board()).callsResumeAt).toBeNull()
    } finally {
      await h.handle.db.updateTable('center').set({ opening_hours: JSON.stringify(DEMO_HOURS) }).where('id', '=', h.demo.centerId).execute()
      h.app.board.settingsChanged(h.demo.centerId)
    }
  })

  it('a wait that runs into the lunch break resumes after it (11:20, 8-minute service, three ahead, one counter)', async () => {
    h.clock.set(local(MON, '11:20'))
    const line = await openLine(h, { defaultMinutes: 8 })
    for (let i = 0; i < 3; i++) await issued(h, line.serviceId)
    const t = await issued(h, line.serviceId)
    // 24 minutes of work: 10 before 11:30, 14 after 13:30 → called about 13:44
    expect(t).toMatchObject({ ahead: 3, estimatedWaitMinutes: 144, callsResumeAt: null })
  })

  it('a closed day says when the center opens next (Friday after the cut-off → Monday 07:00; Saturday → Monday; a holiday Monday → Tuesday), in words that do not say "nghỉ"', async () => {
    const line = await openLine(h)
    h.clock.set(local(FRI, '16:40'))
    expect(await board()).toMatchObject({ acceptingTickets: false, closedReason: 'after_cutoff', nextOpen: { day: '2026-11-30', at: '07:00' } })
    const late = await issue(h, line.serviceId)
    expect(late.body.error).toMatchObject({ code: 'AFTER_CUTOFF', params: { time: '07:00', date: '30/11/2026' } })

    h.clock.set(local(SAT, '09:00'))
    expect(await board()).toMatchObject({ closedReason: 'closed_day', hoursToday: '', nextOpen: { day: '2026-11-30', at: '07:00' } })
    const closed = await issue(h, line.serviceId)
    expect(closed.status).toBe(409)
    expect(closed.body.error.code).toBe('CENTER_CLOSED')
    expect(closed.body.error.message).toBe('Trung tâm đang ngoài giờ làm việc. Trung tâm mở cửa lúc 07:00 ngày 30/11/2026.')
    expect(closed.body.error.message).not.toContain('nghỉ')

    await h.handle.db.insertInto('calendar_day').values({ center_id: h.demo.centerId, date: '2026-11-30', kind: 'holiday', name: 'Nghỉ bù' }).execute()
    h.app.board.settingsChanged(h.demo.centerId)
    try {
      expect((await board()).nextOpen).toEqual({ day: '2026-12-01', at: '07:00' })
      h.clock.set(local('2026-12-01', '06:30'))
      expect(await board()).toMatchObject({ closedReason: 'before_open', nextOpen: { day: '2026-12-01', at: '07:00' }, callsResumeAt: '07:00' })
    } finally {
      await h.handle.db.deleteFrom('calendar_day').where('center_id', '=', h.demo.centerId).where('date', '=', '2026-11-30').execute()
    }
  })

  it('a ticket also waits for the other services its primary counter takes first, at their own average (their default until 3 are done)', async () => {
    h.clock.set(local(MON, '09:00'))
    // X and Y share one counter as primary services; a counter takes their tickets in queue order
    const shared = async () => {
      const x = await addService(h, { defaultMinutes: 8 }), y = await addService(h, { defaultMinutes: 10 })
      const counter = await addCounter(h, [x.id, y.id])
      const clerk = await h.login((await addClerk(h)).username)
      await clerk.post(`/api/counters/${counter.id}/open`).send({}).expect(200)
      return { x: x.id, y: y.id, counter: counter.id, clerk }
    }
    const a = await shared()
    for (let i = 0; i < 2; i++) await issued(h, a.y)
    await issued(h, a.x)
    // one X ahead (8 min) and half of Y's two waiting (2 × 10 min: Y's default, nothing of Y done yet)
    expect(await issued(h, a.x)).toMatchObject({ ahead: 1, estimatedWaitMinutes: 18 })
    expect((await board()).services.find((s: { id: string }) => s.id === a.x)).toMatchObject({ waiting: 2, estimatedWaitMinutes: 36 })

    // Y has served three tickets of 15 s: its waiting work is counted at 15 s a ticket
    const b = await shared()
    for (let i = 0; i < 3; i++) {
      const t = await issued(h, b.y)
      await b.clerk.post(`/api/counters/${b.counter}/call-next`).send({}).expect(200)
      await b.clerk.post(`/api/tickets/${t.id}/start`).send({}).expect(200)
      h.clock.advance(15_000)
      await b.clerk.post(`/api/tickets/${t.id}/complete`).send({}).expect(200)
    }
    for (let i = 0; i < 2; i++) await issued(h, b.y)
    await issued(h, b.x)
    expect(await issued(h, b.x)).toMatchObject({ ahead: 1, estimatedWaitMinutes: 9 }) // ⌈(480 + 2 × 15 × ½) ÷ 60⌉
  })

  it('a backup counter whose primary services have work waiting joins once that work is done (capacity grows as it joins)', async () => {
    h.clock.set(local(MON, '09:00'))
    // X: its primary counter, and a backup counter whose primary service Y has two tickets of 6 minutes waiting
    const x = await openLine(h, { defaultMinutes: 10 })
    const y = await openLine(h, { defaultMinutes: 6, backup: [x.serviceId] })
    await addCounter(h, [y.serviceId]) // Y's second counter, closed today: it takes none of Y's work
    for (let i = 0; i < 2; i++) await issued(h, y.serviceId)
    for (let i = 0; i < 3; i++) await issued(h, x.serviceId)
    // 30 minutes of X ahead: X's counter alone for the 12 minutes of Y's work, then both: 12 + (30 − 12) ÷ 2 = 21
    // (before: the backup counter counted for nothing while Y had anyone waiting, 30; counted from now, 15;
    // with Y's work shared by its closed counter too, 6 + 24 ÷ 2 = 18)
    expect(await issued(h, x.serviceId)).toMatchObject({ ahead: 3, estimatedWaitMinutes: 21 })
    expect(doneAfter(4 * 480, [0, 0])).toBe(960) // every counter free now: ahead × average ÷ counters
    expect(doneAfter(30, [0, 12])).toBe(21)
    expect(doneAfter(0, [12])).toBe(12) // nobody ahead, only the backup counter: when it is free
  })

  it('a counter paused while the center is open comes back after as long again as its pause has lasted, at least 10 minutes', async () => {
    h.clock.set(local(MON, '09:00'))
    const line = await openLine(h, { defaultMinutes: 8 })
    await line.clerk.post(`/api/counters/${line.counterId}/pause`).send({ reason: 'meeting' }).expect(200)
    await issued(h, line.serviceId)
    // paused just now: back in 10 minutes, then one ticket of 8 ahead
    expect(await issued(h, line.serviceId)).toMatchObject({ ahead: 1, estimatedWaitMinutes: 18 })
    h.clock.set(local(MON, '09:25'))
    // paused 25 minutes: 25 more, then two tickets of 8
    expect(await issued(h, line.serviceId)).toMatchObject({ ahead: 2, estimatedWaitMinutes: 41 })
  })

  it('a clerk who said when they would be back is counted from then: 30 minutes, then 5 more once that time has passed; resuming forgets it', async () => {
    h.clock.set(local(MON, '09:00'))
    const line = await openLine(h, { defaultMinutes: 8 })
    const paused = await line.clerk.post(`/api/counters/${line.counterId}/pause`).send({ reason: 'meeting', minutes: 30 }).expect(200)
    expect(paused.body.counter).toMatchObject({ status: 'paused', pauseUntil: new Date(local(MON, '09:30')).toISOString() })
    // back at 09:30, then one ticket of 8 ahead (without the clerk's word: 10 + 8)
    await issued(h, line.serviceId)
    expect(await issued(h, line.serviceId)).toMatchObject({ ahead: 1, estimatedWaitMinutes: 38 })
    h.clock.set(local(MON, '09:20'))
    expect(await issued(h, line.serviceId)).toMatchObject({ ahead: 2, estimatedWaitMinutes: 26 }) // 10 + 2 × 8
    h.clock.set(local(MON, '09:40')) // late: 5 more minutes, then three of 8
    expect(await issued(h, line.serviceId)).toMatchObject({ ahead: 3, estimatedWaitMinutes: 29 })
    const back = await line.clerk.post(`/api/counters/${line.counterId}/resume`).send({}).expect(200)
    expect(back.body.counter).toMatchObject({ status: 'open', pauseUntil: null })
    // bad words for it: refused, nothing changed
    for (const minutes of [0, 241, 1.5, '30']) {
      const r = await line.clerk.post(`/api/counters/${line.counterId}/pause`).send({ reason: 'meeting', minutes }).expect(400)
      expect(r.body.error.code).toBe('VALIDATION_FAILED')
    }
    const counter = await h.handle.db.selectFrom('counter').select(['status', 'pause_until']).where('id', '=', line.counterId).executeTakeFirstOrThrow()
    expect(counter).toEqual({ status: 'open', pause_until: null })
  })

  it('a counter with a ticket in hand joins once what is left of it is done: its service’s average less the time since the call, at least a quarter', async () => {
    h.clock.set(local(MON, '09:00'))
    const line = await openLine(h, { defaultMinutes: 8 })
    const other = await addService(h, { defaultMinutes: 20 })
    await h.handle.db.insertInto('counter_service').values({ counter_id: line.counterId, service_id: other.id, tier: 2 }).execute()
    // the counter calls a ticket of its backup service (20 minutes by default)
    const first = await issued(h, other.id)
    expect((await line.clerk.post(`/api/counters/${line.counterId}/call-next`).send({}).expect(200)).body.ticket.id).toBe(first.id)
    h.clock.set(local(MON, '09:05'))
    // nobody ahead: 20 − 5 = 15 minutes left of the ticket in hand (before: half a ticket of this service, 4)
    expect(await issued(h, line.serviceId)).toMatchObject({ ahead: 0, estimatedWaitMinutes: 15 })
    h.clock.set(local(MON, '09:40'))
    // 40 minutes in: at least a quarter of 20 is left, then one ticket of 8
    expect(await issued(h, line.serviceId)).toMatchObject({ ahead: 1, estimatedWaitMinutes: 13 })
    expect(handLeft(1200, 300)).toBe(900)
  })

  it('tells pages the public address of the QR codes (PUBLIC_URL), null when the install sets none', async () => {
    h.clock.set(local(MON, '09:00'))
    expect((await board()).publicUrl).toBe('https://motcua.nasang.example')
  })
})
