import { Router } from 'express'
import { z } from 'zod'
import { CenterSlug, Uuid } from '../../common/schemas.js'
import {
  CenterSettingsPatchBody, CounterCreateBody, CounterPatchBody, ServiceCreateBody, ServiceOrderBody, PasswordResetBody, PriorityGroupCreateBody, PriorityGroupPatchBody,
  ProcedureCreateBody, ProcedureExportQuery, ProcedureImportBody, ProcedurePatchBody, ServicePatchBody, StaffCreateBody, StaffPatchBody,
} from '../../common/staff-schemas.js'
import { requireRole } from '../auth/auth.middleware.js'
import { validate } from '../http/validate.js'
import { allowBodyUpTo } from '../http/body.js'
import type { StaffService } from './staff.service.js'
import type { SettingsService } from './settings.service.js'
import type { CatalogService } from './catalog.service.js'
import type { AccountsService } from './accounts.service.js'

const CenterParams = z.strictObject({ center: CenterSlug })
const IdParams = z.strictObject({ id: Uuid })
const CenterIdParams = z.strictObject({ center: CenterSlug, id: Uuid })
/** a catalog import's body: the CSV text (at most 2,000,000 characters) as a JSON string */
const PROCEDURE_IMPORT_MAX_BODY = 3 * 1024 * 1024

/**
 * The staff console: a clerk's counters, queue and day, the manager's floor (writes of the queue are the
 * queue routes), and the manager's settings with their audit trail.
 */
export function staffConsoleRoutes(svc: StaffService, settings: SettingsService, catalog: CatalogService, accounts: AccountsService): Router {
  const r = Router()
  const clerk = requireRole('clerk')
  const manager = requireRole('manager')
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
  // services and counters created, reordered, deleted, deactivated (issue 20)
  r.post('/centers/:center/services', manager, validate({ params: CenterParams, body: ServiceCreateBody }), async (req, res) => {
    res.status(201).json({ service: await settings.createService(req.input.params.center, req.input.body, req.auth!.actor) })
  })
  r.put('/centers/:center/settings/service-order', manager, validate({ params: CenterParams, body: ServiceOrderBody }), async (req, res) => {
    res.json({ services: await settings.reorderServices(req.input.params.center, req.input.body, req.auth!.actor) })
  })
  r.delete('/services/:id', manager, validate({ params: IdParams }), async (req, res) => {
    await settings.deleteService(req.input.params.id, req.auth!.actor)
    res.json({ deleted: req.input.params.id })
  })
  r.post('/centers/:center/counters', manager, validate({ params: CenterParams, body: CounterCreateBody }), async (req, res) => {
    res.status(201).json({ counter: await settings.createCounter(req.input.params.center, req.input.body, req.auth!.actor) })
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
  // the audit log: server/staff/audit.routes.ts

  // procedures: the kiosk's lookup and dossiers read the active ones
  r.get('/centers/:center/settings/procedures', manager, validate({ params: CenterParams }), async (req, res) => {
    res.json({ procedures: await catalog.procedures(req.input.params.center, req.auth!.actor) })
  })
  r.post('/centers/:center/procedures', manager, validate({ params: CenterParams, body: ProcedureCreateBody }), async (req, res) => {
    res.status(201).json({ procedure: await catalog.createProcedure(req.input.params.center, req.input.body, req.auth!.actor) })
  })
  r.patch('/procedures/:id', manager, validate({ params: IdParams, body: ProcedurePatchBody }), async (req, res) => {
    res.json({ procedure: await catalog.updateProcedure(req.input.params.id, req.input.body, req.auth!.actor) })
  })
  // the catalog as a file (H7): export, a preview of an import, the import (one transaction, or nothing)
  r.get('/centers/:center/procedures/export', manager, validate({ params: CenterParams, query: ProcedureExportQuery }), async (req, res) => {
    const fileFormat = req.input.query.format ?? 'csv'
    const { slug, body } = await catalog.exportCatalog(req.input.params.center, req.auth!.actor, fileFormat)
    res.set('content-type', fileFormat === 'csv' ? 'text/csv; charset=utf-8' : 'application/json; charset=utf-8')
      .set('content-disposition', `attachment; filename="thu-tuc-${slug}.${fileFormat}"`).set('cache-control', 'no-store').send(body)
  })
  r.post('/centers/:center/procedures/import/preview', manager, allowBodyUpTo(PROCEDURE_IMPORT_MAX_BODY), validate({ params: CenterParams, body: ProcedureImportBody }), async (req, res) => {
    res.json({ preview: await catalog.previewImport(req.input.params.center, req.input.body, req.auth!.actor, req.lang) })
  })
  r.post('/centers/:center/procedures/import', manager, allowBodyUpTo(PROCEDURE_IMPORT_MAX_BODY), validate({ params: CenterParams, body: ProcedureImportBody }), async (req, res) => {
    res.json({ result: await catalog.importCatalog(req.input.params.center, req.input.body, req.auth!.actor, req.lang) })
  })

  // priority groups: the kiosk offers the active ones
  r.get('/centers/:center/settings/priority-groups', manager, validate({ params: CenterParams }), async (req, res) => {
    res.json({ priorityGroups: await catalog.priorityGroups(req.input.params.center, req.auth!.actor) })
  })
  r.post('/centers/:center/priority-groups', manager, validate({ params: CenterParams, body: PriorityGroupCreateBody }), async (req, res) => {
    res.status(201).json({ priorityGroup: await catalog.createPriorityGroup(req.input.params.center, req.input.body, req.auth!.actor) })
  })
  r.patch('/priority-groups/:id', manager, validate({ params: IdParams, body: PriorityGroupPatchBody }), async (req, res) => {
    res.json({ priorityGroup: await catalog.updatePriorityGroup(req.input.params.id, req.input.body, req.auth!.actor) })
  })

  // staff accounts of a center (an admin: the admins too)
  r.get('/centers/:center/staff', manager, validate({ params: CenterParams }), async (req, res) => {
    res.json({ staff: await accounts.list(req.input.params.center, req.auth!.actor) })
  })
  r.post('/centers/:center/staff', manager, validate({ params: CenterParams, body: StaffCreateBody }), async (req, res) => {
    // { staff, oneTimePassword? }: the one-time password is shown once, to the creator, and kept by no cache
    res.set('cache-control', 'no-store').status(201).json(await accounts.create(req.input.params.center, req.input.body, req.auth!.actor))
  })
  r.patch('/centers/:center/staff/:id', manager, validate({ params: CenterIdParams, body: StaffPatchBody }), async (req, res) => {
    res.json({ staff: await accounts.update(req.input.params.center, req.input.params.id, req.input.body, req.auth!.actor) })
  })
  r.post('/centers/:center/staff/:id/password', manager, validate({ params: CenterIdParams, body: PasswordResetBody }), async (req, res) => {
    // { staff, oneTimePassword }: shown once, to the one who reset it, and kept by no cache
    res.set('cache-control', 'no-store').json(await accounts.resetPassword(req.input.params.center, req.input.params.id, req.auth!.actor))
  })
  return r
}
