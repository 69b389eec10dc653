import type { Db } from '../../db/create-db.js'
import type { Center } from '../../db/types.js'
import { catalogs, format, type Lang } from '../../common/i18n/index.js'
import {
  NOT_SATISFIED_MAX_LEVEL, REPORT_COLUMNS, SATISFIED_MIN_LEVEL, reportValue,
  type ReportFigures, type ReportResponse, type ReportRow,
} from '../../common/rating-types.js'
import type { ReportQuery } from '../../common/schemas.js'
import { AppError } from '../errors.js'
import type { Clock } from '../clock.js'
import { hoursOn, localTime } from '../time.js'
import { findCenterBySlug } from '../centers/center.repository.js'
import { assertCenter, type Actor } from '../auth/actor.js'
import * as reports from './report.repository.js'
import { csvDocument, textCell } from '../http/csv.js'

export { textCell }

type Parts = {
  tickets?: reports.TicketFigureRow
  ratings?: reports.RatingFigureRow
  time?: reports.CounterTimeRow
  dossiers?: reports.DossierFigureRow
  fees?: reports.FeeFigureRow
}

const round1 = (v: number | null | undefined) => (v == null ? null : Math.round(Number(v) * 10) / 10)
const share = (part: number, whole: number) => (whole > 0 ? Math.round((part / whole) * 10_000) / 10_000 : null)

/** The manager's report: figures computed in SQL, merged by key, labelled in the reader's language. */
export class ReportService {
  constructor(private db: Db, private clock: Clock) {}

  async summary(query: ReportQuery, actor: Actor, lang: Lang): Promise<ReportResponse> {
    const center = await this.center(query.center, actor, lang)
    const now = this.clock()
    const today = localTime(now, center.time_zone).day
    const to = query.to ?? today
    const from = query.from ?? (query.to ? to.slice(0, 8) + '01' : today.slice(0, 8) + '01')
    if (from > to) throw new AppError('VALIDATION_FAILED', {}, [{ path: 'query.from', message: catalogs[lang].validation.invalid }])
    const period: reports.Period = { centerId: center.id, timeZone: center.time_zone, from, to, now, closing: closingOf(center) }
    const g = query.groupBy
    const [tickets, ratings, time, dossiers, fees] = await Promise.all([
      reports.ticketFigures(this.db, period, g), reports.ratingFigures(this.db, period, g),
      reports.counterTime(this.db, period, g), reports.dossierFigures(this.db, period, g),
      reports.feeFigures(this.db, period, g),
    ])
    const byKey = new Map<string, Parts>()
    const total: Parts = {}
    const put = <K extends keyof Parts>(part: K, rows: NonNullable<Parts[K]>[]) => {
      for (const r of rows) {
        if (r.total) { total[part] = r; continue }
        // counter time by service is not a thing: only its total is kept
        if (part === 'time' && g === 'service') continue
        const k = r.k ?? ''
        const parts = byKey.get(k) ?? {}
        parts[part] = r
        byKey.set(k, parts)
      }
    }
    put('tickets', tickets); put('ratings', ratings); put('time', time); put('dossiers', dossiers); put('fees', fees)

    const staffIds = g === 'staff' ? [...byKey.keys()].filter(Boolean) : []
    const names = await reports.labels(this.db, center.id, staffIds)
    const words = catalogs[lang].reports
    const services = new Map(names.services.map((s) => [s.id, s]))
    const counters = new Map(names.counters.map((c) => [c.id, c.number]))
    const staff = new Map(names.staff.map((s) => [s.id, s.full_name]))
    const label = (k: string): string => {
      if (g === 'day') return k
      if (g === 'hour') return format(words.hourLabel, { from: `${k.padStart(2, '0')}:00`, to: `${String(Number(k) + 1).padStart(2, '0')}:00` })
      if (g === 'service') { const s = services.get(k); return s ? `${s.prefix} · ${lang === 'en' ? s.name_en : s.name_vi}` : k }
      if (g === 'counter') return k ? format(words.counterLabel, { n: counters.get(k) ?? '?' }) : words.noCounter
      return k ? staff.get(k) ?? k : words.noStaff
    }
    const order = (k: string): [number, string] => {
      if (!k) return [Number.MAX_SAFE_INTEGER, '']
      if (g === 'hour') return [Number(k), '']
      if (g === 'service') { const s = services.get(k); return [s?.sort_order ?? 0, s?.prefix ?? k] }
      if (g === 'counter') return [counters.get(k) ?? 0, '']
      return [0, g === 'staff' ? label(k) : k]
    }
    const rows: ReportRow[] = [...byKey.entries()]
      .sort(([a], [b]) => { const [x, y] = [order(a), order(b)]; return x[0] - y[0] || x[1].localeCompare(y[1], 'vi') })
      // counter time is per counter and clerk: not for a service, nor for tickets that never reached a counter
      .map(([k, parts]) => ({ key: k || null, label: label(k), ...figures(parts, g !== 'service' && k !== '') }))
    return {
      center: { slug: center.slug, name: lang === 'en' && center.name_en ? center.name_en : center.name, timeZone: center.time_zone },
      from, to, groupBy: g, generatedAt: now.toISOString(), ratingScale: center.rating_scale,
      rows, totals: figures(total, true),
    }
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

function figures(p: Parts, withCounterTime: boolean): ReportFigures {
  const t = p.tickets, r = p.ratings, d = p.dossiers
  const levels: ReportFigures['levels'] = [r?.l5 ?? 0, r?.l4 ?? 0, r?.l3 ?? 0, r?.l2 ?? 0, r?.l1 ?? 0]
  const ratings = r?.ratings ?? 0
  // levels[0] is level 5: "satisfied" = levels 5..4, "not satisfied" = levels 2..1
  const satisfied = levels.slice(0, 5 - SATISFIED_MIN_LEVEL + 1).reduce((a, b) => a + b, 0)
  const notSatisfied = levels.slice(5 - NOT_SATISFIED_MAX_LEVEL).reduce((a, b) => a + b, 0)
  const received = d?.received ?? 0
  return {
    issued: t?.issued ?? 0, served: t?.served ?? 0, noShow: t?.no_show ?? 0, cancelled: t?.cancelled ?? 0,
    expired: t?.expired ?? 0, transferred: t?.transferred ?? 0,
    waitAvg: round1(t?.wait_avg), waitMedian: round1(t?.wait_median), waitP90: round1(t?.wait_p90),
    serviceAvg: round1(t?.service_avg), serviceMedian: round1(t?.service_median), walkAvg: round1(t?.walk_avg),
    pauseSeconds: withCounterTime ? round1(p.time?.pause_s ?? 0) : null,
    idleSeconds: withCounterTime ? round1(p.time?.idle_s ?? 0) : null,
    ratings, levels, satisfied, notSatisfied, satisfiedShare: share(satisfied, ratings),
    dossiersReceived: received, dossiersEarly: d?.early ?? 0, dossiersOnTime: d?.on_time ?? 0, dossiersLate: d?.late ?? 0,
    dossiersOverdueNow: d?.overdue_now ?? 0, dossiersRatedNotSatisfied: d?.rated_not_satisfied ?? 0,
    ratio766: share(received - (d?.rated_not_satisfied ?? 0), received),
    counterIssued: t?.counter_issued ?? 0, servedAfterHours: t?.served_after_hours ?? 0,
    dossiersAfterHours: d?.received_after_hours ?? 0, feePayments: p.fees?.fee_payments ?? 0, feesCollectedVnd: Number(p.fees?.fees_vnd ?? 0),
  }
}

/** W2: the center's closing time on each weekday (its last interval's end), and on a make-up working day (that of its first open weekday). */
function closingOf(center: Center): NonNullable<reports.Period['closing']> {
  const byWeekday: (string | null)[] = [null]
  for (let wd = 1; wd <= 7; wd++) byWeekday.push(hoursOn(center.opening_hours, wd).at(-1)?.[1] ?? null)
  return { byWeekday, workday: byWeekday.find((c, i) => i > 0 && c) ?? null }
}

/**
 * The report as CSV for Excel: UTF-8 with a BOM (so Excel reads Vietnamese correctly), `;` between
 * fields and a decimal comma (what Excel expects with Vietnamese regional settings), CRLF line ends,
 * fields quoted when they hold `;`, `"` or a line break. Durations in whole seconds, shares in percent.
 * Text cells (names, labels, headers) that a spreadsheet would run as a formula are neutralised (`textCell`);
 * figure cells are numbers this function formats itself, so a negative one stays a number.
 */
export function reportCsv(report: ReportResponse, lang: Lang): string {
  const words = catalogs[lang].reports
  const head = [words.groups[report.groupBy], ...REPORT_COLUMNS.map((c) =>
    `${words.cols[c.key]}${c.kind === 'seconds' ? ` ${words.unitSeconds}` : c.kind === 'share' ? ` ${words.unitPercent}` : c.kind === 'vnd' ? ` ${words.unitVnd}` : ''}`)]
  const cell = (v: number | null, kind: 'count' | 'seconds' | 'share' | 'vnd') => {
    if (v === null) return ''
    if (kind === 'seconds') return String(Math.round(v))
    if (kind === 'share') return (Math.round(v * 1000) / 10).toFixed(1).replace('.', ',')
    return String(v)
  }
  const line = (label: string, f: ReportFigures) => [textCell(label), ...REPORT_COLUMNS.map((c) => cell(reportValue(f, c.key), c.kind))]
  const lines = [head.map(textCell), ...report.rows.map((r) => line(r.label, r)), line(words.total, report.totals)]
  return csvDocument(lines)
}
