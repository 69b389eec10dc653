import type supertest from 'supertest'
import type { Harness } from './helpers/harness.js'

/**
 * Fresh queue lines inside one test file's database, so tests that share a harness never share a
 * queue: a new service (two-letter prefix), a new counter serving it, a new clerk who logs in for real.
 */
export type Agent = ReturnType<typeof supertest.agent>

const state = new WeakMap<Harness, { service: number; counter: number; clerk: number }>()
function next(h: Harness, key: 'service' | 'counter' | 'clerk'): number {
  let s = state.get(h)
  if (!s) state.set(h, s = { service: 0, counter: 100, clerk: 0 })
  return s[key]++
}

export async function addService(h: Harness, opts: { dailyCap?: number; defaultMinutes?: number } = {}): Promise<{ id: string; prefix: string }> {
  const i = next(h, 'service')
  // HA, HB, … HZ, IA, …: never one of the demo's single letters
  const prefix = String.fromCharCode(72 + Math.floor(i / 26)) + String.fromCharCode(65 + (i % 26))
  const row = await h.handle.db.insertInto('service').values({
    center_id: h.demo.centerId, code: `test-${prefix.toLowerCase()}`, prefix, name_vi: `Dịch vụ ${prefix}`, name_en: `Service ${prefix}`,
    daily_cap: opts.dailyCap ?? null, default_service_minutes: opts.defaultMinutes ?? 5,
  }).returning('id').executeTakeFirstOrThrow()
  return { id: row.id, prefix }
}

export async function addCounter(h: Harness, primary: string[], backup: string[] = []): Promise<{ id: string; number: number }> {
  const number = next(h, 'counter')
  const c = await h.handle.db.insertInto('counter').values({ center_id: h.demo.centerId, number, name: `Quầy ${number}` })
    .returning('id').executeTakeFirstOrThrow()
  const rows = [
    ...primary.map((s) => ({ counter_id: c.id, service_id: s, tier: 1 as const })),
    ...backup.map((s) => ({ counter_id: c.id, service_id: s, tier: 2 as const })),
  ]
  if (rows.length) await h.handle.db.insertInto('counter_service').values(rows).execute()
  return { id: c.id, number }
}

/** A clerk of Na Sang with the demo password (its hash copied from canbo1, so no hashing here). */
export async function addClerk(h: Harness): Promise<{ id: string; username: string }> {
  const username = `tclerk${next(h, 'clerk')}`
  const { password_hash } = await h.handle.db.selectFrom('staff').select('password_hash').where('username', '=', 'canbo1').executeTakeFirstOrThrow()
  const row = await h.handle.db.insertInto('staff').values({
    username, full_name: `Cán bộ ${username}`, role: 'clerk', password_hash, center_id: h.demo.centerId,
  }).returning('id').executeTakeFirstOrThrow()
  return { id: row.id, username }
}

export interface Line {
  serviceId: string
  prefix: string
  counterId: string
  counterNumber: number
  clerk: Agent
  staffId: string
}

/** A new service, a new counter serving it (primary), and a logged-in clerk who has opened that counter. */
export async function openLine(h: Harness, opts: { backup?: string[]; dailyCap?: number; defaultMinutes?: number } = {}): Promise<Line> {
  const service = await addService(h, opts)
  const counter = await addCounter(h, [service.id], opts.backup ?? [])
  const staff = await addClerk(h)
  const clerk = await h.login(staff.username)
  const opened = await clerk.post(`/api/counters/${counter.id}/open`).send({})
  if (opened.status !== 200) throw new Error(`open failed: ${opened.status} ${JSON.stringify(opened.body)}`)
  return { serviceId: service.id, prefix: service.prefix, counterId: counter.id, counterNumber: counter.number, clerk, staffId: staff.id }
}

export function issue(h: Harness, serviceId: string, body: Record<string, unknown> = {}) {
  return h.http.post('/api/centers/na-sang/tickets').send({ serviceId, ...body })
}

/** Issues a ticket and returns its view (fails loudly when refused). */
export async function issued(h: Harness, serviceId: string, body: Record<string, unknown> = {}) {
  const res = await issue(h, serviceId, body)
  if (res.status !== 201) throw new Error(`issue failed: ${res.status} ${JSON.stringify(res.body)}`)
  return res.body.ticket as import('../common/types.js').IssuedTicket
}

/** The ticket's row and its event count: what a refused request must leave untouched. */
export async function ticketState(h: Harness, id: string) {
  const row = await h.handle.db.selectFrom('ticket').selectAll().where('id', '=', id).executeTakeFirstOrThrow()
  const events = await h.handle.db.selectFrom('ticket_event').select((eb) => eb.fn.countAll<number>().as('n'))
    .where('ticket_id', '=', id).executeTakeFirstOrThrow()
  return { row, events: Number(events.n) }
}

export async function ticketEvents(h: Harness, id: string) {
  return h.handle.db.selectFrom('ticket_event').selectAll().where('ticket_id', '=', id).orderBy('id').execute()
}

export async function boardSeq(h: Harness): Promise<number> {
  const res = await h.http.get('/api/centers/na-sang/board')
  return res.body.seq as number
}

/**
 * `GET /api/tickets/:id` as the ticket's phone page asks it: with the secret printed on its QR (read from
 * its row here, for tests that only know the id). Without it the answer is 404 (tests/ticket-secret.test.ts).
 */
export async function holderGet(h: Harness, id: string) {
  const { secret } = await h.handle.db.selectFrom('ticket').select('secret').where('id', '=', id).executeTakeFirstOrThrow()
  return h.http.get(`/api/tickets/${id}?key=${encodeURIComponent(secret)}`)
}
