import { WEBHOOK_EVENTS } from '../../common/webhook-schemas.js'
import { WEBHOOK_PAYLOADS } from '../../common/webhook-payloads.js'
import { jsonSchemaOf } from './openapi.js'

/**
 * The OpenAPI 3.1 `webhooks` section: one entry per event type, the POST a receiver gets, its body's JSON Schema
 * (common/webhook-payloads.ts) and the signature and idempotency headers (docs/integration.md "Webhooks").
 */
export function webhooksSection() {
  const header = (description: string) => ({ required: true, schema: { type: 'string' }, description })
  return Object.fromEntries(WEBHOOK_EVENTS.map((type) => [type, { post: {
    operationId: `webhook-${type}`,
    summary: `${type}: POSTed to a webhook subscribed to it`,
    tags: ['webhooks'],
    parameters: [
      { name: 'Idempotency-Key', in: 'header', ...header('the event id, also the body\'s `id`: dedupe on it (at least once)') },
      { name: 'Mot-Cua-Event', in: 'header', ...header('the event type') },
      { name: 'Mot-Cua-Signature', in: 'header', ...header('t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<raw body>" with the signing secret>') },
    ],
    requestBody: { required: true, content: { 'application/json': { schema: jsonSchemaOf(WEBHOOK_PAYLOADS[type]) } } },
    responses: { '2XX': { description: 'Received: any 2xx ends the retries.' }, default: { description: 'Anything else, or no answer in 10 s: retried with backoff.' } },
  } }]))
}
