import { Router } from 'express'
import { z } from 'zod'
import { CenterSlug } from '../../common/schemas.js'
import { CenterCreateBody, CenterPatchBody } from '../../common/staff-schemas.js'
import { requireRole } from '../auth/auth.middleware.js'
import { validate } from '../http/validate.js'
import type { CenterAdminService } from './center-admin.service.js'

const CenterParams = z.strictObject({ center: CenterSlug })

/** The admin's centers: every center of the install (inactive ones too), create (from a template), edit, deactivate. */
export function centerAdminRoutes(svc: CenterAdminService): Router {
  const r = Router()
  const admin = requireRole('admin')
  r.get('/admin/centers', admin, async (_req, res) => {
    res.json({ centers: await svc.list() })
  })
  r.post('/centers', admin, validate({ body: CenterCreateBody }), async (req, res) => {
    res.status(201).json({ center: await svc.create(req.input.body, req.auth!.actor) })
  })
  r.patch('/centers/:center', admin, validate({ params: CenterParams, body: CenterPatchBody }), async (req, res) => {
    res.json({ center: await svc.update(req.input.params.center, req.input.body, req.auth!.actor) })
  })
  return r
}
