import { randomUUID } from 'node:crypto'
import type { Logger } from 'pino'
import type { Db } from '../../db/create-db.js'
import * as repo from './outbox.repository.js'
import { sign } from './signature.js'
import { urlAllowed } from './url-policy.js'
import { postWebhook } from './webhook-http.js'

export interface OutboxOptions {
  /** how often an idle worker looks for due deliveries */
  pollMs: number
  /** deliveries leased per round (at most one per subscription and stream) */
  batch: number
  /** how long a claimed delivery is this instance's; past it another instance may send it again */
  leaseMs: number
  /** retry n waits backoffBaseMs · 2^(n-1), at most backoffMaxMs */
  backoffBaseMs: number
  backoffMaxMs: number
  /** after this many failed attempts a delivery is `failed` (the admin can replay it) */
  maxAttempts: number
  /** one POST's time limit */
  timeoutMs: number
}

export const DEFAULT_OUTBOX: OutboxOptions = {
  pollMs: 1_000, batch: 50, leaseMs: 30_000, backoffBaseMs: 5_000, backoffMaxMs: 60 * 60_000, maxAttempts: 15, timeoutMs: 10_000,
}

/**
 * Another channel of the outbox (issue 24: the citizens' push, SMS and Zalo, server/notify/notify.sender.ts):
 * claims its own deliveries under this worker's lease owner and timings, sends them, records the outcome.
 */
export interface ChannelSender {
  /** one round; returns how many deliveries it claimed */
  runOnce(owner: string, options: OutboxOptions): Promise<number>
}

/** What a receiver gets: the event id it dedupes on, the kind, when, the center, the data (and personal data if allowed). */
export function webhookBody(d: repo.ClaimedDelivery): string {
  return JSON.stringify({
    id: d.uid, type: d.kind, occurredAt: new Date(d.occurred_at).toISOString(), center: d.center_slug, sequence: Number(d.event_id),
    data: d.personal_data && d.personal ? { ...d.data, ...d.personal } : d.data,
  })
}

/**
 * Sends the outbox's webhook deliveries after their commit: at least once, in order per subscription
 * and stream (ticket, dossier, counter), retried with exponential backoff. Every app instance runs one;
 * the lease in PostgreSQL (outbox.repository.ts `claimDue`) keeps two from sending one delivery at once.
 */
export class OutboxWorker {
  readonly owner = randomUUID()
  readonly options: OutboxOptions
  private timer: NodeJS.Timeout | undefined
  private running: Promise<void> | undefined
  private stopped = true
  private senders: ChannelSender[] = []

  constructor(private db: Db, private logger: Logger, options: Partial<OutboxOptions> = {}) {
    this.options = { ...DEFAULT_OUTBOX, ...options }
  }

  /** Adds a channel's sender: each round runs it after the webhooks. */
  use(sender: ChannelSender) {
    this.senders.push(sender)
  }

  start() {
    if (!this.stopped) return
    this.stopped = false
    this.schedule(0)
  }

  /** Stops polling and waits for the round in flight (its leases end with it or run out). */
  async stop() {
    this.stopped = true
    clearTimeout(this.timer)
    await this.running
  }

  private schedule(ms: number) {
    if (this.stopped) return
    clearTimeout(this.timer)
    this.timer = setTimeout(() => {
      this.running = this.drain().catch((err: unknown) => { this.logger.warn({ err }, 'outbox round failed') })
        .finally(() => { this.running = undefined; this.schedule(this.options.pollMs) })
    }, ms)
  }

  /** Rounds until nothing is due (a delivered head makes its stream's next event due at once). */
  private async drain() {
    while (!this.stopped && await this.runOnce() > 0) { /* next round */ }
  }

  /** One round: claims due deliveries and sends them (different streams at once). Returns how many were claimed. */
  async runOnce(): Promise<number> {
    const claimed = await repo.claimDue(this.db, this.owner, this.options.batch, this.options.leaseMs)
    await Promise.all(claimed.map((d) => this.deliver(d)))
    let others = 0
    for (const s of this.senders) others += await s.runOnce(this.owner, this.options)
    return claimed.length + others
  }

  private async deliver(d: repo.ClaimedDelivery) {
    const o = this.options
    const retryMs = Math.min(o.backoffMaxMs, o.backoffBaseMs * 2 ** d.attempts)
    const giveUp = d.attempts + 1 >= o.maxAttempts
    if (!urlAllowed(d.url, d.allow_http)) {
      await repo.markFailed(this.db, d.id, this.owner, { status: null, error: 'URL_NOT_ALLOWED', retryMs, giveUp: true })
      return
    }
    const body = webhookBody(d)
    const ts = Math.floor(Date.now() / 1000)
    let status: number | null = null
    try {
      // SSRF: the address connected to is checked after DNS and pinned (url-policy.ts), unless an admin allowed private ones
      status = await postWebhook(d.url, body, {
        'content-type': 'application/json', 'user-agent': 'MotCua-Webhooks/1',
        'idempotency-key': d.uid, 'mot-cua-event-id': d.uid, 'mot-cua-event': d.kind, 'mot-cua-signature': sign(d.secret, ts, body),
      }, { timeoutMs: o.timeoutMs, allowPrivate: d.allow_private })
      if (status >= 200 && status < 300) { await repo.markDelivered(this.db, d.id, this.owner, status); return }
      await repo.markFailed(this.db, d.id, this.owner, { status, error: `HTTP ${status}`, retryMs, giveUp })
    } catch (err) {
      const e = err as Error & { code?: string }
      // a private address is the rule, not an outage: no retries (the admin sees it and may replay)
      await repo.markFailed(this.db, d.id, this.owner, { status, error: e.code ?? e.name ?? 'ERROR', retryMs, giveUp: giveUp || e.code === 'WEBHOOK_URL_PRIVATE' })
    }
  }
}
