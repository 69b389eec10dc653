import { Router } from 'express'
import { z } from 'zod'
import { CenterSlug, Uuid } from '../../common/schemas.js'
import { ApiTokenCreateBody } from '../../common/token-schemas.js'
import { requireRole } from '../auth/auth.middleware.js'
import { validate } from '../http/validate.js'
import type { TokenService } from './token.service.js'

const CenterParams = z.strictObject({ center: CenterSlug })
const IdParams = z.strictObject({ id: Uuid })
const EmptyBody = z.strictObject({})

/** A center's API tokens: its managers and admins list, create and revoke them (no token may: server/tokens/scopes.ts). */
export function tokenRoutes(tokens: TokenService): Router {
  const r = Router()
  const manager = requireRole('manager')
  r.get('/centers/:center/api-tokens', manager, validate({ params: CenterParams }), async (req, res) => {
    res.set('cache-control', 'no-store').json({ tokens: await tokens.list(req.input.params.center, req.auth!.actor) })
  })
  r.post('/centers/:center/api-tokens', manager, validate({ params: CenterParams, body: ApiTokenCreateBody }), async (req, res) => {
    // the secret is in this answer only: no cache may keep it
    res.status(201).set('cache-control', 'no-store').json(await tokens.create(req.input.params.center, req.input.body, req.auth!.actor))
  })
  r.post('/api-tokens/:id/revoke', manager, validate({ params: IdParams, body: EmptyBody }), async (req, res) => {
    res.json({ token: await tokens.revoke(req.input.params.id, req.auth!.actor) })
  })
  return r
}
