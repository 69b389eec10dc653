import { Router, type RequestHandler } from 'express'
import { z } from 'zod'
import { CenterSlug, Uuid } from '../../common/schemas.js'
import {
  AppointmentCheckInBody, AppointmentKeyBody, AppointmentKeyQuery, AppointmentReportQuery, AppointmentRulesBody, BookBody, SlotsQuery,
} from '../../common/appointment-schemas.js'
import { requireRole } from '../auth/auth.middleware.js'
import { validate } from '../http/validate.js'
import type { AppointmentService } from './appointment.service.js'

const CenterParams = z.strictObject({ center: CenterSlug })
const IdParams = z.strictObject({ id: Uuid })
const RuleParams = z.strictObject({ center: CenterSlug, serviceId: Uuid })

/**
 * Appointments (issue 24). Citizens: slots, booking, the booking's page, cancelling from its own link (and
 * stopping its messages), the kiosk's check-in; each rate-limited per address before its body is read (`writes`: booking,
 * cancelling and stopping; `reads`: slots and the booking's page; the check-in also by the kiosk's issue budget).
 * Managers: the slot rules and the report.
 */
export function appointmentRoutes(appointments: AppointmentService, limits: { reads: RequestHandler; writes: RequestHandler; issue: RequestHandler }): Router {
  const r = Router()
  r.get('/centers/:center/appointments/services', limits.reads, validate({ params: CenterParams }), async (req, res) => {
    res.json({ services: await appointments.services(req.input.params.center) })
  })
  r.get('/centers/:center/appointments/slots', limits.reads, validate({ params: CenterParams, query: SlotsQuery }), async (req, res) => {
    const { params, query } = req.input
    res.set('cache-control', 'no-store').json(await appointments.slots(params.center, query.serviceId, query.from, query.days))
  })
  r.post('/centers/:center/appointments', limits.writes, validate({ params: CenterParams, body: BookBody }), async (req, res) => {
    res.status(201).json({ appointment: await appointments.book(req.input.params.center, req.input.body) })
  })
  // with `?key=` (its own page): also where its messages go, masked
  r.get('/appointments/:id', limits.reads, validate({ params: IdParams, query: AppointmentKeyQuery }), async (req, res) => {
    res.set('cache-control', 'no-store').json({ appointment: await appointments.view(req.input.params.id, req.input.query.key) })
  })
  r.post('/appointments/:id/cancel', limits.writes, validate({ params: IdParams, body: AppointmentKeyBody }), async (req, res) => {
    res.json({ appointment: await appointments.cancel(req.input.params.id, req.input.body.key) })
  })
  // issue 24 (Decree 13/2023 Art. 12): the citizen stops the booking's messages from its own link
  r.post('/appointments/:id/notify/stop', limits.writes, validate({ params: IdParams, body: AppointmentKeyBody }), async (req, res) => {
    res.json({ appointment: await appointments.stopMessages(req.input.params.id, req.input.body.key) })
  })
  r.post('/centers/:center/appointments/check-in', limits.reads, limits.issue, validate({ params: CenterParams, body: AppointmentCheckInBody }), async (req, res) => {
    res.status(201).json(await appointments.checkIn(req.input.params.center, req.input.body))
  })

  const manager = requireRole('manager')
  r.get('/centers/:center/appointment-rules', manager, validate({ params: CenterParams }), async (req, res) => {
    res.json({ services: await appointments.rules(req.input.params.center, req.auth!.actor) })
  })
  r.put('/centers/:center/appointment-rules/:serviceId', manager, validate({ params: RuleParams, body: AppointmentRulesBody }), async (req, res) => {
    const { params, body } = req.input
    res.json({ services: await appointments.setRules(params.center, params.serviceId, body.rules, req.auth!.actor) })
  })
  r.get('/reports/appointments', manager, validate({ query: AppointmentReportQuery }), async (req, res) => {
    res.set('cache-control', 'no-store').json(await appointments.report(req.input.query, req.auth!.actor))
  })
  return r
}
