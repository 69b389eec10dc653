import { sql, type RawBuilder, type Updateable } from 'kysely'
import type { Executor } from '../../db/create-db.js'
import { serviceFiguresQuery, toFigures, type FiguresRow } from './estimate.js'
import type { NewTicket, Ticket, TicketStatus, TicketTable } from '../../db/types.js'

export function findTicket(db: Executor, id: string) {
  return db.selectFrom('ticket').selectAll().where('id', '=', id).executeTakeFirst()
}

/** A ticket's secret (compared by the caller, server/queue/ticket-secret.ts), and its center and counter. */
export function findTicketSecret(db: Executor, id: string) {
  return db.selectFrom('ticket').select(['id', 'secret', 'center_id', 'counter_id']).where('id', '=', id).executeTakeFirst()
}

export function lockTicket(db: Executor, id: string) {
  return db.selectFrom('ticket').selectAll().where('id', '=', id).forUpdate().executeTakeFirst()
}

/** The same, by the center's slug: read beside the center itself (the kiosk's retry of one tap). */
export function findByRequestIdAt(db: Executor, centerSlug: string, requestId: string) {
  return db.selectFrom('ticket').selectAll('ticket').innerJoin('center', 'center.id', 'ticket.center_id')
    .where('center.slug', '=', centerSlug).where('ticket.request_id', '=', requestId).executeTakeFirst()
}

/** The next number of a service's day, from its counter row: concurrent callers queue on the row lock. */
export async function takeNextNumber(db: Executor, serviceId: string, serviceDay: string): Promise<number> {
  const row = await db.insertInto('ticket_number').values({ service_id: serviceId, service_day: serviceDay, last: 1 })
    .onConflict((oc) => oc.columns(['service_id', 'service_day']).doUpdateSet({ last: sql`ticket_number.last + 1` }))
    .returning('last').executeTakeFirstOrThrow()
  return row.last
}

/** A new waiting ticket and its first event row (`at` = its issue time), in one statement: one round trip. */
export function insertTicket(db: Executor, t: NewTicket, event: { type: string; staffId?: string | null; data?: Record<string, unknown> }) {
  return db.with('t', (qb) => qb.insertInto('ticket').values(t).returningAll())
    .with('e', (qb) => qb.insertInto('ticket_event')
      .columns(['ticket_id', 'center_id', 'type', 'from_status', 'to_status', 'staff_id', 'at', 'data'])
      .expression((eb) => eb.selectFrom('t').select([
        't.id', 't.center_id', sql<string>`${event.type}::text`.as('type'), sql<null>`NULL::ticket_status`.as('from_status'),
        sql<TicketStatus>`'waiting'::ticket_status`.as('to_status'), sql<string | null>`${event.staffId ?? null}::uuid`.as('staff_id'),
        't.issued_at', sql<string>`${JSON.stringify(event.data ?? {})}::jsonb`.as('data'),
      ])))
    .selectFrom('t').selectAll().executeTakeFirstOrThrow()
}

/**
 * The ticket code as PostgreSQL writes it, the same as `formatTicketCode` (common/ticket-code.ts: three
 * digits at least; `lpad` alone would cut 1000 to 100). tests/ticket-code.test.ts holds the two together.
 */
export const ticketCodeSql = (prefix: string, number: RawBuilder<unknown>) =>
  sql<string>`${prefix}::text || CASE WHEN ${number} < 1000 THEN lpad(${number}::text, 3, '0') ELSE ${number}::text END`

/**
 * What an issue checks before it writes, in one statement: the center by its slug, the service only if it
 * is one of that center's (null columns otherwise), and the priority group only if `priorityCode` is an
 * active group of that center.
 */
export function findIssueContext(db: Executor, slug: string, serviceId: string, priorityCode?: string) {
  return db.selectFrom('center')
    .leftJoin('service', (j) => j.on('service.id', '=', serviceId).onRef('service.center_id', '=', 'center.id'))
    .leftJoin('priority_group', (j) => j.on('priority_group.code', '=', priorityCode ?? null).onRef('priority_group.center_id', '=', 'center.id')
      .on('priority_group.active', '=', true))
    .selectAll('center')
    .select(['service.id as service_id', 'service.prefix as service_prefix', 'service.active as service_active',
      'service.name_vi as service_name_vi', 'service.name_en as service_name_en',
      'priority_group.id as priority_group_id', 'priority_group.bonus_minutes as priority_bonus_minutes'])
    .where('center.slug', '=', slug).executeTakeFirst()
}

/**
 * A kiosk's ticket in one statement, so one transaction with nothing between its steps: the day's number
 * from the service's counter row, the waiting ticket, its `issued` event, and `seqs` board seqs of the
 * center for the change's facts (the center's row after the service's: every change locks in that
 * order). No row stays locked across a round trip to the app, so racing kiosks queue on the rows only
 * while PostgreSQL runs the statement and commits. The service's `active` and `daily_cap` are read here,
 * from the row as it is: an inactive service, or one at its cap, gets nothing written (no number
 * taken), and the answer says which. The cap counts the day's bookings still holding a place
 * (`booked`, server/appointments): a booked citizen's place is released as it checks in. A reused `request_id` fails it (unique `ticket_request_id`).
 * The ticket's secret (printed on its QR) is made in the same statement, by its column's default
 * (migration 0007), and returned with the row.
 * `atCounter`: a clerk's walk-in ticket (issue 22), the same statement and number sequence, written
 * straight into "serving" at that counter (called and started at its issue), flagged `counter_issued`,
 * its first event `issued_at_counter` by that clerk.
 */
export async function issueTicket(db: Executor, t: {
  center_id: string; service_id: string; service_day: string; prefix: string; priority_group_id: string | null
  queue_at: Date; issued_at: Date; request_id: string | null; dossier_id: string | null
  atCounter?: { counterId: string; staffId: string }
}, event: { data: Record<string, unknown> }, seqs: number): Promise<IssueResult> {
  const c = t.atCounter
  const status = c ? 'serving' : 'waiting'
  const { rows } = await sql<Partial<Ticket> & { active: boolean; daily_cap: number | null; seq: number | null }>`
    WITH v AS (
      SELECT active, daily_cap FROM service WHERE id = ${t.service_id}::uuid
    ), n AS (
      INSERT INTO ticket_number AS tn (service_id, service_day, last)
      SELECT ${t.service_id}::uuid, ${t.service_day}::date, 1 FROM v WHERE v.active AND (v.daily_cap IS NULL OR v.daily_cap > 0)
      ON CONFLICT (service_id, service_day) DO UPDATE SET last = tn.last + 1
        WHERE tn.last + tn.booked < coalesce((SELECT daily_cap FROM service WHERE id = ${t.service_id}::uuid), 2147483647)
      RETURNING last
    ), t AS (
      INSERT INTO ticket (center_id, service_id, service_day, number, code, priority_group_id, queue_at, issued_at, request_id, dossier_id,
        status, counter_id, staff_id, called_at, started_at, counter_issued)
      SELECT ${t.center_id}::uuid, ${t.service_id}::uuid, ${t.service_day}::date, n.last, ${ticketCodeSql(t.prefix, sql`n.last`)},
        ${t.priority_group_id}::uuid, ${t.queue_at}::timestamptz, ${t.issued_at}::timestamptz, ${t.request_id}::text, ${t.dossier_id}::uuid,
        ${status}::ticket_status, ${c?.counterId ?? null}::uuid, ${c?.staffId ?? null}::uuid,
        ${c ? t.issued_at : null}::timestamptz, ${c ? t.issued_at : null}::timestamptz, ${!!c}::boolean
      FROM n
      RETURNING *
    ), e AS (
      INSERT INTO ticket_event (ticket_id, center_id, type, from_status, to_status, counter_id, staff_id, at, data)
      SELECT t.id, t.center_id, ${c ? 'issued_at_counter' : 'issued'}::text, NULL, t.status, t.counter_id, t.staff_id, t.issued_at,
        ${JSON.stringify(event.data)}::jsonb FROM t
    ), s AS (
      UPDATE center_board_seq SET seq = seq + ${seqs}::int
      WHERE center_id = ${t.center_id}::uuid AND EXISTS (SELECT 1 FROM t)
      RETURNING seq
    )
    SELECT v.active, v.daily_cap, t.*, s.seq FROM v LEFT JOIN t ON true LEFT JOIN s ON true`.execute(db)
  const r = rows[0]
  if (!r?.active) return { refused: 'inactive' }
  if (!r.id) return { refused: 'cap', cap: r.daily_cap ?? 0 }
  if (r.seq == null) throw new Error(`center ${t.center_id} has no center_board_seq row`)
  return { ticket: r as Ticket & { seq: number } }
}

export type IssueResult = { ticket: Ticket & { seq: number } } | { refused: 'inactive' } | { refused: 'cap'; cap: number }

/**
 * A service's figures and one of its tickets' place, in one statement: what a kiosk's tap answers and
 * tells the board, read right after its commit. `ahead` is null once the ticket is no longer waiting.
 */
export async function loadFiguresAndPlace(db: Executor, centerId: string, serviceDay: string, now: Date, serviceId: string, ticketId: string) {
  const { rows } = await sql<FiguresRow & { ahead: number | null; status: string }>`
    SELECT f.*, (SELECT status FROM ticket WHERE id = ${ticketId}) AS status, ${ticketsAhead(ticketId)} AS ahead
    FROM (${serviceFiguresQuery(centerId, serviceDay, now, [serviceId])}) f`.execute(db)
  const r = rows[0]
  if (!r) throw new Error(`service ${serviceId} has no figures`)
  return { figures: toFigures(r, serviceDay, now), ahead: r.status === 'waiting' && r.ahead != null ? Number(r.ahead) : null }
}

export function updateTicket(db: Executor, id: string, patch: Updateable<TicketTable>) {
  return db.updateTable('ticket').set(patch).where('id', '=', id).returningAll().executeTakeFirstOrThrow()
}

/** How many queue heads of each service, and of all of them merged, a multi-service call-next considers (≥ the connections that can lock them at once). */
const HEADS_PER_SERVICE = 64

/**
 * The oldest priority-adjusted waiting ticket of these services today, locked; a ticket another
 * transaction is taking is skipped, so racing counters each get a different one.
 */
export async function lockNextWaiting(db: Executor, serviceIds: string[], serviceDay: string): Promise<Ticket | undefined> {
  if (serviceIds.length > 1) {
    // One index range per service, merged: sorting every waiting ticket of the tier instead costs
    // ~100 ms at 100,000 waiting. The first heads of each service (only their keys, from the index
    // range) are merged, the first HEADS_PER_SERVICE of them kept in order, and tickets are fetched
    // and locked in that order until one is free: racing counters skip the locked ones without
    // fetching every head (a quarter of the time, a fifteenth of the pages, of fetching all and
    // sorting them). Should every one of them be locked by other counters at once, the full query
    // below decides. FOR UPDATE rechecks `status` on the row as it is now.
    const { rows } = await queueHeadsQuery(serviceIds, serviceDay).execute(db)
    if (rows[0]) return rows[0]
  }
  return db.selectFrom('ticket').selectAll()
    .where('service_id', 'in', serviceIds).where('service_day', '=', serviceDay).where('status', '=', 'waiting')
    .where('for_counter_id', 'is', null) // issue 22: a ticket transferred to a counter is that counter's (lockNextForCounter)
    // ties (one instant, or a priority ticket landing on a normal one's time): the earlier issued, then the lower number
    .orderBy('queue_at').orderBy('issued_at').orderBy('number').orderBy('id').limit(1)
    .forUpdate().skipLocked().executeTakeFirst()
}

/** The multi-service statement of `lockNextWaiting` (bench/scaling.ts shows its plan). */
export function queueHeadsQuery(serviceIds: string[], serviceDay: string) {
  return sql<Ticket>`
      SELECT ticket.* FROM (
        SELECT c.* FROM unnest(ARRAY[${sql.join(serviceIds)}]::uuid[]) AS s(id)
        CROSS JOIN LATERAL (
          SELECT t.id, t.queue_at, t.issued_at, t.number FROM ticket t
          WHERE t.service_id = s.id AND t.service_day = ${serviceDay} AND t.status = 'waiting'
          ORDER BY t.queue_at, t.issued_at, t.number, t.id
          LIMIT ${sql.lit(HEADS_PER_SERVICE)}
        ) c
        ORDER BY c.queue_at, c.issued_at, c.number, c.id
        LIMIT ${sql.lit(HEADS_PER_SERVICE)}) h
      JOIN ticket ON ticket.id = h.id
      WHERE ticket.status = 'waiting' AND ticket.service_day = ${serviceDay} AND ticket.for_counter_id IS NULL
      ORDER BY h.queue_at, h.issued_at, h.number, h.id
      LIMIT 1 FOR UPDATE OF ticket SKIP LOCKED`
}

/**
 * Issue 22: the oldest waiting ticket transferred to this counter today, locked (its call-next takes these
 * first, whatever their service; no other counter's call-next takes them while they are kept for it).
 */
export function lockNextForCounter(db: Executor, counterId: string, serviceDay: string): Promise<Ticket | undefined> {
  return db.selectFrom('ticket').selectAll().where('for_counter_id', '=', counterId).where('service_day', '=', serviceDay)
    .where('status', '=', 'waiting').orderBy('queue_at').orderBy('issued_at').orderBy('number').orderBy('id').limit(1)
    .forUpdate().skipLocked().executeTakeFirst()
}

/** Issue 22: a counter that closes lets its transferred tickets go back to their service's queue (they keep their place). */
export function releaseForCounter(db: Executor, counterId: string) {
  return db.updateTable('ticket').set({ for_counter_id: null }).where('for_counter_id', '=', counterId).where('status', '=', 'waiting')
    .returning(['id', 'service_id']).execute()
}

type TicketEventInput = {
  ticketId: string; centerId: string; type: string; from: TicketStatus | null; to: TicketStatus
  counterId?: string | null; staffId?: string | null; at: Date; data?: Record<string, unknown>
}

/**
 * A ticket's change and its event row in one statement (one round trip in the transaction that
 * holds the ticket's lock). Fails as the update would: a constraint the new values break (such as
 * `ticket_one_active_per_counter`) refuses the whole statement, and a ticket that is not there throws.
 */
export async function updateTicketWithEvent(db: Executor, patch: Updateable<TicketTable>, e: TicketEventInput): Promise<void> {
  const r = await db.with('u', (qb) => qb.updateTable('ticket').set(patch).where('id', '=', e.ticketId).returning('id'))
    .insertInto('ticket_event')
    .columns(['ticket_id', 'center_id', 'type', 'from_status', 'to_status', 'counter_id', 'staff_id', 'at', 'data'])
    .expression((eb) => eb.selectFrom('u').select([
      'u.id', sql<string>`${e.centerId}::uuid`.as('center_id'), sql<string>`${e.type}::text`.as('type'),
      sql<TicketStatus | null>`${e.from}::ticket_status`.as('from_status'), sql<TicketStatus>`${e.to}::ticket_status`.as('to_status'),
      sql<string | null>`${e.counterId ?? null}::uuid`.as('counter_id'), sql<string | null>`${e.staffId ?? null}::uuid`.as('staff_id'),
      sql<Date>`${e.at}::timestamptz`.as('at'), sql<string>`${JSON.stringify(e.data ?? {})}::jsonb`.as('data'),
    ]))
    .executeTakeFirstOrThrow()
  if (Number(r.numInsertedOrUpdatedRows ?? 0) !== 1) throw new Error(`ticket ${e.ticketId} not found`)
}

export function insertTicketEvent(db: Executor, e: TicketEventInput) {
  return db.insertInto('ticket_event').values({
    ticket_id: e.ticketId, center_id: e.centerId, type: e.type, from_status: e.from, to_status: e.to,
    counter_id: e.counterId ?? null, staff_id: e.staffId ?? null, at: e.at, data: JSON.stringify(e.data ?? {}),
  }).execute()
}

export function listTicketEvents(db: Executor, ticketId: string) {
  return db.selectFrom('ticket_event').selectAll().where('ticket_id', '=', ticketId).orderBy('id').execute()
}

/** Past this many tickets behind it, a ticket's place is counted from the head of its queue instead. */
const BEHIND_LIMIT = 200

/**
 * An SQL expression: the waiting tickets ahead of ticket `id` in its service's queue (the order of
 * `lockNextWaiting`), for a select list (one statement, one snapshot). A ticket near the end of a long
 * queue (one just issued) counts the few tickets behind it and takes them from the service's waiting
 * count (`queue_count`); one with BEHIND_LIMIT or more behind it counts those ahead. Either way the work
 * is bounded by the shorter side of the queue, not by its length. Compared on the stored values
 * (microseconds included, which a JS Date would round away). `id`: a value, or a column of the statement
 * it is put in (`sql.ref`).
 */
export function ticketsAhead(id: string | RawBuilder<unknown>) {
  const sameQueue = sql`a.service_id = k.service_id AND a.service_day = k.service_day AND a.status = 'waiting'`
  return sql<number>`(
    SELECT CASE WHEN b.n < ${BEHIND_LIMIT}
      THEN coalesce(q.waiting, 0) - b.n - (k.status = 'waiting')::int
      ELSE (SELECT count(*)::int FROM ticket a WHERE ${sameQueue}
              AND (a.queue_at, a.issued_at, a.number, a.id) < (k.queue_at, k.issued_at, k.number, k.id))
    END
    FROM ticket k
    LEFT JOIN queue_count q ON q.service_id = k.service_id AND q.service_day = k.service_day
    CROSS JOIN LATERAL (SELECT count(*)::int AS n FROM (SELECT 1 FROM ticket a WHERE ${sameQueue}
      AND (a.queue_at, a.issued_at, a.number, a.id) > (k.queue_at, k.issued_at, k.number, k.id)
      -- in index order: the planner walks ticket_waiting_queue from this ticket on and stops at the limit
      -- (without it, it may take a sequential scan that stops at the limit: the whole table when few are behind)
      ORDER BY a.queue_at DESC, a.id DESC LIMIT ${BEHIND_LIMIT}) x) b
    WHERE k.id = ${id})`
}

export function recentCalls(db: Executor, centerId: string, serviceDay: string, limit: number) {
  return db.selectFrom('ticket').innerJoin('counter', 'counter.id', 'ticket.counter_id')
    .select(['ticket.code', 'ticket.service_id', 'ticket.counter_id', 'counter.number as counter_number', 'ticket.called_at'])
    .where('ticket.center_id', '=', centerId).where('ticket.service_day', '=', serviceDay)
    .where('ticket.called_at', 'is not', null)
    .orderBy('ticket.called_at', 'desc').limit(limit).execute()
}

/** Tickets of past service days still open: they become `expired` (recorded, never deleted). */
export function lockStaleTickets(db: Executor, centerId: string, today: string) {
  return db.selectFrom('ticket').selectAll().where('center_id', '=', centerId).where('service_day', '<', today)
    .where('status', 'in', ['waiting', 'called', 'serving', 'held']).forUpdate().skipLocked().execute()
}

/** The ticket called or serving at a counter, if any. */
export function findActiveAtCounter(db: Executor, counterId: string) {
  return db.selectFrom('ticket').select(['id', 'code']).where('counter_id', '=', counterId)
    .where('status', 'in', ['called', 'serving']).executeTakeFirst()
}
