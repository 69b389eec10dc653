import { randomInt } from 'node:crypto'
import type { Db } from '../../db/create-db.js'
import type { Center } from '../../db/types.js'
import type { Appointment } from '../../db/types-appointments.js'
import type { IssuedTicket, TicketView } from '../../common/types.js'
import { BOOKING_DAYS_AHEAD, LATE_AFTER_MINUTES, type AppointmentRuleInput, type BookBody } from '../../common/appointment-schemas.js'
import {
  appointmentOwnPath, appointmentQrPath, type AppointmentServiceRules, type AppointmentState, type AppointmentView,
  type AppointmentReport, type BookedAppointment, type SlotDay,
} from '../../common/appointment-types.js'
import { catalogs } from '../../common/i18n/index.js'
import { isUniqueViolation } from '../../db/unique-violation.js'
import { AppError } from '../errors.js'
import type { Clock } from '../clock.js'
import { describeHours, localTime } from '../time.js'
import { assertCenter, type Actor } from '../auth/actor.js'
import { findCenterBySlug, listServices } from '../centers/center.repository.js'
import { insertAudit } from '../staff/settings.repository.js'
import { addDays, weekdayOf, zonedInstant } from '../dossiers/working-days.js'
import type { CalendarCache } from '../dossiers/calendar-cache.js'
import { Outbox, type Changes } from '../queue/changes.js'
import { closedReason } from '../queue/issue.service.js'
import { issueTicket } from '../queue/ticket.repository.js'
import { iso, ticketView, withSecret } from '../queue/ticket-views.js'
import * as repo from './appointment.repository.js'
import { ruleOn, slotTimes, type Rule } from './slots.js'
import { PhoneConsent, endBookingConsent, phoneSignUps } from '../notify/consent.js'
import { endSubscriptions } from '../notify/notify.repository.js'

const LATE_MS = LATE_AFTER_MINUTES * 60_000

/**
 * Appointments (issue 24): slots from the manager's rules and the center's calendar, booking and
 * cancelling from the citizen's phone, the kiosk's check-in, no-shows and the report. A booking holds a
 * place in its slot and under the service's daily cap (shared with walk-ins) until it is checked in,
 * cancelled or becomes a no-show; all three are decided with the day's `ticket_number` row locked.
 */
export class AppointmentService {
  constructor(private db: Db, private clock: Clock, private changes: Changes, private calendar: CalendarCache, private phones = new PhoneConsent([])) {}

  // ---------- the citizen's side ----------

  /** The center's active services that take bookings (a rule on some weekday), in the kiosk's order. */
  async services(centerSlug: string): Promise<{ id: string; prefix: string; nameVi: string; nameEn: string }[]> {
    const center = await this.center(centerSlug)
    const [services, rules] = await Promise.all([listServices(this.db, center.id), repo.rulesOfCenter(this.db, center.id)])
    const offered = new Set(rules.map((r) => r.service_id))
    return services.filter((s) => s.active && offered.has(s.id)).map((s) => ({ id: s.id, prefix: s.prefix, nameVi: s.name_vi, nameEn: s.name_en }))
  }

  /** The bookable days of a service from `from` (default today), each with its slots and places left. */
  async slots(centerSlug: string, serviceId: string, from?: string, days = 14): Promise<{ today: string; days: SlotDay[] }> {
    const center = await this.center(centerSlug)
    const service = await repo.findService(this.db, center.id, serviceId)
    if (!service || !service.active) throw new AppError('SERVICE_NOT_FOUND')
    const today = localTime(this.clock(), center.time_zone).day
    const last = addDays(today, BOOKING_DAYS_AHEAD - 1)
    const first = from && from > today ? from : today
    const to = [addDays(first, days - 1), last].sort()[0]!
    const [rules, counts, dayRows] = await Promise.all([repo.rulesOf(this.db, serviceId), repo.slotCounts(this.db, serviceId, first, to), repo.dayCounts(this.db, serviceId, first, to)])
    const taken = new Map(counts.map((c) => [`${c.day}|${c.slot}`, c.n]))
    const used = new Map(dayRows.map((r) => [r.service_day, r.last + r.booked]))
    const out: SlotDay[] = []
    for (let day = first; day <= to; day = addDays(day, 1)) out.push(await this.slotDay(center, service.daily_cap, rules, taken, used.get(day) ?? 0, day))
    return { today, days: out }
  }

  private async slotDay(center: Center, cap: number | null, rules: Rule[], taken: Map<string, number>, used: number, day: string): Promise<SlotDay> {
    const weekday = weekdayOf(day)
    const kind = await this.calendar.kind(center.id, day)
    const c = await this.calendar.centerOn(center, day)
    const base = { day, weekday, holidayName: null, full: false, slots: [] }
    if (kind === 'holiday') {
      const row = await this.db.selectFrom('calendar_day').select('name').where('center_id', '=', center.id).where('date', '=', day).executeTakeFirst()
      return { ...base, closed: 'holiday', holidayName: row?.name ?? null }
    }
    const rule = ruleOn(rules, weekday, kind === 'workday')
    const times = rule ? slotTimes(c.opening_hours, weekday, rule, c.ticket_cutoff) : []
    if (!times.length) return { ...base, closed: rule ? 'closed' : 'no_slots' }
    const now = this.clock()
    const dayLeft = cap == null ? Infinity : Math.max(0, cap - used)
    const slots = times.map((time) => {
      const left = zonedInstant(day, time, center.time_zone) <= now ? 0 : Math.max(0, Math.min(rule!.capacity - (taken.get(`${day}|${time}`) ?? 0), dayLeft))
      return { time, capacity: rule!.capacity, left }
    })
    return { ...base, closed: null, full: dayLeft === 0, slots }
  }

  /**
   * A booking: the slot must be one of the day's (rules, hours, calendar), still ahead, with a place in
   * it and under the daily cap. Both counts are read with the day's row locked (`takeDayPlace`), so
   * racing bookings of a service and day queue there and the last place goes to one of them.
   */
  async book(centerSlug: string, input: BookBody): Promise<BookedAppointment> {
    const center = await this.center(centerSlug)
    if (input.requestId) {
      const existing = await repo.findByRequestId(this.db, input.requestId)
      if (existing) return this.sameRequest(existing, center.id, input)
    }
    const service = await repo.findService(this.db, center.id, input.serviceId)
    if (!service || !service.active) throw new AppError('SERVICE_NOT_FOUND')
    const now = this.clock()
    const today = localTime(now, center.time_zone).day
    if (input.day < today || input.day > addDays(today, BOOKING_DAYS_AHEAD - 1)) throw new AppError('SLOT_UNAVAILABLE')
    const kind = await this.calendar.kind(center.id, input.day)
    const c = await this.calendar.centerOn(center, input.day)
    const rule = ruleOn(await repo.rulesOf(this.db, service.id), weekdayOf(input.day), kind === 'workday')
    const startsAt = zonedInstant(input.day, input.time, center.time_zone)
    if (!rule || !slotTimes(c.opening_hours, weekdayOf(input.day), rule, c.ticket_cutoff).includes(input.time) || startsAt <= now) {
      throw new AppError('SLOT_UNAVAILABLE')
    }
    for (let attempt = 0; ; attempt++) {
      try {
        const row = await this.db.transaction().execute(async (trx) => {
          if (!await repo.takeDayPlace(trx, service.id, input.day, service.daily_cap)) throw new AppError('DAILY_CAP_REACHED', { cap: service.daily_cap ?? 0 })
          if (await repo.countSlot(trx, service.id, input.day, input.time) >= rule.capacity) throw new AppError('SLOT_FULL')
          const a = await repo.insertAppointment(trx, {
            center_id: center.id, service_id: service.id, day: input.day, slot: input.time, starts_at: startsAt,
            code: String(randomInt(0, 1_000_000)).padStart(6, '0'), phone: input.phone ?? null,
            phone_consent_at: input.phone ? now : null, request_id: input.requestId ?? null, created_at: now,
          })
          // issue 24: booked with a phone (and its consent): the confirmation is queued with the booking
          await this.phones.forBooking(trx, { centerId: center.id, appointmentId: a.id, phone: a.phone, consentAt: a.phone_consent_at, code: a.code },
            `${input.time} ${input.day.split('-').reverse().join('/')}`, { name: center.name, nameEn: center.name_en || null }, input.lang ?? 'vi')
          return a
        })
        return this.booked(row.id, row.secret)
      } catch (e) {
        // a retry of the same request that raced this one: its booking
        if (input.requestId && isUniqueViolation(e, 'appointment_request_id_key')) {
          const existing = await repo.findByRequestId(this.db, input.requestId)
          if (existing) return this.sameRequest(existing, center.id, input)
        }
        // the six digits drawn were another booking's of that day: draw again
        if (attempt < 5 && isUniqueViolation(e, 'appointment_center_id_day_code_key')) continue
        throw e
      }
    }
  }

  private async sameRequest(existing: Appointment, centerId: string, input: BookBody): Promise<BookedAppointment> {
    if (existing.center_id !== centerId || existing.service_id !== input.serviceId || existing.day !== input.day || existing.slot !== input.time) {
      throw new AppError('REQUEST_ID_REUSED')
    }
    return this.booked(existing.id, existing.secret)
  }

  private async booked(id: string, secret: string): Promise<BookedAppointment> {
    return { ...await this.view(id, secret), secret, ownPath: appointmentOwnPath(id, secret) }
  }

  /**
   * What the booking's page and the kiosk show: anyone with its id (it is in the QR); never the phone number. With
   * its secret (its own page; a wrong one: not found), also where its messages go, the number masked (issue 24).
   */
  async view(id: string, key?: string): Promise<AppointmentView> {
    const r = await repo.findView(this.db, id)
    if (!r || (key !== undefined && !sameSecret(r.secret, key))) throw new AppError('APPOINTMENT_NOT_FOUND')
    const v = this.toView(r)
    return key === undefined ? v : { ...v, phoneSignUps: await phoneSignUps(this.db, { appointmentId: id }) }
  }

  /** Cancelled from its own link (the secret); a booking still ahead, or in its lateness window, may be. */
  async cancel(id: string, key: string): Promise<AppointmentView> {
    await this.db.transaction().execute(async (trx) => {
      const a = await repo.lockAny(trx, id)
      if (!a || !sameSecret(a.secret, key)) throw new AppError('APPOINTMENT_NOT_FOUND')
      if (a.status === 'cancelled') return
      if (a.status !== 'booked' || new Date(a.starts_at).getTime() + LATE_MS < this.clock().getTime()) throw new AppError('APPOINTMENT_PAST')
      await repo.markCancelled(trx, a.id, this.clock())
      await endBookingConsent(trx, [a.id])
      await repo.releaseDayPlaces(trx, a.service_id, a.day)
    })
    return this.view(id)
  }

  /**
   * The citizen stops the messages about the booking on its own page (the secret; Decree 13/2023 Art. 12): its
   * sign-up ends and the number is forgotten, so its ticket gets no messages at the check-in either (a number kept
   * without a sign-up, its channel off when it was booked, is forgotten too). Neither: 409 NOTIFY_NOTHING_TO_STOP.
   */
  async stopMessages(id: string, key: string): Promise<AppointmentView> {
    await this.db.transaction().execute(async (trx) => {
      const a = await repo.lockAny(trx, id)
      if (!a || !sameSecret(a.secret, key)) throw new AppError('APPOINTMENT_NOT_FOUND')
      const ended = await endSubscriptions(trx, { appointmentId: a.id })
      if (!ended && a.phone === null) throw new AppError('NOTIFY_NOTHING_TO_STOP')
      await repo.forgetPhone(trx, a.id)
    })
    return this.view(id, key)
  }

  // ---------- the kiosk ----------

  /**
   * The kiosk's check-in, by the QR's id or the typed six digits of today's booking. On time (up to
   * LATE_AFTER_MINUTES after the slot's start, or early the same day) its ticket queues as if it had
   * arrived at the slot's start (`queue_at` = the start); later, it is an ordinary walk-in ticket. The
   * booking's place under the cap is released and the ticket issued by the kiosk's own statement, in one
   * transaction with the booking's row locked: a second scan answers with the same ticket.
   */
  async checkIn(centerSlug: string, by: { id: string } | { code: string }): Promise<{ ticket: IssuedTicket; appointment: AppointmentView; late: boolean }> {
    const center = await this.center(centerSlug)
    const now = this.clock()
    const lt = localTime(now, center.time_zone)
    await this.markNoShows()
    // read before the transaction: on PGlite (one connection) a read outside it would wait for its end
    const open = await this.calendar.centerOn(center, lt.day)
    const out = new Outbox()
    const done = await this.db.transaction().execute(async (trx) => {
      const a = 'id' in by ? await repo.lockById(trx, center.id, by.id) : await repo.lockByCode(trx, center.id, lt.day, by.code)
      if (!a) throw new AppError('APPOINTMENT_NOT_FOUND')
      if (a.ticket_id) return { again: a.ticket_id as string, id: a.id, late: a.status === 'late' }
      if (a.status === 'cancelled') throw new AppError('APPOINTMENT_CANCELLED')
      if (a.day !== lt.day) {
        if (a.day > lt.day) throw new AppError('APPOINTMENT_NOT_TODAY', { day: a.day.split('-').reverse().join('/') })
        throw new AppError('APPOINTMENT_PAST')
      }
      const late = a.status === 'no_show' || new Date(a.starts_at).getTime() + LATE_MS < now.getTime()
      const reason = closedReason(open, now)
      // a booking on time is served even after the kiosk's cut-off (its slot started before it); a walk-in is not
      if (reason && !(reason === 'after_cutoff' && !late)) {
        const hours = describeHours(open.opening_hours, lt.weekday, catalogs.vi.closedDay)
        throw reason === 'after_cutoff' ? new AppError('AFTER_CUTOFF', { cutoff: open.ticket_cutoff ?? '', hours }) : new AppError('CENTER_CLOSED', { hours })
      }
      const service = await repo.findService(trx, center.id, a.service_id)
      if (!service) throw new AppError('SERVICE_NOT_FOUND')
      if (a.status === 'booked') await repo.releaseDayPlaces(trx, a.service_id, a.day)
      out.add({ name: 'ticket:issued', payload: {} })
      out.add({ name: 'queue:changed', serviceIds: [a.service_id] })
      const issued = await issueTicket(trx, {
        center_id: center.id, service_id: a.service_id, service_day: lt.day, prefix: service.prefix, priority_group_id: null,
        queue_at: late ? now : new Date(a.starts_at), issued_at: now, request_id: `appt-${a.id}`, dossier_id: null,
      }, { data: { appointment: a.code, slot: a.slot, late } }, out.events.length)
      if ('refused' in issued) throw issued.refused === 'cap' ? new AppError('DAILY_CAP_REACHED', { cap: issued.cap }) : new AppError('SERVICE_INACTIVE')
      await repo.markCheckedIn(trx, a.id, late ? 'late' : 'kept', now, issued.ticket.id)
      // issue 24: the booking's phone, given with consent, is told "3 ahead" and "called" for this ticket
      await this.phones.forCheckedIn(trx, { centerId: center.id, appointmentId: a.id, phone: a.phone, consentAt: a.phone_consent_at }, issued.ticket.id)
      await endBookingConsent(trx, [a.id])
      const t = issued.ticket
      out.events[0] = { name: 'ticket:issued', payload: { ticket: { code: t.code, serviceId: t.service_id, issuedAt: now.toISOString(), priority: false } } }
      out.touch(t.id)
      return { ticket: t, id: a.id, late }
    })
    if (done.again) {
      const t = await this.db.selectFrom('ticket').select(['id', 'secret']).where('id', '=', done.again).executeTakeFirstOrThrow()
      return { ticket: withSecret(await ticketView(this.db, t.id, this.clock()), t.secret), appointment: await this.view(done.id), late: done.late }
    }
    const t = done.ticket!
    const views = new Map<string, TicketView>()
    await this.changes.publish(center, out, t.seq, views)
    const v = views.get(t.id) ?? await ticketView(this.db, t.id, this.clock())
    return { ticket: withSecret(v, t.secret), appointment: await this.view(done.id), late: done.late }
  }

  /** Bookings past their lateness window become no-shows (every minute, and before a check-in or a report). */
  async markNoShows(): Promise<number> {
    const before = new Date(this.clock().getTime() - LATE_MS)
    return (await this.db.transaction().execute(async (trx) => {
      const missed = await repo.markNoShows(trx, before)
      await endBookingConsent(trx, missed.map((m) => m.id))
      return missed
    })).length
  }

  // ---------- the manager ----------

  async rules(centerSlug: string, actor: Actor): Promise<AppointmentServiceRules[]> {
    const center = await this.center(centerSlug)
    assertCenter(actor, center.id)
    const [services, rules] = await Promise.all([listServices(this.db, center.id), repo.rulesOfCenter(this.db, center.id)])
    return services.map((s) => ({
      id: s.id, prefix: s.prefix, nameVi: s.name_vi, nameEn: s.name_en, dailyCap: s.daily_cap,
      rules: rules.filter((r) => r.service_id === s.id).map((r) => ({ weekday: r.weekday, slotMinutes: r.slot_minutes, capacity: r.capacity })),
    }))
  }

  /** Replaces a service's rules (one audit row with what changed); bookings already made keep their slots. */
  async setRules(centerSlug: string, serviceId: string, rules: AppointmentRuleInput[], actor: Actor): Promise<AppointmentServiceRules[]> {
    const center = await this.center(centerSlug)
    assertCenter(actor, center.id)
    if (!await repo.findService(this.db, center.id, serviceId)) throw new AppError('SERVICE_NOT_FOUND')
    // the change log's words: "T2 30 phút × 2; T3 …" (weekday, slot length, people per slot)
    const text = (list: { weekday: number; slot_minutes?: number; slotMinutes?: number; capacity: number }[]) =>
      [...list].sort((a, b) => a.weekday - b.weekday)
        .map((r) => `${catalogs.vi.appointments.weekdaysShort[r.weekday - 1]} ${r.slotMinutes ?? r.slot_minutes} phút × ${r.capacity}`).join('; ')
    await this.db.transaction().execute(async (trx) => {
      const before = text(await repo.rulesOf(trx, serviceId))
      const after = text(rules)
      if (before === after) return
      await repo.replaceRules(trx, serviceId, rules)
      // a setting of the service: the change log names it by its letter and name
      await insertAudit(trx, { centerId: center.id, staffId: actor.staffId, entity: 'service', entityId: serviceId, action: 'update',
        changes: { appointmentRules: { from: before || null, to: after || null } }, at: this.clock() })
    })
    return this.rules(centerSlug, actor)
  }

  /** Booked, kept, late, no-show and cancelled per day and service (default: this month so far). */
  async report(query: { center?: string; from?: string; to?: string }, actor: Actor): Promise<AppointmentReport> {
    const slug = query.center ?? (actor.centerId ? (await this.db.selectFrom('center').select('slug').where('id', '=', actor.centerId).executeTakeFirst())?.slug : undefined)
    if (!slug) throw new AppError('CENTER_NOT_FOUND')
    const center = await this.center(slug)
    assertCenter(actor, center.id)
    await this.markNoShows()
    const today = localTime(this.clock(), center.time_zone).day
    const from = query.from ?? `${today.slice(0, 8)}01`
    const to = query.to ?? today
    const rows = await repo.reportRows(this.db, center.id, from, to, new Date(this.clock().getTime() - LATE_MS))
    return { center: { slug: center.slug, name: center.name }, from, to, rows: rows.map((r) => ({
      day: r.day, serviceId: r.service_id, serviceNameVi: r.name_vi, serviceNameEn: r.name_en,
      booked: r.booked, kept: r.kept, late: r.late, noShow: r.no_show, cancelled: r.cancelled,
    })) }
  }

  // ---------- helpers ----------

  private async center(slug: string): Promise<Center> {
    const center = await findCenterBySlug(this.db, slug)
    if (!center) throw new AppError('CENTER_NOT_FOUND')
    if (!center.active) throw new AppError('CENTER_INACTIVE')
    return center
  }

  private toView(r: repo.AppointmentRow): AppointmentView {
    const status: AppointmentState = r.status === 'booked' && new Date(r.starts_at).getTime() + LATE_MS < this.clock().getTime() ? 'no_show' : r.status
    return {
      id: r.id, code: r.code, center: r.slug, centerName: r.center_name, serviceId: r.service_id, serviceNameVi: r.name_vi, serviceNameEn: r.name_en,
      day: r.day, time: r.slot, startsAt: iso(r.starts_at)!, status, ticketCode: r.ticket_code, checkedInAt: iso(r.checked_in_at),
      phoneGiven: r.phone != null, qrPath: appointmentQrPath(r.id),
    }
  }
}

/** Compares the link's secret with the booking's in constant time for equal lengths. */
function sameSecret(a: string, b: string): boolean {
  if (a.length !== b.length) return false
  let d = 0
  for (let i = 0; i < a.length; i++) d |= a.charCodeAt(i) ^ b.charCodeAt(i)
  return d === 0
}
