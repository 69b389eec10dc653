import { sql } from 'kysely'
import type { Executor } from '../../db/create-db.js'

/** The most tickets a counter's queue lists (the totals count them all). */
export const QUEUE_LIST_LIMIT = 100

/**
 * Waiting tickets of a counter's services today, in the order call-next takes them: every primary
 * ticket by (queue_at, issued_at, number, id), then every backup ticket in the same order.
 */
export function listCounterWaiting(db: Executor, counterId: string, serviceDay: string, limit = QUEUE_LIST_LIMIT) {
  return db.selectFrom('ticket')
    .innerJoin('counter_service', (j) => j.onRef('counter_service.service_id', '=', 'ticket.service_id').on('counter_service.counter_id', '=', counterId))
    .leftJoin('priority_group', 'priority_group.id', 'ticket.priority_group_id')
    .leftJoin('appointment', (j) => j.onRef('appointment.ticket_id', '=', 'ticket.id').on('appointment.status', '=', 'kept'))
    .select(['ticket.id', 'ticket.code', 'ticket.service_id', 'ticket.issued_at', 'ticket.queue_at', 'ticket.transferred_from_id',
      'counter_service.tier', 'priority_group.code as priority_code', 'priority_group.name_vi as priority_vi', 'priority_group.name_en as priority_en',
      'appointment.slot as appointment_slot'])
    .where('ticket.service_day', '=', serviceDay).where('ticket.status', '=', 'waiting')
    .where('ticket.for_counter_id', 'is', null) // issue 22: kept for a counter: listed by listKeptFor, at that counter only
    .orderBy('counter_service.tier').orderBy('ticket.queue_at').orderBy('ticket.issued_at').orderBy('ticket.number').orderBy('ticket.id')
    .limit(limit).execute()
}

/**
 * Issue 22: the waiting tickets transferred to this counter today, in the order its call-next takes them
 * (first, whatever their service), with the note written and the counter they came from.
 */
export function listKeptFor(db: Executor, counterId: string, serviceDay: string, limit = QUEUE_LIST_LIMIT) {
  return db.selectFrom('ticket')
    .leftJoin('priority_group', 'priority_group.id', 'ticket.priority_group_id')
    .leftJoin('ticket as prev', 'prev.id', 'ticket.transferred_from_id')
    .leftJoin('counter as pc', 'pc.id', 'prev.counter_id')
    .leftJoin('appointment', (j) => j.onRef('appointment.ticket_id', '=', 'ticket.id').on('appointment.status', '=', 'kept'))
    .select(['ticket.id', 'ticket.code', 'ticket.service_id', 'ticket.issued_at', 'ticket.queue_at', 'ticket.transferred_from_id',
      'ticket.transfer_note', 'pc.number as from_counter', 'appointment.slot as appointment_slot',
      'priority_group.code as priority_code', 'priority_group.name_vi as priority_vi', 'priority_group.name_en as priority_en'])
    .where('ticket.for_counter_id', '=', counterId).where('ticket.service_day', '=', serviceDay).where('ticket.status', '=', 'waiting')
    .orderBy('ticket.queue_at').orderBy('ticket.issued_at').orderBy('ticket.number').orderBy('ticket.id')
    .limit(limit).execute()
}

/** Issue 22: how a ticket came by a transfer (its note, the counter and code it came from), if it did. */
export function transferOrigin(db: Executor, ticketId: string) {
  return db.selectFrom('ticket').innerJoin('ticket as prev', 'prev.id', 'ticket.transferred_from_id')
    .leftJoin('counter as pc', 'pc.id', 'prev.counter_id')
    .select(['ticket.transfer_note', 'prev.code as from_code', 'pc.number as from_counter'])
    .where('ticket.id', '=', ticketId).executeTakeFirst()
}

export async function countCounterWaiting(db: Executor, counterId: string, serviceDay: string) {
  const rows = await db.selectFrom('ticket')
    .innerJoin('counter_service', (j) => j.onRef('counter_service.service_id', '=', 'ticket.service_id').on('counter_service.counter_id', '=', counterId))
    .select(['counter_service.tier', (eb) => eb.fn.countAll<number>().as('n')])
    .where('ticket.service_day', '=', serviceDay).where('ticket.status', '=', 'waiting')
    .where('ticket.for_counter_id', 'is', null)
    .groupBy('counter_service.tier').execute()
  const of = (tier: number) => Number(rows.find((r) => Number(r.tier) === tier)?.n ?? 0)
  return { primary: of(1), backup: of(2) }
}

/** Tickets a staff member holds today, with when each was parked. */
export function listHeldBy(db: Executor, centerId: string, staffId: string, serviceDay: string) {
  return db.selectFrom('ticket')
    .leftJoin('priority_group', 'priority_group.id', 'ticket.priority_group_id')
    .select(['ticket.id', 'ticket.code', 'ticket.service_id', 'ticket.issued_at', 'ticket.queue_at', 'ticket.transferred_from_id',
      'priority_group.code as priority_code', 'priority_group.name_vi as priority_vi', 'priority_group.name_en as priority_en',
      (eb) => eb.selectFrom('ticket_event').select((e) => e.fn.max('ticket_event.at').as('at'))
        .whereRef('ticket_event.ticket_id', '=', 'ticket.id').where('ticket_event.type', '=', 'held').as('held_at')])
    .where('ticket.center_id', '=', centerId).where('ticket.staff_id', '=', staffId)
    .where('ticket.service_day', '=', serviceDay).where('ticket.status', '=', 'held')
    .orderBy('ticket.queue_at').execute()
}

/** What one staff member did today: completed, no-shows, transfers, and the mean service time of the completed. */
export async function staffDayFigures(db: Executor, centerId: string, staffId: string, serviceDay: string) {
  const { rows } = await sql<{ served: number; avg_s: number | null; no_shows: number; transferred: number }>`
    SELECT count(*) FILTER (WHERE e.type = 'completed')::int AS served,
           (avg(extract(epoch FROM t.finished_at - t.started_at)) FILTER (WHERE e.type = 'completed'))::float8 AS avg_s,
           (count(*) FILTER (WHERE e.type = 'no_show') - count(*) FILTER (WHERE e.type = 'no_show_undone'))::int AS no_shows,
           count(*) FILTER (WHERE e.type = 'transferred')::int AS transferred
    FROM ticket_event e JOIN ticket t ON t.id = e.ticket_id
    WHERE e.center_id = ${centerId} AND e.staff_id = ${staffId} AND t.service_day = ${serviceDay}
      AND e.type IN ('completed', 'no_show', 'no_show_undone', 'transferred')`.execute(db)
  const r = rows[0]
  return { served: Number(r?.served ?? 0), avgSeconds: r?.avg_s == null ? null : Number(r.avg_s), noShows: Number(r?.no_shows ?? 0), transferred: Number(r?.transferred ?? 0) }
}

/** Per service today: how many wait, since when the longest has waited, how many were served. */
export async function serviceDayFigures(db: Executor, centerId: string, serviceDay: string) {
  const { rows } = await sql<{ service_id: string; waiting: number; oldest: Date | string | null; served: number }>`
    SELECT service_id,
           count(*) FILTER (WHERE status = 'waiting')::int AS waiting,
           min(issued_at) FILTER (WHERE status = 'waiting') AS oldest,
           count(*) FILTER (WHERE status = 'done')::int AS served
    FROM ticket
    WHERE center_id = ${centerId} AND service_day = ${serviceDay}
    GROUP BY service_id`.execute(db)
  return new Map(rows.map((r) => [r.service_id, { waiting: Number(r.waiting), oldest: r.oldest == null ? null : new Date(r.oldest), served: Number(r.served) }]))
}
