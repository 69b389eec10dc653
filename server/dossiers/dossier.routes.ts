import { Router, type RequestHandler } from 'express'
import { z } from 'zod'
import { CenterSlug, EmptyBody, Uuid } from '../../common/schemas.js'
import {
  CalendarDayBody, CalendarDayParams, CalendarQuery, CheckInBody, CreateDossierBody, DossierListQuery, DossierStatusBody,
  EarlyNoticeBody, ExtendDossierBody, FeeInput, PublicFilingBody, PublicLookupQuery, ReceiveDossierBody,
} from '../../common/dossier-schemas.js'
import { requireRole } from '../auth/auth.middleware.js'
import { validate } from '../http/validate.js'
import type { Dossiers } from './dossiers.js'
import type { CalendarService } from './calendar.service.js'

const IdParams = z.strictObject({ id: Uuid })
const CenterParams = z.strictObject({ center: CenterSlug })
/** RFC 5987 value: encodeURIComponent leaves ' ( ) * as they are, which that syntax does not allow. */
const rfc5987 = (s: string) => encodeURIComponent(s).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)
const AttachmentParams = z.strictObject({ id: Uuid, attachmentId: Uuid })
const CodeParams = z.strictObject({ code: z.string().min(1).max(40) })

/**
 * Citizens: online filing, lookup with both codes, kiosk check-in. Each rate-limited per address: filings
 * by their own hourly budget, lookups and check-ins by the lookup budget (which dossier sockets share),
 * check-ins by ticket issue's too (`issue`, from the queue's routes).
 */
export function dossierPublicRoutes({ citizens, budgets }: Dossiers, issue: RequestHandler): Router {
  const r = Router()
  r.post('/public/dossiers', budgets.filings.middleware, validate({ body: PublicFilingBody }), async (req, res) => {
    res.status(201).json(await citizens.fileOnline(req.input.body))
  })
  r.get('/public/dossiers/:code', budgets.lookups.middleware, validate({ params: CodeParams, query: PublicLookupQuery }), async (req, res) => {
    const { params, query } = req.input
    res.json({ dossier: await citizens.publicLookup(params.code, query.lookupCode, query.center, req.ip ?? '') })
  })
  r.post('/centers/:center/check-in', budgets.lookups.middleware, issue, validate({ params: CenterParams, body: CheckInBody }), async (req, res) => {
    const { params, body } = req.input
    res.status(201).json({ ticket: await citizens.checkIn(params.center, body.code, body.lookupCode, req.ip ?? '') })
  })
  return r
}

/** Clerks and managers of the dossier's center (an admin: any center); the calendar's changes: managers. */
export function dossierStaffRoutes({ staff, attachments }: Dossiers, calendar: CalendarService): Router {
  const r = Router()
  const clerk = requireRole('clerk')
  const manager = requireRole('manager')
  r.post('/dossiers', clerk, validate({ body: CreateDossierBody }), async (req, res) => {
    res.status(201).json(await staff.create(req.input.body, req.auth!.actor))
  })
  r.get('/dossiers', clerk, validate({ query: DossierListQuery }), async (req, res) => {
    res.json({ dossiers: await staff.list(req.input.query, req.auth!.actor) })
  })
  r.get('/dossiers/:id', clerk, validate({ params: IdParams }), async (req, res) => {
    res.json({ dossier: await staff.get(req.input.params.id, req.auth!.actor) })
  })
  // a citizen's file, untrusted: downloaded, never rendered in the app's origin
  r.get('/dossiers/:id/attachments/:attachmentId', clerk, validate({ params: AttachmentParams }), async (req, res) => {
    const file = await attachments.file(req.input.params.id, req.input.params.attachmentId, req.auth!.actor)
    res.set({
      'content-type': file.type,
      'content-disposition': `attachment; filename="${file.name.replace(/[^\x20-\x7e]|["\\]/g, '_')}"; filename*=UTF-8''${rfc5987(file.name)}`,
      'content-security-policy': "default-src 'none'; sandbox",
      'cache-control': 'private, no-store',
    }).send(file.data)
  })
  r.post('/dossiers/:id/status', clerk, validate({ params: IdParams, body: DossierStatusBody }), async (req, res) => {
    res.json({ dossier: await staff.setStatus(req.input.params.id, req.input.body, req.auth!.actor) })
  })
  r.post('/dossiers/:id/extend', clerk, validate({ params: IdParams, body: ExtendDossierBody }), async (req, res) => {
    res.json({ dossier: await staff.extend(req.input.params.id, req.input.body, req.auth!.actor) })
  })
  // issue 21 (Art. 22.5): the citizen told of an early return, before the handover
  r.post('/dossiers/:id/early-notice', clerk, validate({ params: IdParams, body: EarlyNoticeBody }), async (req, res) => {
    res.json({ dossier: await staff.announceEarly(req.input.params.id, req.input.body, req.auth!.actor) })
  })
  r.post('/dossiers/:id/receive', clerk, validate({ params: IdParams, body: ReceiveDossierBody }), async (req, res) => {
    res.json({ dossier: await staff.receive(req.input.params.id, req.input.body, req.auth!.actor) })
  })
  // issue 24 (Decree 13/2023): the citizen asks the staff to stop the messages about their dossier
  r.post('/dossiers/:id/notify/stop', clerk, validate({ params: IdParams, body: EmptyBody }), async (req, res) => {
    res.json({ dossier: await staff.stopMessages(req.input.params.id, req.auth!.actor) })
  })
  // W2: the fee paid (Decree 118 Art. 24), recorded or corrected after the intake
  r.post('/dossiers/:id/fee', clerk, validate({ params: IdParams, body: FeeInput }), async (req, res) => {
    res.json({ dossier: await staff.recordFee(req.input.params.id, req.input.body, req.auth!.actor) })
  })
  r.get('/centers/:center/calendar', clerk, validate({ params: CenterParams, query: CalendarQuery }), async (req, res) => {
    res.json({ days: await calendar.year(req.input.params.center, req.input.query.year, req.auth!.actor) })
  })
  r.put('/centers/:center/calendar/:date', manager, validate({ params: CalendarDayParams, body: CalendarDayBody }), async (req, res) => {
    res.json({ day: await calendar.put(req.input.params.center, req.input.params.date, req.input.body, req.auth!.actor) })
  })
  r.delete('/centers/:center/calendar/:date', manager, validate({ params: CalendarDayParams }), async (req, res) => {
    await calendar.remove(req.input.params.center, req.input.params.date, req.auth!.actor)
    res.json({ ok: true })
  })
  return r
}
