import { sql } from 'kysely'
import type { Logger } from 'pino'
import type { Db, Executor } from '../../db/create-db.js'
import type { Clock } from '../clock.js'

/**
 * How long the outbox keeps what it sent (docs/integration.md "Retention"). Delivered rows only show the admin
 * that all went well, so they go after `deliveredDays`; failed ones are the admin's to read and replay, so they
 * stay `failedDays`; pending ones are never deleted. An event goes with its last delivery (past the same age).
 * Every channel (webhooks, the citizens' notifications) is pruned alike.
 */
export interface OutboxRetention {
  deliveredDays: number
  failedDays: number
}

export const DEFAULT_RETENTION: OutboxRetention = { deliveredDays: 30, failedDays: 90 }
/** rows deleted per statement: a big backlog goes in short transactions that never hold the outbox for long */
const BATCH = 5_000

async function deleteBatches(run: () => Promise<number>): Promise<number> {
  let total = 0
  for (;;) {
    const n = await run()
    total += n
    if (n < BATCH) return total
  }
}

/** One pass: deletes delivered deliveries older than `deliveredDays`, failed ones older than `failedDays`, then the events left without any. */
export async function pruneOutbox(db: Executor, now: Date, keep: OutboxRetention): Promise<{ delivered: number; failed: number; events: number }> {
  const day = 24 * 60 * 60_000
  const deliveredBefore = new Date(now.getTime() - keep.deliveredDays * day)
  const failedBefore = new Date(now.getTime() - keep.failedDays * day)
  const count = (r: { numAffectedRows?: bigint }) => Number(r.numAffectedRows ?? 0)
  const delivered = await deleteBatches(async () => count(await sql`DELETE FROM outbox_delivery WHERE id IN (
    SELECT id FROM outbox_delivery WHERE status = 'delivered' AND delivered_at < ${deliveredBefore} LIMIT ${BATCH})`.execute(db)))
  const failed = await deleteBatches(async () => count(await sql`DELETE FROM outbox_delivery WHERE id IN (
    SELECT id FROM outbox_delivery WHERE status = 'failed' AND coalesce(last_attempt_at, next_at) < ${failedBefore} LIMIT ${BATCH})`.execute(db)))
  // an event left without deliveries is of no use to anyone; the age only spares one being written right now
  const emptyBefore = deliveredBefore > failedBefore ? deliveredBefore : failedBefore
  const events = await deleteBatches(async () => count(await sql`DELETE FROM outbox_event WHERE id IN (
    SELECT e.id FROM outbox_event e WHERE e.created_at < ${emptyBefore}
      AND NOT EXISTS (SELECT 1 FROM outbox_delivery d WHERE d.event_id = e.id) LIMIT ${BATCH})`.execute(db)))
  return { delivered, failed, events }
}

/** The periodic pass (hourly, and once at start), run by every instance: the deletes are idempotent. */
export function startRetention(db: Db, clock: Clock, keep: OutboxRetention, logger: Logger, everyMs = 60 * 60_000): () => void {
  const pass = () => pruneOutbox(db, clock(), keep)
    .then((n) => { if (n.delivered + n.failed + n.events) logger.info(n, 'outbox retention: old deliveries deleted') })
    .catch((err: unknown) => logger.warn({ err }, 'outbox retention failed'))
  void pass()
  const timer = setInterval(() => void pass(), everyMs)
  timer.unref()
  return () => clearInterval(timer)
}
