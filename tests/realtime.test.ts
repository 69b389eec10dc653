import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { backends } from './helpers/db.js'
import { nextEvent, startHarness, type ClientSocket, type Harness, TEST_PASSWORD } from './helpers/harness.js'
import type { BoardSnapshot } from '../common/types.js'
import { PUBLIC_EVENTS } from '../common/events.js'
import { addClerk, addCounter, addService, boardSeq, issued, openLine } from './queue-fixtures.js'

interface Received { name: string; payload: Record<string, any> }

/** Everything a socket receives from now on, in arrival order. */
function record(s: ClientSocket): Received[] {
  const got: Received[] = []
  s.onAny((name: string, payload: Record<string, any>) => { got.push({ name, payload }) })
  return got
}

async function until(what: string, cond: () => boolean, ms = 5000) {
  const end = Date.now() + ms
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`)
    await new Promise((r) => setTimeout(r, 10))
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

function connectError(s: ClientSocket): Promise<string> {
  return new Promise((resolve, reject) => {
    const t = setTimeout(() => reject(new Error('neither connect_error nor connect')), 5000)
    s.on('connect_error', (err) => { clearTimeout(t); resolve(err.message) })
    s.on('connect', () => { clearTimeout(t); reject(new Error('connected')) })
  })
}

describe.each(backends)('realtime on %s', (kind) => {
  let h: Harness
  beforeAll(async () => { h = await startHarness(kind) }, 60_000)
  afterAll(async () => { await h?.close() })

  /** A display socket that has its snapshot, so it is in the center's room. */
  async function display() {
    const s = h.socket({ center: 'na-sang' })
    const snapshot = await nextEvent(s, 'board:snapshot')
    return { s, snapshot, got: record(s) }
  }

  it('a display socket gets the board snapshot on connect', async () => {
    const { s, snapshot } = await display()
    expect(snapshot).toMatchObject({ centerSlug: 'na-sang', serviceDay: '2026-11-23', open: true, acceptingTickets: true, ticketCutoff: '16:30' })
    expect(typeof snapshot.seq).toBe('number')
    expect(snapshot.seq).toBe(await boardSeq(h))
    expect(snapshot.services.map((x) => x.prefix)).toEqual(expect.arrayContaining(['A', 'B', 'C', 'D', 'E', 'F', 'G']))
    expect(snapshot.counters.filter((c) => c.number <= 6).map((c) => c.number)).toEqual([1, 2, 3, 4, 5, 6])
    s.disconnect()
  })

  it('facts from HTTP reach the display after commit with consecutive seq numbers, and the board’s seq matches the last one', async () => {
    const { s, snapshot, got } = await display()
    const service = await addService(h)
    const counter = await addCounter(h, [service.id])
    const staff = await addClerk(h)
    const clerk = await h.login(staff.username)

    await clerk.post(`/api/counters/${counter.id}/open`).send({})
    const t = await issued(h, service.id)
    await clerk.post(`/api/counters/${counter.id}/call-next`).send({})
    await until('7 events', () => got.length >= 7)
    await sleep(50) // nothing more arrives
    expect(got.map((e) => e.name)).toEqual([
      'counter:changed', 'queue:changed', // open
      'ticket:issued', 'queue:changed', // issue
      'ticket:called', 'counter:changed', 'queue:changed', // call-next
    ])
    expect(got.map((e) => e.payload.seq)).toEqual([1, 2, 3, 4, 5, 6, 7].map((i) => snapshot.seq + i))
    expect((await h.http.get('/api/centers/na-sang/board')).body.seq).toBe(got.at(-1)!.payload.seq)

    const [opened, , issuedEv, waiting1, called, counterNow, waiting0] = got.map((e) => e.payload)
    expect(opened!.counter).toMatchObject({ id: counter.id, status: 'open', currentTicket: null })
    // public facts name the ticket by its code only (its id is for its holder and staff: tests/ticket-secret.test.ts)
    expect(issuedEv!.ticket).toEqual({ code: t.code, serviceId: service.id, issuedAt: t.issuedAt, priority: false })
    expect(waiting1!.services).toEqual([{ id: service.id, waiting: 1, estimatedWaitMinutes: 5, capReached: false }])
    expect(called).toMatchObject({ code: t.code, counterId: counter.id, counterNumber: counter.number })
    expect(called).not.toHaveProperty('ticketId')
    expect(counterNow!.counter).toMatchObject({ id: counter.id, currentTicket: { code: t.code, status: 'called' } })
    expect(counterNow!.counter.currentTicket).not.toHaveProperty('id')
    // nobody waits, but the only counter has a ticket in hand: a ticket taken now waits what is left of it (just called: its service's 5 min)
    expect(waiting0!.services).toEqual([{ id: service.id, waiting: 0, estimatedWaitMinutes: 5, capReached: false }])

    // the board fetched now says what the events said
    const board: BoardSnapshot = (await h.http.get('/api/centers/na-sang/board')).body
    expect(board.counters.find((c) => c.id === counter.id)!.currentTicket).toMatchObject({ code: t.code, status: 'called' })
    expect(board.recentCalls[0]).toMatchObject({ code: t.code, counterNumber: counter.number })
    expect(JSON.stringify(board)).not.toContain(t.id)
    s.disconnect()
  })

  it('a display gets the facts of each change one event each, in seq order, and a fresh board when a setting changes', async () => {
    const single = await display()
    const snapshot = single.snapshot
    const service = await addService(h)
    const counter = await addCounter(h, [service.id])
    const clerk = await h.login((await addClerk(h)).username)
    await clerk.post(`/api/counters/${counter.id}/open`).send({})
    await issued(h, service.id)
    await clerk.post(`/api/counters/${counter.id}/call-next`).send({})
    await until('7 events', () => single.got.length >= 7)
    await sleep(50)
    expect(single.got.map((e) => e.name)).toEqual(['counter:changed', 'queue:changed', 'ticket:issued', 'queue:changed', 'ticket:called', 'counter:changed', 'queue:changed'])
    expect(single.got.map((e) => e.payload.seq)).toEqual([1, 2, 3, 4, 5, 6, 7].map((i) => snapshot.seq + i))
    const manager = await h.login('quanly')
    const next = nextEvent(single.s, 'board:snapshot') // sent before the answer
    await manager.patch(`/api/services/${service.id}`).send({ nameVi: 'Lĩnh vực đổi tên' }).expect(200)
    const fresh = await next
    expect(fresh.services.find((x) => x.id === service.id)?.nameVi).toBe('Lĩnh vực đổi tên')
    single.s.disconnect()
  })

  it('finishing or holding the current ticket tells displays the counter is free', async () => {
    const line = await openLine(h)
    const [t1, t2] = [await issued(h, line.serviceId), await issued(h, line.serviceId)]
    await line.clerk.post(`/api/counters/${line.counterId}/call-next`).send({})
    const { s, got } = await display()

    await line.clerk.post(`/api/tickets/${t1.id}/start`).send({})
    await line.clerk.post(`/api/tickets/${t1.id}/complete`).send({})
    await line.clerk.post(`/api/counters/${line.counterId}/call-next`).send({})
    await line.clerk.post(`/api/tickets/${t2.id}/hold`).send({})
    await until('hold events', () => got.filter((e) => e.name === 'ticket:finished').length >= 2 && got.filter((e) => e.name === 'counter:changed').length >= 4)
    await sleep(50)
    const view = got.map((e) => e.name === 'counter:changed' ? `counter:${e.payload.counter.currentTicket?.status ?? 'free'}`
      : e.name === 'ticket:finished' ? `finished:${e.payload.status}` : e.name)
    expect(view).toEqual([
      'counter:serving', // start
      'finished:done', 'counter:free', // complete
      'ticket:called', 'counter:called', 'queue:changed', // call-next
      'finished:held', 'counter:free', // hold
    ])
    const seqs = got.map((e) => e.payload.seq as number)
    expect(seqs).toEqual(seqs.map((_, i) => seqs[0]! + i))
    s.disconnect()
  })

  it('a phone following its ticket (with its secret) gets ticket:updated when it is called, and no center facts', async () => {
    const line = await openLine(h)
    const t = await issued(h, line.serviceId)
    const phone = h.socket({ ticket: t.id, key: t.secret })
    const first = await nextEvent(phone, 'ticket:updated')
    expect(first).toMatchObject({ id: t.id, status: 'waiting', position: 1 })
    const got = record(phone)

    await line.clerk.post(`/api/counters/${line.counterId}/call-next`).send({})
    await until('ticket:updated', () => got.length >= 1)
    await sleep(50)
    expect(got.map((e) => e.name)).toEqual(['ticket:updated'])
    expect(got[0]!.payload).toMatchObject({ id: t.id, status: 'called', counterNumber: line.counterNumber, position: null })

    await line.clerk.post(`/api/tickets/${t.id}/recall`).send({})
    await line.clerk.post(`/api/tickets/${t.id}/no-show`).send({})
    await until('two more updates', () => got.length >= 3)
    expect(got.map((e) => e.payload.status)).toEqual(['called', 'called', 'no_show'])
    expect(got.every((e) => e.name === 'ticket:updated')).toBe(true)
    phone.disconnect()
  })

  it('refuses a socket for an unknown center, an unknown ticket, or with no auth (connect_error)', async () => {
    expect(await connectError(h.socket({ center: 'khong-co' }))).toBe('CENTER_NOT_FOUND')
    expect(await connectError(h.socket({ center: 'NOT A SLUG' }))).toBe('CENTER_NOT_FOUND')
    expect(await connectError(h.socket({ ticket: '00000000-0000-4000-8000-000000000000', key: 'x'.repeat(32) }))).toBe('TICKET_NOT_FOUND')
    expect(await connectError(h.socket({}))).toBe('AUTH_REQUIRED')
  })

  it('a refused request sends nothing and leaves the seq alone', async () => {
    const line = await openLine(h)
    const t = await issued(h, line.serviceId)
    const { s, got } = await display()
    const seq = await boardSeq(h)
    expect((await line.clerk.post(`/api/tickets/${t.id}/start`).send({})).status).toBe(409)
    await line.clerk.post(`/api/counters/${line.counterId}/pause`).send({ reason: 'break' })
    await until('pause events', () => got.length >= 2)
    expect((await line.clerk.post(`/api/counters/${line.counterId}/call-next`).send({})).status).toBe(409)
    await sleep(100)
    expect(got.map((e) => e.name)).toEqual(['counter:changed', 'queue:changed'])
    expect(got[0]!.payload.counter).toMatchObject({ status: 'paused', pauseReason: 'break' })
    expect(await boardSeq(h)).toBe(seq + 2)
    s.disconnect()
  })

  it('a staff socket (session cookie) follows its center’s tickets and may watch its counter', async () => {
    const line = await openLine(h)
    const login = await h.http.post('/api/auth/login').send({ username: 'canbo2', password: TEST_PASSWORD })
    const cookie = (login.headers['set-cookie'] as unknown as string[]).map((c) => c.split(';')[0]).join('; ')
    const staff = h.socket({}, { cookie })
    await new Promise<void>((resolve, reject) => { staff.on('connect', resolve); staff.on('connect_error', reject) })
    const ok = await staff.emitWithAck('counter:watch', line.counterId)
    expect(ok).toBe(true)
    expect(await staff.emitWithAck('counter:watch', 'not-a-uuid')).toBe(false)
    const got = record(staff)
    const t = await issued(h, line.serviceId)
    await line.clerk.post(`/api/counters/${line.counterId}/call-next`).send({})
    await until('staff events', () => got.some((e) => e.name === 'ticket:called') && got.filter((e) => e.name === 'ticket:updated').length >= 2)
    expect(got.find((e) => e.name === 'ticket:called')!.payload).toMatchObject({ code: t.code, counterId: line.counterId })
    expect(got.filter((e) => e.name === 'ticket:updated').map((e) => e.payload.status)).toEqual(['waiting', 'called'])
    // only its counter's room, not the whole center: no ticket:issued
    expect(got.some((e) => e.name === 'ticket:issued')).toBe(false)
    staff.disconnect()
  })

  it('concurrent writes: every fact reaches the display once, each seq used exactly once', async () => {
    const s1 = await addService(h)
    const { s, snapshot, got } = await display()
    await Promise.all(Array.from({ length: 20 }, () => issued(h, s1.id)))
    await until('40 events', () => got.length >= 40)
    await sleep(50)
    expect(got).toHaveLength(40)
    // sent in commit order, which is seq order but for a commit answered late on a busy host: pages put
    // such facts back in order (common/board-sync.ts), so the seqs are checked as a set
    expect(got.map((e) => e.payload.seq).sort((a, b) => a - b)).toEqual(Array.from({ length: 40 }, (_, i) => snapshot.seq + 1 + i))
    expect(got.filter((e) => e.name === 'ticket:issued')).toHaveLength(20)
    // the queue:changed of the last seq, read after the last commit, tells the final count
    const lastQueue = got.filter((e) => e.name === 'queue:changed').sort((a, b) => a.payload.seq - b.payload.seq).at(-1)!
    expect(lastQueue.payload.services[0]).toMatchObject({ id: s1.id, waiting: 20 })
    s.disconnect()
  })

  it('opening a counter that serves no service yet still reaches displays, with consecutive seqs', async () => {
    const bare = await addCounter(h, [])
    const staff = await addClerk(h)
    const clerk = await h.login(staff.username)
    const { s, snapshot, got } = await display()
    expect((await clerk.post(`/api/counters/${bare.id}/open`).send({})).status).toBe(200)
    await until('2 events', () => got.length >= 2)
    expect(got.map((e) => [e.name, e.payload.seq])).toEqual([['counter:changed', snapshot.seq + 1], ['queue:changed', snapshot.seq + 2]])
    expect(got[1]!.payload.services).toEqual([])
    s.disconnect()
  })

  it('every public event name is one the contract lists', async () => {
    const { s, got } = await display()
    const line = await openLine(h)
    const t = await issued(h, line.serviceId)
    await line.clerk.post(`/api/counters/${line.counterId}/call-next`).send({})
    await line.clerk.post(`/api/tickets/${t.id}/recall`).send({})
    await until('recall', () => got.some((e) => e.name === 'ticket:recalled'))
    for (const e of got) {
      expect(PUBLIC_EVENTS).toContain(e.name)
      expect(typeof e.payload.seq).toBe('number')
    }
    s.disconnect()
  })
})
