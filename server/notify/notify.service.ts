import type { Db } from '../../db/create-db.js'
import type { NotifyChannel } from '../../db/types.js'
import type { DossierNotifyBody, NotificationsView, NotifyOptionsView, TicketNotifyBody } from '../../common/notify-schemas.js'
import type { PublicDossierView } from '../../common/dossier-types.js'
import { AppError } from '../errors.js'
import type { Clock } from '../clock.js'
import type { Actor } from '../auth/actor.js'
import { centerFor } from '../staff/settings.support.js'
import type { TicketService } from '../queue/ticket.service.js'
import type { Dossiers } from '../dossiers/dossiers.js'
import * as repo from './notify.repository.js'
import { pushEndpointAllowed } from './push.js'
import { maskPhone, type NotifyTransport } from './transport.js'
import { mobileOf } from '../../common/fold.js'
import { PhoneConsent } from './consent.js'

const iso = (d: Date | string | null) => (d === null ? null : new Date(d).toISOString())
const ENDED_TICKET = new Set(['done', 'no_show', 'transferred', 'cancelled', 'expired'])
const ENDED_DOSSIER = new Set(['returned', 'rejected', 'withdrawn', 'stopped', 'closed_incomplete'])
/** Phones and browsers one ticket or dossier may notify: a family's few, not a stranger's flood of push endpoints. */
export const MAX_SUBSCRIPTIONS = 5

export interface NotifySetup {
  transports: NotifyTransport[]
  /** the VAPID public key pages subscribe with (null: no web push) */
  vapidPublicKey: string | null
  /** push hosts the operator added to the browsers' (PUSH_ENDPOINT_HOSTS; tests: a local push service) */
  extraPushHosts: string[]
}

/**
 * "Notify me": a ticket's holder (its secret) or a dossier's (its two codes) asks for web push or for
 * messages to a phone number. A phone is taken only with the citizen's consent, recorded with the
 * subscription; it goes to the install's one phone channel (Zalo when configured, else SMS).
 */
export class NotifyService {
  constructor(private db: Db, private clock: Clock, private setup: NotifySetup, private tickets: TicketService, private dossiers: Dossiers,
    private phones = new PhoneConsent(setup.transports.map((t) => t.channel))) {}

  options(): NotifyOptionsView {
    return { push: this.setup.vapidPublicKey && this.has('push') ? { publicKey: this.setup.vapidPublicKey } : null,
      phone: this.phones.defaultChannel, phones: this.phones.channels }
  }

  async subscribeTicket(ticketId: string, body: TicketNotifyBody): Promise<{ id: string; channel: NotifyChannel }> {
    const tk = await this.tickets.holderTicket(ticketId, body.key)
    if (ENDED_TICKET.has(tk.status)) throw new AppError('NOTIFY_TARGET_ENDED')
    const centerId = (await this.db.selectFrom('ticket').select('center_id').where('id', '=', ticketId).executeTakeFirstOrThrow()).center_id
    // already 3 or fewer ahead (or called): the page says so; only "called" is still to come
    const aheadSent = tk.status !== 'waiting' || (tk.ahead ?? 0) <= 3
    return this.subscribe(body, { centerId, ticketId, dossierId: null, source: 'ticket_page', aheadSent })
  }

  async subscribeDossier(code: string, body: DossierNotifyBody, address: string): Promise<{ id: string; channel: NotifyChannel }> {
    const dossierId = await this.dossiers.citizens.follow(code, body.lookupCode, address)
    const d = await this.db.selectFrom('dossier').select(['center_id', 'status']).where('id', '=', dossierId).executeTakeFirstOrThrow()
    if (ENDED_DOSSIER.has(d.status)) throw new AppError('NOTIFY_TARGET_ENDED')
    return this.subscribe(body, { centerId: d.center_id, ticketId: null, dossierId, source: body.source, aheadSent: true })
  }

  /**
   * The citizen stops the SMS and Zalo messages about their dossier on its lookup page (Decree 13/2023 Art. 12):
   * the two codes checked as a lookup checks them (its guess throttle and address budget), then as a clerk's stop
   * does, but naming the citizen. Answers the dossier's public view.
   */
  async stopDossier(code: string, lookupCode: string, address: string): Promise<PublicDossierView> {
    const dossierId = await this.dossiers.citizens.follow(code, lookupCode, address)
    return this.dossiers.staff.stopPhoneMessagesForCitizen(dossierId)
  }

  private async subscribe(body: TicketNotifyBody | DossierNotifyBody,
    t: { centerId: string; ticketId: string | null; dossierId: string | null; source: repo.NewSubscription['source']; aheadSent: boolean }) {
    const base = { ...t, lang: body.lang, consentAt: this.clock() }
    const address = body.push?.endpoint ?? (body.phone ? mobileOf(body.phone) : null)
    if (await repo.countOthers(this.db, t.ticketId ?? t.dossierId!, address) >= MAX_SUBSCRIPTIONS) throw new AppError('NOTIFY_TOO_MANY', { max: MAX_SUBSCRIPTIONS })
    if (body.push) {
      if (!this.options().push) throw new AppError('NOTIFY_CHANNEL_OFF')
      if (!pushEndpointAllowed(body.push.endpoint, this.setup.extraPushHosts)) throw new AppError('PUSH_ENDPOINT_NOT_ALLOWED')
      const { id } = await repo.upsertSubscription(this.db, { ...base, channel: 'push', endpoint: body.push.endpoint, p256dh: body.push.keys.p256dh, auth: body.push.keys.auth })
      return { id, channel: 'push' as const }
    }
    // a phone number is personal data: used for messages only when the citizen ticked consent (Decree 13/2023)
    if (!body.consent) throw new AppError('NOTIFY_CONSENT_REQUIRED')
    const channel = this.phones.defaultChannel
    if (!channel) throw new AppError('NOTIFY_CHANNEL_OFF')
    const phone = mobileOf(body.phone!)
    if (!phone) throw new AppError('NOTIFY_PHONE_INVALID')
    const { id } = await repo.upsertSubscription(this.db, { ...base, channel, phone })
    return { id, channel }
  }

  async list(slug: string, actor: Actor): Promise<NotificationsView> {
    const center = await centerFor(this.db, slug, actor)
    const rows = await repo.listNotifications(this.db, center.id, 100, this.clock())
    return {
      channels: this.setup.transports.map((t) => ({ channel: t.channel, provider: t.provider })),
      counts: await repo.notificationCounts(this.db, center.id),
      deliveries: rows.map((r) => ({
        id: r.id, channel: r.channel, kind: r.kind, code: r.code, source: r.consent_source,
        to: r.phone ? maskPhone(r.phone) : r.endpoint ? new URL(r.endpoint).host : '',
        occurredAt: iso(r.occurred_at)!, status: r.status, attempts: r.attempts, nextAt: iso(r.next_at)!, lastStatus: r.last_status,
        lastError: r.last_error, deliveredAt: iso(r.delivered_at), replayable: r.replayable,
      })),
    }
  }

  async replay(slug: string, id: string, actor: Actor): Promise<void> {
    const center = await centerFor(this.db, slug, actor)
    if (!await repo.replayNotification(this.db, id, center.id, this.clock())) throw new AppError('NOTIFICATION_NOT_FOUND')
  }

  private has(channel: NotifyChannel) { return this.setup.transports.some((t) => t.channel === channel) }
}
