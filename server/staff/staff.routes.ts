import { Router } from 'express'
import { z } from 'zod'
import { CenterSlug, Uuid } from '../../common/schemas.js'
import { AuditQuery, CenterSettingsPatchBody, CounterPatchBody, ServicePatchBody } from '../../common/staff-schemas.js'
import { requireRole } from '../auth/auth.middleware.js'
import { validate } from '../http/validate.js'
import type { StaffService } from './staff.service.js'
import type { SettingsService } from './settings.service.js'

const CenterParams = z.strictObject({ center: CenterSlug })
const IdParams = z.strictObject({ id: Uuid })

/**
 * The staff console: a clerk's counters, queue and day, the manager's floor (writes of the queue are the
 * queue routes), and the manager's settings with their audit trail.
 */
export function staffConsoleRoutes(svc: StaffService, settings: SettingsService): Router {
  const r = Router()
  const clerk = requireRole('clerk')
  r.get('/centers/:center/counters', clerk, validate({ params: CenterParams }), async (req, res) => {
    res.json(await svc.counters(req.input.params.center, req.auth!.actor))
  })
  r.get('/counters/:id/queue', clerk, validate({ params: IdParams }), async (req, res) => {
    res.json(await svc.counterQueue(req.input.params.id, req.auth!.actor))
  })
  r.get('/centers/:center/my-day', clerk, validate({ params: CenterParams }), async (req, res) => {
    res.json(await svc.myDay(req.input.params.center, req.auth!.actor))
  })
  r.get('/centers/:center/floor', requireRole('manager'), validate({ params: CenterParams }), async (req, res) => {
    res.json(await svc.floor(req.input.params.center, req.auth!.actor))
  })
  r.get('/centers/:center/settings/services', requireRole('manager'), validate({ params: CenterParams }), async (req, res) => {
    res.json({ services: await settings.services(req.input.params.center, req.auth!.actor) })
  })
  r.patch('/services/:id', requireRole('manager'), validate({ params: IdParams, body: ServicePatchBody }), async (req, res) => {
    res.json({ service: await settings.updateService(req.input.params.id, req.input.body, req.auth!.actor) })
  })
  r.get('/centers/:center/settings/counters', requireRole('manager'), validate({ params: CenterParams }), async (req, res) => {
    res.json({ counters: await settings.counters(req.input.params.center, req.auth!.actor) })
  })
  r.patch('/counters/:id', requireRole('manager'), validate({ params: IdParams, body: CounterPatchBody }), async (req, res) => {
    res.json({ counter: await settings.updateCounter(req.input.params.id, req.input.body, req.auth!.actor) })
  })
  r.get('/centers/:center/settings/center', requireRole('manager'), validate({ params: CenterParams }), async (req, res) => {
    res.json({ center: await settings.center(req.input.params.center, req.auth!.actor) })
  })
  r.patch('/centers/:center/settings/center', requireRole('manager'), validate({ params: CenterParams, body: CenterSettingsPatchBody }), async (req, res) => {
    res.json({ center: await settings.updateCenter(req.input.params.center, req.input.body, req.auth!.actor) })
  })
  r.get('/centers/:center/audit', requireRole('manager'), validate({ params: CenterParams, query: AuditQuery }), async (req, res) => {
    res.json(await settings.audit(req.input.params.center, req.auth!.actor, req.input.query))
  })
  return r
}
