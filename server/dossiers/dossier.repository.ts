import { sql, type Insertable, type Updateable } from 'kysely'
import type { Executor } from '../../db/create-db.js'
import { foldText, phoneSearchDigits } from '../../common/fold.js'
import type { DossierAttachmentTable, DossierStatus, DossierTable } from '../../db/types.js'
import { actingTokenId } from '../tokens/token-context.js'

/** Open dossiers: received and not yet finished one way or another. */
export const OPEN_STATUSES: DossierStatus[] = ['received', 'processing', 'needs_supplement']

/**
 * Dossiers whose processing time is running (lists "due today" and "overdue", extensions). While a
 * supplement is awaited it is not: its completion restarts the time from zero (Art. 19.5).
 */
export const DUE_RUNNING: DossierStatus[] = ['received', 'processing']

/** The next number of a center's day, from its counter row: concurrent intakes queue on the row lock. */
export async function takeDossierNumber(db: Executor, centerId: string, day: string): Promise<number> {
  const row = await db.insertInto('dossier_number').values({ center_id: centerId, day, last: 1 })
    .onConflict((oc) => oc.columns(['center_id', 'day']).doUpdateSet({ last: sql`dossier_number.last + 1` }))
    .returning('last').executeTakeFirstOrThrow()
  return row.last
}

export function insertDossier(db: Executor, d: Insertable<DossierTable>) {
  return db.insertInto('dossier').values(d).returningAll().executeTakeFirstOrThrow()
}

export function updateDossier(db: Executor, id: string, patch: Updateable<DossierTable>) {
  return db.updateTable('dossier').set(patch).where('id', '=', id).returningAll().executeTakeFirstOrThrow()
}

export function findDossier(db: Executor, id: string) {
  return db.selectFrom('dossier').selectAll().where('id', '=', id).executeTakeFirst()
}

export function lockDossier(db: Executor, id: string) {
  return db.selectFrom('dossier').selectAll().where('id', '=', id).forUpdate().executeTakeFirst()
}

export function findByRequestId(db: Executor, centerId: string, requestId: string) {
  return db.selectFrom('dossier').selectAll().where('center_id', '=', centerId).where('request_id', '=', requestId).executeTakeFirst()
}

/** Every dossier with this code (unique per center; the lookup code tells centers apart). */
export function findByCode(db: Executor, code: string, centerId?: string) {
  let q = db.selectFrom('dossier').select(['id', 'center_id', 'lookup_code']).where('code', '=', code)
  if (centerId) q = q.where('center_id', '=', centerId)
  return q.execute()
}

export function insertDossierEvent(db: Executor, e: {
  dossierId: string; centerId: string; type: string; from: DossierStatus | null; to: DossierStatus
  staffId?: string | null; at: Date; note?: string | null; data?: Record<string, unknown>
}) {
  return db.insertInto('dossier_event').values({
    dossier_id: e.dossierId, center_id: e.centerId, type: e.type, from_status: e.from, to_status: e.to,
    staff_id: e.staffId ?? null, at: e.at, note: e.note ?? null, data: JSON.stringify(e.data ?? {}), api_token_id: actingTokenId(),
  }).execute()
}

export function insertAttachments(db: Executor, rows: Insertable<DossierAttachmentTable>[]) {
  return rows.length ? db.insertInto('dossier_attachment').values(rows).execute() : Promise.resolve([])
}

/**
 * Serialises a center's online filings until the transaction ends (a transaction-scoped advisory lock:
 * ticket issue and intake, which only read the center's row, never wait on it), so two filings cannot
 * both see room for one more under the center's quota.
 */
export async function lockOnlineFilings(db: Executor, centerId: string): Promise<void> {
  await sql`SELECT pg_advisory_xact_lock(hashtext('motcua:online-filing'), hashtext(${centerId}::text))`.execute(db)
}

/** A center's online filings that no clerk has received yet, and the bytes of their attachments. */
export async function pendingOnlineFilings(db: Executor, centerId: string): Promise<{ filings: number; bytes: number }> {
  const r = await db.selectFrom('dossier').leftJoin('dossier_attachment as a', 'a.dossier_id', 'dossier.id')
    .select((eb) => [eb.fn.count<number>('dossier.id').distinct().as('filings'), eb.fn.coalesce(eb.fn.sum<number>('a.size'), sql<number>`0`).as('bytes')])
    .where('dossier.center_id', '=', centerId).where('dossier.status', '=', 'submitted_online').executeTakeFirstOrThrow()
  return { filings: Number(r.filings), bytes: Number(r.bytes) }
}

export function listAttachments(db: Executor, dossierId: string) {
  return db.selectFrom('dossier_attachment').select(['id', 'name', 'content_type', 'size']).where('dossier_id', '=', dossierId)
    .orderBy('created_at').orderBy('name').execute()
}

export function findAttachment(db: Executor, dossierId: string, id: string) {
  return db.selectFrom('dossier_attachment').selectAll().where('dossier_id', '=', dossierId).where('id', '=', id).executeTakeFirst()
}

/** The dossier with what its views name: procedure, center, and the staff who received and returned it. */
export function dossierDetail(db: Executor, id: string) {
  return db.selectFrom('dossier')
    .innerJoin('procedure', 'procedure.id', 'dossier.procedure_id')
    .innerJoin('center', 'center.id', 'dossier.center_id')
    .leftJoin('staff as receiver', 'receiver.id', 'dossier.received_by')
    .leftJoin('staff as returner', 'returner.id', 'dossier.returned_by')
    .leftJoin('staff as collector', 'collector.id', 'dossier.fee_collected_by')
    .selectAll('dossier')
    .select(['procedure.code as procedure_code', 'procedure.national_code as procedure_national_code', 'procedure.name_vi as procedure_name_vi', 'procedure.name_en as procedure_name_en',
      'procedure.service_id', 'procedure.processing_days', 'procedure.fee_vnd', 'center.slug as center_slug',
      'center.name as center_name', 'center.time_zone', 'receiver.full_name as received_by_name', 'returner.full_name as returned_by_name',
      'collector.full_name as fee_collected_by_name'])
    .where('dossier.id', '=', id).executeTakeFirst()
}
export type DossierDetail = NonNullable<Awaited<ReturnType<typeof dossierDetail>>>

/** Extensions given to the dossier so far (Art. 19.6 allows one). */
export async function extensionCount(db: Executor, dossierId: string): Promise<number> {
  const r = await db.selectFrom('dossier_event').select((eb) => eb.fn.countAll<number>().as('n'))
    .where('dossier_id', '=', dossierId).where('type', '=', 'extended').executeTakeFirstOrThrow()
  return Number(r.n)
}

/** Dossiers still waiting for a supplement past its deadline (of one center, or one dossier). */
export function lapsedSupplements(db: Executor, now: Date, only: { centerId?: string; dossierId?: string }) {
  let q = db.selectFrom('dossier').select(['id', 'center_id']).where('status', '=', 'needs_supplement').where('supplement_deadline', '<=', now)
  if (only.centerId) q = q.where('center_id', '=', only.centerId)
  if (only.dossierId) q = q.where('id', '=', only.dossierId)
  return q.limit(500).execute()
}

export function dossierEvents(db: Executor, dossierId: string) {
  return db.selectFrom('dossier_event').leftJoin('staff', 'staff.id', 'dossier_event.staff_id')
    .select(['dossier_event.type', 'dossier_event.from_status', 'dossier_event.to_status', 'dossier_event.at', 'dossier_event.note',
      'dossier_event.data', 'staff.full_name as staff_name'])
    .where('dossier_event.dossier_id', '=', dossierId).orderBy('dossier_event.id').execute()
}

export interface ListFilter {
  status?: DossierStatus
  view: 'all' | 'due_today' | 'overdue'
  procedureId?: string
  q?: string
  limit: number
  /** the center's day as instants [from, to), for due_today */
  dayFrom: Date
  dayTo: Date
  now: Date
}

export function listDossiers(db: Executor, centerId: string, f: ListFilter) {
  let q = db.selectFrom('dossier').innerJoin('procedure', 'procedure.id', 'dossier.procedure_id')
    .select(['dossier.id', 'dossier.code', 'dossier.status', 'dossier.channel', 'dossier.procedure_id', 'procedure.name_vi',
      'procedure.name_en', 'dossier.applicant_name', 'dossier.received_at', 'dossier.due_at', 'dossier.ready_at', 'dossier.outcome',
      'dossier.created_at' /* W3: an online filing's 8 working hours (Art. 17.2) run from it */])
    .where('dossier.center_id', '=', centerId)
  if (f.status) q = q.where('dossier.status', '=', f.status)
  if (f.procedureId) q = q.where('dossier.procedure_id', '=', f.procedureId)
  if (f.q) {
    const whole = f.q
    const like = (v: string) => `%${v.replace(/[\\%_]/g, (c) => `\\${c}`)}%`
    // issue 22: names folded on both sides ("tuyet" finds "Tuyết", migration 0021), a phone in any spelling
    const digits = phoneSearchDigits(whole)
    q = q.where((eb) => eb.or([eb('dossier.code', 'ilike', like(whole)), eb('dossier.applicant_fold', 'like', like(foldText(whole))),
      eb('dossier.applicant_phone', 'like', like(digits ?? whole)),
      // W1: a scanned ID card searches by its number, whole (never a part of someone's ID)
      eb('dossier.applicant_id_number', '=', whole)]))
  }
  if (f.view !== 'all') {
    q = q.where('dossier.status', 'in', DUE_RUNNING)
    q = f.view === 'overdue'
      ? q.where('dossier.due_at', '<', f.now)
      : q.where('dossier.due_at', '>=', f.dayFrom).where('dossier.due_at', '<', f.dayTo)
    return q.orderBy('dossier.due_at').orderBy('dossier.code').limit(f.limit).execute()
  }
  return q.orderBy('dossier.created_at', 'desc').orderBy('dossier.code', 'desc').limit(f.limit).execute()
}

/** Codes of the center's dossiers whose result waits for pickup, newest first (the display's band). */
export async function readyCodes(db: Executor, centerId: string, limit: number): Promise<string[]> {
  const rows = await db.selectFrom('dossier').select('code').where('center_id', '=', centerId).where('status', '=', 'ready')
    .orderBy('ready_at', 'desc').orderBy('code', 'desc').limit(limit).execute()
  return rows.map((r) => r.code)
}

export function findProcedure(db: Executor, id: string) {
  return db.selectFrom('procedure').selectAll().where('id', '=', id).executeTakeFirst()
}

export function findPickupService(db: Executor, centerId: string) {
  return db.selectFrom('service').selectAll().where('center_id', '=', centerId).where('is_pickup', '=', true).executeTakeFirst()
}

/** Numbers of the counters serving a service as their primary one (where a citizen collects results). */
export async function primaryCounterNumbers(db: Executor, serviceId: string): Promise<number[]> {
  const rows = await db.selectFrom('counter_service').innerJoin('counter', 'counter.id', 'counter_service.counter_id')
    .select('counter.number').where('counter_service.service_id', '=', serviceId).where('counter_service.tier', '=', 1)
    .orderBy('counter.number').execute()
  return rows.map((r) => r.number)
}

/** A ticket of today linked to the dossier that still waits or is being served: a second check-in returns it. */
export function openCheckInTicket(db: Executor, dossierId: string, serviceDay: string) {
  return db.selectFrom('ticket').select('id').where('dossier_id', '=', dossierId).where('service_day', '=', serviceDay)
    .where('status', 'in', ['waiting', 'called', 'serving', 'held']).executeTakeFirst()
}

export async function checkInCount(db: Executor, dossierId: string): Promise<number> {
  const r = await db.selectFrom('dossier_event').select((eb) => eb.fn.countAll<number>().as('n'))
    .where('dossier_id', '=', dossierId).where('type', '=', 'checked_in').executeTakeFirstOrThrow()
  return Number(r.n)
}

export function findCheckIn(db: Executor, dossierId: string, ticketId: string) {
  return db.selectFrom('dossier_event').select('id').where('dossier_id', '=', dossierId).where('type', '=', 'checked_in')
    .where(sql<string>`data->>'ticketId'`, '=', ticketId).executeTakeFirst()
}

// ---------- calendar ----------

export function calendarDays(db: Executor, centerId: string, from: string, to: string) {
  return db.selectFrom('calendar_day').select(['date', 'kind', 'name']).where('center_id', '=', centerId)
    .where('date', '>=', from).where('date', '<=', to).orderBy('date').execute()
}

export function lockCalendarDay(db: Executor, centerId: string, date: string) {
  return db.selectFrom('calendar_day').selectAll().where('center_id', '=', centerId).where('date', '=', date).forUpdate().executeTakeFirst()
}

export function upsertCalendarDay(db: Executor, centerId: string, date: string, kind: 'holiday' | 'workday', name: string) {
  return db.insertInto('calendar_day').values({ center_id: centerId, date, kind, name })
    .onConflict((oc) => oc.columns(['center_id', 'date']).doUpdateSet({ kind, name })).execute()
}

export function deleteCalendarDay(db: Executor, centerId: string, date: string) {
  return db.deleteFrom('calendar_day').where('center_id', '=', centerId).where('date', '=', date).execute()
}
