import { sql, type Updateable } from 'kysely'
import type { Executor } from '../../db/create-db.js'
import type { NewTicket, Ticket, TicketStatus, TicketTable } from '../../db/types.js'

export function findTicket(db: Executor, id: string) {
  return db.selectFrom('ticket').selectAll().where('id', '=', id).executeTakeFirst()
}

export function lockTicket(db: Executor, id: string) {
  return db.selectFrom('ticket').selectAll().where('id', '=', id).forUpdate().executeTakeFirst()
}

export function findByRequestId(db: Executor, centerId: string, requestId: string) {
  return db.selectFrom('ticket').selectAll().where('center_id', '=', centerId).where('request_id', '=', requestId)
    .executeTakeFirst()
}

/** The next number of a service's day, from its counter row: concurrent callers queue on the row lock. */
export async function takeNextNumber(db: Executor, serviceId: string, serviceDay: string): Promise<number> {
  const row = await db.insertInto('ticket_number').values({ service_id: serviceId, service_day: serviceDay, last: 1 })
    .onConflict((oc) => oc.columns(['service_id', 'service_day']).doUpdateSet({ last: sql`ticket_number.last + 1` }))
    .returning('last').executeTakeFirstOrThrow()
  return row.last
}

export function insertTicket(db: Executor, t: NewTicket) {
  return db.insertInto('ticket').values(t).returningAll().executeTakeFirstOrThrow()
}

export function updateTicket(db: Executor, id: string, patch: Updateable<TicketTable>) {
  return db.updateTable('ticket').set(patch).where('id', '=', id).returningAll().executeTakeFirstOrThrow()
}

/** How many queue heads of each service a multi-service call-next considers (≥ the connections that can lock them at once). */
const HEADS_PER_SERVICE = 64

/**
 * The oldest priority-adjusted waiting ticket of these services today, locked; a ticket another
 * transaction is taking is skipped, so racing counters each get a different one.
 */
export async function lockNextWaiting(db: Executor, serviceIds: string[], serviceDay: string): Promise<Ticket | undefined> {
  if (serviceIds.length > 1) {
    // One index range per service, merged: sorting every waiting ticket of the tier instead costs
    // ~100 ms at 100,000 waiting. Only the first heads of each service are candidates; should every one
    // of them be locked by other counters at once, the full query below decides.
    const { rows } = await sql<Ticket>`
      SELECT * FROM ticket
      WHERE id IN (
        SELECT c.id FROM unnest(ARRAY[${sql.join(serviceIds)}]::uuid[]) AS s(id)
        CROSS JOIN LATERAL (
          SELECT t.id FROM ticket t
          WHERE t.service_id = s.id AND t.service_day = ${serviceDay} AND t.status = 'waiting'
          ORDER BY t.queue_at, t.issued_at, t.number, t.id
          LIMIT ${HEADS_PER_SERVICE}
        ) c)
        AND status = 'waiting' AND service_day = ${serviceDay}
      ORDER BY queue_at, issued_at, number, id
      LIMIT 1 FOR UPDATE SKIP LOCKED`.execute(db)
    if (rows[0]) return rows[0]
  }
  return db.selectFrom('ticket').selectAll()
    .where('service_id', 'in', serviceIds).where('service_day', '=', serviceDay).where('status', '=', 'waiting')
    // ties (one instant, or a priority ticket landing on a normal one's time): the earlier issued, then the lower number
    .orderBy('queue_at').orderBy('issued_at').orderBy('number').orderBy('id').limit(1)
    .forUpdate().skipLocked().executeTakeFirst()
}

export function insertTicketEvent(db: Executor, e: {
  ticketId: string; centerId: string; type: string; from: TicketStatus | null; to: TicketStatus
  counterId?: string | null; staffId?: string | null; at: Date; data?: Record<string, unknown>
}) {
  return db.insertInto('ticket_event').values({
    ticket_id: e.ticketId, center_id: e.centerId, type: e.type, from_status: e.from, to_status: e.to,
    counter_id: e.counterId ?? null, staff_id: e.staffId ?? null, at: e.at, data: JSON.stringify(e.data ?? {}),
  }).execute()
}

export function listTicketEvents(db: Executor, ticketId: string) {
  return db.selectFrom('ticket_event').selectAll().where('ticket_id', '=', ticketId).orderBy('id').execute()
}

/** Waiting tickets ahead of this one in its service's queue (the order of `lockNextWaiting`). */
export async function countAhead(db: Executor, t: { service_id: string; service_day: string; queue_at: Date; issued_at: Date; number: number; id: string }) {
  const row = await db.selectFrom('ticket').select((eb) => eb.fn.countAll<number>().as('n'))
    .where('service_id', '=', t.service_id).where('service_day', '=', t.service_day).where('status', '=', 'waiting')
    .where((eb) => eb.or([
      eb('queue_at', '<', t.queue_at),
      eb.and([eb('queue_at', '=', t.queue_at), eb('issued_at', '<', t.issued_at)]),
      eb.and([eb('queue_at', '=', t.queue_at), eb('issued_at', '=', t.issued_at), eb('number', '<', t.number)]),
      eb.and([eb('queue_at', '=', t.queue_at), eb('issued_at', '=', t.issued_at), eb('number', '=', t.number), eb('id', '<', t.id)]),
    ]))
    .executeTakeFirstOrThrow()
  return Number(row.n)
}

export async function countWaitingByService(db: Executor, centerId: string, serviceDay: string, serviceIds?: string[]) {
  if (serviceIds && !serviceIds.length) return []
  let q = db.selectFrom('ticket').select(['service_id', (eb) => eb.fn.countAll<number>().as('n')])
    .where('center_id', '=', centerId).where('service_day', '=', serviceDay).where('status', '=', 'waiting')
  if (serviceIds) q = q.where('service_id', 'in', serviceIds)
  return q.groupBy('service_id').execute()
}

/**
 * Average service time (seconds) of each service's last 20 completed tickets of the past 14 days;
 * services with fewer than 3 such tickets are absent (the caller falls back to the service's default).
 */
export async function recentServiceSeconds(db: Executor, centerId: string, now: Date, serviceIds?: string[]): Promise<Map<string, number>> {
  if (serviceIds && !serviceIds.length) return new Map()
  const since = new Date(now.getTime() - 14 * 86_400_000)
  const only = serviceIds ? sql`AND s.id IN (${sql.join(serviceIds)})` : sql``
  const rows = await sql<{ service_id: string; avg_s: number; n: number }>`
    SELECT s.id AS service_id, r.avg_s, r.n
    FROM service s
    CROSS JOIN LATERAL (
      SELECT avg(extract(epoch FROM x.finished_at - x.started_at))::float8 AS avg_s, count(*)::int AS n
      FROM (SELECT finished_at, started_at FROM ticket
            WHERE service_id = s.id AND status = 'done' AND finished_at >= ${since}
            ORDER BY finished_at DESC LIMIT 20) x
    ) r
    WHERE s.center_id = ${centerId} ${only}`.execute(db)
  return new Map(rows.rows.filter((r) => r.n >= 3).map((r) => [r.service_id, r.avg_s]))
}

/** Open (not paused) counters that serve each service, in either tier. */
export async function openCountersByService(db: Executor, centerId: string, serviceIds?: string[]): Promise<Map<string, number>> {
  if (serviceIds && !serviceIds.length) return new Map()
  let q = db.selectFrom('counter_service').innerJoin('counter', 'counter.id', 'counter_service.counter_id')
    .select(['counter_service.service_id', (eb) => eb.fn.countAll<number>().as('n')])
    .where('counter.center_id', '=', centerId).where('counter.status', '=', 'open')
  if (serviceIds) q = q.where('counter_service.service_id', 'in', serviceIds)
  const rows = await q.groupBy('counter_service.service_id').execute()
  return new Map(rows.map((r) => [r.service_id, Number(r.n)]))
}

export function recentCalls(db: Executor, centerId: string, serviceDay: string, limit: number) {
  return db.selectFrom('ticket').innerJoin('counter', 'counter.id', 'ticket.counter_id')
    .select(['ticket.id', 'ticket.code', 'ticket.service_id', 'ticket.counter_id', 'counter.number as counter_number',
      'ticket.called_at'])
    .where('ticket.center_id', '=', centerId).where('ticket.service_day', '=', serviceDay)
    .where('ticket.called_at', 'is not', null)
    .orderBy('ticket.called_at', 'desc').limit(limit).execute()
}

/** Tickets of past service days still open: they become `expired` (recorded, never deleted). */
export function lockStaleTickets(db: Executor, centerId: string, today: string) {
  return db.selectFrom('ticket').selectAll().where('center_id', '=', centerId).where('service_day', '<', today)
    .where('status', 'in', ['waiting', 'called', 'serving', 'held']).forUpdate().skipLocked().execute()
}

/** The last number taken today per service (what a daily cap counts). */
export async function issuedToday(db: Executor, serviceIds: string[], serviceDay: string): Promise<Map<string, number>> {
  const rows = await db.selectFrom('ticket_number').select(['service_id', 'last'])
    .where('service_id', 'in', serviceIds).where('service_day', '=', serviceDay).execute()
  return new Map(rows.map((r) => [r.service_id, r.last]))
}
