import { randomInt, timingSafeEqual } from 'node:crypto'
import type { Transaction } from 'kysely'
import type { Db, Executor } from '../../db/create-db.js'
import type { Center, Database, Dossier, DossierStatus } from '../../db/types.js'
import {
  DOSSIER_LOOKUP_ALPHABET, DOSSIER_TRANSITIONS, lookupPath,
  type DossierSummary, type DossierView, type PublicDossierView,
} from '../../common/dossier-types.js'
import type {
  CreateDossierBody, DossierListQuery, DossierStatusBody, ExtendDossierBody, PublicFilingBody, ReceiveDossierBody,
} from '../../common/dossier-schemas.js'
import { MAX_ATTACHMENT_BYTES } from '../../common/dossier-schemas.js'
import { maskName } from '../../common/dossier-mask.js'
import type { TicketView } from '../../common/types.js'
import { catalogs, format } from '../../common/i18n/index.js'
import { AppError } from '../errors.js'
import type { Clock } from '../clock.js'
import { localTime } from '../time.js'
import { findCenterById, findCenterBySlug } from '../centers/center.repository.js'
import { assertCenter, type Actor } from '../auth/actor.js'
import { isUniqueViolation } from '../../db/unique-violation.js'
import type { Outbox, QueueService } from '../queue/queue.service.js'
import { findTicket } from '../queue/ticket.repository.js'
import type { EventSink } from '../realtime/event-sink.js'
import * as repo from './dossier.repository.js'
import { addDays, closingInstant, dueAt, outcomeOf, zonedInstant, type WorkCalendar } from './working-days.js'
import { GuessThrottle } from './guess-throttle.js'

/** "NS-261123-0007": center prefix, the day of intake (yymmdd, local), the day's sequence. */
export function formatDossierCode(prefix: string, day: string, n: number): string {
  return `${prefix}-${day.slice(2).replaceAll('-', '')}-${String(n).padStart(4, '0')}`
}

export function newLookupCode(): string {
  let s = ''
  for (let i = 0; i < 4; i++) s += DOSSIER_LOOKUP_ALPHABET[randomInt(DOSSIER_LOOKUP_ALPHABET.length)]
  return s
}

/** "16:59 25/11/2026" in the center's time zone: how messages and slips write a due date. */
export function localText(at: Date | string, timeZone: string): string {
  const lt = localTime(new Date(at), timeZone)
  const [y, m, d] = lt.day.split('-')
  return `${lt.hm} ${d}/${m}/${y}`
}

const MAGIC: Record<string, number[]> = {
  'application/pdf': [0x25, 0x50, 0x44, 0x46, 0x2d], // %PDF-
  'image/jpeg': [0xff, 0xd8, 0xff],
  'image/png': [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a],
}

/** Decodes each attachment; one whose bytes are not what its type says, or too large, is refused. Nothing is trusted further. */
export function decodeAttachments(list: NonNullable<PublicFilingBody['attachments']>) {
  return list.map((a) => {
    const data = Buffer.from(a.dataBase64, 'base64')
    const magic = MAGIC[a.type]!
    if (!data.length || data.length > MAX_ATTACHMENT_BYTES || magic.some((b, i) => data[i] !== b)) {
      throw new AppError('ATTACHMENT_REJECTED', { name: a.name })
    }
    return { name: a.name, content_type: a.type, size: data.length, data }
  })
}

const iso = (d: Date | string | null) => (d == null ? null : new Date(d).toISOString())

/**
 * Dossiers: intake, work through their states, extensions, online filing, check-in, public lookup.
 * Writes run in QueueService.inTx, so the display's facts (dossier:ready, dossier:returned) take the
 * center's board seq in the same transaction and are sent after the commit, like the queue's own.
 */
export class DossierService {
  private guesses: GuessThrottle

  constructor(private db: Db, private clock: Clock, private queue: QueueService, private sink: EventSink,
    opts: { failedLookupsPerCode?: number } = {}) {
    this.guesses = new GuessThrottle(clock, opts.failedLookupsPerCode ?? 10, 15 * 60_000)
  }

  // ---------- staff ----------

  async create(body: CreateDossierBody, actor: Actor): Promise<DossierView> {
    const procedure = await repo.findProcedure(this.db, body.procedureId)
    if (!procedure || !procedure.active) throw new AppError('PROCEDURE_NOT_FOUND')
    assertCenter(actor, procedure.center_id)
    const center = await findCenterById(this.db, procedure.center_id)
    return this.once(body.requestId, () => this.sameRequest(center.id, body.requestId, procedure.id), async () => {
      const now = this.clock()
      const due = dueAt(await this.calendar(center, now, procedure.processing_days), now, procedure.processing_days)
      const id = await this.queue.inTx(center, async (trx) => {
        if (body.ticketId) await assertServedTicket(trx, body.ticketId, center.id, actor)
        const d = await repo.insertDossier(trx, {
          center_id: center.id, code: await this.nextCode(trx, center, now), lookup_code: newLookupCode(), status: 'received',
          channel: 'counter', procedure_id: procedure.id, ...applicantColumns(body.applicant),
          documents: JSON.stringify(body.documents), sets: body.sets, delivery: body.delivery, ticket_id: body.ticketId ?? null,
          received_at: now, received_by: actor.staffId, due_at: due, note: body.note || null, request_id: body.requestId ?? null,
          created_at: now, updated_at: now,
        })
        await repo.insertDossierEvent(trx, { dossierId: d.id, centerId: center.id, type: 'received', from: null, to: 'received', staffId: actor.staffId, at: now })
        return d.id
      })
      return this.view(id)
    })
  }

  /** Creates once per request id: a retry, or the loser of two racing retries, gets the first one's result. */
  private async once<T>(requestId: string | undefined, existing: () => Promise<T | undefined>, create: () => Promise<T>): Promise<T> {
    if (requestId) {
      const found = await existing()
      if (found) return found
    }
    try {
      return await create()
    } catch (e) {
      if (requestId && isUniqueViolation(e, 'dossier_request_id')) {
        const found = await existing()
        if (found) return found
      }
      throw e
    }
  }

  private async sameRequest(centerId: string, requestId: string | undefined, procedureId: string): Promise<DossierView | undefined> {
    if (!requestId) return undefined
    const existing = await repo.findByRequestId(this.db, centerId, requestId)
    if (!existing) return undefined
    if (existing.procedure_id !== procedureId) throw new AppError('REQUEST_ID_REUSED')
    return this.view(existing.id)
  }

  async get(id: string, actor: Actor): Promise<DossierView> {
    const d = await repo.findDossier(this.db, id)
    if (!d) throw new AppError('DOSSIER_NOT_FOUND')
    assertCenter(actor, d.center_id)
    return this.view(id)
  }

  /** A file of an online filing, for staff of the dossier's center only. */
  async attachment(id: string, attachmentId: string, actor: Actor) {
    const d = await repo.findDossier(this.db, id)
    if (!d) throw new AppError('DOSSIER_NOT_FOUND')
    assertCenter(actor, d.center_id)
    const file = await repo.findAttachment(this.db, id, attachmentId)
    if (!file) throw new AppError('NOT_FOUND')
    return { name: file.name, type: file.content_type, data: Buffer.from(file.data) }
  }

  async list(query: DossierListQuery, actor: Actor): Promise<DossierSummary[]> {
    let center: Center | undefined
    if (query.center) {
      center = await findCenterBySlug(this.db, query.center)
      if (!center) throw new AppError('CENTER_NOT_FOUND')
      assertCenter(actor, center.id)
    } else if (actor.centerId) {
      center = await findCenterById(this.db, actor.centerId)
    } else {
      // an admin belongs to no center: the list must say which
      throw new AppError('VALIDATION_FAILED', {}, [{ path: 'query.center', message: catalogs.vi.validation.required }])
    }
    const now = this.clock()
    const today = localTime(now, center.time_zone).day
    const rows = await repo.listDossiers(this.db, center.id, {
      ...query, now, dayFrom: zonedInstant(today, '00:00', center.time_zone), dayTo: zonedInstant(addDays(today, 1), '00:00', center.time_zone),
    })
    return rows.map((r) => ({
      id: r.id, code: r.code, status: r.status, channel: r.channel, procedureId: r.procedure_id, procedureNameVi: r.name_vi,
      procedureNameEn: r.name_en, applicantName: r.applicant_name, receivedAt: iso(r.received_at), dueAt: iso(r.due_at),
      readyAt: iso(r.ready_at), outcome: r.outcome, overdue: isOverdue(r, now),
    }))
  }

  /** A move of DOSSIER_TRANSITIONS; ready and returned tell the display, every change tells following phones. */
  async setStatus(id: string, body: DossierStatusBody, actor: Actor): Promise<DossierView> {
    return this.change(id, actor, async (trx, d, center, now, out) => {
      if (!DOSSIER_TRANSITIONS[d.status].includes(body.status)) throw new AppError('DOSSIER_WRONG_STATE', { status: d.status })
      const patch: Parameters<typeof repo.updateDossier>[2] = {
        status: body.status, updated_at: now, supplement_note: body.status === 'needs_supplement' ? body.note! : null,
      }
      if (body.status === 'ready') {
        patch.ready_at = now
        patch.outcome = outcomeOf(now, new Date(d.due_at!), center.time_zone)
        out.add({ name: 'dossier:ready', payload: { code: d.code } })
      }
      if (body.status === 'returned') {
        patch.returned_at = now
        patch.returned_by = actor.staffId
        out.add({ name: 'dossier:returned', payload: { code: d.code } })
      }
      await repo.updateDossier(trx, d.id, patch)
      await repo.insertDossierEvent(trx, { dossierId: d.id, centerId: d.center_id, type: 'status', from: d.status, to: body.status, staffId: actor.staffId, at: now, note: body.note || null })
    })
  }

  /** A new, later due date with its reason (the page prints the apology slip from the dossier view). */
  async extend(id: string, body: ExtendDossierBody, actor: Actor): Promise<DossierView> {
    return this.change(id, actor, async (trx, d, center, now) => {
      if (!repo.OPEN_STATUSES.includes(d.status)) throw new AppError('DOSSIER_WRONG_STATE', { status: d.status })
      const newDue = body.dueAt.length === 10 ? closingInstant({ hours: center.opening_hours, timeZone: center.time_zone }, body.dueAt) : new Date(body.dueAt)
      const previous = new Date(d.due_at!)
      if (newDue.getTime() <= previous.getTime()) throw new AppError('DUE_DATE_NOT_LATER', { due: localText(previous, center.time_zone), dueAt: previous.toISOString() })
      await repo.updateDossier(trx, d.id, { due_at: newDue, updated_at: now })
      await repo.insertDossierEvent(trx, { dossierId: d.id, centerId: d.center_id, type: 'extended', from: d.status, to: d.status, staffId: actor.staffId, at: now,
        note: body.reason, data: { previousDueAt: previous.toISOString(), newDueAt: newDue.toISOString() } })
    })
  }

  /** An online filing received at a counter: documents checked, due date counted from now. */
  async receive(id: string, body: ReceiveDossierBody, actor: Actor): Promise<DossierView> {
    const d0 = await repo.findDossier(this.db, id)
    const procedure = d0 && await repo.findProcedure(this.db, d0.procedure_id)
    const center = d0 && await findCenterById(this.db, d0.center_id)
    const cal = center && procedure && await this.calendar(center, this.clock(), procedure.processing_days)
    return this.change(id, actor, async (trx, d, _center, now) => {
      if (d.status !== 'submitted_online') throw new AppError('DOSSIER_WRONG_STATE', { status: d.status })
      if (body.ticketId) await assertServedTicket(trx, body.ticketId, d.center_id, actor)
      await repo.updateDossier(trx, d.id, {
        status: 'received', received_at: now, received_by: actor.staffId, due_at: dueAt(cal!, now, procedure!.processing_days),
        documents: JSON.stringify(body.documents), sets: body.sets, delivery: body.delivery, ticket_id: body.ticketId ?? d.ticket_id, updated_at: now,
      })
      await repo.insertDossierEvent(trx, { dossierId: d.id, centerId: d.center_id, type: 'received', from: d.status, to: 'received', staffId: actor.staffId, at: now })
    })
  }

  /** One change of a dossier: locked, in the center's transaction, then the following phones are told. */
  private async change(id: string, actor: Actor,
    apply: (trx: Transaction<Database>, d: Dossier, center: Center, now: Date, out: Outbox) => Promise<void>): Promise<DossierView> {
    const d0 = await repo.findDossier(this.db, id)
    if (!d0) throw new AppError('DOSSIER_NOT_FOUND')
    assertCenter(actor, d0.center_id)
    const center = await findCenterById(this.db, d0.center_id)
    await this.queue.inTx(center, async (trx, out) => {
      const d = (await repo.lockDossier(trx, id))!
      await apply(trx, d, center, this.clock(), out)
    })
    await this.publishPublic(id)
    return this.view(id)
  }

  // ---------- citizens ----------

  /** Online filing: a `submitted_online` dossier a clerk receives later; files kept in the database. */
  async fileOnline(body: PublicFilingBody): Promise<{ code: string; lookupCode: string }> {
    const center = await findCenterBySlug(this.db, body.center)
    if (!center) throw new AppError('CENTER_NOT_FOUND')
    const procedure = await repo.findProcedure(this.db, body.procedureId)
    if (!procedure || !procedure.active || procedure.center_id !== center.id) throw new AppError('PROCEDURE_NOT_FOUND')
    const files = decodeAttachments(body.attachments ?? [])
    const same = async () => {
      const existing = body.requestId ? await repo.findByRequestId(this.db, center.id, body.requestId) : undefined
      if (existing && existing.procedure_id !== procedure.id) throw new AppError('REQUEST_ID_REUSED')
      return existing && { code: existing.code, lookupCode: existing.lookup_code }
    }
    return this.once(body.requestId, same, async () => {
      const now = this.clock()
      const documents = parseJson<string[]>(procedure.documents)
      return this.queue.inTx(center, async (trx) => {
        const d = await repo.insertDossier(trx, {
          center_id: center.id, code: await this.nextCode(trx, center, now), lookup_code: newLookupCode(), status: 'submitted_online',
          channel: 'online', procedure_id: procedure.id, ...applicantColumns(body.applicant),
          documents: JSON.stringify(documents.map((name) => ({ name, received: false }))), note: body.note || null,
          request_id: body.requestId ?? null, created_at: now, updated_at: now,
        })
        await repo.insertAttachments(trx, files.map((f) => ({ ...f, dossier_id: d.id, created_at: now })))
        await repo.insertDossierEvent(trx, { dossierId: d.id, centerId: center.id, type: 'filed_online', from: null, to: 'submitted_online', at: now })
        return { code: d.code, lookupCode: d.lookup_code }
      })
    })
  }

  /**
   * The dossier a citizen's two codes name, or 404 DOSSIER_NOT_FOUND: an unknown code and a wrong
   * lookup code answer alike, and too many failures on one code are refused for a while (guessing).
   */
  async findByCodes(code: string, lookupCode: string | undefined, centerId?: string): Promise<string> {
    const key = code.trim().toUpperCase()
    this.guesses.assertAllowed(key)
    const given = Buffer.from((lookupCode ?? '').trim().toUpperCase())
    const match = (await repo.findByCode(this.db, key, centerId)).find((d) => {
      const stored = Buffer.from(d.lookup_code)
      return stored.length === given.length && timingSafeEqual(stored, given)
    })
    if (!match) {
      this.guesses.failed(key)
      throw new AppError('DOSSIER_NOT_FOUND')
    }
    return match.id
  }

  async publicLookup(code: string, lookupCode: string | undefined, centerSlug?: string): Promise<PublicDossierView> {
    let centerId: string | undefined
    if (centerSlug) {
      centerId = (await findCenterBySlug(this.db, centerSlug))?.id
      if (!centerId) throw new AppError('DOSSIER_NOT_FOUND')
    }
    return this.publicView(await this.findByCodes(code, lookupCode, centerId))
  }

  /**
   * Kiosk check-in with a dossier's codes: a ticket linked to it, in the procedure's service for an
   * online filing (or one awaiting supplements), in the pickup service for a ready result.
   */
  async checkIn(centerSlug: string, code: string, lookupCode: string): Promise<TicketView> {
    const center = await findCenterBySlug(this.db, centerSlug)
    if (!center) throw new AppError('CENTER_NOT_FOUND')
    const id = await this.findByCodes(code, lookupCode, center.id)
    const d = (await repo.dossierDetail(this.db, id))!
    let serviceId: string
    if (d.status === 'submitted_online' || d.status === 'needs_supplement') serviceId = d.service_id
    else if (d.status === 'ready') {
      const pickup = await repo.findPickupService(this.db, center.id)
      if (!pickup) throw new AppError('NO_PICKUP_SERVICE')
      serviceId = pickup.id
    } else if (d.status === 'received' || d.status === 'processing') {
      throw new AppError('DOSSIER_NOT_READY', { due: localText(d.due_at!, center.time_zone), dueAt: iso(d.due_at)! })
    } else throw new AppError('DOSSIER_WRONG_STATE', { status: d.status })
    // a second tap while the first ticket still waits gets that ticket, not another place in the queue
    const open = await repo.openCheckInTicket(this.db, d.id, localTime(this.clock(), center.time_zone).day)
    if (open) return this.queue.getTicket(open.id)
    // taps racing each other carry the same request id (the n-th check-in of this dossier): one ticket
    const requestId = `checkin-${d.id}-${await repo.checkInCount(this.db, d.id)}`
    const ticket = await this.queue.issue(center.slug, { serviceId, dossierId: d.id, requestId })
    // recorded once, whichever of the racing taps gets here first (serialised on the dossier's row)
    await this.db.transaction().execute(async (trx) => {
      await repo.lockDossier(trx, d.id)
      if (await repo.findCheckIn(trx, d.id, ticket.id)) return
      await repo.insertDossierEvent(trx, { dossierId: d.id, centerId: center.id, type: 'checked_in', from: d.status, to: d.status,
        at: this.clock(), data: { ticketId: ticket.id, ticketCode: ticket.code } })
    })
    return ticket
  }

  // ---------- views ----------

  async view(id: string): Promise<DossierView> {
    const [d, events, files] = await Promise.all([repo.dossierDetail(this.db, id), repo.dossierEvents(this.db, id), repo.listAttachments(this.db, id)])
    if (!d) throw new AppError('DOSSIER_NOT_FOUND')
    return {
      id: d.id, centerSlug: d.center_slug, centerName: d.center_name, code: d.code, lookupCode: d.lookup_code, status: d.status,
      channel: d.channel,
      procedure: { id: d.procedure_id, code: d.procedure_code, nameVi: d.procedure_name_vi, nameEn: d.procedure_name_en, serviceId: d.service_id, processingDays: d.processing_days, feeVnd: d.fee_vnd },
      applicant: { fullName: d.applicant_name, phone: d.applicant_phone, address: d.applicant_address, idNumber: d.applicant_id_number },
      documents: parseJson(d.documents), sets: d.sets, delivery: d.delivery, ticketId: d.ticket_id,
      receivedAt: iso(d.received_at), receivedByName: d.received_by_name, dueAt: iso(d.due_at), readyAt: iso(d.ready_at),
      returnedAt: iso(d.returned_at), returnedByName: d.returned_by_name, outcome: d.outcome, supplementNote: d.supplement_note, note: d.note,
      history: events.map((e) => ({ type: e.type, fromStatus: e.from_status, toStatus: e.to_status, at: iso(e.at)!, staffName: e.staff_name, note: e.note })),
      extensions: events.filter((e) => e.type === 'extended').map((e) => {
        const data = parseJson<{ previousDueAt: string; newDueAt: string }>(e.data)
        return { at: iso(e.at)!, previousDueAt: data.previousDueAt, newDueAt: data.newDueAt, reason: e.note ?? '', staffName: e.staff_name }
      }),
      attachments: files.map((f) => ({ id: f.id, name: f.name, type: f.content_type, size: f.size })),
      lookupPath: lookupPath(d.center_slug, d.code, d.lookup_code),
    }
  }

  /** What anyone with both codes sees: never phone, address, ID, staff names or notes (but the supplement guidance). */
  async publicView(id: string): Promise<PublicDossierView> {
    const [d, events] = await Promise.all([repo.dossierDetail(this.db, id), repo.dossierEvents(this.db, id)])
    if (!d) throw new AppError('DOSSIER_NOT_FOUND')
    return {
      code: d.code, status: d.status, centerName: d.center_name, procedureNameVi: d.procedure_name_vi, procedureNameEn: d.procedure_name_en,
      applicantMasked: maskName(d.applicant_name), receivedAt: iso(d.received_at), dueAt: iso(d.due_at), readyAt: iso(d.ready_at),
      returnedAt: iso(d.returned_at), delivery: d.delivery, collectAt: await this.collectAt(d),
      supplementNote: d.status === 'needs_supplement' ? d.supplement_note : null,
      history: events.filter((e) => e.from_status !== e.to_status).map((e) => ({ toStatus: e.to_status, at: iso(e.at)! })),
    }
  }

  private async collectAt(d: repo.DossierDetail): Promise<string> {
    const words = catalogs.vi.dossier
    if (d.delivery === 'post') return words.collectByPost
    const pickup = await repo.findPickupService(this.db, d.center_id)
    if (!pickup) return d.center_name
    const counters = await repo.primaryCounterNumbers(this.db, pickup.id)
    const params = { center: d.center_name, service: pickup.name_vi, counters: counters.join(', ') }
    return format(counters.length ? words.collectAtCounters : words.collectAtCenter, params)
  }

  /** After a commit: phones following the dossier get its new public view. */
  private async publishPublic(id: string) {
    try {
      this.sink.dossierUpdated(id, await this.publicView(id))
    } catch (err) {
      this.sink.publishFailed(err) // committed: the phone refetches on its next connect
    }
  }

  // ---------- plumbing ----------

  /** The center's calendar from the receipt day on, long enough for `processingDays` across any holidays. */
  private async calendar(center: Center, from: Date, processingDays: number): Promise<WorkCalendar> {
    const day = localTime(from, center.time_zone).day
    const rows = await repo.calendarDays(this.db, center.id, day, addDays(day, processingDays * 3 + 120))
    return { timeZone: center.time_zone, hours: center.opening_hours, days: new Map(rows.map((r) => [r.date, r.kind])) }
  }

  private async nextCode(trx: Executor, center: Center, now: Date): Promise<string> {
    const day = localTime(now, center.time_zone).day
    return formatDossierCode(center.dossier_prefix, day, await repo.takeDossierNumber(trx, center.id, day))
  }
}

/** A dossier is received from the ticket being served: the clerk's own called or serving ticket (a manager's: any of the center). */
async function assertServedTicket(db: Executor, ticketId: string, centerId: string, actor: Actor) {
  const t = await findTicket(db, ticketId)
  if (!t || t.center_id !== centerId) throw new AppError('TICKET_NOT_FOUND')
  if (t.status !== 'called' && t.status !== 'serving') throw new AppError('DOSSIER_TICKET_NOT_SERVED')
  if (actor.role === 'clerk' && t.staff_id !== actor.staffId) throw new AppError('DOSSIER_TICKET_NOT_SERVED')
}

function applicantColumns(a: CreateDossierBody['applicant']) {
  return { applicant_name: a.fullName, applicant_phone: a.phone, applicant_address: a.address, applicant_id_number: a.idNumber }
}

function parseJson<T>(v: unknown): T {
  return (typeof v === 'string' ? JSON.parse(v) : v) as T
}

function isOverdue(r: { status: DossierStatus; due_at: Date | string | null }, now: Date): boolean {
  return repo.OPEN_STATUSES.includes(r.status) && r.due_at != null && new Date(r.due_at).getTime() < now.getTime()
}
