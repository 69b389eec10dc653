import { Router, type RequestHandler } from 'express'
import { z } from 'zod'
import { CenterSlug, Uuid } from '../../common/schemas.js'
import { DossierNotifyBody, DossierNotifyStopBody, TicketNotifyBody } from '../../common/notify-schemas.js'
import { requireRole } from '../auth/auth.middleware.js'
import { validate } from '../http/validate.js'
import type { NotifyService } from './notify.service.js'
import { SERVICE_WORKER } from './service-worker.js'

const TicketParams = z.strictObject({ id: Uuid })
const DossierParams = z.strictObject({ code: z.string().trim().min(1).max(40) })
const CenterParams = z.strictObject({ center: CenterSlug })
const DeliveryParams = z.strictObject({ center: CenterSlug, id: z.string().regex(/^[1-9][0-9]{0,17}$/) })
const EmptyBody = z.strictObject({})

/** Issue 24: the citizens' "notify me" and its stop (rate-limited per address like the kiosks' taps) and the manager's view of what was sent. */
export function notifyRoutes(notify: NotifyService, limiter: RequestHandler): Router {
  const r = Router()
  r.get('/notify/options', (_req, res) => { res.json(notify.options()) })
  r.post('/tickets/:id/notify', limiter, validate({ params: TicketParams, body: TicketNotifyBody }), async (req, res) => {
    res.status(201).json({ subscription: await notify.subscribeTicket(req.input.params.id, req.input.body) })
  })
  r.post('/public/dossiers/:code/notify', limiter, validate({ params: DossierParams, body: DossierNotifyBody }), async (req, res) => {
    res.status(201).json({ subscription: await notify.subscribeDossier(req.input.params.code, req.input.body, req.ip ?? '') })
  })
  // the citizen withdraws consent on the lookup page (Decree 13/2023 Art. 12): the dossier's SMS and Zalo end
  r.post('/public/dossiers/:code/notify/stop', limiter, validate({ params: DossierParams, body: DossierNotifyStopBody }), async (req, res) => {
    res.json({ dossier: await notify.stopDossier(req.input.params.code, req.input.body.lookupCode, req.ip ?? '') })
  })
  const manager = requireRole('manager')
  r.get('/centers/:center/notifications', manager, validate({ params: CenterParams }), async (req, res) => {
    res.set('cache-control', 'no-store').json(await notify.list(req.input.params.center, req.auth!.actor))
  })
  r.post('/centers/:center/notifications/:id/replay', manager, validate({ params: DeliveryParams, body: EmptyBody }), async (req, res) => {
    await notify.replay(req.input.params.center, req.input.params.id, req.auth!.actor)
    res.json({ ok: true })
  })
  return r
}

/** `/sw.js`, the phone pages' service worker, from the site's root so that it may control every page. */
export function serviceWorkerRoute(): Router {
  const r = Router()
  r.get('/sw.js', (_req, res) => {
    res.type('text/javascript; charset=utf-8').set({ 'cache-control': 'no-cache', 'service-worker-allowed': '/' }).send(SERVICE_WORKER)
  })
  return r
}
