import { Router, type RequestHandler } from 'express'
import { z } from 'zod'
import { CenterSlug, RatingBody, RatingScaleBody, Uuid } from '../../common/schemas.js'
import { requireRole } from '../auth/auth.middleware.js'
import { validate } from '../http/validate.js'
import type { RatingService } from './rating.service.js'

const IdParams = z.strictObject({ id: Uuid })
const CenterParams = z.strictObject({ center: CenterSlug })

/** Public: the ticket holder rates (rate-limited per address). Staff: the manager's scale setting. */
export function ratingRoutes(ratings: RatingService, limiter: RequestHandler): Router {
  const r = Router()
  r.get('/tickets/:id/rating', validate({ params: IdParams }), async (req, res) => {
    res.json({ rating: await ratings.status(req.input.params.id) })
  })
  r.post('/tickets/:id/rating', limiter, validate({ params: IdParams, body: RatingBody }), async (req, res) => {
    res.status(201).json({ rating: await ratings.rate(req.input.params.id, req.input.body, req.lang) })
  })
  r.get('/centers/:center/settings/rating', requireRole('manager'), validate({ params: CenterParams }), async (req, res) => {
    res.json({ rating: await ratings.scale(req.input.params.center, req.auth!.actor) })
  })
  r.patch('/centers/:center/settings/rating', requireRole('manager'), validate({ params: CenterParams, body: RatingScaleBody }), async (req, res) => {
    res.json({ rating: await ratings.setScale(req.input.params.center, req.input.body.scale, req.auth!.actor) })
  })
  return r
}
