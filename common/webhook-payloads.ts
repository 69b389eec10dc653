import { z } from 'zod'
import { DOSSIER_STATUSES } from './dossier-types.js'
import { WEBHOOK_EVENTS, type WebhookEvent } from './webhook-schemas.js'

/**
 * What each webhook delivery's body is (issue 25), per event type: the envelope and its `data`, as the outbox triggers
 * build it (migration 0018). Published as JSON Schemas in the OpenAPI document's `webhooks` section
 * (server/http/openapi-webhooks.ts); tests/webhook-payloads.test.ts checks every body the worker sends against them.
 * `data` is closed (no other fields): a field added to a trigger without its schema fails that test.
 */

const uuid = z.uuid()
const nullableUuid = uuid.nullable()
const TICKET_STATUSES = ['waiting', 'called', 'serving', 'done', 'no_show', 'held', 'transferred', 'cancelled', 'expired'] as const

const TicketData = z.strictObject({
  ticketId: uuid, code: z.string().describe('A012'), serviceId: uuid, serviceDay: z.iso.date(), priority: z.boolean(),
  change: z.string().describe("the ticket event's type: issued, called, recalled, completed, no_show, transferred, expired, …"),
  from: z.enum(TICKET_STATUSES).nullable(), to: z.enum(TICKET_STATUSES),
  counterId: nullableUuid, counterNumber: z.int().nullable(), staffId: nullableUuid,
})

const DossierData = z.strictObject({
  dossierId: uuid, code: z.string().describe('NS-261123-0007'), channel: z.enum(['counter', 'online', 'post']), procedureId: uuid,
  nationalCode: z.string().nullable().describe("the procedure's code in the national database"),
  change: z.string().describe("the dossier event's type: received, status, supplement_requested, extended, result_attached, …"),
  from: z.enum(DOSSIER_STATUSES).nullable(), to: z.enum(DOSSIER_STATUSES),
  dueAt: z.string().nullable().describe('timestamp with offset'), note: z.string().nullable(), staffId: nullableUuid,
  // only to a webhook with personal data allowed
  applicantName: z.string().optional(), applicantPhone: z.string().optional(), applicantAddress: z.string().optional(),
})

const RatingData = z.strictObject({
  ratingId: uuid, ticketId: uuid, serviceId: uuid, counterId: nullableUuid, staffId: nullableUuid,
  scale: z.union([z.literal(3), z.literal(5)]), score: z.int().min(1).max(5), level: z.int().min(1).max(5).describe('the score on the 5-level axis'),
  reasons: z.array(z.string()), channel: z.enum(['phone', 'counter']),
  comment: z.string().nullable().optional().describe('only to a webhook with personal data allowed'),
})

const CounterData = z.strictObject({ counterId: uuid, counterNumber: z.int(), staffId: nullableUuid })

const DATA: Record<WebhookEvent, z.ZodType> = {
  'ticket.issued': TicketData, 'ticket.called': TicketData, 'ticket.finished': TicketData,
  'dossier.received': DossierData, 'dossier.status_changed': DossierData, 'dossier.ready': DossierData, 'dossier.returned': DossierData,
  'rating.given': RatingData, 'counter.opened': CounterData, 'counter.closed': CounterData,
}

/** The body of a delivery of `type`: its `id` is also the Idempotency-Key header; `sequence` grows with commit order in a stream. */
export function webhookPayload(type: WebhookEvent) {
  return z.strictObject({
    id: uuid.describe('the event id (Idempotency-Key): dedupe on it'),
    type: z.literal(type),
    occurredAt: z.iso.datetime(),
    center: z.string().describe("the center's slug"),
    sequence: z.int().min(1),
    data: DATA[type],
  })
}

export const WEBHOOK_PAYLOADS = Object.fromEntries(WEBHOOK_EVENTS.map((e) => [e, webhookPayload(e)])) as Record<WebhookEvent, ReturnType<typeof webhookPayload>>
