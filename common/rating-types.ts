/**
 * The rating and report contract (DESIGN §3 "Rating", issue 6), shared by the server and the pages.
 * DOM-free and zod-free (the phone page imports it: it must stay small); request schemas are in schemas.ts.
 */
import type { TicketStatus } from './types.js'

export const RATING_SCALES = [3, 5] as const
export type RatingScale = (typeof RATING_SCALES)[number]

/**
 * Levels on the 5-level axis, best first: 5 Rất hài lòng, 4 Hài lòng, 3 Bình thường, 2 Không hài lòng,
 * 1 Rất không hài lòng. A 3-level score s (1 … 3) is level s + 1 (Không hài lòng, Bình thường, Hài lòng).
 */
export const RATING_LEVELS = [5, 4, 3, 2, 1] as const
export type RatingLevel = (typeof RATING_LEVELS)[number]
export const levelOf = (scale: RatingScale, score: number): number => (scale === 3 ? score + 1 : score)
/** "satisfied" = Hài lòng or Rất hài lòng; "not satisfied" = Không hài lòng or Rất không hài lòng (Decision 766) */
export const SATISFIED_MIN_LEVEL = 4
export const NOT_SATISFIED_MAX_LEVEL = 2
/** reasons and the comment box are offered from "Bình thường" down */
export const LOW_MAX_LEVEL = 3

/** Why a citizen was not satisfied (fixed list; offered when the score is low). */
export const RATING_REASONS = ['attitude', 'wait_time', 'unclear_guidance', 'repeat_visits', 'other'] as const
export type RatingReason = (typeof RATING_REASONS)[number]

export const RATING_COMMENT_MAX = 500
/** A ticket may be rated for this long after it was finished. */
export const RATING_WINDOW_HOURS = 24

/** `GET /api/tickets/:id/rating?key=` and the answer of the POST (and the counter tablet's routes): what the rating page needs. */
export interface RatingStatusView {
  ticketId: string
  code: string
  centerSlug: string
  status: TicketStatus
  serviceNameVi: string
  serviceNameEn: string
  counterNumber: number | null
  finishedAt: string | null
  /** the center's scale now (what a new rating uses) */
  scale: RatingScale
  rated: boolean
  /** the rating given, when rated; its comment is never answered here (a citizen's words are for the center's staff) */
  rating: { score: number; scale: RatingScale; level: number; reasons: RatingReason[]; createdAt: string } | null
  /** may be rated now: done, not rated, within the window */
  open: boolean
  /** why not (null when open) */
  closedReason: 'not_done' | 'too_late' | 'rated' | null
  /** finished + 24 h; null until done */
  closesAt: string | null
}

export const REPORT_GROUPS = ['day', 'service', 'counter', 'staff', 'hour'] as const
export type ReportGroupBy = (typeof REPORT_GROUPS)[number]

/** Every figure of a row of the report (docs/reports.md defines each). Durations in seconds, shares 0…1; null: nothing to measure. */
export interface ReportFigures {
  issued: number
  served: number
  noShow: number
  cancelled: number
  expired: number
  transferred: number
  waitAvg: number | null
  waitMedian: number | null
  waitP90: number | null
  serviceAvg: number | null
  serviceMedian: number | null
  walkAvg: number | null
  /** counter time (not by service: a counter serves several) */
  pauseSeconds: number | null
  idleSeconds: number | null
  ratings: number
  /** counts by level: index 0 = level 5 (Rất hài lòng) … index 4 = level 1 */
  levels: [number, number, number, number, number]
  satisfied: number
  notSatisfied: number
  satisfiedShare: number | null
  /** null when the dossier table is not there */
  dossiersReceived: number | null
  dossiersEarly: number | null
  dossiersOnTime: number | null
  dossiersLate: number | null
  dossiersOverdueNow: number | null
  dossiersRatedNotSatisfied: number | null
  /** Decision 766/QĐ-TTg: (dossiers − dossiers rated not satisfied) ÷ dossiers */
  ratio766: number | null
  // W2 (issue 22): walk-ins issued at a counter, work done after closing time, fees collected (Decree 118 Art. 24)
  counterIssued: number
  servedAfterHours: number
  dossiersAfterHours: number | null
  feePayments: number
  /** đồng */
  feesCollectedVnd: number
}

export interface ReportRow extends ReportFigures {
  /** day 'YYYY-MM-DD', hour '0'…'23', or the service / counter / staff id; null: none (e.g. tickets never called have no counter) */
  key: string | null
  label: string
}

export interface ReportResponse {
  center: { slug: string; name: string; timeZone: string }
  from: string
  to: string
  groupBy: ReportGroupBy
  generatedAt: string
  ratingScale: RatingScale
  rows: ReportRow[]
  totals: ReportFigures
}

export type ReportColumnKey =
  | Exclude<keyof ReportFigures, 'levels'>
  | 'l5' | 'l4' | 'l3' | 'l2' | 'l1'
export interface ReportColumn {
  key: ReportColumnKey
  /** count: a whole number; seconds: a duration; share: 0…1; vnd: an amount in đồng */
  kind: 'count' | 'seconds' | 'share' | 'vnd'
  section: 'tickets' | 'times' | 'satisfaction' | 'dossiers' | 'fees'
}

/** The report table's columns, in order: the page's table and the CSV export both follow it. */
export const REPORT_COLUMNS: readonly ReportColumn[] = [
  ...(['issued', 'served', 'noShow', 'cancelled', 'expired', 'transferred', 'counterIssued', 'servedAfterHours'] as const).map((key) => ({ key, kind: 'count', section: 'tickets' }) as const),
  ...(['waitAvg', 'waitMedian', 'waitP90', 'serviceAvg', 'serviceMedian', 'walkAvg', 'pauseSeconds', 'idleSeconds'] as const).map((key) => ({ key, kind: 'seconds', section: 'times' }) as const),
  ...(['ratings', 'l5', 'l4', 'l3', 'l2', 'l1', 'satisfied', 'notSatisfied'] as const).map((key) => ({ key, kind: 'count', section: 'satisfaction' }) as const),
  { key: 'satisfiedShare', kind: 'share', section: 'satisfaction' },
  ...(['dossiersReceived', 'dossiersEarly', 'dossiersOnTime', 'dossiersLate', 'dossiersOverdueNow', 'dossiersRatedNotSatisfied', 'dossiersAfterHours'] as const).map((key) => ({ key, kind: 'count', section: 'dossiers' }) as const),
  { key: 'ratio766', kind: 'share', section: 'dossiers' },
  { key: 'feePayments', kind: 'count', section: 'fees' },
  { key: 'feesCollectedVnd', kind: 'vnd', section: 'fees' },
]

/** A column's value in a row (`l5` … `l1` read the level counts). */
export function reportValue(f: ReportFigures, key: ReportColumnKey): number | null {
  const level = /^l([1-5])$/.exec(key)
  if (level) return f.levels[5 - Number(level[1])]!
  return f[key as Exclude<keyof ReportFigures, 'levels'>]
}
