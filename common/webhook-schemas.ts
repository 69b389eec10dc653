import { z } from 'zod'

/** The webhook events a center can subscribe to (W6, issue 25; payloads in docs/integration.md). */
export const WEBHOOK_EVENTS = [
  'ticket.issued', 'ticket.called', 'ticket.finished',
  'dossier.received', 'dossier.status_changed', 'dossier.ready', 'dossier.returned',
  'rating.given', 'counter.opened', 'counter.closed',
] as const
export type WebhookEvent = (typeof WEBHOOK_EVENTS)[number]

export const WebhookCreateBody = z.strictObject({
  url: z.url({ protocol: /^https?$/ }).max(500),
  events: z.array(z.enum(WEBHOOK_EVENTS)).min(1).max(WEBHOOK_EVENTS.length).refine((a) => new Set(a).size === a.length, 'duplicate event'),
  /** applicant's name, phone and address, a rating's comment: sent only when true */
  personalData: z.boolean().default(false),
  /** http:// outside this host: an admin's explicit choice */
  allowHttp: z.boolean().default(false),
  /** a private, loopback or link-local address (a receiver on the commune LAN): an admin's explicit choice (server/outbox/url-policy.ts) */
  allowPrivate: z.boolean().default(false),
})
export type WebhookCreateBody = z.infer<typeof WebhookCreateBody>

export const WebhookUpdateBody = z.strictObject({ active: z.boolean() })

export interface WebhookView {
  id: string
  url: string
  events: WebhookEvent[]
  personalData: boolean
  allowHttp: boolean
  allowPrivate: boolean
  active: boolean
  createdAt: string
  /** deliveries by outcome */
  counts: { pending: number; delivered: number; failed: number }
}

export interface WebhookDeliveryView {
  id: string
  eventId: string
  event: string
  stream: string
  occurredAt: string
  status: 'pending' | 'delivered' | 'failed'
  attempts: number
  nextAt: string
  lastStatus: number | null
  lastError: string | null
  lastAttemptAt: string | null
  deliveredAt: string | null
}
