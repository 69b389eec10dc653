import type { Executor } from '../../db/create-db.js'
import type { NotifyChannel } from '../../db/types.js'
import { AppError } from '../errors.js'
import * as repo from './notify.repository.js'
import { maskPhone } from './transport.js'
import { mobileOf } from '../../common/fold.js'
import type { PhoneSignUpView } from '../../common/notify-schemas.js'

/**
 * A phone number given with consent away from the "notify me" pages (issue 24): the consent box of the
 * counter's intake form, and a booking's phone. Each writes its subscription in the caller's transaction,
 * so a dossier or a booking never exists without the consent the citizen gave, nor the consent without it.
 */

export type PhoneChannel = Extract<NotifyChannel, 'sms' | 'zalo'>
export const PHONE_CHANNELS: PhoneChannel[] = ['sms', 'zalo']

/** The phone channels this install sends (`channels`, from its transports); Zalo first, the default where both are. */
export class PhoneConsent {
  readonly channels: PhoneChannel[]

  constructor(configured: NotifyChannel[]) {
    this.channels = (['zalo', 'sms'] as const).filter((c) => configured.includes(c))
  }

  get defaultChannel(): PhoneChannel | null { return this.channels[0] ?? null }

  /** The counter's consent box was ticked: the channel (chosen, or the default) and the number, or why not (before any write). */
  counterTarget(phone: string, chosen?: PhoneChannel): { channel: PhoneChannel; phone: string } {
    const channel = chosen ?? this.defaultChannel
    if (!channel || !this.channels.includes(channel)) throw new AppError('NOTIFY_CHANNEL_OFF')
    const mobile = mobileOf(phone)
    if (!mobile) throw new AppError('NOTIFY_PHONE_INVALID')
    return { channel, phone: mobile }
  }

  async forDossier(trx: Executor, t: { channel: PhoneChannel; phone: string }, d: { centerId: string; dossierId: string; at: Date }) {
    await repo.upsertSubscription(trx, { centerId: d.centerId, ticketId: null, dossierId: d.dossierId, channel: t.channel, phone: t.phone,
      lang: 'vi', consentAt: d.at, source: 'counter', aheadSent: true })
  }

  /**
   * A booking made with a phone (and its consent): a subscription for the booking and its one message, the
   * confirmation (code, center, slot time). Nothing when no phone channel is on or the number takes no SMS.
   */
  async forBooking(trx: Executor, a: { centerId: string; appointmentId: string; phone: string | null; consentAt: Date | null; code: string },
    slot: string, center: { name: string; nameEn: string | null }, lang: 'vi' | 'en') {
    const channel = this.defaultChannel
    const phone = a.phone && a.consentAt ? mobileOf(a.phone) : null
    if (!channel || !phone) return
    const { id } = await repo.upsertSubscription(trx, { centerId: a.centerId, ticketId: null, dossierId: null, appointmentId: a.appointmentId,
      channel, phone, lang, consentAt: a.consentAt!, source: 'booking', aheadSent: true })
    await repo.queueMessage(trx, { centerId: a.centerId, kind: 'appointment.booked', stream: `appointment:${a.appointmentId}`, at: a.consentAt!,
      data: { code: a.code, center: center.name, centerEn: center.nameEn ?? undefined, slot }, notifyId: id, channel, key: 'appointment.booked' })
  }

  /** The booked citizen checked in: the ticket's "3 ahead" and "called" go to the booking's phone, with the booking's consent. */
  async forCheckedIn(trx: Executor, a: { centerId: string; appointmentId: string; phone: string | null; consentAt: Date | null }, ticketId: string) {
    const channel = this.defaultChannel
    const phone = a.phone && a.consentAt ? mobileOf(a.phone) : null
    if (!channel || !phone) return
    await repo.upsertSubscription(trx, { centerId: a.centerId, ticketId, dossierId: null, channel, phone,
      lang: await repo.bookingLang(trx, a.appointmentId) ?? 'vi', consentAt: a.consentAt!, source: 'booking', aheadSent: false })
  }
}

/**
 * A booking's own subscription ends when the booking does: checked in (its ticket has its own), cancelled or a
 * no-show (Decree 13/2023: the number is kept for messages no longer than their purpose). In the caller's transaction.
 */
export async function endBookingConsent(trx: Executor, appointmentIds: string[]) {
  if (appointmentIds.length) await repo.deactivateBookings(trx, appointmentIds)
}

/** What the intake's answer says of the counter's consent: the channel and the masked number, or null. */
export async function counterNotifyView(db: Executor, dossierId: string): Promise<{ channel: PhoneChannel; to: string } | null> {
  const s = await repo.counterSubscription(db, dossierId)
  return s?.phone ? { channel: s.channel as PhoneChannel, to: maskPhone(s.phone) } : null
}

/** The active SMS and Zalo sign-ups of a dossier or a booking, as its holder's page shows them: the numbers masked. */
export async function phoneSignUps(db: Executor, t: repo.SignUpTarget): Promise<PhoneSignUpView[]> {
  return (await repo.activePhoneSubscriptions(db, t)).map((s) => ({ channel: s.channel as PhoneChannel, to: maskPhone(s.phone ?? '') }))
}

/**
 * The citizen withdraws consent (Decree 13/2023 Art. 12): the sign-ups of a dossier or a booking end (of `channels`,
 * or every one) and their pending messages are dropped, in the caller's transaction; none active: 409
 * NOTIFY_NOTHING_TO_STOP. How many ended.
 */
export async function withdrawConsent(trx: Executor, t: repo.SignUpTarget, channels?: NotifyChannel[]): Promise<number> {
  const ended = await repo.endSubscriptions(trx, t, channels)
  if (!ended) throw new AppError('NOTIFY_NOTHING_TO_STOP')
  return ended
}
