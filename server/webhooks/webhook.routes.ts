import { Router } from 'express'
import { z } from 'zod'
import { CenterSlug, Uuid } from '../../common/schemas.js'
import { WebhookCreateBody, WebhookUpdateBody } from '../../common/webhook-schemas.js'
import { requireRole } from '../auth/auth.middleware.js'
import { validate } from '../http/validate.js'
import type { WebhookService } from './webhook.service.js'

const CenterParams = z.strictObject({ center: CenterSlug })
const IdParams = z.strictObject({ id: Uuid })
const DeliveryParams = z.strictObject({ id: z.string().regex(/^[1-9][0-9]{0,17}$/) })
const EmptyBody = z.strictObject({})

/** A center's webhooks (W6, issue 25): managers of the center and admins; no API token may (server/tokens/scopes.ts). */
export function webhookRoutes(webhooks: WebhookService): Router {
  const r = Router()
  const manager = requireRole('manager')
  r.get('/centers/:center/webhooks', manager, validate({ params: CenterParams }), async (req, res) => {
    res.set('cache-control', 'no-store').json({ webhooks: await webhooks.list(req.input.params.center, req.auth!.actor) })
  })
  r.post('/centers/:center/webhooks', manager, validate({ params: CenterParams, body: WebhookCreateBody }), async (req, res) => {
    // the signing secret is in this answer only
    res.status(201).set('cache-control', 'no-store').json(await webhooks.create(req.input.params.center, req.input.body, req.auth!.actor))
  })
  r.patch('/webhooks/:id', manager, validate({ params: IdParams, body: WebhookUpdateBody }), async (req, res) => {
    await webhooks.setActive(req.input.params.id, req.input.body.active, req.auth!.actor)
    res.json({ ok: true })
  })
  r.delete('/webhooks/:id', manager, validate({ params: IdParams }), async (req, res) => {
    await webhooks.remove(req.input.params.id, req.auth!.actor)
    res.json({ ok: true })
  })
  r.get('/webhooks/:id/deliveries', manager, validate({ params: IdParams }), async (req, res) => {
    res.set('cache-control', 'no-store').json({ deliveries: await webhooks.deliveries(req.input.params.id, req.auth!.actor) })
  })
  r.post('/webhook-deliveries/:id/replay', manager, validate({ params: DeliveryParams, body: EmptyBody }), async (req, res) => {
    await webhooks.replay(req.input.params.id, req.auth!.actor)
    res.json({ ok: true })
  })
  return r
}
