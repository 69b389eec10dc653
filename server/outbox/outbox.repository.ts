import { sql } from 'kysely'
import type { Executor } from '../../db/create-db.js'

/** The outbox's SQL: claiming due deliveries under a lease, recording their outcome, the admin's views. */

export interface ClaimedDelivery {
  id: string
  event_id: string
  attempts: number
  uid: string
  kind: string
  stream: string
  occurred_at: Date
  data: Record<string, unknown>
  personal: Record<string, unknown> | null
  center_slug: string
  url: string
  secret: string
  personal_data: boolean
  allow_http: boolean
  /** an admin let it reach private addresses (url-policy.ts) */
  allow_private: boolean
}

/**
 * Leases up to `limit` due deliveries for `leaseMs`: only the head of each (subscription, stream), so a
 * stream's events go one at a time and in order. FOR UPDATE SKIP LOCKED plus the lease column: another
 * instance claiming at the same moment skips these rows, and after this commit sees their lease; a lease
 * left by an instance that died runs out and the delivery is claimed again (at least once).
 */
export async function claimDue(db: Executor, owner: string, limit: number, leaseMs: number): Promise<ClaimedDelivery[]> {
  const { rows } = await sql<ClaimedDelivery>`
    WITH c AS (
      UPDATE outbox_delivery SET lease_until = clock_timestamp() + ${leaseMs}::int * interval '1 millisecond', lease_owner = ${owner}
      WHERE id IN (
        SELECT d.id FROM outbox_delivery d
        WHERE d.status = 'pending' AND d.channel = 'webhook' AND d.next_at <= clock_timestamp()
          AND (d.lease_until IS NULL OR d.lease_until < clock_timestamp())
          AND EXISTS (SELECT 1 FROM webhook_subscription s WHERE s.id = d.subscription_id AND s.active)
          AND NOT EXISTS (SELECT 1 FROM outbox_delivery p WHERE p.subscription_id = d.subscription_id AND p.stream = d.stream
            AND p.status = 'pending' AND p.event_id < d.event_id)
        ORDER BY d.event_id LIMIT ${limit} FOR UPDATE SKIP LOCKED)
      RETURNING id, event_id, attempts, subscription_id
    )
    SELECT c.id::text, c.event_id::text, c.attempts, e.uid, e.kind, e.stream, e.occurred_at, e.data, e.personal, ce.slug AS center_slug,
      s.url, s.secret, s.personal_data, s.allow_http, s.allow_private
    FROM c JOIN outbox_event e ON e.id = c.event_id JOIN webhook_subscription s ON s.id = c.subscription_id JOIN center ce ON ce.id = e.center_id
    ORDER BY c.event_id`.execute(db)
  return rows
}

export async function markDelivered(db: Executor, id: string, owner: string, status: number) {
  await sql`UPDATE outbox_delivery SET status = 'delivered', delivered_at = clock_timestamp(), last_attempt_at = clock_timestamp(),
    attempts = attempts + 1, last_status = ${status}, last_error = NULL, lease_until = NULL, lease_owner = NULL
    WHERE id = ${id}::bigint AND lease_owner = ${owner}`.execute(db)
}

/** A failed attempt: retried after `retryMs`, or given up (`failed`) after the last allowed attempt. */
export async function markFailed(db: Executor, id: string, owner: string, r: { status: number | null; error: string; retryMs: number; giveUp: boolean }) {
  await sql`UPDATE outbox_delivery SET attempts = attempts + 1, last_status = ${r.status}, last_error = ${r.error.slice(0, 500)},
    last_attempt_at = clock_timestamp(), next_at = clock_timestamp() + ${r.retryMs}::int * interval '1 millisecond',
    status = ${r.giveUp ? 'failed' : 'pending'}, lease_until = NULL, lease_owner = NULL
    WHERE id = ${id}::bigint AND lease_owner = ${owner}`.execute(db)
}

/** The admin's replay: the delivery is due now, its attempts counted afresh (the receiver dedupes by event id). */
export async function replay(db: Executor, deliveryId: string, subscriptionId: string) {
  const { rows } = await sql<{ id: string }>`UPDATE outbox_delivery SET status = 'pending', attempts = 0, next_at = clock_timestamp(),
    lease_until = NULL, lease_owner = NULL WHERE id = ${deliveryId}::bigint AND subscription_id = ${subscriptionId}::uuid RETURNING id::text`.execute(db)
  return rows.length > 0
}

export async function listDeliveries(db: Executor, subscriptionId: string, limit: number) {
  const { rows } = await sql<{
    id: string; event_uid: string; kind: string; stream: string; occurred_at: Date; status: 'pending' | 'delivered' | 'failed'
    attempts: number; next_at: Date; last_status: number | null; last_error: string | null; last_attempt_at: Date | null; delivered_at: Date | null
  }>`SELECT d.id::text, e.uid AS event_uid, e.kind, e.stream, e.occurred_at, d.status, d.attempts, d.next_at, d.last_status, d.last_error,
      d.last_attempt_at, d.delivered_at
    FROM outbox_delivery d JOIN outbox_event e ON e.id = d.event_id WHERE d.subscription_id = ${subscriptionId}::uuid
    ORDER BY d.id DESC LIMIT ${limit}`.execute(db)
  return rows
}

export function findDelivery(db: Executor, id: string) {
  return db.selectFrom('outbox_delivery').select(['id', 'subscription_id', 'event_id', 'status']).where('id', '=', id).executeTakeFirst()
}
