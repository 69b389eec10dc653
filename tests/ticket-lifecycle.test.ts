import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { backends } from './helpers/db.js'
import { nextEvent, startHarness, type Harness } from './helpers/harness.js'
import { addClerk, addCounter, addService, boardSeq, holderGet, issued, openLine, ticketEvents, ticketState } from './queue-fixtures.js'

describe.each(backends)('ticket lifecycle on %s', (kind) => {
  let h: Harness
  beforeAll(async () => { h = await startHarness(kind) }, 60_000)
  afterAll(async () => { await h?.close() })

  const issue = (prefix: string, body: Record<string, unknown> = {}) =>
    h.http.post('/api/centers/na-sang/tickets').send({ serviceId: h.demo.services[prefix], ...body })

  it('answers an issue with the same view GET /api/tickets/:id?key= gives (normal and priority, with people ahead)', async () => {
    // the issue's answer is assembled from what the issuing statements return (server/queue/queue.service.ts issueNew)
    const s = await addService(h)
    const answers = []
    for (const body of [{}, {}, { priorityGroup: 'nguoi-cao-tuoi' }, {}]) {
      const res = await h.http.post('/api/centers/na-sang/tickets').send({ serviceId: s.id, ...body })
      expect(res.status).toBe(201)
      // the same view, with the ticket's secret and its phone page's link besides (for the kiosk's QR)
      const { secret, phonePath, ...view } = res.body.ticket
      expect(view).toEqual((await holderGet(h, res.body.ticket.id)).body.ticket)
      expect(phonePath).toBe(`/t/${view.id}#k=${secret}`)
      answers.push(res.body.ticket)
    }
    expect(answers.map((t) => [t.position, t.priorityGroup])).toEqual([[1, null], [2, null], [1, 'nguoi-cao-tuoi'], [4, null]])
    expect(answers[3].estimatedWaitMinutes).toBeGreaterThan(0)
  })

  it('issues A001, calls, starts and completes it, recording every transition', async () => {
    const issued = await issue('A')
    expect(issued.status).toBe(201)
    expect(issued.body.ticket).toMatchObject({ code: 'A001', status: 'waiting', position: 1, ahead: 0 })

    const clerk = await h.login('canbo1')
    const counter = h.demo.counters[1]
    const opened = await clerk.post(`/api/counters/${counter}/open`).send({})
    expect(opened.body.counter).toMatchObject({ status: "open", staffName: "Quàng Thị Hoa" })
    const called = await clerk.post(`/api/counters/${counter}/call-next`).send({})
    expect(called.status).toBe(200)
    expect(called.body.ticket).toMatchObject({ code: 'A001', status: 'called', counterNumber: 1 })
    const id = called.body.ticket.id

    expect((await clerk.post(`/api/tickets/${id}/start`).send({})).body.ticket.status).toBe('serving')
    expect((await clerk.post(`/api/tickets/${id}/complete`).send({})).body.ticket.status).toBe('done')
    const again = await clerk.post(`/api/tickets/${id}/complete`).send({})
    expect(again.status).toBe(409)
    expect(again.body.error.code).toBe('TICKET_WRONG_STATE')

    const events = await h.handle.db.selectFrom('ticket_event').select(['type', 'from_status', 'to_status'])
      .where('ticket_id', '=', id).orderBy('id').execute()
    expect(events.map((e) => e.type)).toEqual(['issued', 'called', 'started', 'completed'])
    const row = (await ticketState(h, id)).row
    expect(row.called_at).not.toBeNull()
    expect(row.started_at).not.toBeNull()
    expect(row.finished_at).not.toBeNull()
  })

  it('call-next answers { ticket: null } when nobody waits for the counter', async () => {
    const line = await openLine(h)
    const res = await line.clerk.post(`/api/counters/${line.counterId}/call-next`).send({})
    expect(res.status).toBe(200)
    expect(res.body).toEqual({ ticket: null })
  })

  it('calls a specific waiting ticket out of queue order and logs it as called_out_of_order', async () => {
    const line = await openLine(h)
    const first = await issued(h, line.serviceId)
    const second = await issued(h, line.serviceId)
    const res = await line.clerk.post(`/api/counters/${line.counterId}/call`).send({ ticketId: second.id })
    expect(res.status).toBe(200)
    expect(res.body.ticket).toMatchObject({ id: second.id, status: 'called', counterNumber: line.counterNumber })
    const events = await ticketEvents(h, second.id)
    expect(events.map((e) => [e.type, e.from_status, e.to_status, e.counter_id, e.staff_id])).toEqual([
      ['issued', null, 'waiting', null, null],
      ['called_out_of_order', 'waiting', 'called', line.counterId, line.staffId],
    ])
    // the skipped ticket keeps its place: it is still first in line
    expect((await holderGet(h, first.id)).body.ticket).toMatchObject({ status: 'waiting', position: 1, ahead: 0 })

    // a ticket that no longer waits cannot be called
    await line.clerk.post(`/api/tickets/${second.id}/start`).send({})
    await line.clerk.post(`/api/tickets/${second.id}/complete`).send({})
    const before = await ticketState(h, second.id)
    const again = await line.clerk.post(`/api/counters/${line.counterId}/call`).send({ ticketId: second.id })
    expect(again.status).toBe(409)
    expect(again.body.error.code).toBe('TICKET_NOT_WAITING')
    expect(await ticketState(h, second.id)).toEqual(before)
  })

  it('recall announces the called ticket again: call_count goes up and displays get ticket:recalled', async () => {
    const line = await openLine(h)
    const t = await issued(h, line.serviceId)
    const display = h.socket({ center: 'na-sang' })
    await nextEvent(display, 'board:snapshot')
    await line.clerk.post(`/api/counters/${line.counterId}/call-next`).send({})
    expect((await ticketState(h, t.id)).row.call_count).toBe(1)

    const recalled = nextEvent(display, 'ticket:recalled')
    const res = await line.clerk.post(`/api/tickets/${t.id}/recall`).send({})
    expect(res.status).toBe(200)
    expect(res.body.ticket.status).toBe('called')
    expect(await recalled).toMatchObject({ code: t.code, counterNumber: line.counterNumber })
    await line.clerk.post(`/api/tickets/${t.id}/recall`).send({})
    expect((await ticketState(h, t.id)).row.call_count).toBe(3)
    expect((await ticketEvents(h, t.id)).map((e) => e.type)).toEqual(['issued', 'called', 'recalled', 'recalled'])
    display.disconnect()
  })

  it('no-show ends a called ticket and frees the counter for the next one', async () => {
    const line = await openLine(h)
    const t1 = await issued(h, line.serviceId)
    const t2 = await issued(h, line.serviceId)
    await line.clerk.post(`/api/counters/${line.counterId}/call-next`).send({})
    const res = await line.clerk.post(`/api/tickets/${t1.id}/no-show`).send({})
    expect(res.status).toBe(200)
    expect(res.body.ticket).toMatchObject({ status: 'no_show' })
    expect(res.body.ticket.finishedAt).not.toBeNull()
    const next = await line.clerk.post(`/api/counters/${line.counterId}/call-next`).send({})
    expect(next.body.ticket).toMatchObject({ id: t2.id, status: 'called' })
    expect((await ticketEvents(h, t1.id)).map((e) => e.type)).toEqual(['issued', 'called', 'no_show'])
  })

  it('refuses each wrong transition with 409 TICKET_WRONG_STATE and changes nothing', async () => {
    const line = await openLine(h)
    const waiting = await issued(h, line.serviceId)
    const tryIt = async (id: string, action: string, expected: string) => {
      const before = await ticketState(h, id)
      const seq = await boardSeq(h)
      const res = await line.clerk.post(`/api/tickets/${id}/${action}`).send({})
      expect({ action, status: res.status, code: res.body.error?.code }).toEqual({ action, status: 409, code: expected })
      expect(await ticketState(h, id)).toEqual(before)
      expect(await boardSeq(h)).toBe(seq)
    }
    for (const action of ['start', 'complete', 'no-show', 'recall', 'hold']) await tryIt(waiting.id, action, 'TICKET_WRONG_STATE')

    await line.clerk.post(`/api/counters/${line.counterId}/call-next`).send({})
    // completing a called ticket is allowed since issue 22 (the start implied: tests/counter-keys.test.ts)

    await line.clerk.post(`/api/tickets/${waiting.id}/start`).send({})
    for (const action of ['no-show', 'recall', 'start']) await tryIt(waiting.id, action, 'TICKET_WRONG_STATE')

    await line.clerk.post(`/api/tickets/${waiting.id}/complete`).send({})
    for (const action of ['start', 'complete', 'no-show', 'recall', 'hold', 'resume', 'cancel']) await tryIt(waiting.id, action, 'TICKET_WRONG_STATE')
    const transfer = await line.clerk.post(`/api/tickets/${waiting.id}/transfer`).send({ serviceId: h.demo.services.A })
    expect(transfer.status).toBe(409)
    expect(transfer.body.error.code).toBe('TICKET_WRONG_STATE')
  })

  it('a clerk cannot act on a ticket called at another clerk’s counter (403 NOT_AT_COUNTER)', async () => {
    const line = await openLine(h)
    const other = await openLine(h)
    const t = await issued(h, line.serviceId)
    await line.clerk.post(`/api/counters/${line.counterId}/call-next`).send({})
    const before = await ticketState(h, t.id)
    for (const action of ['start', 'recall', 'no-show', 'hold', 'cancel']) {
      const res = await other.clerk.post(`/api/tickets/${t.id}/${action}`).send({})
      expect({ action, status: res.status, code: res.body.error?.code }).toEqual({ action, status: 403, code: 'NOT_AT_COUNTER' })
    }
    const callThere = await other.clerk.post(`/api/counters/${line.counterId}/call-next`).send({})
    expect(callThere.status).toBe(403)
    expect(callThere.body.error.code).toBe('NOT_AT_COUNTER')
    expect(await ticketState(h, t.id)).toEqual(before)
  })

  it('call-next is refused while the counter has a called ticket (COUNTER_BUSY), is paused or is closed', async () => {
    const line = await openLine(h)
    const t1 = await issued(h, line.serviceId)
    const t2 = await issued(h, line.serviceId)
    await line.clerk.post(`/api/counters/${line.counterId}/call-next`).send({})
    const waitingBefore = await ticketState(h, t2.id)

    const busy = await line.clerk.post(`/api/counters/${line.counterId}/call-next`).send({})
    expect(busy.status).toBe(409)
    expect(busy.body.error.code).toBe('COUNTER_BUSY')
    expect(busy.body.error.message).toContain(t1.code)
    const busyOut = await line.clerk.post(`/api/counters/${line.counterId}/call`).send({ ticketId: t2.id })
    expect(busyOut.body.error.code).toBe('COUNTER_BUSY')
    await line.clerk.post(`/api/tickets/${t1.id}/start`).send({})
    expect((await line.clerk.post(`/api/counters/${line.counterId}/call-next`).send({})).body.error.code).toBe('COUNTER_BUSY')
    await line.clerk.post(`/api/tickets/${t1.id}/complete`).send({})

    expect((await line.clerk.post(`/api/counters/${line.counterId}/pause`).send({ reason: 'meeting' })).status).toBe(200)
    const paused = await line.clerk.post(`/api/counters/${line.counterId}/call-next`).send({})
    expect(paused.status).toBe(409)
    expect(paused.body.error.code).toBe('COUNTER_PAUSED')

    await line.clerk.post(`/api/counters/${line.counterId}/resume`).send({})
    expect((await line.clerk.post(`/api/counters/${line.counterId}/close`).send({})).status).toBe(200)
    const closed = await line.clerk.post(`/api/counters/${line.counterId}/call-next`).send({})
    expect(closed.status).toBe(409)
    expect(closed.body.error.code).toBe('COUNTER_CLOSED')
    const closedOut = await line.clerk.post(`/api/counters/${line.counterId}/call`).send({ ticketId: t2.id })
    expect(closedOut.body.error.code).toBe('COUNTER_CLOSED')

    expect(await ticketState(h, t2.id)).toEqual(waitingBefore)
  })

  it('hold parks a ticket and frees the counter; only the clerk who held it can resume it, at their open counter', async () => {
    const line = await openLine(h)
    const other = await openLine(h)
    const t = await issued(h, line.serviceId)
    await line.clerk.post(`/api/counters/${line.counterId}/call-next`).send({})
    await line.clerk.post(`/api/tickets/${t.id}/start`).send({})
    const held = await line.clerk.post(`/api/tickets/${t.id}/hold`).send({})
    expect(held.status).toBe(200)
    expect(held.body.ticket.status).toBe('held')
    // the counter is free: the clerk may call the next citizen meanwhile
    const nobody = await line.clerk.post(`/api/counters/${line.counterId}/call-next`).send({})
    expect(nobody.status).toBe(200)
    expect(nobody.body.ticket).toBeNull()

    const before = await ticketState(h, t.id)
    for (const action of ['resume', 'cancel']) {
      const res = await other.clerk.post(`/api/tickets/${t.id}/${action}`).send({})
      expect({ action, status: res.status, code: res.body.error?.code }).toEqual({ action, status: 403, code: 'NOT_YOUR_HELD_TICKET' })
    }
    const otherTransfer = await other.clerk.post(`/api/tickets/${t.id}/transfer`).send({ serviceId: other.serviceId })
    expect(otherTransfer.body.error?.code).toBe('NOT_YOUR_HELD_TICKET')
    expect(await ticketState(h, t.id)).toEqual(before)

    // the holder moves to another counter; the ticket comes back to where the holder now works
    const elsewhere = await addCounter(h, [line.serviceId])
    expect((await line.clerk.post(`/api/counters/${line.counterId}/close`).send({})).status).toBe(200)
    const notOpen = await line.clerk.post(`/api/tickets/${t.id}/resume`).send({})
    expect(notOpen.status).toBe(409)
    expect(notOpen.body.error.code).toBe('NO_OPEN_COUNTER')
    expect((await line.clerk.post(`/api/counters/${elsewhere.id}/open`).send({})).status).toBe(200)
    const resumed = await line.clerk.post(`/api/tickets/${t.id}/resume`).send({})
    expect(resumed.status).toBe(200)
    expect(resumed.body.ticket).toMatchObject({ status: 'called', counterId: elsewhere.id, counterNumber: elsewhere.number })
    expect((await ticketState(h, t.id)).row.call_count).toBe(2)
    expect((await ticketEvents(h, t.id)).map((e) => e.type)).toEqual(['issued', 'called', 'started', 'held', 'resumed'])
    const resumedEvent = (await ticketEvents(h, t.id)).at(-1)!
    expect(resumedEvent).toMatchObject({ from_status: 'held', to_status: 'called', counter_id: elsewhere.id, staff_id: line.staffId })

    // resuming while another ticket occupies the counter is refused
    await line.clerk.post(`/api/tickets/${t.id}/start`).send({})
    await line.clerk.post(`/api/tickets/${t.id}/hold`).send({})
    const t2 = await issued(h, line.serviceId)
    await line.clerk.post(`/api/counters/${elsewhere.id}/call-next`).send({})
    const busy = await line.clerk.post(`/api/tickets/${t.id}/resume`).send({})
    expect(busy.status).toBe(409)
    expect(busy.body.error.code).toBe('COUNTER_BUSY')
    expect((await ticketState(h, t.id)).row.status).toBe('held')
    expect((await ticketState(h, t2.id)).row.status).toBe('called')
  })

  it('a manager may resume a ticket another clerk held', async () => {
    const line = await openLine(h)
    const t = await issued(h, line.serviceId)
    await line.clerk.post(`/api/counters/${line.counterId}/call-next`).send({})
    await line.clerk.post(`/api/tickets/${t.id}/hold`).send({})
    const manager = await h.login('quanly')
    const res = await manager.post(`/api/tickets/${t.id}/resume`).send({ counterId: line.counterId })
    expect(res.status).toBe(200)
    expect(res.body.ticket).toMatchObject({ status: 'called', counterId: line.counterId })
  })

  it('transfer issues a new ticket in the target service and marks the old one transferred, linked both ways', async () => {
    const line = await openLine(h)
    const target = await addService(h)
    const t = await issued(h, line.serviceId)
    await line.clerk.post(`/api/counters/${line.counterId}/call-next`).send({})
    await line.clerk.post(`/api/tickets/${t.id}/start`).send({})
    h.clock.advance(60_000)
    const res = await line.clerk.post(`/api/tickets/${t.id}/transfer`).send({ serviceId: target.id })
    expect(res.status).toBe(200)
    const moved = res.body.ticket
    expect(moved).toMatchObject({
      serviceId: target.id, code: `${target.prefix}001`, number: 1, status: 'waiting', transferredFromId: t.id,
      queueAt: t.queueAt, position: 1, ahead: 0, counterId: null,
    })
    expect(moved.id).not.toBe(t.id)
    const old = (await holderGet(h, t.id)).body.ticket
    expect(old).toMatchObject({ status: 'transferred', transferredToId: moved.id })
    expect(old.finishedAt).not.toBeNull()
    expect((await ticketEvents(h, t.id)).map((e) => e.type)).toEqual(['issued', 'called', 'started', 'transferred'])
    expect((await ticketEvents(h, moved.id)).map((e) => [e.type, e.to_status])).toEqual([['issued_by_transfer', 'waiting']])
    // the counter is free again
    expect((await line.clerk.post(`/api/counters/${line.counterId}/call-next`).send({})).body).toEqual({ ticket: null })

    const same = await line.clerk.post(`/api/tickets/${moved.id}/transfer`).send({ serviceId: target.id })
    expect(same.status).toBe(409)
    expect(same.body.error.code).toBe('TRANSFER_SAME_SERVICE')
    const missing = await line.clerk.post(`/api/tickets/${moved.id}/transfer`).send({ serviceId: '00000000-0000-4000-8000-000000000000' })
    expect(missing.status).toBe(404)
    expect(missing.body.error.code).toBe('SERVICE_NOT_FOUND')
    expect((await ticketState(h, moved.id)).row.status).toBe('waiting')
  })

  it('cancel ends a waiting ticket (any clerk of the center) and cannot be repeated', async () => {
    const line = await openLine(h)
    const other = await openLine(h)
    const t = await issued(h, line.serviceId)
    const res = await other.clerk.post(`/api/tickets/${t.id}/cancel`).send({})
    expect(res.status).toBe(200)
    expect(res.body.ticket).toMatchObject({ status: 'cancelled', position: null })
    expect(res.body.ticket.finishedAt).not.toBeNull()
    const before = await ticketState(h, t.id)
    const again = await other.clerk.post(`/api/tickets/${t.id}/cancel`).send({})
    expect(again.status).toBe(409)
    expect(again.body.error.code).toBe('TICKET_WRONG_STATE')
    expect(await ticketState(h, t.id)).toEqual(before)
    expect((await ticketEvents(h, t.id)).map((e) => [e.type, e.from_status, e.to_status])).toEqual([
      ['issued', null, 'waiting'], ['cancelled', 'waiting', 'cancelled'],
    ])
    // a cancelled ticket is never called
    expect((await line.clerk.post(`/api/counters/${line.counterId}/call-next`).send({})).body).toEqual({ ticket: null })
  })

  it('opens, pauses with a reason, resumes and closes a counter, logging each change', async () => {
    const service = await addService(h)
    const counter = await addCounter(h, [service.id])
    const staff = await addClerk(h)
    const clerk = await h.login(staff.username)
    const url = `/api/counters/${counter.id}`

    const open = await clerk.post(`${url}/open`).send({})
    expect(open.status).toBe(200)
    expect(open.body.counter).toMatchObject({ id: counter.id, status: 'open', staffName: `Cán bộ ${staff.username}`, pauseReason: null,
      services: [{ id: service.id, tier: 1 }] })
    // opening one's own open counter again is harmless
    expect((await clerk.post(`${url}/open`).send({})).body.counter.status).toBe('open')

    const pause = await clerk.post(`${url}/pause`).send({ reason: 'break' })
    expect(pause.status).toBe(200)
    expect(pause.body.counter).toMatchObject({ status: 'paused', pauseReason: 'break' })
    const twice = await clerk.post(`${url}/pause`).send({ reason: 'meeting' })
    expect(twice.status).toBe(409)
    expect(twice.body.error.code).toBe('COUNTER_PAUSED')
    const badReason = await clerk.post(`${url}/pause`).send({ reason: 'nap' })
    expect(badReason.status).toBe(400)

    const resume = await clerk.post(`${url}/resume`).send({})
    expect(resume.body.counter).toMatchObject({ status: 'open', pauseReason: null })
    const notPaused = await clerk.post(`${url}/resume`).send({})
    expect(notPaused.status).toBe(409)
    expect(notPaused.body.error.code).toBe('COUNTER_NOT_PAUSED')

    await clerk.post(`${url}/pause`).send({ reason: 'field_work', note: 'Xuống bản' })
    const close = await clerk.post(`${url}/close`).send({})
    expect(close.status).toBe(200)
    expect(close.body.counter).toMatchObject({ status: 'closed', staffName: null, pauseReason: null })
    // closing a closed counter changes nothing and is not an error
    expect((await clerk.post(`${url}/close`).send({})).body.counter.status).toBe('closed')
    const pauseClosed = await clerk.post(`${url}/pause`).send({ reason: 'break' })
    expect(pauseClosed.status).toBe(409)
    expect(pauseClosed.body.error.code).toBe('COUNTER_CLOSED')

    const log = await h.handle.db.selectFrom('counter_event').select(['type', 'reason', 'staff_id']).where('counter_id', '=', counter.id).orderBy('id').execute()
    expect(log).toEqual([
      { type: 'open', reason: null, staff_id: staff.id },
      { type: 'pause', reason: 'break', staff_id: staff.id },
      { type: 'resume', reason: null, staff_id: staff.id },
      { type: 'pause', reason: 'field_work: Xuống bản', staff_id: staff.id },
      { type: 'close', reason: null, staff_id: staff.id },
    ])
  })

  it('refuses a counter another clerk holds (COUNTER_IN_USE) and a second counter for one clerk (STAFF_AT_OTHER_COUNTER)', async () => {
    const line = await openLine(h)
    const other = await openLine(h)
    const inUse = await other.clerk.post(`/api/counters/${line.counterId}/open`).send({})
    expect(inUse.status).toBe(409)
    expect(inUse.body.error.code).toBe('COUNTER_IN_USE')
    const free = await addCounter(h, [line.serviceId])
    const second = await line.clerk.post(`/api/counters/${free.id}/open`).send({})
    expect(second.status).toBe(409)
    expect(second.body.error.code).toBe('STAFF_AT_OTHER_COUNTER')
    expect(second.body.error.message).toContain(String(line.counterNumber))
    const rows = await h.handle.db.selectFrom('counter').select(['id', 'status', 'staff_id']).where('id', 'in', [line.counterId, free.id]).orderBy('number').execute()
    expect(rows).toEqual([
      { id: line.counterId, status: 'open', staff_id: line.staffId },
      { id: free.id, status: 'closed', staff_id: null },
    ])
    // another clerk cannot close or pause a counter that is not theirs
    expect((await other.clerk.post(`/api/counters/${line.counterId}/close`).send({})).body.error.code).toBe('NOT_AT_COUNTER')
    expect((await other.clerk.post(`/api/counters/${line.counterId}/pause`).send({ reason: 'break' })).body.error.code).toBe('NOT_AT_COUNTER')
  })

  it('refuses to close a counter while it has a called ticket, and changes nothing', async () => {
    const line = await openLine(h)
    const t = await issued(h, line.serviceId)
    await line.clerk.post(`/api/counters/${line.counterId}/call-next`).send({})
    const before = await ticketState(h, t.id)
    const res = await line.clerk.post(`/api/counters/${line.counterId}/close`).send({})
    expect(res.status).toBe(409)
    expect(res.body.error.code).toBe('COUNTER_BUSY')
    expect(await ticketState(h, t.id)).toEqual(before)
    const c = await h.handle.db.selectFrom('counter').select(['status', 'staff_id']).where('id', '=', line.counterId).executeTakeFirstOrThrow()
    expect(c).toEqual({ status: 'open', staff_id: line.staffId })
  })

  it('a clerk needs a session for every transition (401) and a real ticket (404)', async () => {
    const line = await openLine(h)
    const t = await issued(h, line.serviceId)
    const anon = await h.http.post(`/api/counters/${line.counterId}/call-next`).send({})
    expect(anon.status).toBe(401)
    expect(anon.body.error.code).toBe('AUTH_REQUIRED')
    expect((await h.http.post(`/api/tickets/${t.id}/cancel`).send({})).status).toBe(401)
    const missing = await line.clerk.post('/api/tickets/00000000-0000-4000-8000-000000000000/start').send({})
    expect(missing.status).toBe(404)
    expect(missing.body.error.code).toBe('TICKET_NOT_FOUND')
    expect((await ticketState(h, t.id)).row.status).toBe('waiting')
  })

  it('a new clerk row logs in with the copied demo hash', async () => {
    // guards the fixtures the other tests stand on
    const staff = await addClerk(h)
    const agent = await h.login(staff.username)
    expect((await agent.get('/api/auth/me')).body).toMatchObject({ staff: { username: staff.username, role: 'clerk' } })
  })
})
