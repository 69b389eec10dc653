import type { Transaction } from 'kysely'
import type { Db, Executor } from '../../db/create-db.js'
import type { Center, Database, Dossier } from '../../db/types.js'
import { DOSSIER_TRANSITIONS, type DossierSummary, type DossierView, type PublicDossierView } from '../../common/dossier-types.js'
import type { CreateDossierBody, DossierListQuery, DossierStatusBody, EarlyNoticeBody, ExtendDossierBody, FeeInput, ReceiveDossierBody } from '../../common/dossier-schemas.js'
import { catalogs } from '../../common/i18n/index.js'
import { AppError } from '../errors.js'
import type { Clock } from '../clock.js'
import { localTime } from '../time.js'
import { findCenterById, findCenterBySlug } from '../centers/center.repository.js'
import { assertCenter, type Actor } from '../auth/actor.js'
import { findTicket } from '../queue/ticket.repository.js'
import type { EventSink } from '../realtime/event-sink.js'
import * as repo from './dossier.repository.js'
import { addDays, closingInstant, dueAt, isWorkingDay, outcomeOf, zonedInstant, type WorkCalendar } from './working-days.js'
import { onlineAnswerDue, onlineCalendar, workingMinutesBetween } from './online-answer.js'
import { closeLapsedSupplements, supplementDeadline } from './supplement-lapse.js'
import { assertSupplementInTime } from './supplement-limit.js'
import { announceEarly, assertEarlyAnnounced } from './early-return.js'
import { applicantColumns, idCheckColumns, newLookupCode, nextCode, once, type CenterTx, type DossierFact } from './dossier.support.js'
import { dossierSummary, dossierView, localText, parseJson, publicDossierView } from './dossier.views.js'
import { counterNotifyView, PHONE_CHANNELS, PhoneConsent, withdrawConsent } from '../notify/consent.js'
import { maskPhone } from '../notify/transport.js'
import type { IntakeNotifyView } from '../../common/notify-schemas.js'

type Change = (trx: Transaction<Database>, d: Dossier, center: Center, now: Date, out: { add(fact: DossierFact): void }) => Promise<void>

/**
 * The clerk's and manager's dossier work: intake at the counter, receiving an online filing, its
 * states under Decree 118/2025/NĐ-CP (supplement once, refusal, stop, handover), the one extension,
 * the center's list. Writes run in the center's transaction (`inTx`), so the
 * display's facts (dossier:ready, dossier:returned) are sent after the commit; phones following the
 * dossier get its new public view then.
 */
export class DossierService {
  constructor(private db: Db, private clock: Clock, private inTx: CenterTx, private sink: EventSink, private phones = new PhoneConsent([])) {}

  /** Intake at the counter; `notify` says where messages about the dossier go when the citizen consented (issue 24). */
  async create(body: CreateDossierBody, actor: Actor): Promise<{ dossier: DossierView; notify: IntakeNotifyView | null }> {
    const procedure = await repo.findProcedure(this.db, body.procedureId)
    if (!procedure || !procedure.active) throw new AppError('PROCEDURE_NOT_FOUND')
    assertCenter(actor, procedure.center_id)
    // the consent box ticked: refused before anything is written when no phone channel is on or the number takes no SMS
    const notify = body.notify ? this.phones.counterTarget(body.applicant.phone, body.notify.channel) : null
    const center = await findCenterById(this.db, procedure.center_id)
    const dossier = await once(body.requestId, () => this.sameRequest(center.id, body.requestId, procedure.id), async () => {
      const now = this.clock()
      const due = dueAt(await this.calendar(center, now, procedure.processing_days), now, procedure.processing_days)
      const id = await this.inTx(center, async (trx) => {
        if (body.ticketId) await assertServedTicket(trx, body.ticketId, center.id, actor)
        const d = await repo.insertDossier(trx, {
          center_id: center.id, code: await nextCode(trx, center, now), lookup_code: newLookupCode(), status: 'received',
          channel: body.channel, procedure_id: procedure.id, ...applicantColumns(body.applicant), ...idCheckColumns(body),
          documents: JSON.stringify(body.documents), sets: body.sets, delivery: body.delivery, ticket_id: body.ticketId ?? null,
          received_at: now, received_by: actor.staffId, due_at: due, note: body.note || null, request_id: body.requestId ?? null,
          created_at: now, updated_at: now, fee_due_vnd: procedure.fee_vnd, ...feeColumns(body.fee, actor, now),
        })
        await repo.insertDossierEvent(trx, { dossierId: d.id, centerId: center.id, type: 'received', from: null, to: 'received', staffId: actor.staffId, at: now,
          // issue 24: the consent to messages the clerk attests (the event names the clerk), with the number masked
          data: { channel: body.channel, ...(body.ticketId ? {} : { withoutTicket: true }),
            ...(notify ? { notifyConsent: { channel: notify.channel, to: maskPhone(notify.phone) } } : {}) } })
        if (body.fee) await feeEvent(trx, d, body.fee, actor, now)
        // in the dossier's transaction: the consent is stored with the dossier, or neither is
        if (notify) await this.phones.forDossier(trx, notify, { centerId: center.id, dossierId: d.id, at: now })
        return d.id
      })
      return dossierView(this.db, id)
    })
    return { dossier, notify: await counterNotifyView(this.db, dossier.id) }
  }

  private async sameRequest(centerId: string, requestId: string | undefined, procedureId: string): Promise<DossierView | undefined> {
    if (!requestId) return undefined
    const existing = await repo.findByRequestId(this.db, centerId, requestId)
    if (!existing) return undefined
    if (existing.procedure_id !== procedureId) throw new AppError('REQUEST_ID_REUSED')
    return dossierView(this.db, existing.id)
  }

  async get(id: string, actor: Actor): Promise<DossierView> {
    const d = await repo.findDossier(this.db, id)
    if (!d) throw new AppError('DOSSIER_NOT_FOUND')
    assertCenter(actor, d.center_id)
    await this.closeLapsed({ dossierId: id })
    return dossierView(this.db, id, this.clock())
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
    await this.closeLapsed({ centerId: center.id })
    const now = this.clock()
    const today = localTime(now, center.time_zone).day
    const rows = await repo.listDossiers(this.db, center.id, {
      ...query, now, dayFrom: zonedInstant(today, '00:00', center.time_zone), dayTo: zonedInstant(addDays(today, 1), '00:00', center.time_zone),
    })
    const list = rows.map((r) => dossierSummary(r, now))
    // W3: online filings waiting for their answer, with the working time left (Art. 17.2)
    const waiting = rows.filter((r) => r.status === 'submitted_online')
    if (waiting.length) {
      const oldest = new Date(Math.min(...waiting.map((r) => new Date(r.created_at).getTime())))
      const cal = await onlineCalendar(this.db, center, oldest, now)
      for (const [i, r] of rows.entries()) {
        if (r.status !== 'submitted_online') continue
        const due = onlineAnswerDue(cal, new Date(r.created_at))
        list[i]!.answerDueAt = due.toISOString()
        list[i]!.answerLeftMinutes = workingMinutesBetween(cal, now, due)
      }
    }
    return list
  }

  /**
   * A move of DOSSIER_TRANSITIONS under the decree's rules: the supplement request once (Art. 16.3), its
   * completion restarting the processing time (Art. 19.5), the refusal and the stop with their reasons
   * (Art. 17.1.c, 21), the handover recording who took the result (Art. 6.2). Ready and returned tell the
   * display; every change tells following phones.
   */
  async setStatus(id: string, body: DossierStatusBody, actor: Actor): Promise<DossierView> {
    return this.change(id, actor, async (trx, d, center, now, out) => {
      if (body.status === 'needs_supplement' && d.supplement_requested_at) throw new AppError('SUPPLEMENT_ALREADY_REQUESTED')
      if (body.status === 'stopped' && (d.status === 'ready' || d.status === 'returned')) throw new AppError('STOP_AFTER_RESULT', { status: d.status })
      if (!DOSSIER_TRANSITIONS[d.status].includes(body.status)) throw new AppError('DOSSIER_WRONG_STATE', { status: d.status })
      if (body.status === 'needs_supplement') await assertSupplementInTime(trx, d, now) // Art. 19.5: 03 working days
      const patch: Parameters<typeof repo.updateDossier>[2] = { status: body.status, updated_at: now, supplement_note: null }
      let type = 'status'
      let data: Record<string, unknown> = {}
      if (body.status === 'needs_supplement') {
        const items = body.items!
        const deadline = supplementDeadline(now, center.time_zone)
        Object.assign(patch, {
          supplement_items: JSON.stringify(items), supplement_requested_at: now, supplement_deadline: deadline,
          supplement_note: body.note ? `${items.join('; ')}. ${body.note}` : items.join('; '),
        })
        type = 'supplement_requested'
        data = { items, deadline: deadline.toISOString() }
      } else if (d.status === 'needs_supplement' && body.status === 'processing') {
        // Art. 19.5: "Thời hạn giải quyết được tính lại từ đầu sau khi nhận đủ hồ sơ"
        const procedure = (await repo.findProcedure(trx, d.procedure_id))!
        const due = dueAt(await this.calendar(center, now, procedure.processing_days, trx), now, procedure.processing_days)
        // the documents the request named are now handed in (the reprinted receipt ticks them)
        const asked = new Set(parseJson<string[] | null>(d.supplement_items) ?? [])
        const documents = parseJson<{ name: string; received: boolean }[]>(d.documents).map((x) => asked.has(x.name) ? { ...x, received: true } : x)
        Object.assign(patch, { due_at: due, supplement_completed_at: now, documents: JSON.stringify(documents) })
        type = 'supplement_completed'
        data = { previousDueAt: new Date(d.due_at!).toISOString(), newDueAt: due.toISOString() }
      } else if (body.status === 'ready') {
        patch.ready_at = now
        patch.outcome = outcomeOf(now, new Date(d.due_at!), center.time_zone)
        out.add({ name: 'dossier:ready', payload: { code: d.code } })
      } else if (body.status === 'returned') {
        await assertEarlyAnnounced(trx, d, center.time_zone, now) // Art. 22.5: an early return is announced first
        const hand = body.handover!
        Object.assign(patch, {
          returned_at: now, returned_by: actor.staffId, handover_to: hand.to,
          ...(hand.to === 'authorised' ? { handover_name: hand.name, handover_id_number: hand.idNumber, handover_authorisation: hand.authorisation } : {}),
        })
        type = 'returned'
        data = { handoverTo: hand.to }
        out.add({ name: 'dossier:returned', payload: { code: d.code } })
      } else if (body.status === 'rejected') type = 'refused'
      else if (body.status === 'stopped') type = 'stopped'
      await repo.updateDossier(trx, d.id, patch)
      await repo.insertDossierEvent(trx, { dossierId: d.id, centerId: d.center_id, type, from: d.status, to: body.status, staffId: actor.staffId, at: now, note: body.note || null, data })
    })
  }

  /**
   * The one extension with its apology (Art. 19.6): at the latest the day before the due day, to a later
   * working day of the center's calendar (the page prints the apology from the dossier view).
   */
  async extend(id: string, body: ExtendDossierBody, actor: Actor): Promise<DossierView> {
    return this.change(id, actor, async (trx, d, center, now) => {
      if (!repo.DUE_RUNNING.includes(d.status)) throw new AppError('DOSSIER_WRONG_STATE', { status: d.status })
      if (await repo.extensionCount(trx, d.id) > 0) throw new AppError('EXTENSION_ALREADY_GIVEN')
      const previous = new Date(d.due_at!)
      const due = { due: localText(previous, center.time_zone), dueAt: previous.toISOString() }
      if (localTime(now, center.time_zone).day >= localTime(previous, center.time_zone).day) throw new AppError('EXTENSION_TOO_LATE', due)
      const newDue = body.dueAt.length === 10 ? closingInstant({ hours: center.opening_hours, timeZone: center.time_zone }, body.dueAt) : new Date(body.dueAt)
      if (newDue.getTime() <= previous.getTime()) throw new AppError('DUE_DATE_NOT_LATER', due)
      const day = localTime(newDue, center.time_zone).day
      const rows = await repo.calendarDays(trx, center.id, day, day)
      if (!isWorkingDay({ timeZone: center.time_zone, hours: center.opening_hours, days: new Map(rows.map((r) => [r.date, r.kind])) }, day)) {
        throw new AppError('EXTENSION_CLOSED_DAY', { date: day.split('-').reverse().join('/') })
      }
      await repo.updateDossier(trx, d.id, { due_at: newDue, updated_at: now })
      await repo.insertDossierEvent(trx, { dossierId: d.id, centerId: d.center_id, type: 'extended', from: d.status, to: d.status, staffId: actor.staffId, at: now,
        note: body.reason, data: { previousDueAt: previous.toISOString(), newDueAt: newDue.toISOString() } })
    })
  }

  /** issue 21 (Art. 22.5): the citizen told that the result is ready before its due day (server/dossiers/early-return.ts). */
  async announceEarly(id: string, body: EarlyNoticeBody, actor: Actor): Promise<DossierView> {
    return this.change(id, actor, (trx, d, center, now) => announceEarly(trx, d, center, body, actor, now))
  }

  /**
   * Closes the center's (or one dossier's) supplement requests past their deadline, then tells following
   * phones; the server's periodic sweep calls it for every center (`centerId` undefined).
   */
  async closeLapsed(only: { centerId?: string; dossierId?: string } = {}): Promise<number> {
    const ids = await closeLapsedSupplements(this.db, this.clock(), only)
    for (const id of ids) await this.publishPublic(id)
    return ids.length
  }

  /**
   * The citizen withdraws consent to messages about this dossier (Decree 13/2023 Art. 12) and asks a clerk: every
   * active subscription of it ends (push, SMS, Zalo, from any page or the counter), and its history records which
   * clerk stopped them and when. Nothing to stop: 409 NOTIFY_NOTHING_TO_STOP.
   */
  async stopMessages(id: string, actor: Actor): Promise<DossierView> {
    return this.change(id, actor, (trx, d, _center, now) => recordStop(trx, d, now, actor))
  }

  /**
   * The same, done by the citizen on the lookup page (their two codes checked by the caller, as for a lookup):
   * the SMS and Zalo sign-ups end (a browser's web push is that browser's own: docs/notifications.md), and the
   * history says the citizen stopped them. Nothing to stop: 409 NOTIFY_NOTHING_TO_STOP.
   */
  async stopPhoneMessagesForCitizen(id: string): Promise<PublicDossierView> {
    const d0 = await repo.findDossier(this.db, id)
    if (!d0) throw new AppError('DOSSIER_NOT_FOUND')
    await this.locked(d0, (trx, d, _center, now) => recordStop(trx, d, now, 'citizen'))
    return publicDossierView(this.db, id)
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
        // the delivery the citizen chose online stands unless the clerk records another
        documents: JSON.stringify(body.documents), sets: body.sets, delivery: body.delivery ?? d.delivery, ticket_id: body.ticketId ?? d.ticket_id, updated_at: now,
        fee_due_vnd: procedure!.fee_vnd, ...feeColumns(body.fee, actor, now),
      })
      await repo.insertDossierEvent(trx, { dossierId: d.id, centerId: d.center_id, type: 'received', from: d.status, to: 'received', staffId: actor.staffId, at: now })
      if (body.fee) await feeEvent(trx, d, body.fee, actor, now)
    })
  }

  /**
   * The fee paid for a received dossier (Decree 118 Art. 24): how much, how, the receipt's number, and
   * the clerk who collected it, now. A later record replaces it (a correction); each one is in the
   * dossier's history with what it replaced.
   */
  async recordFee(id: string, body: FeeInput, actor: Actor): Promise<DossierView> {
    return this.change(id, actor, async (trx, d, _center, now) => {
      if (d.status === 'submitted_online' || d.status === 'withdrawn') throw new AppError('DOSSIER_WRONG_STATE', { status: d.status })
      await repo.updateDossier(trx, d.id, { ...feeColumns(body, actor, now), updated_at: now })
      await feeEvent(trx, d, body, actor, now, true)
    })
  }

  /** One change of a dossier by staff of its center (an admin: any), as `locked` runs it; the staff view after. */
  private async change(id: string, actor: Actor, apply: Change): Promise<DossierView> {
    const d0 = await repo.findDossier(this.db, id)
    if (!d0) throw new AppError('DOSSIER_NOT_FOUND')
    assertCenter(actor, d0.center_id)
    await this.locked(d0, apply)
    return dossierView(this.db, id, this.clock())
  }

  /** One change of a dossier: locked, in the center's transaction, then the following phones are told. */
  private async locked(d0: Dossier, apply: Change): Promise<void> {
    const center = await findCenterById(this.db, d0.center_id)
    // a lapsed supplement request is closed first (committed on its own): the move then sees that state
    await this.closeLapsed({ dossierId: d0.id })
    await this.inTx(center, async (trx, out) => {
      const d = (await repo.lockDossier(trx, d0.id))!
      await apply(trx, d, center, this.clock(), out)
    })
    await this.publishPublic(d0.id)
  }

  /** After a commit: phones following the dossier get its new public view. */
  private async publishPublic(id: string) {
    try {
      this.sink.dossierUpdated(id, await publicDossierView(this.db, id))
    } catch (err) {
      this.sink.publishFailed(err) // committed: the phone refetches on its next connect
    }
  }

  /** The center's calendar from the receipt day on, long enough for `processingDays` across any holidays. */
  private async calendar(center: Center, from: Date, processingDays: number, db: Executor = this.db): Promise<WorkCalendar> {
    const day = localTime(from, center.time_zone).day
    const rows = await repo.calendarDays(db, center.id, day, addDays(day, processingDays * 3 + 120))
    return { timeZone: center.time_zone, hours: center.opening_hours, days: new Map(rows.map((r) => [r.date, r.kind])) }
  }
}

/**
 * Issue 24: the dossier's sign-ups end (the citizen withdrew consent) and its history says who stopped them: the
 * clerk the citizen asked (every sign-up), or the citizen on the lookup page (`by: 'citizen'`: SMS and Zalo).
 */
async function recordStop(trx: Executor, d: Dossier, now: Date, by: Actor | 'citizen') {
  const citizen = by === 'citizen'
  const ended = await withdrawConsent(trx, { dossierId: d.id }, citizen ? PHONE_CHANNELS : undefined)
  await repo.insertDossierEvent(trx, { dossierId: d.id, centerId: d.center_id, type: 'notify_stopped', from: d.status, to: d.status,
    staffId: citizen ? null : by.staffId, at: now, data: citizen ? { ended, by: 'citizen' } : { ended } })
}

/** The fee's columns of a payment recorded now by this actor (none without one). */
function feeColumns(fee: FeeInput | undefined, actor: Actor, now: Date) {
  if (!fee) return {}
  return { fee_paid_vnd: fee.paidVnd, fee_method: fee.method, fee_receipt: fee.receiptNumber, fee_collected_by: actor.staffId, fee_collected_at: now }
}

/** The payment in the dossier's history (and so in the audit log), with the one it replaced. */
function feeEvent(db: Executor, d: Dossier, fee: FeeInput, actor: Actor, now: Date, replacing = false) {
  const status = d.status === 'submitted_online' ? 'received' : d.status
  return repo.insertDossierEvent(db, { dossierId: d.id, centerId: d.center_id, type: 'fee_recorded', from: status, to: status, staffId: actor.staffId, at: now,
    note: fee.receiptNumber, data: { paidVnd: fee.paidVnd, method: fee.method, receiptNumber: fee.receiptNumber,
      ...(replacing && d.fee_paid_vnd != null ? { previous: { paidVnd: d.fee_paid_vnd, method: d.fee_method, receiptNumber: d.fee_receipt } } : {}) } })
}

/** A dossier is received from the ticket being served: the clerk's own called or serving ticket (a manager's: any of the center). */
async function assertServedTicket(db: Executor, ticketId: string, centerId: string, actor: Actor) {
  const t = await findTicket(db, ticketId)
  if (!t || t.center_id !== centerId) throw new AppError('TICKET_NOT_FOUND')
  if (t.status !== 'called' && t.status !== 'serving') throw new AppError('DOSSIER_TICKET_NOT_SERVED')
  if (actor.role === 'clerk' && t.staff_id !== actor.staffId) throw new AppError('DOSSIER_TICKET_NOT_SERVED')
}
