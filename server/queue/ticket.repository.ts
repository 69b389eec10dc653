import { CompiledQuery, sql, type RawBuilder, type Updateable } from 'kysely'
import { PREPARED, type Executor } from '../../db/create-db.js'
import type { NewTicket, Ticket, TicketStatus, TicketTable } from '../../db/types.js'

/**
 * Every column of `ticket`, by name: what a PREPARED statement selects instead of `ticket.*` (a
 * prepared `*` fails once a migration adds a column). The type below fails to compile if one is missing.
 */
export const TICKET_COLUMNS = ['id', 'center_id', 'service_id', 'service_day', 'number', 'code', 'status', 'priority_group_id',
  'queue_at', 'issued_at', 'called_at', 'started_at', 'finished_at', 'counter_id', 'staff_id', 'call_count', 'request_id',
  'transferred_from_id', 'dossier_id'] as const satisfies readonly (keyof TicketTable)[]
const allTicketColumns: Exclude<keyof TicketTable, (typeof TICKET_COLUMNS)[number]> extends never ? true : never = true
void allTicketColumns

export function findTicket(db: Executor, id: string) {
  return db.selectFrom('ticket').selectAll().where('id', '=', id).executeTakeFirst()
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
 * A ticket issue in one statement: the day's number from the service's counter row (not taken past
 * `cap`: no row then, and nothing changes), the waiting ticket and its `issued` event. It is sent in a
 * train (server/queue/issue-trains.ts): one or more of these, then `seqsForIssued` (the center's board
 * seqs for all of them, on its row, last: the lock order of every write is ticket and counter rows, then
 * the sequence), the count and the train's read (one per service day), and the COMMIT, in one round trip (db/create-db.ts
 * `pipelined`): no client round trip happens while the number and sequence rows are locked, so racing
 * kiosks queue on those rows only while the server runs the transaction and commits. A reused
 * `request_id` fails the statement (unique `ticket_request_id`), and with it its train: no number is used.
 *
 * `versions`: the center, service and priority group rows as the caller checked them (their `xmin`,
 * server/centers/center.repository.ts `findIssueContext`). Should any of them have changed since (a
 * manager closed the service, moved the cut-off, changed a bonus, on this instance or another), nothing
 * is written and the answer is `stale`: the caller checks again on the rows as they are now.
 * Otherwise the ticket, or `cap` when the daily cap is reached (`issuedFrom`).
 * The ticket's id is made by the caller, so that statements sent after this one can find the ticket.
 */
export function issueTicketStatement(db: Executor, t: {
  id: string; center_id: string; service_id: string; service_day: string; prefix: string; priority_group_id: string | null
  queue_at: Date; issued_at: Date; request_id: string | null; dossier_id: string | null
}, event: { data: Record<string, unknown> }, cap: number | null,
versions: { center: string; service: string; priorityGroup: string | null }): CompiledQuery {
  return sql`${sql.raw(PREPARED)}
    WITH g AS (
      SELECT EXISTS (SELECT 1 FROM center c JOIN service v ON v.center_id = c.id
          WHERE c.id = ${t.center_id}::uuid AND v.id = ${t.service_id}::uuid AND c.xmin::text = ${versions.center}::text AND v.xmin::text = ${versions.service}::text)
        AND (${t.priority_group_id}::uuid IS NULL OR EXISTS (SELECT 1 FROM priority_group p
          WHERE p.id = ${t.priority_group_id}::uuid AND p.xmin::text = ${versions.priorityGroup}::text)) AS fresh
    ), n AS (
      INSERT INTO ticket_number AS tn (service_id, service_day, last)
      SELECT ${t.service_id}::uuid, ${t.service_day}::date, 1 FROM g WHERE g.fresh
      ON CONFLICT (service_id, service_day) DO UPDATE SET last = tn.last + 1
        WHERE ${cap}::int IS NULL OR tn.last < ${cap}::int
      RETURNING last
    ), t AS (
      INSERT INTO ticket (id, center_id, service_id, service_day, number, code, priority_group_id, queue_at, issued_at, request_id, dossier_id)
      SELECT ${t.id}::uuid, ${t.center_id}::uuid, ${t.service_id}::uuid, ${t.service_day}::date, n.last, ${ticketCodeSql(t.prefix, sql`n.last`)},
        ${t.priority_group_id}::uuid, ${t.queue_at}::timestamptz, ${t.issued_at}::timestamptz, ${t.request_id}::text, ${t.dossier_id}::uuid
      FROM n
      RETURNING *
    ), e AS (
      INSERT INTO ticket_event (ticket_id, center_id, type, from_status, to_status, at, data)
      SELECT t.id, t.center_id, 'issued', NULL, 'waiting', t.issued_at, ${JSON.stringify(event.data)}::jsonb FROM t
    )
    SELECT t.id, t.code, t.number, t.issued_at, t.queue_at, g.fresh FROM g LEFT JOIN t ON true`.compile(db)
}

/**
 * The board seqs of the tickets a train issued (those of `ids` that its issuing statements inserted:
 * none when every one was stale or capped, and then the center's row is left alone), `perTicket` each,
 * reserved on the center's row after them. Answers the last seq taken and how many tickets took seqs
 * (no row when none did); the train's tickets have them in the train's order, `perTicket` apart.
 */
export function seqsForIssued(db: Executor, centerId: string, ids: string[], perTicket: number): CompiledQuery {
  // One lookup by primary key per id: a subquery on `id = tap.id` is planned as an index scan on a table
  // without statistics (a new database, or a cluster without autovacuum, as CI's). As a join or `WHERE
  // id = ANY(…)`, a connection that made its generic plan while the table was small and unanalysed
  // scanned the whole table with it, and kept the plan as the table grew: 8 ms a train (p50) at 20,000-
  // 27,000 tickets in the statement log (2026-12-03 13:00), where the lookups take 0.2. (Once the table
  // has statistics PostgreSQL plans from them, and the next ANALYZE replaces a plan made on a small table.)
  // Before, with `AND center_id = …`, it went through ticket_center_day, reading the center's tickets.
  // The ids are distinct (a ticket id twice fails its INSERT, and with it the train).
  return sql`${sql.raw(PREPARED)}
    WITH k AS (SELECT count(*)::int AS n FROM unnest(${ids}::uuid[]) AS tap(id)
      WHERE (SELECT t.id FROM ticket t WHERE t.id = tap.id) IS NOT NULL)
    UPDATE center_board_seq SET seq = seq + ${perTicket}::int * k.n FROM k
    WHERE center_id = ${centerId}::uuid AND k.n > 0
    RETURNING seq, k.n AS issued`.compile(db)
}

/**
 * The waiting count of the tickets this transaction inserted, kept now rather than at COMMIT (the count
 * triggers are deferred, migration 0006): a statement after it in the transaction counts them. Sent after
 * the seq statement, so the count rows are locked after the center's seq row, as at COMMIT.
 */
export const countInsertedNow = CompiledQuery.raw(`${PREPARED}SET CONSTRAINTS queue_count_insert IMMEDIATE`)

/** The answer of `issueTicketStatement`: the ticket, `cap`, or `stale`. */
export function issuedFrom(rows: unknown[]): IssuedTicket | 'cap' | 'stale' {
  const row = rows[0] as Partial<IssuedTicket> & { fresh: boolean }
  if (!row.fresh) return 'stale'
  if (!row.id) return 'cap'
  return row as IssuedTicket
}

type IssuedTicket = Pick<Ticket, 'id' | 'code' | 'number' | 'issued_at' | 'queue_at'>

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
    // ties (one instant, or a priority ticket landing on a normal one's time): the earlier issued, then the lower number
    .orderBy('queue_at').orderBy('issued_at').orderBy('number').orderBy('id').limit(1)
    .forUpdate().skipLocked().executeTakeFirst()
}

/** The multi-service statement of `lockNextWaiting` (bench/scaling.ts shows its plan). */
export function queueHeadsQuery(serviceIds: string[], serviceDay: string) {
  return sql<Ticket>`${sql.raw(PREPARED)}
      SELECT ${sql.join(TICKET_COLUMNS.map((c) => sql.ref(`ticket.${c}`)))} FROM (
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
      WHERE ticket.status = 'waiting' AND ticket.service_day = ${serviceDay}
      ORDER BY h.queue_at, h.issued_at, h.number, h.id
      LIMIT 1 FOR UPDATE OF ticket SKIP LOCKED`
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
