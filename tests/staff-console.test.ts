// The staff console's reads: counters to choose from, a counter's live queue, the clerk's day, the manager's floor.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { backends } from './helpers/db.js'
import { MINUTE } from './helpers/clock.js'
import { addOtherCenter, startHarness, type Harness } from './helpers/harness.js'
import { addService, issued, openLine, type Agent } from './queue-fixtures.js'
import type { CounterQueueResponse, FloorResponse, MyDayResponse, StaffCountersResponse } from '../common/staff-types.js'

describe.each(backends)('staff console routes on %s', (kind) => {
  let h: Harness
  let otherClerk: Agent, otherManager: Agent, manager: Agent, admin: Agent, clerk1: Agent

  beforeAll(async () => {
    h = await startHarness(kind)
    await addOtherCenter(h) // whose staff must see nothing of Na Sang
    ;[otherClerk, otherManager, manager, admin, clerk1] = await Promise.all(
      (['canbo.muongpon', 'quanly.muongpon', 'quanly', 'quantri', 'canbo1'] as const).map((u) => h.login(u))) as [Agent, Agent, Agent, Agent, Agent]
  }, 60_000)
  afterAll(async () => { await h?.close() })

  describe('GET /api/centers/:center/counters', () => {
    it('lists the center’s counters with their services and state, the services, and the caller’s open counter', async () => {
      const before = await clerk1.get('/api/centers/na-sang/counters').expect(200)
      const body = before.body as StaffCountersResponse
      expect(body.myCounterId).toBeNull()
      expect(body.center).toMatchObject({ slug: 'na-sang', serviceDay: '2026-11-23', open: true, hoursToday: '07:00–11:30, 13:30–17:00' })
      expect(body.now).toBe('2026-11-23T02:00:00.000Z')
      const c1 = body.counters.find((c) => c.number === 1)!
      expect(c1).toMatchObject({ status: 'closed', staffName: null, currentTicket: null })
      expect(c1.services).toEqual([{ id: h.demo.services.A, tier: 1 }, { id: h.demo.services.B, tier: 2 }])
      expect(body.services.map((s) => s.prefix)).toEqual(expect.arrayContaining(['A', 'B', 'C', 'D', 'E', 'F', 'G']))
      expect(body.services.find((s) => s.prefix === 'A')).toMatchObject({ nameVi: 'Hộ tịch', nameEn: 'Civil status', active: true, targetWaitMinutes: 15 })

      await clerk1.post(`/api/counters/${h.demo.counters[1]}/open`).send({}).expect(200)
      const after = (await clerk1.get('/api/centers/na-sang/counters').expect(200)).body as StaffCountersResponse
      expect(after.myCounterId).toBe(h.demo.counters[1])
      expect(after.counters.find((c) => c.number === 1)).toMatchObject({ status: 'open', staffName: 'Quàng Thị Hoa' })
      // another clerk sees who works there, and has no counter of their own
      const other = (await (await h.login('canbo3')).get('/api/centers/na-sang/counters').expect(200)).body as StaffCountersResponse
      expect(other.myCounterId).toBeNull()
      // an admin may read any center
      await admin.get('/api/centers/na-sang/counters').expect(200)
      await clerk1.post(`/api/counters/${h.demo.counters[1]}/close`).send({}).expect(200)
    })

    it('rejects a malformed center (400), an unknown one (404), nobody (401) and staff of another center (403)', async () => {
      const bad = await clerk1.get('/api/centers/NA_SANG!/counters').expect(400)
      expect(bad.body.error.code).toBe('VALIDATION_FAILED')
      expect(bad.body.error.details[0].path).toBe('params.center')
      expect((await clerk1.get('/api/centers/khong-co/counters').expect(404)).body.error.code).toBe('CENTER_NOT_FOUND')
      expect((await h.http.get('/api/centers/na-sang/counters').expect(401)).body.error.code).toBe('AUTH_REQUIRED')
      expect((await otherClerk.get('/api/centers/na-sang/counters').expect(403)).body.error.code).toBe('WRONG_CENTER')
    })
  })

  describe('GET /api/counters/:id/queue', () => {
    it('lists waiting tickets in call-next order: primary by priority-adjusted time, then backup; the current ticket and the clerk’s held ones', async () => {
      const backupService = await addService(h)
      const line = await openLine(h, { backup: [backupService.id] })
      const b1 = await issued(h, backupService.id)
      h.clock.advance(MINUTE)
      const p1 = await issued(h, line.serviceId)
      h.clock.advance(MINUTE)
      const p2 = await issued(h, line.serviceId)
      h.clock.advance(MINUTE)
      const prio = await issued(h, line.serviceId, { priorityGroup: 'nguoi-cao-tuoi' })

      let q = (await line.clerk.get(`/api/counters/${line.counterId}/queue`).expect(200)).body as CounterQueueResponse
      expect(q.waiting.map((t) => [t.code, t.tier])).toEqual([[prio.code, 1], [p1.code, 1], [p2.code, 1], [b1.code, 2]])
      expect(q.waiting[0]).toMatchObject({ priorityGroup: 'nguoi-cao-tuoi', priorityNameVi: 'Người từ 75 tuổi trở lên', transferred: false })
      expect(q.waitingTotal).toEqual({ primary: 3, backup: 1 })
      expect(q.current).toBeNull()
      expect(q.counter).toMatchObject({ id: line.counterId, status: 'open' })
      expect(q.open).toBe(true)
      expect(q.held).toEqual([])

      // the same order call-next uses
      const called = await line.clerk.post(`/api/counters/${line.counterId}/call-next`).send({}).expect(200)
      expect(called.body.ticket.code).toBe(prio.code)
      await line.clerk.post(`/api/tickets/${prio.id}/hold`).send({}).expect(200)
      await line.clerk.post(`/api/counters/${line.counterId}/call`).send({ ticketId: p2.id }).expect(200)
      q = (await line.clerk.get(`/api/counters/${line.counterId}/queue`).expect(200)).body as CounterQueueResponse
      expect(q.current).toMatchObject({ id: p2.id, status: 'called', counterId: line.counterId })
      expect(q.waiting.map((t) => t.code)).toEqual([p1.code, b1.code])
      expect(q.held).toEqual([expect.objectContaining({ id: prio.id, code: prio.code, heldAt: expect.any(String) })])
      // held tickets are the caller's own: the manager looking at this counter holds none
      const asManager = (await manager.get(`/api/counters/${line.counterId}/queue`).expect(200)).body as CounterQueueResponse
      expect(asManager.held).toEqual([])
      expect(asManager.current?.id).toBe(p2.id)
    })

    it('after closing time the queue still answers, saying the center is closed and how many wait', async () => {
      const line = await openLine(h)
      await issued(h, line.serviceId)
      const saved = h.clock()
      h.clock.set('2026-11-23T17:30:00+07:00')
      try {
        const q = (await line.clerk.get(`/api/counters/${line.counterId}/queue`).expect(200)).body as CounterQueueResponse
        expect(q).toMatchObject({ open: false, hoursToday: '07:00–11:30, 13:30–17:00', waitingTotal: { primary: 1, backup: 0 } })
        const called = await line.clerk.post(`/api/counters/${line.counterId}/call-next`).send({}).expect(200)
        expect(called.body.ticket.status).toBe('called')
      } finally {
        h.clock.set(saved)
      }
    })

    it('rejects a malformed id (400), an unknown counter (404), nobody (401) and staff of another center (403)', async () => {
      const bad = await clerk1.get('/api/counters/42/queue').expect(400)
      expect(bad.body.error.details[0].path).toBe('params.id')
      expect((await clerk1.get('/api/counters/00000000-0000-4000-8000-000000000000/queue').expect(404)).body.error.code).toBe('COUNTER_NOT_FOUND')
      expect((await h.http.get(`/api/counters/${h.demo.counters[1]}/queue`).expect(401)).body.error.code).toBe('AUTH_REQUIRED')
      expect((await otherClerk.get(`/api/counters/${h.demo.counters[1]}/queue`).expect(403)).body.error.code).toBe('WRONG_CENTER')
    })
  })

  describe('GET /api/centers/:center/my-day', () => {
    it('counts the caller’s completed tickets, their mean service time, no-shows and transfers of today', async () => {
      const line = await openLine(h)
      const other = await addService(h)
      const [a, b, c, d] = [await issued(h, line.serviceId), await issued(h, line.serviceId), await issued(h, line.serviceId), await issued(h, line.serviceId)]
      const serve = async (id: string, minutes: number) => {
        await line.clerk.post(`/api/counters/${line.counterId}/call`).send({ ticketId: id }).expect(200)
        await line.clerk.post(`/api/tickets/${id}/start`).send({}).expect(200)
        h.clock.advance(minutes * MINUTE)
        await line.clerk.post(`/api/tickets/${id}/complete`).send({}).expect(200)
      }
      await serve(a.id, 4)
      await serve(b.id, 6)
      await line.clerk.post(`/api/counters/${line.counterId}/call`).send({ ticketId: c.id }).expect(200)
      await line.clerk.post(`/api/tickets/${c.id}/no-show`).send({}).expect(200)
      await line.clerk.post(`/api/counters/${line.counterId}/call`).send({ ticketId: d.id }).expect(200)
      await line.clerk.post(`/api/tickets/${d.id}/transfer`).send({ serviceId: other.id }).expect(200)

      const day = (await line.clerk.get('/api/centers/na-sang/my-day').expect(200)).body as MyDayResponse
      expect(day).toMatchObject({ serviceDay: '2026-11-23', served: 2, averageServiceSeconds: 300, noShows: 1, transferred: 1 })
      // someone else's day is their own
      const fresh = (await (await h.login('canbo6')).get('/api/centers/na-sang/my-day').expect(200)).body as MyDayResponse
      expect(fresh).toMatchObject({ served: 0, averageServiceSeconds: null, noShows: 0, transferred: 0 })
    })

    it('rejects a malformed center (400), nobody (401) and staff of another center (403)', async () => {
      expect((await clerk1.get('/api/centers/x/my-day').expect(400)).body.error.code).toBe('VALIDATION_FAILED')
      expect((await h.http.get('/api/centers/na-sang/my-day').expect(401)).body.error.code).toBe('AUTH_REQUIRED')
      expect((await otherClerk.get('/api/centers/na-sang/my-day').expect(403)).body.error.code).toBe('WRONG_CENTER')
    })
  })

  describe('GET /api/centers/:center/floor', () => {
    it('shows every counter with its state and time in it, every service with waiting, longest wait and estimate, and alerts', async () => {
      const line = await openLine(h)
      const t = await issued(h, line.serviceId)
      await line.clerk.post(`/api/counters/${line.counterId}/pause`).send({ reason: 'meeting', note: 'họp giao ban' }).expect(200)
      let floor = (await manager.get('/api/centers/na-sang/floor').expect(200)).body as FloorResponse
      expect(floor.pauseAlertMinutes).toBe(30)
      expect(floor.counters.find((c) => c.id === line.counterId)).toMatchObject({ status: 'paused', pauseReason: 'meeting: họp giao ban', minutesInStatus: 0, staffName: expect.any(String) })
      expect(floor.services.find((s) => s.id === line.serviceId)).toMatchObject({ waiting: 1, longestWaitMinutes: 0, targetWaitMinutes: 15, estimatedWaitMinutes: expect.any(Number) })
      expect(floor.alerts.filter((a) => (a.kind === 'pause' && a.counterId === line.counterId) || (a.kind === 'wait' && a.serviceId === line.serviceId))).toEqual([])

      h.clock.advance(31 * MINUTE)
      floor = (await manager.get('/api/centers/na-sang/floor').expect(200)).body as FloorResponse
      expect(floor.counters.find((c) => c.id === line.counterId)!.minutesInStatus).toBe(31)
      expect(floor.alerts).toEqual(expect.arrayContaining([
        { kind: 'pause', counterId: line.counterId, counterNumber: line.counterNumber, minutes: 31, limitMinutes: 30, reason: 'meeting: họp giao ban' },
        { kind: 'wait', serviceId: line.serviceId, prefix: line.prefix, minutes: 31, targetMinutes: 15 },
      ]))
      // an admin sees it too; once called, the wait alert is gone
      await admin.get('/api/centers/na-sang/floor').expect(200)
      await line.clerk.post(`/api/counters/${line.counterId}/resume`).send({}).expect(200)
      await line.clerk.post(`/api/counters/${line.counterId}/call`).send({ ticketId: t.id }).expect(200)
      floor = (await manager.get('/api/centers/na-sang/floor').expect(200)).body as FloorResponse
      expect(floor.alerts.some((a) => (a.kind === 'wait' && a.serviceId === line.serviceId) || (a.kind === 'pause' && a.counterId === line.counterId))).toBe(false)
      expect(floor.counters.find((c) => c.id === line.counterId)!.currentTicket).toMatchObject({ id: t.id, status: 'called' })
    })

    it('is for managers: a clerk is refused (403), nobody (401), another center’s manager (403), a malformed center (400)', async () => {
      expect((await clerk1.get('/api/centers/na-sang/floor').expect(403)).body.error.code).toBe('FORBIDDEN')
      expect((await h.http.get('/api/centers/na-sang/floor').expect(401)).body.error.code).toBe('AUTH_REQUIRED')
      expect((await otherManager.get('/api/centers/na-sang/floor').expect(403)).body.error.code).toBe('WRONG_CENTER')
      expect((await manager.get('/api/centers/Na%20Sang/floor').expect(400)).body.error.code).toBe('VALIDATION_FAILED')
    })
  })
})
