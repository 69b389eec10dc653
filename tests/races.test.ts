import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { sql } from 'kysely'
import { backends } from './helpers/db.js'
import { startHarness, type Harness } from './helpers/harness.js'
import { addClerk, addCounter, addService, issue, issued, openLine, type Agent } from './queue-fixtures.js'

/**
 * Concurrency: every request of a batch is in flight at once. On PostgreSQL they run on separate pool
 * connections (the harness pool holds 20, as the server's own: 20 race in the database at once, the rest
 * wait for a connection); on PGlite they interleave on its single connection.
 */
describe.each(backends)('races on %s', (kind) => {
  let h: Harness
  beforeAll(async () => { h = await startHarness(kind) }, 60_000)
  afterAll(async () => { await h?.close() })

  const db = () => h.handle.db
  const times = <T>(n: number, f: (i: number) => Promise<T>) => Promise.all(Array.from({ length: n }, (_, i) => f(i)))

  it('50 concurrent issues for one service get the numbers 1..50, each exactly once', async () => {
    const s = await addService(h)
    const res = await times(50, () => issue(h, s.id))
    expect(res.map((r) => r.status)).toEqual(Array(50).fill(201))
    const numbers = res.map((r) => r.body.ticket.number as number).sort((a, b) => a - b)
    expect(numbers).toEqual(Array.from({ length: 50 }, (_, i) => i + 1))
    expect(new Set(res.map((r) => r.body.ticket.code)).size).toBe(50)
    const rows = await db().selectFrom('ticket').select(['number', 'code']).where('service_id', '=', s.id).orderBy('number').execute()
    expect(rows.map((r) => r.code)).toEqual(numbers.map((n) => `${s.prefix}${String(n).padStart(3, '0')}`))
    const counterRow = await db().selectFrom('ticket_number').select('last').where('service_id', '=', s.id).executeTakeFirstOrThrow()
    expect(counterRow.last).toBe(50)
    // each issue took its own board seq: 2 events a ticket, none shared
    const events = await db().selectFrom('ticket_event').select('ticket_id').where('type', '=', 'issued')
      .where('ticket_id', 'in', res.map((r) => r.body.ticket.id)).execute()
    expect(events).toHaveLength(50)
  })

  it('50 clerks at 50 counters calling next at once over 200 waiting tickets never get the same ticket', async () => {
    // every counter serves two services as one primary tier; 200 waiting tickets, a second apart, alternating
    const services = [await addService(h), await addService(h)]
    const day = '2026-11-23', base = new Date('2026-11-23T08:00:00+07:00').getTime()
    const tickets = await db().insertInto('ticket').values(Array.from({ length: 200 }, (_, i) => {
      const s = services[i % 2]!, number = Math.floor(i / 2) + 1
      return { center_id: h.demo.centerId, service_id: s.id, service_day: day, number,
        code: `${s.prefix}${String(number).padStart(3, '0')}`, queue_at: new Date(base + i * 1000), issued_at: new Date(base + i * 1000) }
    })).returning(['id', 'queue_at']).execute()
    await db().insertInto('ticket_number').values(services.map((s) => ({ service_id: s.id, service_day: day, last: 100 }))).execute()
    const inOrder = tickets.sort((a, b) => new Date(a.queue_at).getTime() - new Date(b.queue_at).getTime()).map((t) => t.id)
    const serviceIds = services.map((s) => s.id)

    const seats: { id: string; username: string }[] = []
    for (let i = 0; i < 50; i++) seats.push({ id: (await addCounter(h, serviceIds)).id, username: (await addClerk(h)).username })
    const counters: { id: string; clerk: Agent }[] = await Promise.all(seats.map(async (c) => ({ id: c.id, clerk: await h.login(c.username) })))
    const opened = await Promise.all(counters.map((c) => c.clerk.post(`/api/counters/${c.id}/open`).send({})))
    expect(opened.map((r) => r.status)).toEqual(Array(50).fill(200))

    const calledBy = new Map<string, string>() // ticket → counter
    for (let round = 0; round < 3; round++) {
      const res = await Promise.all(counters.map((c) => c.clerk.post(`/api/counters/${c.id}/call-next`).send({})))
      expect(res.map((r) => r.status)).toEqual(Array(50).fill(200))
      const ids = res.map((r) => r.body.ticket?.id as string)
      expect(ids.every(Boolean)).toBe(true)
      expect(new Set(ids).size).toBe(50)
      res.forEach((r, i) => {
        expect(calledBy.has(r.body.ticket.id)).toBe(false)
        calledBy.set(r.body.ticket.id, counters[i]!.id)
        expect(r.body.ticket.counterId).toBe(counters[i]!.id)
      })
      // skipping locked rows never jumps the queue: a round takes exactly the next 50 in order
      expect([...ids].sort()).toEqual(inOrder.slice(round * 50, round * 50 + 50).sort())
      // the database agrees: one called ticket per counter, each at the counter that got it
      const active = await db().selectFrom('ticket').select(['id', 'counter_id']).where('service_id', 'in', serviceIds).where('status', '=', 'called').execute()
      expect(active).toHaveLength(50)
      expect(new Set(active.map((a) => a.counter_id)).size).toBe(50)
      for (const a of active) expect(calledBy.get(a.id)).toBe(a.counter_id)

      // the citizens did not come (set directly: this test is about calling, and HTTP would only slow it)
      await db().updateTable('ticket').set({ status: 'no_show', finished_at: new Date() }).where('id', 'in', ids).execute()
    }
    expect(calledBy.size).toBe(150)
    // the last 50 still wait, untouched
    const left = await db().selectFrom('ticket').select('id').where('service_id', 'in', serviceIds).where('status', '=', 'waiting').execute()
    expect(left.map((t) => t.id).sort()).toEqual(inOrder.slice(150).sort())
    // every called ticket was called exactly once
    const calls = await db().selectFrom('ticket_event').innerJoin('ticket', 'ticket.id', 'ticket_event.ticket_id')
      .select(['ticket_event.ticket_id', (eb) => eb.fn.countAll<number>().as('n')])
      .where('ticket.service_id', 'in', serviceIds).where('ticket_event.type', '=', 'called').groupBy('ticket_event.ticket_id').execute()
    expect(calls).toHaveLength(150)
    expect(calls.every((c) => Number(c.n) === 1)).toBe(true)
  }, 60_000)

  it('the partial unique index refuses a second called ticket at one counter, whatever the code does', async () => {
    const line = await openLine(h)
    const [t1, t2] = [await issued(h, line.serviceId), await issued(h, line.serviceId)]
    await line.clerk.post(`/api/counters/${line.counterId}/call-next`).send({})
    await expect(db().updateTable('ticket').set({ status: 'called', counter_id: line.counterId, called_at: new Date() })
      .where('id', '=', t2.id).execute()).rejects.toThrow(/ticket_one_active_per_counter/)
    const rows = await db().selectFrom('ticket').select(['id', 'status']).where('id', 'in', [t1.id, t2.id]).orderBy('number').execute()
    expect(rows).toEqual([{ id: t1.id, status: 'called' }, { id: t2.id, status: 'waiting' }])
  })

  it('two tabs of one clerk calling next at once: one gets the ticket, the other 409 COUNTER_BUSY', async () => {
    const line = await openLine(h)
    for (let i = 0; i < 10; i++) await issued(h, line.serviceId)
    const secondTab = line.clerk // same cookie, as two tabs of one browser
    for (let round = 0; round < 5; round++) {
      const res = await Promise.all([
        line.clerk.post(`/api/counters/${line.counterId}/call-next`).send({}),
        secondTab.post(`/api/counters/${line.counterId}/call-next`).send({}),
      ])
      expect(res.map((r) => r.status).sort()).toEqual([200, 409])
      const ok = res.find((r) => r.status === 200)!, refused = res.find((r) => r.status === 409)!
      expect(refused.body.error.code).toBe('COUNTER_BUSY')
      expect(refused.body.error.message).toContain(ok.body.ticket.code)
      const active = await db().selectFrom('ticket').select('id').where('counter_id', '=', line.counterId).where('status', 'in', ['called', 'serving']).execute()
      expect(active).toEqual([{ id: ok.body.ticket.id }])
      await line.clerk.post(`/api/tickets/${ok.body.ticket.id}/no-show`).send({})
    }
    const waiting = await db().selectFrom('ticket').select('id').where('service_id', '=', line.serviceId).where('status', '=', 'waiting').execute()
    expect(waiting).toHaveLength(5)
  })

  it('two clerks calling the same ticket out of order at once: one gets it, the other 409 TICKET_NOT_WAITING', async () => {
    const a = await openLine(h)
    const b = await openLine(h)
    const t = await issued(h, a.serviceId)
    const res = await Promise.all([a, b].map((l) => l.clerk.post(`/api/counters/${l.counterId}/call`).send({ ticketId: t.id })))
    expect(res.map((r) => r.status).sort()).toEqual([200, 409])
    expect(res.find((r) => r.status === 409)!.body.error.code).toBe('TICKET_NOT_WAITING')
    const row = await db().selectFrom('ticket').select(['status', 'counter_id']).where('id', '=', t.id).executeTakeFirstOrThrow()
    const winner = res[0]!.status === 200 ? a : b
    expect(row).toEqual({ status: 'called', counter_id: winner.counterId })
  })

  it('20 kiosks at once against a daily cap of 5: exactly 5 tickets, the rest 409 DAILY_CAP_REACHED, no number burned', async () => {
    const s = await addService(h, { dailyCap: 5 })
    const res = await times(20, () => issue(h, s.id))
    expect(res.filter((r) => r.status === 201)).toHaveLength(5)
    expect(res.filter((r) => r.status !== 201).map((r) => [r.status, r.body.error.code])).toEqual(Array(15).fill([409, 'DAILY_CAP_REACHED']))
    expect(res.filter((r) => r.status === 201).map((r) => r.body.ticket.number as number).sort((a, b) => a - b)).toEqual([1, 2, 3, 4, 5])
    // the refused ones took no number and no seq: the counter row stops at the cap
    expect((await db().selectFrom('ticket_number').select('last').where('service_id', '=', s.id).executeTakeFirstOrThrow()).last).toBe(5)
    await db().updateTable('service').set({ daily_cap: null }).where('id', '=', s.id).execute()
    expect((await issued(h, s.id)).number).toBe(6)
  })

  it('one requestId sent ten times at once gives one ticket, the same id every time, and burns no number', async () => {
    const s = await addService(h)
    const requestId = 'kiosk-1-tap-000001'
    const res = await times(10, () => issue(h, s.id, { requestId }))
    expect(res.map((r) => r.status)).toEqual(Array(10).fill(201))
    expect(new Set(res.map((r) => r.body.ticket.id)).size).toBe(1)
    expect(res[0]!.body.ticket).toMatchObject({ number: 1, status: 'waiting' })
    const rows = await db().selectFrom('ticket').select('id').where('request_id', '=', requestId).execute()
    expect(rows).toEqual([{ id: res[0]!.body.ticket.id }])
    // a retry after the fact still answers with the same ticket; the next tap gets the next number
    expect((await issue(h, s.id, { requestId })).body.ticket.id).toBe(res[0]!.body.ticket.id)
    expect((await issue(h, s.id, { requestId: 'kiosk-1-tap-000002' })).body.ticket.number).toBe(2)
  })

  it('one requestId for another service is refused (409 REQUEST_ID_REUSED), also when both arrive at once', async () => {
    const s1 = await addService(h)
    const s2 = await addService(h)
    const first = await issue(h, s1.id, { requestId: 'kiosk-2-tap-000001' })
    expect(first.status).toBe(201)
    const reused = await issue(h, s2.id, { requestId: 'kiosk-2-tap-000001' })
    expect(reused.status).toBe(409)
    expect(reused.body.error.code).toBe('REQUEST_ID_REUSED')

    const both = await Promise.all([s1, s2].map((s) => issue(h, s.id, { requestId: 'kiosk-2-tap-000002' })))
    expect(both.map((r) => r.status).sort()).toEqual([201, 409])
    expect(both.find((r) => r.status === 409)!.body.error.code).toBe('REQUEST_ID_REUSED')
    const rows = await db().selectFrom('ticket').select('service_id').where('request_id', 'in', ['kiosk-2-tap-000001', 'kiosk-2-tap-000002']).execute()
    expect(rows).toHaveLength(2)
    expect(await db().selectFrom('ticket').select('id').where('service_id', '=', s2.id).execute()).toHaveLength(both[1]!.status === 201 ? 1 : 0)
  })

  it('one clerk opening two counters at once ends up at exactly one of them', async () => {
    const s = await addService(h)
    const [c1, c2] = [await addCounter(h, [s.id]), await addCounter(h, [s.id])]
    const staff = await addClerk(h)
    const clerk = await h.login(staff.username)
    const res = await Promise.all([c1, c2].map((c) => clerk.post(`/api/counters/${c.id}/open`).send({})))
    expect(res.map((r) => r.status).sort()).toEqual([200, 409])
    expect(res.find((r) => r.status === 409)!.body.error.code).toBe('STAFF_AT_OTHER_COUNTER')
    const open = await db().selectFrom('counter').select('id').where('staff_id', '=', staff.id).execute()
    expect(open).toHaveLength(1)
  })

  it('board seq numbers stay unique and gapless under concurrent writes', async () => {
    const s = await addService(h)
    const before = (await db().selectFrom('center_board_seq').select('seq').executeTakeFirstOrThrow()).seq
    await times(20, () => issue(h, s.id))
    const after = (await db().selectFrom('center_board_seq').select('seq').executeTakeFirstOrThrow()).seq
    // ticket:issued + queue:changed for each ticket
    expect(after - before).toBe(40)
    const { rows } = await sql<{ n: number }>`SELECT count(*)::int AS n FROM ticket WHERE service_id = ${s.id}`.execute(db())
    expect(rows[0]!.n).toBe(20)
  })
})
