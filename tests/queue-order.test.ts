import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { backends } from './helpers/db.js'
import { startHarness, type Harness } from './helpers/harness.js'
import { MINUTE } from './helpers/clock.js'
import { addClerk, addCounter, addService, holderGet, issued, openLine, ticketEvents, type Agent } from './queue-fixtures.js'
import type { TicketView } from '../common/types.js'

const at = (hm: string) => `2026-11-23T${hm}:00+07:00`

describe.each(backends)('queue order on %s', (kind) => {
  let h: Harness
  beforeAll(async () => { h = await startHarness(kind) }, 60_000)
  afterAll(async () => { await h?.close() })

  const callNext = async (clerk: Agent, counterId: string) => {
    const res = await clerk.post(`/api/counters/${counterId}/call-next`).send({})
    expect(res.status).toBe(200)
    return res.body.ticket as { id: string; code: string } | null
  }
  const finish = async (clerk: Agent, id: string) => {
    expect((await clerk.post(`/api/tickets/${id}/start`).send({})).status).toBe(200)
    expect((await clerk.post(`/api/tickets/${id}/complete`).send({})).status).toBe(200)
  }
  const view = async (id: string) => (await holderGet(h, id)).body.ticket

  it('a priority ticket issued 20 minutes after a normal one is called first (bonus 30 minutes)', async () => {
    const line = await openLine(h)
    h.clock.set(at('09:00'))
    const normal = await issued(h, line.serviceId)
    h.clock.set(at('09:20'))
    const elder = await issued(h, line.serviceId, { priorityGroup: 'nguoi-cao-tuoi' })
    expect(elder).toMatchObject({ priorityGroup: 'nguoi-cao-tuoi', issuedAt: new Date(at('09:20')).toISOString(),
      queueAt: new Date(at('08:50')).toISOString(), position: 1, ahead: 0 })
    expect(await view(normal.id)).toMatchObject({ position: 2, ahead: 1 })

    expect((await callNext(line.clerk, line.counterId))?.id).toBe(elder.id)
    await finish(line.clerk, elder.id)
    expect((await callNext(line.clerk, line.counterId))?.id).toBe(normal.id)
    const issuedEvent = (await ticketEvents(h, elder.id))[0]!
    expect(issuedEvent.data).toEqual({ priorityGroup: 'nguoi-cao-tuoi', bonusMinutes: 30 })
  })

  it('a priority ticket issued 40 minutes after a normal one waits behind it (bonus 30 minutes)', async () => {
    const line = await openLine(h)
    h.clock.set(at('10:00'))
    const normal = await issued(h, line.serviceId)
    h.clock.set(at('10:40'))
    const child = await issued(h, line.serviceId, { priorityGroup: 'tre-em-duoi-6' })
    expect(child).toMatchObject({ queueAt: new Date(at('10:10')).toISOString(), position: 2, ahead: 1 })
    expect((await callNext(line.clerk, line.counterId))?.id).toBe(normal.id)
    await finish(line.clerk, normal.id)
    expect((await callNext(line.clerk, line.counterId))?.id).toBe(child.id)
  })

  it('the bonus is the priority group’s own: 60 minutes lets a ticket issued 40 minutes later go first', async () => {
    await h.handle.db.updateTable('priority_group').set({ bonus_minutes: 60 }).where('code', '=', 'phu-nu-mang-thai').execute()
    const line = await openLine(h)
    h.clock.set(at('10:00'))
    const normal = await issued(h, line.serviceId)
    h.clock.set(at('10:40'))
    const pregnant = await issued(h, line.serviceId, { priorityGroup: 'phu-nu-mang-thai' })
    expect(pregnant.queueAt).toBe(new Date(at('09:40')).toISOString())
    expect((await callNext(line.clerk, line.counterId))?.id).toBe(pregnant.id)
    expect((await view(normal.id)).position).toBe(1)
  })

  it('an unknown priority group is refused (404) and issues nothing', async () => {
    const service = await addService(h)
    const res = await h.http.post('/api/centers/na-sang/tickets').send({ serviceId: service.id, priorityGroup: 'vip' })
    expect(res.status).toBe(404)
    expect(res.body.error.code).toBe('PRIORITY_GROUP_NOT_FOUND')
    const n = await h.handle.db.selectFrom('ticket').select('id').where('service_id', '=', service.id).execute()
    expect(n).toHaveLength(0)
  })

  it('counter 1 calls its primary service A before its backup B, even an older priority B, and B only when no A waits', async () => {
    const clerk = await h.login('canbo1')
    const counter = h.demo.counters[1]!
    expect((await clerk.post(`/api/counters/${counter}/open`).send({})).status).toBe(200)
    h.clock.set(at('09:00'))
    const b = await issued(h, h.demo.services.B!, { priorityGroup: 'nguoi-co-cong' })
    h.clock.set(at('09:10'))
    const a = await issued(h, h.demo.services.A!)
    expect(a.code).toBe('A001')

    const first = await callNext(clerk, counter)
    expect(first?.id).toBe(a.id)
    await finish(clerk, a.id)
    const second = await callNext(clerk, counter)
    expect(second?.id).toBe(b.id)
    expect((await ticketEvents(h, a.id))[1]!.data).toEqual({ tier: 1 })
    expect((await ticketEvents(h, b.id))[1]!.data).toEqual({ tier: 2 })
    await finish(clerk, b.id)
    expect(await callNext(clerk, counter)).toBeNull()
  })

  it('a tier of several services is one queue: the oldest (priority-adjusted) ticket across them goes first', async () => {
    const [s1, s2, backup] = [await addService(h), await addService(h), await addService(h)]
    const counter = await addCounter(h, [s1.id, s2.id], [backup.id])
    const staff = await addClerk(h)
    const clerk = await h.login(staff.username)
    await clerk.post(`/api/counters/${counter.id}/open`).send({})
    h.clock.set(at('09:00'))
    const b1 = await issued(h, backup.id)
    h.clock.set(at('09:05'))
    const x1 = await issued(h, s1.id)
    h.clock.set(at('09:10'))
    const y1 = await issued(h, s2.id)
    h.clock.set(at('09:15'))
    const x2 = await issued(h, s1.id)
    h.clock.set(at('09:30'))
    const y2 = await issued(h, s2.id, { priorityGroup: 'nguoi-cao-tuoi' }) // counts as 09:00
    const order = []
    for (let i = 0; i < 5; i++) {
      const t = (await callNext(clerk, counter.id))!
      order.push(t.id)
      await finish(clerk, t.id)
    }
    expect(order).toEqual([y2.id, x1.id, y1.id, x2.id, b1.id])
    expect(await callNext(clerk, counter.id)).toBeNull()
  })

  it('tickets issued at the same instant are called in number order', async () => {
    const line = await openLine(h)
    h.clock.set(at('11:00'))
    const tickets = []
    for (let i = 0; i < 5; i++) tickets.push(await issued(h, line.serviceId))
    expect(tickets.map((t) => t.position)).toEqual([1, 2, 3, 4, 5])
    const called = []
    for (let i = 0; i < 5; i++) {
      const t = (await callNext(line.clerk, line.counterId))!
      called.push(t.code)
      await finish(line.clerk, t.id)
    }
    expect(called).toEqual(tickets.map((t) => t.code))
  })

  it('a transferred ticket keeps its original queue time: it is called before tickets issued after it', async () => {
    const from = await addService(h)
    const line = await openLine(h)
    h.clock.set(at('09:00'))
    const t = await issued(h, from.id)
    h.clock.set(at('09:05'))
    const u1 = await issued(h, line.serviceId)
    h.clock.set(at('09:10'))
    const u2 = await issued(h, line.serviceId)
    h.clock.set(at('09:15'))
    const moved = (await line.clerk.post(`/api/tickets/${t.id}/transfer`).send({ serviceId: line.serviceId })).body.ticket
    expect(moved).toMatchObject({ serviceId: line.serviceId, code: `${line.prefix}003`, queueAt: new Date(at('09:00')).toISOString(),
      issuedAt: new Date(at('09:15')).toISOString(), position: 1, ahead: 0 })
    expect(await view(u1.id)).toMatchObject({ position: 2, ahead: 1 })

    const order = []
    for (let i = 0; i < 3; i++) {
      const c = (await callNext(line.clerk, line.counterId))!
      order.push(c.id)
      await finish(line.clerk, c.id)
    }
    expect(order).toEqual([moved.id, u1.id, u2.id])
  })

  it('a transferred priority ticket keeps its priority group and bonus in the new queue', async () => {
    const from = await addService(h)
    const line = await openLine(h)
    h.clock.set(at('13:30'))
    const normal = await issued(h, line.serviceId)
    h.clock.set(at('13:45'))
    const p = await issued(h, from.id, { priorityGroup: 'nguoi-khuyet-tat-nang' })
    const moved = (await line.clerk.post(`/api/tickets/${p.id}/transfer`).send({ serviceId: line.serviceId })).body.ticket
    expect(moved).toMatchObject({ priorityGroup: 'nguoi-khuyet-tat-nang', queueAt: new Date(at('13:15')).toISOString(), position: 1 })
    expect((await callNext(line.clerk, line.counterId))?.id).toBe(moved.id)
    expect((await view(normal.id)).position).toBe(1)
  })

  it('call-next skips held tickets: they come back only when their clerk resumes them', async () => {
    const line = await openLine(h)
    h.clock.set(at('09:00'))
    const t1 = await issued(h, line.serviceId)
    h.clock.set(at('09:01'))
    const t2 = await issued(h, line.serviceId)
    h.clock.set(at('09:02'))
    const t3 = await issued(h, line.serviceId)

    expect((await callNext(line.clerk, line.counterId))?.id).toBe(t1.id)
    expect((await line.clerk.post(`/api/tickets/${t1.id}/hold`).send({})).body.ticket.status).toBe('held')
    expect(await view(t1.id)).toMatchObject({ status: 'held', position: null, ahead: null })
    expect(await view(t2.id)).toMatchObject({ position: 1 })
    expect((await callNext(line.clerk, line.counterId))?.id).toBe(t2.id)
    await finish(line.clerk, t2.id)
    expect((await callNext(line.clerk, line.counterId))?.id).toBe(t3.id)
    await finish(line.clerk, t3.id)
    expect(await callNext(line.clerk, line.counterId)).toBeNull()
    expect((await view(t1.id)).status).toBe('held')
    expect((await line.clerk.post(`/api/tickets/${t1.id}/resume`).send({})).body.ticket).toMatchObject({ id: t1.id, status: 'called' })
  })

  it('GET /api/tickets/:id gives position, tickets ahead and an estimate from service time and open counters', async () => {
    const line = await openLine(h, { defaultMinutes: 6 })
    h.clock.set(at('14:00'))
    const t: TicketView[] = []
    for (let i = 0; i < 4; i++) t.push(await issued(h, line.serviceId))
    const views = async () => Promise.all(t.map(async (x) => {
      const v = await view(x.id)
      return [v.position, v.ahead, v.estimatedWaitMinutes]
    }))
    // one open counter, the service's default of 6 minutes a citizen
    expect(await views()).toEqual([[1, 0, 0], [2, 1, 6], [3, 2, 12], [4, 3, 18]])

    // a second open counter serving it (as backup) shares the work; a paused one only once it is expected
    // back (as long again as its pause has lasted, at least 10 minutes): 10 + (18 − 10) ÷ 2 = 14
    const helper = await addClerk(h)
    const helperAgent = await h.login(helper.username)
    const second = await addCounter(h, [], [line.serviceId])
    expect((await helperAgent.post(`/api/counters/${second.id}/open`).send({})).status).toBe(200)
    expect(await views()).toEqual([[1, 0, 0], [2, 1, 3], [3, 2, 6], [4, 3, 9]])
    await helperAgent.post(`/api/counters/${second.id}/pause`).send({ reason: 'break' })
    expect((await views())[3]).toEqual([4, 3, 14])
    await helperAgent.post(`/api/counters/${second.id}/close`).send({})

    // a called ticket leaves the queue: the others move up
    const first = (await callNext(line.clerk, line.counterId))!
    expect(first.id).toBe(t[0]!.id)
    expect((await view(t[0]!.id))).toMatchObject({ status: 'called', position: null, ahead: null, estimatedWaitMinutes: null, counterNumber: line.counterNumber })
    // (and the counter has a ticket in hand, just called: each waits what is left of it first, its service's 6 minutes)
    expect((await views()).slice(1)).toEqual([[1, 0, 6], [2, 1, 12], [3, 2, 18]])

    // after three completed tickets, their real average (2 minutes) replaces the default
    for (let i = 0; i < 3; i++) {
      const id = i === 0 ? first.id : (await callNext(line.clerk, line.counterId))!.id
      await line.clerk.post(`/api/tickets/${id}/start`).send({})
      h.clock.advance(2 * MINUTE)
      await line.clerk.post(`/api/tickets/${id}/complete`).send({})
    }
    const extra = await issued(h, line.serviceId)
    expect(extra).toMatchObject({ position: 2, ahead: 1, estimatedWaitMinutes: 2 })
    const board = (await h.http.get('/api/centers/na-sang/board')).body
    expect(board.services.find((s: { id: string }) => s.id === line.serviceId)).toMatchObject({ waiting: 2, estimatedWaitMinutes: 4 })
  })
})
