import { Router, type RequestHandler } from 'express'
import { z } from 'zod'
import { CenterSlug, CounterRatingBody, RatingBody, RatingScaleBody, TicketKeyQuery, Uuid } from '../../common/schemas.js'
import { requireRole } from '../auth/auth.middleware.js'
import { validate } from '../http/validate.js'
import type { RatingService } from './rating.service.js'

const IdParams = z.strictObject({ id: Uuid })
const CenterParams = z.strictObject({ center: CenterSlug })
const TabletParams = z.strictObject({ center: CenterSlug, number: z.coerce.number().int().min(1).max(99_999) })
/** the tablet's key, and the code of the ticket `ticket:finished` just named at its counter */
const TabletQuery = TicketKeyQuery.extend({ code: z.string().regex(/^[A-Z0-9]{1,12}$/).optional() })

/**
 * Public, rate-limited per address: the ticket's holder (its secret) rates it; the tablet at a counter
 * (the counter's key) rates the ticket finished there. Staff: the manager's scale setting and a counter's
 * tablet link.
 */
export function ratingRoutes(ratings: RatingService, limiter: RequestHandler): Router {
  const r = Router()
  r.get('/tickets/:id/rating', validate({ params: IdParams, query: TicketKeyQuery }), async (req, res) => {
    res.json({ rating: await ratings.status(req.input.params.id, req.input.query.key) })
  })
  r.post('/tickets/:id/rating', limiter, validate({ params: IdParams, body: RatingBody }), async (req, res) => {
    res.status(201).json({ rating: await ratings.rate(req.input.params.id, req.input.body, req.lang) })
  })
  r.get('/centers/:center/counters/:number/rating', limiter, validate({ params: TabletParams, query: TabletQuery }), async (req, res) => {
    const { center, number } = req.input.params
    res.json({ rating: await ratings.tabletOffer(center, number, req.input.query.key, req.input.query.code) })
  })
  r.post('/centers/:center/counters/:number/rating', limiter, validate({ params: TabletParams, body: CounterRatingBody }), async (req, res) => {
    const { center, number } = req.input.params
    res.status(201).json({ rating: await ratings.rateAtCounter(center, number, req.input.body, req.lang) })
  })
  r.get('/counters/:id/rating-tablet', requireRole('manager'), validate({ params: IdParams }), async (req, res) => {
    res.json({ tablet: await ratings.tabletLink(req.input.params.id, req.auth!.actor) })
  })
  r.get('/centers/:center/settings/rating', requireRole('manager'), validate({ params: CenterParams }), async (req, res) => {
    res.json({ rating: await ratings.scale(req.input.params.center, req.auth!.actor) })
  })
  r.patch('/centers/:center/settings/rating', requireRole('manager'), validate({ params: CenterParams, body: RatingScaleBody }), async (req, res) => {
    res.json({ rating: await ratings.setScale(req.input.params.center, req.input.body.scale, req.auth!.actor) })
  })
  return r
}
