import type { Db } from '../../db/create-db.js'
import type { Center } from '../../db/types.js'
import { catalogs, type Lang } from '../../common/i18n/index.js'
import {
  PERIOD_COLUMNS, type BookResponse, type BookRow, type BookStanding, type PeriodFigures, type PeriodResponse, type PeriodRow,
} from '../../common/dossier-report-types.js'
import type { BookQuery, PeriodReportQuery } from '../../common/schemas.js'
import { AppError } from '../errors.js'
import type { Clock } from '../clock.js'
import { localTime } from '../time.js'
import { findCenterBySlug } from '../centers/center.repository.js'
import { assertCenter, type Actor } from '../auth/actor.js'
import { csvDocument, textCell } from '../http/csv.js'
import { closeLapsedSupplements } from '../dossiers/supplement-lapse.js'
import { addDays, zonedInstant } from '../dossiers/working-days.js'
import { bookRows, standingOf, type BookDbRow } from './book.repository.js'
import { onlineAnswerDue, onlineCalendar } from '../dossiers/online-answer.js'

const iso = (d: Date | string | null) => (d === null ? null : new Date(d).toISOString())

export function emptyFigures(): PeriodFigures {
  return Object.fromEntries(PERIOD_COLUMNS.map((c) => [c, 0])) as unknown as PeriodFigures
}

/** Adds one dossier of the book to a row of figures (the definitions of docs/reports.md, in one place). */
export function tally(f: PeriodFigures, r: BookRow, flows: { supplementRequested: boolean; extended: boolean }): void {
  if (r.carriedOver) f.carriedOver++
  else {
    f.received++
    if (r.channel === 'online') f.receivedOnline++
    else if (r.channel === 'post') f.receivedPost++
    else f.receivedCounter++
  }
  f.toHandle++
  const s = r.standing
  const counter: Record<BookStanding, keyof PeriodFigures> = {
    early: 'resolvedEarly', on_time: 'resolvedOnTime', late: 'resolvedLate', rejected: 'rejected', stopped: 'stopped',
    closed_incomplete: 'closedIncomplete', withdrawn: 'withdrawn', not_yet_due: 'notYetDue', overdue: 'overdue', awaiting_supplement: 'awaitingSupplement',
  }
  f[counter[s]]++
  if (s === 'early' || s === 'on_time' || s === 'late') f.resolved++
  if (s === 'not_yet_due' || s === 'overdue' || s === 'awaiting_supplement') f.inProgress++
  if (flows.supplementRequested) f.supplementRequested++
  if (flows.extended) f.extended++
}

/** The tracking book and the period report of a center: a manager's own, an admin's any. */
export class BookService {
  constructor(private db: Db, private clock: Clock) {}

  private async load(query: BookQuery, actor: Actor, lang: Lang) {
    const center = await this.center(query.center, actor, lang)
    const now = this.clock()
    // a supplement past its deadline is closed before anyone reads the figures (as when a dossier is read)
    await closeLapsedSupplements(this.db, now, { centerId: center.id })
    const today = localTime(now, center.time_zone).day
    const to = query.to ?? today
    const from = query.from ?? to.slice(0, 8) + '01'
    if (from > to) throw new AppError('VALIDATION_FAILED', {}, [{ path: 'query.from', message: catalogs[lang].validation.invalid }])
    const raw = await bookRows(this.db, { centerId: center.id, timeZone: center.time_zone, from, to, now })
    const services = new Map((await this.db.selectFrom('service').select(['id', 'prefix', 'name_vi', 'name_en']).where('center_id', '=', center.id).execute())
      .map((s) => [s.id, s]))
    const words = catalogs[lang].reportsBook
    const rows = raw.map((r): { row: BookRow; raw: BookDbRow } => {
      const s = services.get(r.service_id)
      return { raw: r, row: {
        id: r.id, code: r.code, procedureCode: r.procedure_code, procedureName: lang === 'en' && r.procedure_name_en ? r.procedure_name_en : r.procedure_name_vi,
        serviceLabel: s ? `${s.prefix} · ${lang === 'en' ? s.name_en : s.name_vi}` : '',
        applicantName: r.applicant_name, channel: r.channel, carriedOver: r.carried_over,
        receivedAt: iso(r.received_at)!, receivedBy: r.received_by_name, dueAtIntake: iso(r.due_at_intake),
        supplementRequestedAt: iso(r.supplement_requested_at), supplementCompletedAt: iso(r.supplement_completed_at),
        extendedTo: iso(r.extended_to), dueAt: iso(r.due_at), readyAt: iso(r.ready_at), readyBy: r.ready_by_name,
        returnedAt: iso(r.returned_at), returnedBy: r.returned_by_name,
        handoverTo: r.handover_to === 'authorised' ? r.handover_name : r.handover_to === 'applicant' ? words.handoverApplicant : null,
        closedAt: r.end_status && r.end_status !== 'ready' ? iso(r.end_at) : null,
        status: r.status, standing: standingOf(r),
      } }
    })
    const head = {
      center: { slug: center.slug, name: lang === 'en' && center.name_en ? center.name_en : center.name, timeZone: center.time_zone },
      from, to, asOf: iso(raw[0]?.as_of ?? null) ?? asOf(to, center.time_zone, now), generatedAt: now.toISOString(),
    }
    return { center, head, rows }
  }

  async book(query: BookQuery, actor: Actor, lang: Lang): Promise<BookResponse> {
    const { head, rows } = await this.load(query, actor, lang)
    return { ...head, rows: rows.map((r) => r.row) }
  }

  async period(query: PeriodReportQuery, actor: Actor, lang: Lang): Promise<PeriodResponse> {
    const { center, head, rows } = await this.load(query, actor, lang)
    const g = query.groupBy
    const words = catalogs[lang].reportsBook
    const byKey = new Map<string, { label: string; order: string; f: PeriodFigures }>()
    const totals = emptyFigures()
    const services = new Map((await this.db.selectFrom('service').select(['id', 'sort_order', 'prefix', 'name_vi', 'name_en']).where('center_id', '=', center.id).execute()).map((s) => [s.id, s]))
    const serviceOrder = (id: string) => `${String(services.get(id)?.sort_order ?? 0).padStart(6, '0')}${services.get(id)?.prefix ?? ''}`
    for (const { row, raw } of rows) {
      const k = g === 'procedure' ? raw.procedure_id : g === 'service' ? raw.service_id : raw.received_by ?? ''
      const label = g === 'procedure' ? `${row.procedureCode} · ${row.procedureName}` : g === 'service' ? row.serviceLabel : raw.received_by_name ?? words.noStaff
      const order = g === 'service' ? serviceOrder(raw.service_id) : label
      const entry = byKey.get(k) ?? { label, order, f: emptyFigures() }
      const flows = { supplementRequested: raw.supplement_in, extended: raw.extended_in }
      tally(entry.f, row, flows)
      tally(totals, row, flows)
      byKey.set(k, entry)
    }
    // issue 21 (Art. 17.2): the online answers of the period, in the filing's procedure or service, or the answering clerk's line
    for (const a of await this.onlineAnswers(center, head.from, head.to)) {
      const k = g === 'procedure' ? a.procedureId : g === 'service' ? a.serviceId : a.staffId ?? ''
      const s = services.get(a.serviceId)
      const label = g === 'procedure' ? `${a.procedureCode} · ${lang === 'en' && a.procedureNameEn ? a.procedureNameEn : a.procedureNameVi}`
        : g === 'service' ? (s ? `${s.prefix} · ${lang === 'en' ? s.name_en : s.name_vi}` : '') : a.staffName ?? words.noStaff
      const entry = byKey.get(k) ?? { label, order: g === 'service' ? serviceOrder(a.serviceId) : label, f: emptyFigures() }
      for (const f of [entry.f, totals]) {
        f.onlineAnswered++
        if (a.late) f.onlineAnsweredLate++
      }
      byKey.set(k, entry)
    }
    const out: PeriodRow[] = [...byKey.entries()]
      .sort(([, a], [, b]) => a.order.localeCompare(b.order, 'vi'))
      .map(([k, e]) => ({ key: k || null, label: e.label, ...e.f }))
    return { ...head, groupBy: g, rows: out, totals, onlineAnswers: { answered: totals.onlineAnswered, late: totals.onlineAnsweredLate } }
  }

  /**
   * W3 (issue 21): online filings whose first answer (received, returned for changes, refused) came in the period, each
   * with its procedure, service and the clerk who answered, and whether it came after its 8 working hours (Art. 17.2.c;
   * server/dossiers/online-answer.ts).
   */
  private async onlineAnswers(center: Center, from: string, to: string) {
    const start = zonedInstant(from, '00:00', center.time_zone), end = zonedInstant(addDays(to, 1), '00:00', center.time_zone)
    const answers = ['received', 'needs_supplement', 'rejected'] as const
    const first = this.db.selectFrom('dossier').innerJoin('dossier_event as e', 'e.dossier_id', 'dossier.id')
      .select(['dossier.id', (eb) => eb.fn.min('e.at').as('answered_at')])
      .where('dossier.center_id', '=', center.id).where('dossier.channel', '=', 'online')
      .where('e.from_status', '=', 'submitted_online').where('e.to_status', 'in', answers)
      .groupBy('dossier.id')
      .having((eb) => eb.and([eb(eb.fn.min('e.at'), '>=', start), eb(eb.fn.min('e.at'), '<', end)]))
      .as('f')
    const rows = await this.db.selectFrom(first).innerJoin('dossier as d', 'd.id', 'f.id').innerJoin('procedure as p', 'p.id', 'd.procedure_id')
      // the answering event itself (the fee recorded with a receipt shares its instant, not its move)
      .innerJoin('dossier_event as a', (j) => j.onRef('a.dossier_id', '=', 'f.id').onRef('a.at', '=', 'f.answered_at'))
      .leftJoin('staff as s', 's.id', 'a.staff_id')
      .where('a.from_status', '=', 'submitted_online').where('a.to_status', 'in', answers)
      .select(['d.id', 'd.created_at', 'f.answered_at', 'p.id as procedure_id', 'p.code', 'p.name_vi', 'p.name_en', 'p.service_id', 'a.staff_id', 's.full_name'])
      .orderBy('d.id').orderBy('a.id').execute()
    const once = rows.filter((r, i) => i === 0 || rows[i - 1]!.id !== r.id)
    if (!once.length) return []
    const cal = await onlineCalendar(this.db, center, new Date(Math.min(...once.map((r) => new Date(r.created_at).getTime()))), end)
    return once.map((r) => ({
      procedureId: r.procedure_id, procedureCode: r.code, procedureNameVi: r.name_vi, procedureNameEn: r.name_en, serviceId: r.service_id,
      staffId: r.staff_id, staffName: r.full_name,
      late: new Date(r.answered_at as Date | string).getTime() > onlineAnswerDue(cal, new Date(r.created_at)).getTime(),
    }))
  }

  private async center(slug: string | undefined, actor: Actor, lang: Lang): Promise<Center> {
    let center: Center | undefined
    if (slug) center = await findCenterBySlug(this.db, slug)
    else if (actor.centerId) center = await this.db.selectFrom('center').selectAll().where('id', '=', actor.centerId).executeTakeFirst()
    else throw new AppError('VALIDATION_FAILED', {}, [{ path: 'query.center', message: catalogs[lang].validation.required }])
    if (!center) throw new AppError('CENTER_NOT_FOUND')
    assertCenter(actor, center.id)
    return center
  }
}

function asOf(to: string, timeZone: string, now: Date): string {
  const end = zonedInstant(addDays(to, 1), '00:00', timeZone)
  return (end.getTime() < now.getTime() ? end : new Date(now.getTime() + 1)).toISOString()
}

const when = (s: string | null, tz: string) => {
  if (!s) return ''
  const l = localTime(new Date(s), tz)
  return `${l.day.split('-').reverse().join('/')} ${l.hm}`
}

/** The book as CSV for Excel (server/http/csv.ts: BOM, `;`, CRLF, text cells never a formula); times in the center's zone. */
export function bookCsv(book: BookResponse, lang: Lang): string {
  const w = catalogs[lang].reportsBook
  const tz = book.center.timeZone
  const head = BOOK_CSV_COLUMNS.map((c) => w.bookCols[c])
  const lines = book.rows.map((r, i) => [
    String(i + 1), textCell(r.code), textCell(`${r.procedureCode} · ${r.procedureName}`), textCell(r.applicantName), w.channel[r.channel],
    r.carriedOver ? w.yes : '', when(r.receivedAt, tz), textCell(r.receivedBy ?? ''), when(r.dueAtIntake, tz),
    when(r.supplementRequestedAt, tz), when(r.supplementCompletedAt, tz), when(r.extendedTo, tz), when(r.dueAt, tz),
    when(r.readyAt, tz), textCell(r.readyBy ?? ''), when(r.returnedAt, tz), textCell(r.returnedBy ?? ''), textCell(r.handoverTo ?? ''),
    when(r.closedAt, tz), catalogs[lang].dossier.status[r.status as 'received'] ?? r.status, w.standing[r.standing],
  ])
  return csvDocument([head.map(textCell), ...lines])
}

export const BOOK_CSV_COLUMNS = [
  'n', 'code', 'procedure', 'applicant', 'channel', 'carriedOver', 'receivedAt', 'receivedBy', 'dueAtIntake',
  'supplementRequestedAt', 'supplementCompletedAt', 'extendedTo', 'dueAt', 'readyAt', 'readyBy', 'returnedAt', 'returnedBy', 'handoverTo',
  'closedAt', 'status', 'standing',
] as const

/** The period report as CSV: one line per procedure, service or clerk, then the totals. */
export function periodCsv(report: PeriodResponse, lang: Lang): string {
  const w = catalogs[lang].reportsBook
  const head = [w.groups[report.groupBy], ...PERIOD_COLUMNS.map((c) => w.cols[c])]
  const line = (label: string, f: PeriodFigures) => [textCell(label), ...PERIOD_COLUMNS.map((c) => String(f[c]))]
  return csvDocument([head.map(textCell), ...report.rows.map((r) => line(r.label, r)), line(catalogs[lang].reports.total, report.totals)])
}
