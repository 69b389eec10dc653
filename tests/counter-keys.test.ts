// The counter's keys (issue 22) on the server: D completes a called ticket (the start implied), a no-show
// taken back within 10 seconds, and a ticket transferred to a counter with a note: kept for that counter,
// called by it first, never by another, released when it closes; a ticket is never with two counters.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { backends } from './helpers/db.js'
import { startHarness, type Harness } from './helpers/harness.js'
import { addClerk, addCounter, issued, openLine, type Agent, type Line } from './queue-fixtures.js'

describe.each(backends)('counter keys on %s', (kind) => {
  let h: Harness
  beforeAll(async () => {
    h = await startHarness(kind)
    h.clock.set('2026-11-23T09:00:00+07:00')
  }, 60_000)
  afterAll(async () => { await h?.close() })

  /** a second counter of the line's service, opened by its own clerk */
  async function secondCounter(line: Line): Promise<{ id: string; number: number; clerk: Agent }> {
    const c = await addCounter(h, [line.serviceId])
    const clerk = await h.login((await addClerk(h)).username)
    expect((await clerk.post(`/api/counters/${c.id}/open`).send({})).status).toBe(200)
    return { ...c, clerk }
  }
  const events = async (ticketId: string) => (await h.handle.db.selectFrom('ticket_event').select(['type', 'data']).where('ticket_id', '=', ticketId).orderBy('id').execute())
  const row = (id: string) => h.handle.db.selectFrom('ticket').selectAll().where('id', '=', id).executeTakeFirstOrThrow()
  /** no counter has two tickets at it, and no ticket is at a counter while it is kept for another */
  async function invariant() {
    const active = await h.handle.db.selectFrom('ticket').select(['id', 'counter_id', 'for_counter_id', 'status'])
      .where('status', 'in', ['called', 'serving']).execute()
    const at = active.map((t) => t.counter_id)
    expect(new Set(at).size).toBe(at.length)
    const kept = await h.handle.db.selectFrom('ticket').select(['id', 'counter_id']).where('status', '=', 'waiting').where('for_counter_id', 'is not', null).execute()
    expect(kept.filter((t) => t.counter_id !== null)).toEqual([])
  }

  it('D completes a called ticket: started at its call (implied), then done, in its history', async () => {
    const line = await openLine(h)
    const t = await issued(h, line.serviceId)
    await line.clerk.post(`/api/counters/${line.counterId}/call-next`).send({}).expect(200)
    h.clock.advance(90_000)
    const res = await line.clerk.post(`/api/tickets/${t.id}/complete`).send({})
    expect(res.status).toBe(200)
    expect(res.body.ticket.status).toBe('done')
    const r = await row(t.id)
    expect(r.started_at?.toISOString()).toBe(r.called_at?.toISOString())
    expect((await events(t.id)).map((e) => [e.type, (e.data as { implied?: boolean }).implied ?? false]))
      .toEqual([['issued', false], ['called', false], ['started', true], ['completed', false]])
    // a waiting ticket still cannot be completed
    const w = await issued(h, line.serviceId)
    expect((await line.clerk.post(`/api/tickets/${w.id}/complete`).send({})).body.error.code).toBe('TICKET_WRONG_STATE')
  })

  it('a no-show is undone within 10 seconds by its clerk, and not after; the day counts it out', async () => {
    const line = await openLine(h)
    const other = await secondCounter(line)
    const a = await issued(h, line.serviceId)
    await line.clerk.post(`/api/counters/${line.counterId}/call-next`).send({}).expect(200)
    await line.clerk.post(`/api/tickets/${a.id}/no-show`).send({}).expect(200)
    expect((await line.clerk.get('/api/centers/na-sang/my-day')).body.noShows).toBe(1)
    // another counter's clerk may not
    expect((await other.clerk.post(`/api/tickets/${a.id}/undo-no-show`).send({})).body.error.code).toBe('NOT_AT_COUNTER')
    h.clock.advance(9_000)
    const undone = await line.clerk.post(`/api/tickets/${a.id}/undo-no-show`).send({})
    expect(undone.status).toBe(200)
    expect(undone.body.ticket).toMatchObject({ status: 'called', counterId: line.counterId, finishedAt: null })
    expect((await line.clerk.get('/api/centers/na-sang/my-day')).body.noShows).toBe(0)
    // twice: the ticket is called again, nothing to undo
    expect((await line.clerk.post(`/api/tickets/${a.id}/undo-no-show`).send({})).body.error.code).toBe('TICKET_WRONG_STATE')

    await line.clerk.post(`/api/tickets/${a.id}/no-show`).send({}).expect(200)
    h.clock.advance(10_500)
    const late = await line.clerk.post(`/api/tickets/${a.id}/undo-no-show`).send({})
    expect([late.status, late.body.error.code]).toEqual([409, 'NO_SHOW_UNDO_EXPIRED'])
    expect((await row(a.id)).status).toBe('no_show')

    // the counter called someone else meanwhile: refused, nothing changed
    const b = await issued(h, line.serviceId)
    const c = await issued(h, line.serviceId)
    await line.clerk.post(`/api/counters/${line.counterId}/call-next`).send({}).expect(200)
    await line.clerk.post(`/api/tickets/${b.id}/no-show`).send({}).expect(200)
    await line.clerk.post(`/api/counters/${line.counterId}/call-next`).send({}).expect(200)
    const busy = await line.clerk.post(`/api/tickets/${b.id}/undo-no-show`).send({})
    expect([busy.status, busy.body.error.code]).toEqual([409, 'COUNTER_BUSY'])
    expect((await row(b.id)).status).toBe('no_show')
    expect((await row(c.id)).status).toBe('called')
    await invariant()
  })

  it('transfers to a counter with a note: kept for it, called by it first, never by another', async () => {
    const line = await openLine(h)
    const k2 = await secondCounter(line)
    const k3 = await secondCounter(line)
    const first = await issued(h, line.serviceId)
    h.clock.advance(60_000)
    const older = await issued(h, line.serviceId) // waits in the service's queue
    await line.clerk.post(`/api/counters/${line.counterId}/call`).send({ ticketId: first.id }).expect(200)
    const res = await line.clerk.post(`/api/tickets/${first.id}/transfer`).send({ counterId: k2.id, note: '  Cần chứng thực bản sao  ' })
    expect(res.status).toBe(200)
    const moved = res.body.ticket
    expect(moved).toMatchObject({ status: 'waiting', serviceId: line.serviceId, transferredFromId: first.id, counterId: null })
    expect(await row(moved.id)).toMatchObject({ for_counter_id: k2.id, transfer_note: 'Cần chứng thực bản sao' })
    expect((await row(first.id)).status).toBe('transferred')
    await invariant()

    // the other counter's queue does not list it; its call-next takes the service's own ticket instead, and it cannot call it out of order
    const q3 = (await k3.clerk.get(`/api/counters/${k3.id}/queue`)).body
    expect(q3.waiting.map((t: { id: string }) => t.id)).not.toContain(moved.id)
    const called3 = await k3.clerk.post(`/api/counters/${k3.id}/call-next`).send({})
    expect(called3.body.ticket.id).toBe(older.id)
    await k3.clerk.post(`/api/tickets/${older.id}/complete`).send({}).expect(200)
    const direct = await k3.clerk.post(`/api/counters/${k3.id}/call`).send({ ticketId: moved.id })
    expect([direct.status, direct.body.error.code]).toEqual([409, 'TICKET_FOR_OTHER_COUNTER'])

    // counter 2 sees it first in its queue, with the note and where it came from, and its call-next takes it
    const q2 = (await k2.clerk.get(`/api/counters/${k2.id}/queue`)).body
    expect(q2.waiting[0]).toMatchObject({ id: moved.id, forThisCounter: true, transferNote: 'Cần chứng thực bản sao', transferredFromCounter: line.counterNumber })
    const called2 = await k2.clerk.post(`/api/counters/${k2.id}/call-next`).send({})
    expect(called2.body.ticket.id).toBe(moved.id)
    expect((await k2.clerk.get(`/api/counters/${k2.id}/queue`)).body.currentTransfer)
      .toEqual({ note: 'Cần chứng thực bản sao', fromCounter: line.counterNumber, fromCode: first.code })
    await invariant()
  })

  it('refuses what cannot be: the same counter, a closed one, another center, both targets or none', async () => {
    const line = await openLine(h)
    const t = await issued(h, line.serviceId)
    await line.clerk.post(`/api/counters/${line.counterId}/call-next`).send({}).expect(200)
    const closed = await addCounter(h, [line.serviceId])
    const send = (body: object) => line.clerk.post(`/api/tickets/${t.id}/transfer`).send(body)
    expect((await send({ counterId: line.counterId })).body.error.code).toBe('TRANSFER_SAME_COUNTER')
    expect((await send({ counterId: closed.id })).body.error.code).toBe('COUNTER_CLOSED')
    expect((await send({ counterId: '00000000-0000-4000-8000-000000000000' })).body.error.code).toBe('COUNTER_NOT_FOUND')
    const other = await h.handle.db.selectFrom('counter').innerJoin('center', 'center.id', 'counter.center_id')
      .select('counter.id').where('center.slug', '!=', 'na-sang').executeTakeFirst()
    if (other) expect((await send({ counterId: other.id })).body.error.code).toBe('COUNTER_NOT_FOUND')
    for (const body of [{}, { counterId: closed.id, serviceId: line.serviceId }, { counterId: closed.id, note: 'x'.repeat(201) }]) {
      expect((await send(body)).status).toBe(400)
    }
    expect((await row(t.id)).status).toBe('called')
    // a transfer is the clerk's of the ticket's counter (or a manager's)
    const k2 = await secondCounter(line)
    expect((await k2.clerk.post(`/api/tickets/${t.id}/transfer`).send({ counterId: k2.id })).body.error.code).toBe('NOT_AT_COUNTER')
    const manager = await h.login('quanly')
    expect((await manager.post(`/api/tickets/${t.id}/transfer`).send({ counterId: k2.id, note: 'Quản lý chuyển' })).status).toBe(200)
  })

  it('a counter that closes lets its kept tickets go back to their service, in their place', async () => {
    const line = await openLine(h)
    const k2 = await secondCounter(line)
    const t = await issued(h, line.serviceId)
    await line.clerk.post(`/api/counters/${line.counterId}/call-next`).send({}).expect(200)
    const moved = (await line.clerk.post(`/api/tickets/${t.id}/transfer`).send({ counterId: k2.id })).body.ticket
    await k2.clerk.post(`/api/counters/${k2.id}/close`).send({}).expect(200)
    expect((await row(moved.id)).for_counter_id).toBeNull()
    const again = await line.clerk.post(`/api/counters/${line.counterId}/call-next`).send({})
    expect(again.body.ticket.id).toBe(moved.id)
    await invariant()
  })

  it('races: a transfer against the target closing, and two counters calling at once, keep one counter per ticket', async () => {
    for (let round = 0; round < 4; round++) {
      const line = await openLine(h)
      const k2 = await secondCounter(line)
      const k3 = await secondCounter(line)
      const t = await issued(h, line.serviceId)
      await line.clerk.post(`/api/counters/${line.counterId}/call-next`).send({}).expect(200)
      const [tr, cl] = await Promise.all([
        line.clerk.post(`/api/tickets/${t.id}/transfer`).send({ counterId: k2.id }),
        k2.clerk.post(`/api/counters/${k2.id}/close`).send({}),
      ])
      expect(cl.status).toBe(200)
      if (tr.status === 200) {
        // the close came after: the ticket went back to its service's queue
        expect((await row(tr.body.ticket.id)).for_counter_id).toBeNull()
      } else {
        expect(tr.body.error.code).toBe('COUNTER_CLOSED')
        expect((await row(t.id))).toMatchObject({ status: 'called', counter_id: line.counterId })
      }
      await invariant()

      // kept for k3: k3 and the line's counter call at once, only k3 may take it
      const u = await issued(h, line.serviceId)
      // the line's counter still has t when the transfer was refused: finished first
      if (tr.status !== 200) await line.clerk.post(`/api/tickets/${t.id}/complete`).send({}).expect(200)
      await line.clerk.post(`/api/counters/${line.counterId}/call`).send({ ticketId: u.id }).expect(200)
      const cur = (await line.clerk.get(`/api/counters/${line.counterId}/queue`)).body.current
      const kept = (await line.clerk.post(`/api/tickets/${cur.id}/transfer`).send({ counterId: k3.id })).body.ticket
      const [a, b] = await Promise.all([
        k3.clerk.post(`/api/counters/${k3.id}/call-next`).send({}),
        line.clerk.post(`/api/counters/${line.counterId}/call-next`).send({}),
      ])
      expect(a.body.ticket.id).toBe(kept.id)
      expect(b.body.ticket?.id ?? null).not.toBe(kept.id)
      await invariant()
    }
  })
})
