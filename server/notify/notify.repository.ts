import { sql } from 'kysely'
import type { Executor } from '../../db/create-db.js'
import type { ConsentSource, NotifyChannel } from '../../db/types.js'
import { FINAL_NOTIFY_ERRORS } from '../../common/notify-schemas.js'

/** The notifications' SQL: subscriptions, and the outbox deliveries of channel push / sms / zalo (lease as in outbox.repository.ts). */

export interface ClaimedNotification {
  id: string
  attempts: number
  channel: NotifyChannel
  notify_id: string
  idem_key: string
  kind: string
  stream: string
  occurred_at: Date
  data: { code: string; center: string; centerEn?: string; counterNumber?: number | null; ahead?: number | null; slot?: string | null }
  endpoint: string | null
  p256dh: string | null
  auth: string | null
  phone: string | null
  lang: 'vi' | 'en'
  /** a booking's confirmation: the booking's state and its slot's start (null for other messages) */
  appointment_status: string | null
  starts_at: Date | null
}

/**
 * Leases up to `limit` due notification deliveries of the given channels: only the head of each
 * (subscription, stream), so one citizen's messages go in order ("3 ahead" before "called").
 */
export async function claimDueNotifications(db: Executor, owner: string, channels: NotifyChannel[], limit: number, leaseMs: number): Promise<ClaimedNotification[]> {
  if (channels.length === 0) return []
  const { rows } = await sql<ClaimedNotification>`
    WITH c AS (
      UPDATE outbox_delivery SET lease_until = clock_timestamp() + ${leaseMs}::int * interval '1 millisecond', lease_owner = ${owner}
      WHERE id IN (
        SELECT d.id FROM outbox_delivery d
        WHERE d.status = 'pending' AND d.notify_id IS NOT NULL AND d.channel IN (${sql.join(channels)}) AND d.next_at <= clock_timestamp()
          AND (d.lease_until IS NULL OR d.lease_until < clock_timestamp())
          AND NOT EXISTS (SELECT 1 FROM outbox_delivery p WHERE p.notify_id = d.notify_id AND p.stream = d.stream
            AND p.status = 'pending' AND p.event_id < d.event_id)
        ORDER BY d.event_id LIMIT ${limit} FOR UPDATE SKIP LOCKED)
      RETURNING id, event_id, attempts, channel, notify_id, idem_key
    )
    SELECT c.id::text, c.attempts, c.channel, c.notify_id, c.idem_key, e.kind, e.stream, e.occurred_at, e.data,
      s.endpoint, s.p256dh, s.auth, s.phone, s.lang, a.status::text AS appointment_status, a.starts_at
    FROM c JOIN outbox_event e ON e.id = c.event_id JOIN notify_subscription s ON s.id = c.notify_id
      LEFT JOIN appointment a ON a.id = s.appointment_id
    ORDER BY c.event_id`.execute(db)
  return rows
}

/** A push subscription the push service says is gone: no more messages are queued for it. */
export async function deactivate(db: Executor, notifyId: string) {
  await db.updateTable('notify_subscription').set({ active: false }).where('id', '=', notifyId).execute()
}

/** The subscriptions of bookings that were checked in, cancelled or missed. */
export async function deactivateBookings(db: Executor, appointmentIds: string[]) {
  await db.updateTable('notify_subscription').set({ active: false }).where('appointment_id', 'in', appointmentIds).where('active', '=', true).execute()
}

export interface NewSubscription {
  centerId: string
  ticketId: string | null
  dossierId: string | null
  appointmentId?: string | null
  channel: NotifyChannel
  endpoint?: string; p256dh?: string; auth?: string
  phone?: string
  lang: 'vi' | 'en'
  consentAt: Date
  source: ConsentSource
  aheadSent: boolean
}

/** One subscription per ticket, dossier or booking, channel and address: asking again renews the consent and keys. */
export async function upsertSubscription(db: Executor, s: NewSubscription): Promise<{ id: string }> {
  const { rows } = await sql<{ id: string }>`
    INSERT INTO notify_subscription (center_id, ticket_id, dossier_id, appointment_id, channel, endpoint, p256dh, auth, phone, lang, consent_at, consent_source, ahead_sent)
    VALUES (${s.centerId}, ${s.ticketId}, ${s.dossierId}, ${s.appointmentId ?? null}, ${s.channel}, ${s.endpoint ?? null}, ${s.p256dh ?? null}, ${s.auth ?? null},
      ${s.phone ?? null}, ${s.lang}, ${s.consentAt}, ${s.source}, ${s.aheadSent})
    ON CONFLICT (coalesce(ticket_id, dossier_id, appointment_id), channel, coalesce(endpoint, phone)) DO UPDATE
      SET p256dh = EXCLUDED.p256dh, auth = EXCLUDED.auth, lang = EXCLUDED.lang, consent_at = EXCLUDED.consent_at,
        consent_source = EXCLUDED.consent_source, active = true
    RETURNING id`.execute(db)
  return rows[0]!
}

/** The subscriptions of a ticket or dossier other than the one at `address` (asking again for it renews it). */
export async function countOthers(db: Executor, targetId: string, address: string | null): Promise<number> {
  const { rows } = await sql<{ n: number }>`SELECT count(*)::int AS n FROM notify_subscription
    WHERE coalesce(ticket_id, dossier_id, appointment_id) = ${targetId}::uuid AND coalesce(endpoint, phone) IS DISTINCT FROM ${address}`.execute(db)
  return rows[0]!.n
}

/**
 * One message for one subscription, queued in the caller's transaction (the booking's confirmation: no
 * ticket or dossier event causes it, so no trigger writes it); at most once per key.
 */
export async function queueMessage(db: Executor, m: { centerId: string; kind: string; stream: string; at: Date; data: ClaimedNotification['data']; notifyId: string; channel: NotifyChannel; key: string }) {
  const ev = await db.insertInto('outbox_event').values({ center_id: m.centerId, kind: m.kind, stream: m.stream, occurred_at: m.at, data: JSON.stringify(m.data) })
    .returning('id').executeTakeFirstOrThrow()
  await sql`INSERT INTO outbox_delivery (event_id, channel, notify_id, stream, idem_key) VALUES (${ev.id}, ${m.channel}, ${m.notifyId}, ${m.stream}, ${m.key})
    ON CONFLICT (notify_id, idem_key) WHERE notify_id IS NOT NULL DO NOTHING`.execute(db)
}

/** The phone subscription made at the counter's intake, if the citizen consented there. */
export function counterSubscription(db: Executor, dossierId: string) {
  return db.selectFrom('notify_subscription').select(['channel', 'phone'])
    .where('dossier_id', '=', dossierId).where('consent_source', '=', 'counter').executeTakeFirst()
}

/** The language a booking's confirmation was queued in (its ticket's messages follow it). */
export async function bookingLang(db: Executor, appointmentId: string): Promise<'vi' | 'en' | undefined> {
  return (await db.selectFrom('notify_subscription').select('lang').where('appointment_id', '=', appointmentId).executeTakeFirst())?.lang
}

export interface NotificationRow {
  id: string; channel: NotifyChannel; kind: string; code: string; occurred_at: Date; status: 'pending' | 'delivered' | 'failed'
  attempts: number; next_at: Date; last_status: number | null; last_error: string | null; delivered_at: Date | null
  phone: string | null; endpoint: string | null; consent_source: string
  /** replayNotification would send it again (replayable) */
  replayable: boolean
}

/** A ticket's message is not sent later than this after its event ("go to counter 3" an hour late misleads). */
export const TICKET_MESSAGE_LIFETIME_MS = 30 * 60_000

/**
 * Which delivery `d` (of subscription `s`, event `e`) a manager may send again at `now`: failed, its sign-up still
 * active (not stopped, its ticket, dossier or booking not over, its push subscription not gone), its last error not
 * final by design (a stopped, cancelled or stale message: a sign-up renewed after a stop does not bring back what
 * the stop dropped), and not one the sender would drop as stale if sent now (NotifySender.stale: a ticket's message
 * past its lifetime; a booking's confirmation once the booking is not `booked` or its slot has started). The list and
 * the replay share it: the page never offers a replay the server refuses or the sender drops.
 */
const replayable = (now: Date) => sql<boolean>`(d.status = 'failed' AND s.active
  AND coalesce(d.last_error, '') NOT IN (${sql.join([...FINAL_NOTIFY_ERRORS])})
  AND NOT (e.kind LIKE 'ticket.%' AND e.occurred_at < ${new Date(now.getTime() - TICKET_MESSAGE_LIFETIME_MS)})
  AND NOT (e.kind = 'appointment.booked' AND NOT EXISTS (SELECT 1 FROM appointment a
    WHERE a.id = s.appointment_id AND a.status = 'booked' AND a.starts_at > ${now})))`

/** The center's last `limit` notification deliveries, newest first. */
export async function listNotifications(db: Executor, centerId: string, limit: number, now: Date): Promise<NotificationRow[]> {
  const { rows } = await sql<NotificationRow>`
    SELECT d.id::text, d.channel, e.kind, e.data->>'code' AS code, e.occurred_at, d.status, d.attempts, d.next_at, d.last_status, d.last_error,
      d.delivered_at, s.phone, s.endpoint, s.consent_source, ${replayable(now)} AS replayable
    FROM outbox_delivery d JOIN outbox_event e ON e.id = d.event_id JOIN notify_subscription s ON s.id = d.notify_id
    WHERE d.notify_id IS NOT NULL AND e.center_id = ${centerId}
    ORDER BY d.id DESC LIMIT ${limit}`.execute(db)
  return rows
}

export async function notificationCounts(db: Executor, centerId: string) {
  const { rows } = await sql<{ pending: number; delivered: number; failed: number }>`
    SELECT count(*) FILTER (WHERE d.status = 'pending')::int AS pending, count(*) FILTER (WHERE d.status = 'delivered')::int AS delivered,
      count(*) FILTER (WHERE d.status = 'failed')::int AS failed
    FROM outbox_delivery d JOIN notify_subscription s ON s.id = d.notify_id WHERE s.center_id = ${centerId}`.execute(db)
  return rows[0]!
}

/**
 * The manager's replay of a failed notification: due now, attempts afresh (the gateway dedupes on the same key); only
 * a replayable one (`replayable`: a stopped, cancelled or stale one, one the sender would drop as stale now, or one whose sign-up ended, is never sent again).
 */
export async function replayNotification(db: Executor, id: string, centerId: string, now: Date): Promise<boolean> {
  const { rows } = await sql<{ id: string }>`UPDATE outbox_delivery d SET status = 'pending', attempts = 0, next_at = clock_timestamp(),
      lease_until = NULL, lease_owner = NULL
    FROM notify_subscription s, outbox_event e
    WHERE d.id = ${id}::bigint AND s.id = d.notify_id AND e.id = d.event_id AND s.center_id = ${centerId} AND ${replayable(now)}
    RETURNING d.id::text`.execute(db)
  return rows.length > 0
}

/** The active subscriptions of a ticket (their ids): what a transfer carries to the new ticket. */
export async function activeTicketSubscriptions(db: Executor, ticketId: string): Promise<string[]> {
  const rows = await db.selectFrom('notify_subscription').select('id').where('ticket_id', '=', ticketId).where('active', '=', true).execute()
  return rows.map((r) => r.id)
}

/**
 * A transferred ticket's subscriptions follow it (issue 24): copied to the new ticket as fresh rows, with their
 * consent, so "N ahead" is told again in the new queue (a message is sent at most once per subscription and
 * key); the old rows end with the old ticket and keep what was sent for it.
 */
export async function copyToTicket(db: Executor, ids: string[], ticketId: string): Promise<void> {
  if (!ids.length) return
  await db.insertInto('notify_subscription')
    .columns(['center_id', 'ticket_id', 'channel', 'endpoint', 'p256dh', 'auth', 'phone', 'lang', 'consent_at', 'consent_source'])
    .expression((eb) => eb.selectFrom('notify_subscription')
      .select(['center_id', sql<string>`${ticketId}::uuid`.as('ticket_id'), 'channel', 'endpoint', 'p256dh', 'auth', 'phone', 'lang', 'consent_at', 'consent_source'])
      .where('id', 'in', ids))
    .execute()
}

/** How many active subscriptions (push, SMS, Zalo; from any page or the counter) a dossier has. */
export async function countDossierSubscriptions(db: Executor, dossierId: string): Promise<number> {
  const r = await db.selectFrom('notify_subscription').select((eb) => eb.fn.countAll<number>().as('n'))
    .where('dossier_id', '=', dossierId).where('active', '=', true).executeTakeFirstOrThrow()
  return Number(r.n)
}

/** A dossier's or a booking's sign-ups. */
export type SignUpTarget = { dossierId: string } | { appointmentId: string }
const signUpsOf = (t: SignUpTarget) => ('dossierId' in t ? { column: 'dossier_id' as const, id: t.dossierId } : { column: 'appointment_id' as const, id: t.appointmentId })

/** The active SMS and Zalo sign-ups of a dossier or a booking, with their numbers (the citizen's page shows them masked). */
export function activePhoneSubscriptions(db: Executor, t: SignUpTarget) {
  const { column, id } = signUpsOf(t)
  return db.selectFrom('notify_subscription').select(['channel', 'phone']).where(column, '=', id).where('active', '=', true)
    .where('channel', 'in', ['sms', 'zalo']).orderBy('created_at').orderBy('id').execute()
}

/**
 * Ends the active sign-ups of a dossier or a booking (of `channels`, or every one): the citizen withdrew consent.
 * Their messages still pending are dropped (failed, `STOPPED`), so nothing more goes out. How many ended.
 */
export async function endSubscriptions(db: Executor, t: SignUpTarget, channels?: NotifyChannel[]): Promise<number> {
  const { column, id } = signUpsOf(t)
  let q = db.updateTable('notify_subscription').set({ active: false }).where(column, '=', id).where('active', '=', true)
  if (channels) q = q.where('channel', 'in', channels)
  const ended = (await q.returning('id').execute()).map((r) => r.id)
  if (ended.length) {
    // a delivery a sender holds now loses its lease: what it writes after its attempt (a retry, above all) changes nothing
    await db.updateTable('outbox_delivery').set({ status: 'failed', last_error: 'STOPPED', lease_owner: null, lease_until: null })
      .where('notify_id', 'in', ended).where('status', '=', 'pending').execute()
  }
  return ended.length
}
