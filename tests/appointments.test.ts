import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { backends } from './helpers/db.js'
import { startHarness, addOtherCenter, type Harness } from './helpers/harness.js'
import { addService, issue, openLine, type Agent } from './queue-fixtures.js'
import type { BookedAppointment, SlotDay } from '../common/appointment-types.js'

// Appointments (issue 24): slots from the manager's rules and the calendar, booking (capacity and the
// daily cap shared with walk-ins, under races), cancelling, the kiosk's check-in and its place in the
// queue, late arrivals and no-shows, the report, roles and bad input. Monday 2026-11-23 is the test day.

const at = (day: string, hm: string) => `${day}T${hm}:00+07:00`
const MON = '2026-11-23'
const NEXT_MON = '2026-11-30'

describe.each(backends)('appointments on %s', (kind) => {
  let h: Harness
  let manager: Agent
  beforeAll(async () => {
    h = await startHarness(kind, { bookingsPerMinute: 100_000 })
    manager = await h.login('quanly')
  }, 60_000)
  afterAll(async () => { await h?.close() })

  /** a new service with a rule on every weekday Monday to Friday */
  const bookable = async (opts: { slotMinutes?: number; capacity?: number; dailyCap?: number; serviceId?: string } = {}) => {
    const serviceId = opts.serviceId ?? (await addService(h, { dailyCap: opts.dailyCap })).id
    const rules = [1, 2, 3, 4, 5].map((weekday) => ({ weekday, slotMinutes: opts.slotMinutes ?? 30, capacity: opts.capacity ?? 2 }))
    const res = await manager.put(`/api/centers/na-sang/appointment-rules/${serviceId}`).send({ rules })
    expect(res.status).toBe(200)
    return serviceId
  }
  const book = (serviceId: string, day: string, time: string, extra: Record<string, unknown> = {}) =>
    h.http.post('/api/centers/na-sang/appointments').send({ serviceId, day, time, ...extra })
  const booked = async (serviceId: string, day: string, time: string) => {
    const res = await book(serviceId, day, time)
    if (res.status !== 201) throw new Error(`book failed: ${res.status} ${JSON.stringify(res.body)}`)
    return res.body.appointment as BookedAppointment
  }
  const slots = async (serviceId: string, from: string, days = 1) => {
    const res = await h.http.get(`/api/centers/na-sang/appointments/slots?serviceId=${serviceId}&from=${from}&days=${days}`)
    expect(res.status).toBe(200)
    return res.body.days as SlotDay[]
  }
  const checkIn = (body: Record<string, unknown>) => h.http.post('/api/centers/na-sang/appointments/check-in').send(body)

  it('lists slots inside the opening hours, none across the lunch break or from the cut-off, and no slots where no rule or a holiday', async () => {
    h.clock.set(at(MON, '08:00'))
    const serviceId = await bookable({ slotMinutes: 45, capacity: 2 })
    const [mon] = await slots(serviceId, NEXT_MON)
    // 07:00–11:30 by 45 minutes: the last one must end by 11:30; 13:30–17:00, but none from the 16:30 cut-off
    expect(mon!.slots.map((s) => s.time)).toEqual(['07:00', '07:45', '08:30', '09:15', '10:00', '10:45', '13:30', '14:15', '15:00', '15:45'])
    expect(mon!.slots[0]).toEqual({ time: '07:00', capacity: 2, left: 2 })
    // today: slots already started are not bookable
    const [today] = await slots(serviceId, MON)
    expect(today!.slots.filter((s) => s.left > 0)[0]!.time).toBe('08:30')
    // Saturday: no hours; a holiday on Tuesday (the calendar) closes the day with its name
    expect((await manager.put('/api/centers/na-sang/calendar/2026-12-01').send({ kind: 'holiday', name: 'Ngày thử nghiệm' })).status).toBe(200)
    const week = await slots(serviceId, '2026-11-28', 4)
    expect(week.map((d) => [d.day, d.closed, d.holidayName])).toEqual([
      ['2026-11-28', 'no_slots', null], ['2026-11-29', 'no_slots', null], ['2026-11-30', null, null], ['2026-12-01', 'holiday', 'Ngày thử nghiệm']])
    // a make-up working Saturday takes Monday's hours and rule
    expect((await manager.put('/api/centers/na-sang/calendar/2026-12-05').send({ kind: 'workday', name: 'Làm bù' })).status).toBe(200)
    const [sat] = await slots(serviceId, '2026-12-05')
    expect(sat!.closed).toBeNull()
    expect(sat!.slots.length).toBe(10)
    expect((await book(serviceId, '2026-12-01', '07:00')).body.error.code).toBe('SLOT_UNAVAILABLE')
  })

  it('books a slot: six digits, its QR path and its own link with the secret; a full, past or made-up slot is refused', async () => {
    h.clock.set(at(MON, '08:00'))
    const serviceId = await bookable({ capacity: 2 })
    const a = await booked(serviceId, NEXT_MON, '09:00')
    expect(a).toMatchObject({ day: NEXT_MON, time: '09:00', status: 'booked', center: 'na-sang', qrPath: `/dat-lich/${a.id}`, phoneGiven: false })
    expect(a.code).toMatch(/^\d{6}$/)
    expect(a.ownPath).toBe(`/dat-lich/${a.id}#k=${a.secret}`)
    expect(a.startsAt).toBe(new Date(at(NEXT_MON, '09:00')).toISOString())
    await booked(serviceId, NEXT_MON, '09:00')
    const full = await book(serviceId, NEXT_MON, '09:00')
    expect(full.status).toBe(409)
    expect(full.body.error.code).toBe('SLOT_FULL')
    expect((await slots(serviceId, NEXT_MON))[0]!.slots.find((s) => s.time === '09:00')!.left).toBe(0)
    for (const [day, time] of [[NEXT_MON, '09:10'], [NEXT_MON, '12:00'], [MON, '07:30'], ['2026-11-28', '09:00'], ['2027-03-01', '09:00']] as const) {
      const res = await book(serviceId, day, time)
      expect([res.status, res.body.error.code]).toEqual([409, 'SLOT_UNAVAILABLE'])
    }
    // the services a citizen may book: those with slots on some weekday
    const offered = (await h.http.get('/api/centers/na-sang/appointments/services')).body.services.map((x: { id: string }) => x.id)
    expect(offered).toContain(serviceId)
    expect(offered).not.toContain((await addService(h)).id)
    // the page's view: by id, never the secret or the phone
    const view = await h.http.get(`/api/appointments/${a.id}`)
    expect(view.status).toBe(200)
    expect(view.body.appointment.secret).toBeUndefined()
    expect(view.body.appointment.code).toBe(a.code)
  })

  it('takes a phone number only with consent (Decree 13/2023), and stores when it was given; a retry with the same requestId is the same booking', async () => {
    h.clock.set(at(MON, '08:00'))
    const serviceId = await bookable()
    const refused = await book(serviceId, NEXT_MON, '10:00', { phone: '0912 345 678' })
    expect(refused.status).toBe(400)
    expect(refused.body.error.details.map((d: { path: string }) => d.path)).toContain('body.consent')
    const ok = await book(serviceId, NEXT_MON, '10:00', { phone: '0912 345 678', consent: true, requestId: 'req-phone-0001' })
    expect(ok.status).toBe(201)
    expect(ok.body.appointment.phoneGiven).toBe(true)
    const row = await h.handle.db.selectFrom('appointment').selectAll().where('id', '=', ok.body.appointment.id).executeTakeFirstOrThrow()
    expect(row.phone).toBe('0912345678')
    expect(new Date(row.phone_consent_at!).toISOString()).toBe(new Date(at(MON, '08:00')).toISOString())
    const again = await book(serviceId, NEXT_MON, '10:00', { phone: '0912 345 678', consent: true, requestId: 'req-phone-0001' })
    expect(again.status).toBe(201)
    expect(again.body.appointment.id).toBe(ok.body.appointment.id)
    expect((await book(serviceId, NEXT_MON, '10:30', { requestId: 'req-phone-0001' })).body.error.code).toBe('REQUEST_ID_REUSED')
  })

  it('gives the last places of a slot to exactly its capacity of 20 racing bookings', async () => {
    h.clock.set(at(MON, '08:00'))
    const serviceId = await bookable({ capacity: 3 })
    const answers = await Promise.all(Array.from({ length: 20 }, () => book(serviceId, NEXT_MON, '14:00')))
    expect(answers.filter((r) => r.status === 201).length).toBe(3)
    expect(answers.filter((r) => r.status === 409).every((r) => r.body.error.code === 'SLOT_FULL')).toBe(true)
    expect(answers.filter((r) => r.status === 409).length).toBe(17)
    const rows = await h.handle.db.selectFrom('appointment').select('code').where('service_id', '=', serviceId).execute()
    expect(rows.length).toBe(3)
    expect(new Set(rows.map((r) => r.code)).size).toBe(3)
  })

  it('shares the daily cap between bookings and walk-ins, also when 10 bookings and 10 kiosk taps race for 5 places', async () => {
    h.clock.set(at(MON, '08:00'))
    const serviceId = await bookable({ capacity: 10, dailyCap: 3 })
    await booked(serviceId, MON, '09:00')
    await booked(serviceId, MON, '09:30')
    // the kiosk's tile says 'no numbers left' once bookings and walk-ins hold every place (not only at a refused tap)
    const capShown = async () => ((await h.http.get('/api/centers/na-sang/board').expect(200)).body.services as { id: string; capReached: boolean }[])
      .find((x) => x.id === serviceId)!.capReached
    expect(await capShown()).toBe(false)
    expect((await issue(h, serviceId)).status).toBe(201)
    expect(await capShown()).toBe(true)
    const refused = await issue(h, serviceId)
    expect([refused.status, refused.body.error.code]).toEqual([409, 'DAILY_CAP_REACHED'])
    expect((await book(serviceId, MON, '10:00')).body.error.code).toBe('DAILY_CAP_REACHED')
    expect((await slots(serviceId, MON))[0]!.full).toBe(true)

    const raced = await bookable({ capacity: 10, dailyCap: 5 })
    const times = ['09:00', '09:30', '10:00', '10:30', '11:00', '13:30', '14:00', '14:30', '15:00', '15:30']
    const answers = await Promise.all([...times.map((t) => book(raced, MON, t)), ...times.map(() => issue(h, raced))])
    expect(answers.filter((r) => r.status === 201).length).toBe(5)
    expect(answers.filter((r) => r.status !== 201).every((r) => r.body.error.code === 'DAILY_CAP_REACHED')).toBe(true)
    const day = await h.handle.db.selectFrom('ticket_number').selectAll().where('service_id', '=', raced).executeTakeFirstOrThrow()
    expect(day.last + day.booked).toBe(5)
  })

  it('cancels from its own link only: a wrong key is not found; the place is free again', async () => {
    h.clock.set(at(MON, '08:00'))
    const serviceId = await bookable({ capacity: 1, dailyCap: 1 })
    const a = await booked(serviceId, MON, '15:00')
    expect((await h.http.post(`/api/appointments/${a.id}/cancel`).send({ key: 'x'.repeat(32) })).status).toBe(404)
    expect((await h.http.post(`/api/appointments/${a.id}/cancel`).send({})).status).toBe(400)
    const res = await h.http.post(`/api/appointments/${a.id}/cancel`).send({ key: a.secret })
    expect([res.status, res.body.appointment.status]).toEqual([200, 'cancelled'])
    expect((await h.http.post(`/api/appointments/${a.id}/cancel`).send({ key: a.secret })).status).toBe(200)
    expect((await slots(serviceId, MON))[0]!.slots.find((s) => s.time === '15:00')!.left).toBe(1)
    expect((await issue(h, serviceId)).status).toBe(201) // the cap's one place went back to walk-ins
    expect((await checkIn({ code: a.code })).body.error.code).toBe('APPOINTMENT_CANCELLED')
  })

  it('queues a checked-in booking as if it arrived at its slot start: called before a walk-in who came earlier', async () => {
    h.clock.set(at(MON, '07:30'))
    const line = await openLine(h)
    await bookable({ serviceId: line.serviceId })
    const a = await booked(line.serviceId, MON, '09:00')
    h.clock.set(at(MON, '09:05'))
    const walkIn = (await issue(h, line.serviceId)).body.ticket
    h.clock.set(at(MON, '09:10'))
    const res = await checkIn({ code: a.code })
    expect(res.status).toBe(201)
    expect(res.body.late).toBe(false)
    expect(res.body.appointment).toMatchObject({ status: 'kept', ticketCode: res.body.ticket.code })
    expect(res.body.ticket).toMatchObject({ queueAt: new Date(at(MON, '09:00')).toISOString(), issuedAt: new Date(at(MON, '09:10')).toISOString() })
    expect(res.body.ticket.phonePath).toContain('#k=')
    // numbers stay one sequence: the booking's ticket took the next number after the walk-in's
    expect(Number(res.body.ticket.code.slice(-3))).toBe(Number(walkIn.code.slice(-3)) + 1)
    // a second scan answers with the same ticket
    const again = await checkIn({ id: a.id })
    expect([again.status, again.body.ticket.id]).toEqual([201, res.body.ticket.id])
    // the clerk's queue says why it is first: its booking's slot; the walk-in has none
    const queue = (await line.clerk.get(`/api/counters/${line.counterId}/queue`).expect(200)).body.waiting as { id: string; appointmentSlot: string | null }[]
    expect(queue.map((t) => [t.id, t.appointmentSlot])).toEqual([[res.body.ticket.id, '09:00'], [walkIn.id, null]])
    const called = await line.clerk.post(`/api/counters/${line.counterId}/call-next`).send({})
    expect(called.body.ticket.id).toBe(res.body.ticket.id)
  })

  it('makes a check-in more than 15 minutes late an ordinary walk-in, and an unused booking a no-show in the report', async () => {
    h.clock.set(at(MON, '07:30'))
    const line = await openLine(h)
    await bookable({ serviceId: line.serviceId, capacity: 5, dailyCap: 10 })
    const late = await booked(line.serviceId, MON, '09:00')
    const unused = await booked(line.serviceId, MON, '09:00')
    const early = await booked(line.serviceId, MON, '10:00')
    h.clock.set(at(MON, '09:12'))
    const walkIn = (await issue(h, line.serviceId)).body.ticket
    h.clock.set(at(MON, '09:16'))
    const res = await checkIn({ id: late.id })
    expect(res.status).toBe(201)
    expect(res.body.late).toBe(true)
    expect(res.body.appointment.status).toBe('late')
    expect(res.body.ticket.queueAt).toBe(new Date(at(MON, '09:16')).toISOString())
    // a late one queues as a walk-in, and the clerk's queue does not mark it as booked
    const queue = (await line.clerk.get(`/api/counters/${line.counterId}/queue`).expect(200)).body.waiting as { id: string; appointmentSlot: string | null }[]
    expect(queue.find((t) => t.id === res.body.ticket.id)?.appointmentSlot).toBeNull()
    expect((await line.clerk.post(`/api/counters/${line.counterId}/call-next`).send({})).body.ticket.id).toBe(walkIn.id)
    // an early arrival the same day queues at its slot's start (10:00), behind the late one
    h.clock.set(at(MON, '09:20'))
    const e = await checkIn({ code: early.code })
    expect(e.body.ticket.queueAt).toBe(new Date(at(MON, '10:00')).toISOString())
    // the unused one: a no-show once its 15 minutes passed, its place under the cap back to walk-ins
    expect((await h.http.get(`/api/appointments/${unused.id}`)).body.appointment.status).toBe('no_show')
    // (the check-in at 09:20 swept it: the sweep runs before every check-in, and every minute)
    await h.app.appointments.markNoShows()
    expect((await h.handle.db.selectFrom('appointment').select('status').where('id', '=', unused.id).executeTakeFirstOrThrow()).status).toBe('no_show')
    const day = await h.handle.db.selectFrom('ticket_number').selectAll().where('service_id', '=', line.serviceId).where('service_day', '=', MON).executeTakeFirstOrThrow()
    expect(day.booked).toBe(0)
    const report = await manager.get(`/api/reports/appointments?from=${MON}&to=${MON}`)
    expect(report.status).toBe(200)
    expect(report.body.rows.find((r: { serviceId: string }) => r.serviceId === line.serviceId)).toMatchObject({ day: MON, booked: 3, kept: 1, late: 1, noShow: 1, cancelled: 0 })
  })

  it('refuses a check-in on another day, an unknown code, and outside the opening hours', async () => {
    h.clock.set(at(MON, '08:00'))
    const serviceId = await bookable()
    const a = await booked(serviceId, NEXT_MON, '08:00')
    const res = await checkIn({ code: a.code })
    expect(res.body.error.code).toBe('APPOINTMENT_NOT_FOUND') // typed codes are today's
    const byId = await checkIn({ id: a.id })
    expect([byId.status, byId.body.error.code]).toEqual([409, 'APPOINTMENT_NOT_TODAY'])
    expect(byId.body.error.message).toContain('30/11/2026')
    expect((await checkIn({ code: '12345' })).status).toBe(400)
    expect((await checkIn({ code: '123456', id: a.id })).status).toBe(400)
    h.clock.set(at(NEXT_MON, '06:30'))
    expect((await checkIn({ id: a.id })).body.error.code).toBe('CENTER_CLOSED')
  })

  it('lets only the center\'s managers set the rules and read the report; bad rules change nothing', async () => {
    h.clock.set(at(MON, '10:00'))
    manager = await h.login('quanly')
    const serviceId = (await addService(h)).id
    const rules = [{ weekday: 1, slotMinutes: 20, capacity: 4 }]
    await addOtherCenter(h)
    const clerk = await h.login('canbo1')
    const other = await h.login('quanly.muongpon')
    for (const [who, status] of [[h.http, 401], [clerk, 403], [other, 403]] as const) {
      expect((await who.put(`/api/centers/na-sang/appointment-rules/${serviceId}`).send({ rules })).status).toBe(status)
      expect((await who.get('/api/centers/na-sang/appointment-rules')).status).toBe(status)
      expect((await who.get('/api/reports/appointments?center=na-sang')).status).toBe(status)
    }
    for (const bad of [[{ weekday: 8, slotMinutes: 20, capacity: 4 }], [{ weekday: 1, slotMinutes: 2, capacity: 4 }], [...rules, ...rules]]) {
      const res = await manager.put(`/api/centers/na-sang/appointment-rules/${serviceId}`).send({ rules: bad })
      expect([res.status, res.body.error.code]).toEqual([400, 'VALIDATION_FAILED'])
    }
    expect(await h.handle.db.selectFrom('appointment_rule').selectAll().where('service_id', '=', serviceId).execute()).toEqual([])
    const ok = await manager.put(`/api/centers/na-sang/appointment-rules/${serviceId}`).send({ rules })
    expect(ok.body.services.find((s: { id: string }) => s.id === serviceId).rules).toEqual(rules)
    const audit = await h.handle.db.selectFrom('audit_log').selectAll().where('entity', '=', 'service').where('entity_id', '=', serviceId).execute()
    expect(audit.map((a) => a.changes)).toEqual([{ appointmentRules: { from: null, to: 'T2 20 phút × 4' } }])
    // the same rules again: nothing changed, nothing logged
    await manager.put(`/api/centers/na-sang/appointment-rules/${serviceId}`).send({ rules })
    expect((await h.handle.db.selectFrom('audit_log').select('id').where('entity', '=', 'service').where('entity_id', '=', serviceId).execute()).length).toBe(1)
  })
})

describe('appointment writes are rate-limited per address', () => {
  let h: Harness
  beforeAll(async () => { h = await startHarness('pglite', { bookingsPerMinute: 3 }) }, 60_000)
  afterAll(async () => { await h?.close() })

  it('answers 429 RATE_LIMITED after the budget, before reading the body', async () => {
    const codes = []
    for (let i = 0; i < 5; i++) codes.push((await h.http.post('/api/centers/na-sang/appointments').send({ junk: i })).status)
    expect(codes).toEqual([400, 400, 400, 429, 429])
  })
})
