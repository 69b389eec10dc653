import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { backends } from './helpers/db.js'
import { nextEvent, startHarness, type Harness } from './helpers/harness.js'
import { addService, holderGet, issue, issued, openLine, ticketEvents } from './queue-fixtures.js'
import type { CounterChangedEvent } from '../common/events.js'

/** Na Sang: Mon–Fri 07:00–11:30 and 13:30–17:00, tickets until 16:30, Asia/Ho_Chi_Minh (UTC+7). */
const local = (day: string, hm: string) => `${day}T${hm}:00+07:00`
const MON = '2026-11-23', TUE = '2026-11-24', SAT = '2026-11-28', SUN = '2026-11-29'

describe.each(backends)('service day on %s', (kind) => {
  let h: Harness
  beforeAll(async () => { h = await startHarness(kind) }, 60_000)
  afterAll(async () => { await h?.close() })

  const board = async () => (await h.http.get('/api/centers/na-sang/board')).body
  /** Logs the clerk in again at the clock's current time (sessions last 12 hours). */
  const relogin = async (staffId: string) =>
    h.login((await h.handle.db.selectFrom('staff').select('username').where('id', '=', staffId).executeTakeFirstOrThrow()).username)
  const countTickets = async (serviceId: string) =>
    (await h.handle.db.selectFrom('ticket').select('id').where('service_id', '=', serviceId).execute()).length

  it('refuses tickets before opening (06:30 → 409 CENTER_CLOSED, with today’s hours) and issues from 07:00', async () => {
    const s = await addService(h)
    h.clock.set(local(MON, '06:30'))
    const early = await issue(h, s.id)
    expect(early.status).toBe(409)
    expect(early.body.error.code).toBe('CENTER_CLOSED')
    expect(early.body.error.message).toContain('mở cửa lúc 07:00 ngày 23/11/2026')
    expect(await countTickets(s.id)).toBe(0)
    expect(await board()).toMatchObject({ open: false, acceptingTickets: false, closedReason: 'before_open', hoursToday: '07:00–11:30, 13:30–17:00' })

    h.clock.set(local(MON, '06:59'))
    expect((await issue(h, s.id)).body.error.code).toBe('CENTER_CLOSED')
    h.clock.set(local(MON, '07:00'))
    const first = await issue(h, s.id)
    expect(first.status).toBe(201)
    expect(first.body.ticket).toMatchObject({ number: 1, serviceDay: MON })
  })

  it('a cut-off moved later where this server did not see it (another instance, or SQL) counts at the next tap: no refusal is made on what an earlier tap read', async () => {
    const s = await addService(h)
    h.clock.set(local(MON, '16:00'))
    expect((await issue(h, s.id)).status).toBe(201) // what it checked is remembered for the next taps
    const setCutoff = (hm: string) => h.handle.db.updateTable('center').set({ ticket_cutoff: hm }).where('slug', '=', 'na-sang').execute()
    await setCutoff('16:45')
    try {
      h.clock.set(local(MON, '16:35'))
      const late = await issue(h, s.id)
      expect(late.status).toBe(201)
      expect(await countTickets(s.id)).toBe(2)
    } finally {
      await setCutoff('16:30')
    }
  })

  it('keeps issuing through the lunch break (12:00 → 201) while the board says the center is not open', async () => {
    const s = await addService(h)
    h.clock.set(local(MON, '12:00'))
    const res = await issue(h, s.id)
    expect(res.status).toBe(201)
    expect(res.body.ticket).toMatchObject({ code: `${s.prefix}001`, status: 'waiting' })
    expect(await board()).toMatchObject({ open: false, acceptingTickets: true, closedReason: null })
  })

  it('a kiosk retrying a tap answered just before the cut-off (or before its service was closed) gets that ticket, not a refusal', async () => {
    const s = await addService(h)
    h.clock.set(local(MON, '16:29'))
    const first = await issue(h, s.id, { requestId: 'kiosk-3-tap-000001' })
    expect(first.status).toBe(201)
    h.clock.set(local(MON, '16:31'))
    const retry = await issue(h, s.id, { requestId: 'kiosk-3-tap-000001' })
    expect({ status: retry.status, id: retry.body.ticket?.id }).toEqual({ status: 201, id: first.body.ticket.id })
    await h.handle.db.updateTable('service').set({ active: false }).where('id', '=', s.id).execute()
    expect((await issue(h, s.id, { requestId: 'kiosk-3-tap-000001' })).body.ticket.id).toBe(first.body.ticket.id)
    // a new tap is refused as before
    const other = await issue(h, s.id, { requestId: 'kiosk-3-tap-000002' })
    expect({ status: other.status, code: other.body.error.code }).toEqual({ status: 409, code: 'SERVICE_INACTIVE' })
    expect(await countTickets(s.id)).toBe(1)
  })

  it('stops issuing at the 16:30 cut-off (16:45 → 409 AFTER_CUTOFF) while the center is still open', async () => {
    const s = await addService(h)
    h.clock.set(local(MON, '16:29'))
    expect((await issue(h, s.id)).status).toBe(201)
    for (const hm of ['16:30', '16:45', '17:30', '23:59']) {
      h.clock.set(local(MON, hm))
      const res = await issue(h, s.id)
      expect({ hm, status: res.status, code: res.body.error?.code }).toEqual({ hm, status: 409, code: 'AFTER_CUTOFF' })
      expect(res.body.error.message).toContain('16:30')
    }
    expect(await countTickets(s.id)).toBe(1)
    h.clock.set(local(MON, '16:45'))
    expect(await board()).toMatchObject({ open: true, acceptingTickets: false, closedReason: 'after_cutoff', ticketCutoff: '16:30' })
  })

  it('is closed all weekend (Saturday and Sunday → 409 CENTER_CLOSED)', async () => {
    const s = await addService(h)
    for (const day of [SAT, SUN]) {
      h.clock.set(local(day, '09:00'))
      const res = await issue(h, s.id)
      expect({ day, status: res.status, code: res.body.error?.code }).toEqual({ day, status: 409, code: 'CENTER_CLOSED' })
      expect(res.body.error.message).toContain('mở cửa lúc 07:00 ngày 30/11/2026') // when it opens next
    }
    expect(await countTickets(s.id)).toBe(0)
    h.clock.set(local(SAT, '09:00'))
    expect(await board()).toMatchObject({ serviceDay: SAT, open: false, acceptingTickets: false, closedReason: 'closed_day', hoursToday: '', nextOpen: { day: '2026-11-30', at: '07:00' } })
  })

  it('refuses a ticket over the service’s daily cap (409 DAILY_CAP_REACHED) without using a number', async () => {
    const capped = await addService(h, { dailyCap: 2 })
    const other = await addService(h)
    h.clock.set(local(MON, '09:00'))
    expect((await issued(h, capped.id)).number).toBe(1)
    const capOf = async (id: string) => ((await board()).services as { id: string; dailyCap: number | null; capReached: boolean }[]).find((x) => x.id === id)
    expect(await capOf(capped.id)).toMatchObject({ dailyCap: 2, capReached: false })
    expect((await issued(h, capped.id)).number).toBe(2)
    expect(await capOf(capped.id)).toMatchObject({ dailyCap: 2, capReached: true }) // the kiosk shows the tile full before a tap
    expect(await capOf(other.id)).toMatchObject({ dailyCap: null, capReached: false })
    for (let i = 0; i < 2; i++) {
      const res = await issue(h, capped.id)
      expect(res.status).toBe(409)
      expect(res.body.error.code).toBe('DAILY_CAP_REACHED')
    }
    expect(await countTickets(capped.id)).toBe(2)
    const counter = await h.handle.db.selectFrom('ticket_number').select('last').where('service_id', '=', capped.id).executeTakeFirstOrThrow()
    expect(counter.last).toBe(2)
    // other services are not affected, and the cap is per day
    expect((await issue(h, other.id)).status).toBe(201)
    h.clock.set(local(TUE, '07:30'))
    expect(await issued(h, capped.id)).toMatchObject({ number: 1, serviceDay: TUE })
  })

  it('restarts numbering at 001 on the next service day', async () => {
    const s = await addService(h)
    h.clock.set(local(MON, '10:00'))
    const monday = []
    for (let i = 0; i < 3; i++) monday.push(await issued(h, s.id))
    expect(monday.map((t) => t.code)).toEqual([`${s.prefix}001`, `${s.prefix}002`, `${s.prefix}003`])
    h.clock.set(local(TUE, '07:00'))
    const tuesday = await issued(h, s.id)
    expect(tuesday).toMatchObject({ code: `${s.prefix}001`, number: 1, serviceDay: TUE, position: 1, ahead: 0 })
    // yesterday's A003 is not ahead of today's A001, and keeps its own day
    expect((await holderGet(h, monday[2]!.id)).body.ticket).toMatchObject({ serviceDay: MON, code: `${s.prefix}003` })
  })

  it('the service day rolls over at local midnight (17:00 UTC), not at UTC midnight', async () => {
    const line = await openLine(h)
    h.clock.set(local(MON, '16:00'))
    const late = await issued(h, line.serviceId)
    expect(late.serviceDay).toBe(MON)

    h.clock.set('2026-11-23T16:59:00Z') // 23:59 Monday in Na Sang
    expect(await board()).toMatchObject({ serviceDay: MON })
    expect((await board()).services.find((x: { id: string }) => x.id === line.serviceId).waiting).toBe(1)
    expect(await h.app.tickets.expireStale()).toBe(0)
    expect((await holderGet(h, late.id)).body.ticket.status).toBe('waiting')

    h.clock.set('2026-11-23T17:01:00Z') // 00:01 Tuesday in Na Sang, still Monday in UTC
    expect(await board()).toMatchObject({ serviceDay: TUE, open: false })
    expect((await board()).services.find((x: { id: string }) => x.id === line.serviceId).waiting).toBe(0)
    // yesterday's waiting ticket is not called today
    const again = await relogin(line.staffId)
    const none = await again.post(`/api/counters/${line.counterId}/call-next`).send({})
    expect(none.status).toBe(200)
    expect(none.body.ticket).toBeNull()
    // issuing at 00:01 is refused, saying it opens at 07:00
    const night = await issue(h, line.serviceId)
    expect(night.body.error.code).toBe('CENTER_CLOSED')
    expect(night.body.error.message).toContain('mở cửa lúc 07:00 ngày 24/11/2026')

    expect(await h.app.tickets.expireStale()).toBeGreaterThanOrEqual(1)
    expect((await holderGet(h, late.id)).body.ticket).toMatchObject({ status: 'expired', serviceDay: MON })
  })

  it('expireStale turns yesterday’s leftover tickets into expired, records it, never deletes, and frees the counter', async () => {
    h.clock.set(local(MON, '09:00'))
    const line = await openLine(h)
    const call = () => line.clerk.post(`/api/counters/${line.counterId}/call-next`).send({})
    const done = await issued(h, line.serviceId)
    const held = await issued(h, line.serviceId)
    const called = await issued(h, line.serviceId)
    const waiting = await issued(h, line.serviceId)
    await call()
    await line.clerk.post(`/api/tickets/${done.id}/start`).send({})
    await line.clerk.post(`/api/tickets/${done.id}/complete`).send({})
    await call()
    await line.clerk.post(`/api/tickets/${held.id}/hold`).send({})
    expect((await call()).body.ticket.id).toBe(called.id)

    h.clock.set(local(TUE, '07:30'))
    const clerk = await relogin(line.staffId) // sessions last 12 hours: a new day, a new login
    const today = await issued(h, line.serviceId)
    expect(today).toMatchObject({ number: 1, serviceDay: TUE })
    // before expiry, yesterday's called ticket still occupies the counter
    const busy = await clerk.post(`/api/counters/${line.counterId}/call-next`).send({})
    expect(busy.status).toBe(409)
    expect(busy.body.error.code).toBe('COUNTER_BUSY')

    const display = h.socket({ center: 'na-sang' })
    await nextEvent(display, 'board:snapshot')
    const freed = new Promise<CounterChangedEvent>((resolve) => {
      display.on('counter:changed', (e) => { if (e.counter.id === line.counterId) resolve(e) })
    })
    expect(await h.app.tickets.expireStale()).toBeGreaterThanOrEqual(3)
    expect((await freed).counter.currentTicket).toBeNull()

    const rows = await h.handle.db.selectFrom('ticket').select(['id', 'status', 'finished_at', 'service_day'])
      .where('service_id', '=', line.serviceId).orderBy('service_day').orderBy('number').execute()
    expect(rows.map((r) => [r.id, r.status, r.service_day])).toEqual([
      [done.id, 'done', MON], [held.id, 'expired', MON], [called.id, 'expired', MON], [waiting.id, 'expired', MON], [today.id, 'waiting', TUE],
    ])
    for (const r of rows.filter((x) => x.status === 'expired')) expect(new Date(r.finished_at!).toISOString()).toBe(new Date(local(TUE, '07:30')).toISOString())
    for (const [t, from] of [[held, 'held'], [called, 'called'], [waiting, 'waiting']] as const) {
      const last = (await ticketEvents(h, t.id)).at(-1)!
      expect(last).toMatchObject({ type: 'expired', from_status: from, to_status: 'expired', staff_id: null })
    }
    expect((await ticketEvents(h, called.id)).at(-1)!.counter_id).toBe(line.counterId)

    // the counter works again, today's ticket first; a second run finds nothing left
    const next = await clerk.post(`/api/counters/${line.counterId}/call-next`).send({})
    expect(next.body.ticket).toMatchObject({ id: today.id, status: 'called' })
    expect(await h.app.tickets.expireStale()).toBe(0)
    expect((await holderGet(h, waiting.id)).body.ticket).toMatchObject({ status: 'expired', position: null })
    display.disconnect()
  })
})
