import { createHash } from 'node:crypto'
import type { Logger } from 'pino'
import type { Db } from '../../db/create-db.js'
import type { Clock } from '../clock.js'
import * as outbox from '../outbox/outbox.repository.js'
import type { ChannelSender, OutboxOptions } from '../outbox/outbox.worker.js'
import * as repo from './notify.repository.js'
import type { NotifyKind, NotifyTransport } from './transport.js'

/** A ticket's message this old is not sent any more (a "called to counter 3" an hour late misleads). */

/**
 * The outbox worker's sender for the citizens' channels (push, sms, zalo): claims their due deliveries
 * under the same lease and backoff as the webhooks, hands each to its channel's transport, records the
 * outcome. A permanent refusal (a push subscription gone) fails the delivery at once and ends the subscription.
 */
export class NotifySender implements ChannelSender {
  private byChannel: Map<string, NotifyTransport>

  constructor(private db: Db, private logger: Logger, transports: NotifyTransport[], private clock: Clock) {
    this.byChannel = new Map(transports.map((t) => [t.channel, t]))
  }

  get transports(): NotifyTransport[] { return [...this.byChannel.values()] }

  async runOnce(owner: string, o: OutboxOptions): Promise<number> {
    const claimed = await repo.claimDueNotifications(this.db, owner, [...this.byChannel.keys()] as repo.ClaimedNotification['channel'][], o.batch, o.leaseMs)
    await Promise.all(claimed.map((d) => this.deliver(owner, o, d)))
    return claimed.length
  }

  /**
   * Why a message is no longer sent: a ticket's 30 minutes after its event ("go to counter 3" an hour late
   * misleads); a booking's confirmation once the booking was cancelled or checked in, or its slot has started.
   */
  private stale(d: repo.ClaimedNotification): 'STALE' | 'CANCELLED' | null {
    const now = this.clock().getTime()
    if (d.kind.startsWith('ticket.')) return now - new Date(d.occurred_at).getTime() > repo.TICKET_MESSAGE_LIFETIME_MS ? 'STALE' : null
    if (d.kind !== 'appointment.booked' || !d.appointment_status) return null
    if (d.appointment_status === 'cancelled') return 'CANCELLED'
    return d.appointment_status !== 'booked' || (d.starts_at && new Date(d.starts_at).getTime() <= now) ? 'STALE' : null
  }

  private async deliver(owner: string, o: OutboxOptions, d: repo.ClaimedNotification) {
    const retryMs = Math.min(o.backoffMaxMs, o.backoffBaseMs * 2 ** d.attempts)
    const fail = (status: number | null, error: string, giveUp: boolean) => outbox.markFailed(this.db, d.id, owner, { status, error, retryMs, giveUp })
    const stale = this.stale(d)
    if (stale) {
      await fail(null, stale, true)
      return
    }
    const transport = this.byChannel.get(d.channel)!
    const key = createHash('sha256').update(`${d.notify_id}|${d.idem_key}`).digest('hex').slice(0, 32)
    const r = await transport.send({ phone: d.phone, endpoint: d.endpoint, p256dh: d.p256dh, auth: d.auth }, {
      kind: d.kind as NotifyKind, code: d.data.code, center: d.lang === 'en' && d.data.centerEn ? d.data.centerEn : d.data.center,
      counterNumber: d.data.counterNumber ?? null, ahead: d.data.ahead ?? null, slot: d.data.slot ?? null, lang: d.lang, stream: d.stream, key,
    }, AbortSignal.timeout(o.timeoutMs))
    if (r.ok) { await outbox.markDelivered(this.db, d.id, owner, r.status); return }
    await fail(r.status, r.error, !!r.permanent || d.attempts + 1 >= o.maxAttempts)
    if (r.permanent) await repo.deactivate(this.db, d.notify_id)
    this.logger.debug({ delivery: d.id, channel: d.channel, error: r.error }, 'notification not sent')
  }
}
