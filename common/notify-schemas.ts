import { z } from 'zod'

/** Issue 24: a citizen's "notify me" (web push or a phone number) for a ticket or a dossier, and the manager's view of what was sent. */

/** `PushSubscription.toJSON()` as the browser gives it: the push service's address and the keys to encrypt for. */
export const PushSubscriptionBody = z.strictObject({
  endpoint: z.url({ protocol: /^https?$/ }).max(1000),
  expirationTime: z.number().nullable().optional(),
  keys: z.strictObject({
    p256dh: z.string().regex(/^[A-Za-z0-9_-]{86,88}={0,2}$/, 'a P-256 public key, base64url'),
    auth: z.string().regex(/^[A-Za-z0-9_-]{21,24}={0,2}$/, '16 bytes, base64url'),
  }),
})

const Target = {
  push: PushSubscriptionBody.optional(),
  phone: z.string().trim().min(9).max(20).optional(),
  /** the citizen ticked "send messages to this number" (Decree 13/2023); a phone is refused without it */
  consent: z.boolean().default(false),
  lang: z.enum(['vi', 'en']).default('vi'),
}
const oneTarget = (b: { push?: unknown; phone?: unknown }) => (b.push === undefined) !== (b.phone === undefined)
const oneTargetError = { message: 'push or phone, one of them', path: ['push'] }

export const TicketNotifyBody = z.strictObject({ key: z.string().min(1).max(200), ...Target }).refine(oneTarget, oneTargetError)
export type TicketNotifyBody = z.infer<typeof TicketNotifyBody>

export const DossierNotifyBody = z.strictObject({
  lookupCode: z.string().trim().min(1).max(10),
  /** where the citizen asked: the lookup page, or the online filing form's consent box */
  source: z.enum(['lookup', 'filing']).default('lookup'),
  ...Target,
}).refine(oneTarget, oneTargetError)
export type DossierNotifyBody = z.infer<typeof DossierNotifyBody>

/** The citizen stops the SMS and Zalo messages about a dossier on its lookup page: the lookup code proves the holder. */
export const DossierNotifyStopBody = z.strictObject({ lookupCode: z.string().trim().min(1).max(10) })

/** What a page may offer: web push (with the key to subscribe with) and which phone channel, if any, this install sends. */
export interface NotifyOptionsView {
  push: { publicKey: string } | null
  phone: 'sms' | 'zalo' | null
  /** every phone channel on, the default first (the counter's intake offers the choice) */
  phones: ('sms' | 'zalo')[]
}

/** The intake's answer on the counter's consent box: where messages about the dossier go, or null (not ticked). */
export interface IntakeNotifyView {
  channel: 'sms' | 'zalo'
  /** 0912•••678 */
  to: string
}

/** An active SMS or Zalo sign-up as the citizen's own page shows it (issue 24): the channel and the number, masked. */
export interface PhoneSignUpView {
  channel: 'sms' | 'zalo'
  /** 0912•••678 */
  to: string
}

/**
 * A failed message's last errors that are final by design (server/notify): the citizen or a clerk stopped the
 * messages (`STOPPED`), the booking was cancelled (`CANCELLED`), the message is too old or its booking over
 * (`STALE`). Such a message is never sent again: sent again, the sender would drop it once more.
 */
export const FINAL_NOTIFY_ERRORS = ['STOPPED', 'CANCELLED', 'STALE'] as const
export type FinalNotifyError = (typeof FINAL_NOTIFY_ERRORS)[number]
export const isFinalNotifyError = (e: string | null): e is FinalNotifyError => (FINAL_NOTIFY_ERRORS as readonly (string | null)[]).includes(e)

export interface NotificationDeliveryView {
  id: string
  channel: 'push' | 'sms' | 'zalo'
  kind: string
  code: string
  /** 0912•••678, or the push service's host */
  to: string
  source: string
  occurredAt: string
  status: 'pending' | 'delivered' | 'failed'
  attempts: number
  nextAt: string
  lastStatus: number | null
  lastError: string | null
  deliveredAt: string | null
  /**
   * "Gửi lại" may send it again: failed, its sign-up still active, and its last error not final by design
   * (FINAL_NOTIFY_ERRORS). The replay applies the same rule.
   */
  replayable: boolean
}

export interface NotificationsView {
  channels: { channel: 'push' | 'sms' | 'zalo'; provider: string }[]
  counts: { pending: number; delivered: number; failed: number }
  deliveries: NotificationDeliveryView[]
}
