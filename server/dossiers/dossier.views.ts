/** The dossier views of docs/api.md, built from rows: the full one for staff, the public one for anyone with both codes. */

import type { Db } from '../../db/create-db.js'
import type { DossierStatus } from '../../db/types.js'
import { lookupPath, type DossierHandover, type DossierNotifyConsent, type DossierSummary, type DossierSupplement, type DossierView, type PublicDossierView } from '../../common/dossier-types.js'
import { maskName } from '../../common/dossier-mask.js'
import { catalogs, format } from '../../common/i18n/index.js'
import { AppError } from '../errors.js'
import { localTime } from '../time.js'
import * as repo from './dossier.repository.js'
import { earlyNoticeAt, earlyReturnOf } from './early-return.js'
import { supplementLimit } from './supplement-limit.js'
import { resultInfoView } from './dossier-result.js'
import { countDossierSubscriptions } from '../notify/notify.repository.js'
import { phoneSignUps } from '../notify/consent.js'

export const iso = (d: Date | string | null) => (d == null ? null : new Date(d).toISOString())

/** "16:59 25/11/2026" in the center's time zone: how messages and slips write a due date. */
export function localText(at: Date | string, timeZone: string): string {
  const lt = localTime(new Date(at), timeZone)
  const [y, m, d] = lt.day.split('-')
  return `${lt.hm} ${d}/${m}/${y}`
}

export function parseJson<T>(v: unknown): T {
  return (typeof v === 'string' ? JSON.parse(v) : v) as T
}

/** The consent to messages a counter's receipt recorded in its event (issue 24), if any. */
function notifyConsentOf(e: { type: string; data: unknown }): DossierNotifyConsent | null {
  if (e.type !== 'received' || e.data == null) return null
  return parseJson<{ notifyConsent?: DossierNotifyConsent }>(e.data).notifyConsent ?? null
}

/** A step the citizen took on the lookup page (issue 24: stopping the messages), not staff. */
function byCitizen(e: { type: string; data: unknown }): boolean {
  return e.type === 'notify_stopped' && e.data != null && parseJson<{ by?: string }>(e.data).by === 'citizen'
}

/** What staff see: the applicant, documents, history with staff names, extensions, attachments. */
export async function dossierView(db: Db, id: string, now = new Date()): Promise<DossierView> {
  const [d, events, files, result, messagesActive] = await Promise.all([repo.dossierDetail(db, id), repo.dossierEvents(db, id), repo.listAttachments(db, id),
    resultInfoView(db, id), countDossierSubscriptions(db, id)])
  if (!d) throw new AppError('DOSSIER_NOT_FOUND')
  // issue 21: the supplement's 03-working-day limit while it may still be asked (Art. 19.5)
  const limit = (d.status === 'received' || d.status === 'processing') && !d.supplement_requested_at && d.received_at
    ? await supplementLimit(db, d.center_id, new Date(d.received_at)) : null
  return {
    id: d.id, centerSlug: d.center_slug, centerName: d.center_name, code: d.code, lookupCode: d.lookup_code, status: d.status,
    channel: d.channel,
    procedure: { id: d.procedure_id, code: d.procedure_code, nationalCode: d.procedure_national_code, nameVi: d.procedure_name_vi, nameEn: d.procedure_name_en, serviceId: d.service_id, processingDays: d.processing_days, feeVnd: d.fee_vnd },
    applicant: { fullName: d.applicant_name, phone: d.applicant_phone, address: d.applicant_address, idNumber: d.applicant_id_number,
      birthDate: d.applicant_birth_date, sex: d.applicant_sex, idCheck: d.id_check },
    documents: parseJson(d.documents), sets: d.sets, delivery: d.delivery, ticketId: d.ticket_id,
    receivedAt: iso(d.received_at), receivedByName: d.received_by_name, dueAt: iso(d.due_at), readyAt: iso(d.ready_at),
    returnedAt: iso(d.returned_at), returnedByName: d.returned_by_name, outcome: d.outcome, supplementNote: d.supplement_note, note: d.note,
    supplement: supplementOf(d, events), handover: handoverOf(d), closing: closingOf(d, events),
    history: withDueInForce(events, iso(d.due_at)).map(({ e, dueAt }) => ({ type: e.type, fromStatus: e.from_status, toStatus: e.to_status, at: iso(e.at)!,
      staffName: e.staff_name, note: e.note, dueAt, ...(notifyConsentOf(e) ? { notifyConsent: notifyConsentOf(e)! } : {}),
      ...(byCitizen(e) ? { byCitizen: true as const } : {}) })),
    extensions: events.filter((e) => e.type === 'extended').map((e) => {
      const data = parseJson<{ previousDueAt: string; newDueAt: string }>(e.data)
      return { at: iso(e.at)!, previousDueAt: data.previousDueAt, newDueAt: data.newDueAt, reason: e.note ?? '', staffName: e.staff_name }
    }),
    attachments: files.map((f) => ({ id: f.id, name: f.name, type: f.content_type, size: f.size })),
    result, provincialCode: d.provincial_code,
    fee: { dueVnd: d.fee_due_vnd ?? (d.status === 'submitted_online' ? d.fee_vnd : null), paidVnd: d.fee_paid_vnd, method: d.fee_method,
      receiptNumber: d.fee_receipt, collectedByName: d.fee_collected_by_name, collectedAt: iso(d.fee_collected_at) },
    supplementLimitAt: iso(limit), earlyReturn: earlyReturnOf(d, events, now), // issue 21: Art. 19.5, Art. 22.5
    // the counter's consent, while it stands (a stop ends it: the slip no longer prints it)
    notifyConsent: events.some((e) => e.type === 'notify_stopped') ? null : events.map(notifyConsentOf).find((c) => c) ?? null,
    messagesActive,
    lookupPath: lookupPath(d.center_slug, d.code, d.lookup_code),
  }
}

/** What anyone with both codes sees: never phone, address, ID, staff names or notes (but the supplement guidance). */
export async function publicDossierView(db: Db, id: string): Promise<PublicDossierView> {
  const [d, events, result, phones] = await Promise.all([repo.dossierDetail(db, id), repo.dossierEvents(db, id), resultInfoView(db, id),
    phoneSignUps(db, { dossierId: id })])
  if (!d) throw new AppError('DOSSIER_NOT_FOUND')
  return {
    code: d.code, status: d.status, centerName: d.center_name, procedureNameVi: d.procedure_name_vi, procedureNameEn: d.procedure_name_en,
    procedureNationalCode: d.procedure_national_code,
    applicantMasked: maskName(d.applicant_name), receivedAt: iso(d.received_at), dueAt: iso(d.due_at), readyAt: iso(d.ready_at),
    returnedAt: iso(d.returned_at), delivery: d.delivery, collectAt: await collectAt(db, d),
    supplementNote: d.status === 'needs_supplement' ? d.supplement_note : null,
    supplementItems: d.status === 'needs_supplement' ? parseJson<string[] | null>(d.supplement_items) ?? [] : [],
    supplementDeadline: d.status === 'needs_supplement' ? iso(d.supplement_deadline) : null,
    extendedFrom: extensionFrom(events),
    readyEarly: d.outcome === 'early', earlyNoticeAt: earlyNoticeAt(events), // issue 21: Art. 22.5
    history: events.filter((e) => e.from_status !== e.to_status).map((e) => ({ toStatus: e.to_status, at: iso(e.at)! })),
    resultAvailable: !!result && (d.status === 'ready' || d.status === 'returned'),
    phoneSignUps: phones, // issue 24: the citizen may stop them here
  }
}

type Events = Awaited<ReturnType<typeof repo.dossierEvents>>

/**
 * Each event with the due date in force when it was taken (the process control slip judges each step by it, issue 21):
 * walking back from today's due date, an event that moved the due date (extension, supplement completed) was taken
 * under its `previousDueAt`. The receipt and what came before it have none (the time had not started).
 */
function withDueInForce(events: Events, dueAt: string | null): { e: Events[number]; dueAt: string | null }[] {
  const out: { e: Events[number]; dueAt: string | null }[] = []
  let due = dueAt
  let started = true
  for (let i = events.length - 1; i >= 0; i--) {
    const e = events[i]!
    const previous = e.data ? parseJson<{ previousDueAt?: string } | null>(e.data)?.previousDueAt : undefined
    if (previous) due = previous
    if (e.type === 'received') started = false
    out.push({ e, dueAt: started ? due : null })
  }
  return out.reverse()
}

/** The one supplement request (Art. 16.3), from its columns and its events (who asked, the restarted due date). */
function supplementOf(d: repo.DossierDetail, events: Events): DossierSupplement | null {
  if (!d.supplement_requested_at || !d.supplement_deadline) return null
  const asked = events.find((e) => e.type === 'supplement_requested')
  const completed = events.find((e) => e.type === 'supplement_completed')
  return {
    items: parseJson<string[] | null>(d.supplement_items) ?? (d.supplement_note ? [d.supplement_note] : []),
    requestedAt: iso(d.supplement_requested_at)!, requestedByName: asked?.staff_name ?? null, deadline: iso(d.supplement_deadline)!,
    completedAt: iso(d.supplement_completed_at), restartedDueAt: completed ? parseJson<{ newDueAt: string }>(completed.data).newDueAt : null,
  }
}

function handoverOf(d: repo.DossierDetail): DossierHandover | null {
  if (d.handover_to === 'applicant') return { to: 'applicant' }
  if (d.handover_to === 'authorised') return { to: 'authorised', name: d.handover_name!, idNumber: d.handover_id_number!, authorisation: d.handover_authorisation! }
  return null
}

/** The refusal, the stop or the closing for want of a supplement: the last move into that state. */
function closingOf(d: repo.DossierDetail, events: Events): DossierView['closing'] {
  if (d.status !== 'rejected' && d.status !== 'stopped' && d.status !== 'closed_incomplete') return null
  const e = [...events].reverse().find((x) => x.to_status === d.status && x.from_status !== d.status)
  return e ? { status: d.status, at: iso(e.at)!, reason: e.note, staffName: e.staff_name } : null
}

function extensionFrom(events: Events): string | null {
  const e = events.find((x) => x.type === 'extended')
  return e ? parseJson<{ previousDueAt: string }>(e.data).previousDueAt : null
}

async function collectAt(db: Db, d: repo.DossierDetail): Promise<string> {
  const words = catalogs.vi.dossier
  if (d.delivery === 'post') return words.collectByPost
  const pickup = await repo.findPickupService(db, d.center_id)
  if (!pickup) return d.center_name
  const counters = await repo.primaryCounterNumbers(db, pickup.id)
  const params = { center: d.center_name, service: pickup.name_vi, counters: counters.join(', ') }
  return format(counters.length ? words.collectAtCounters : words.collectAtCenter, params)
}

/** One line of the staff list. */
export function dossierSummary(r: Awaited<ReturnType<typeof repo.listDossiers>>[number], now: Date): DossierSummary {
  return {
    id: r.id, code: r.code, status: r.status, channel: r.channel, procedureId: r.procedure_id, procedureNameVi: r.name_vi,
    procedureNameEn: r.name_en, applicantName: r.applicant_name, receivedAt: iso(r.received_at), dueAt: iso(r.due_at),
    readyAt: iso(r.ready_at), outcome: r.outcome, overdue: isOverdue(r, now), answerDueAt: null, answerLeftMinutes: null,
  }
}

/** Only while the processing time runs: a stopped, refused or supplement-awaiting dossier is never late. */
function isOverdue(r: { status: DossierStatus; due_at: Date | string | null }, now: Date): boolean {
  return repo.DUE_RUNNING.includes(r.status) && r.due_at != null && new Date(r.due_at).getTime() < now.getTime()
}
