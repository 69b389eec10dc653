/**
 * The tracking book (Sổ theo dõi hồ sơ) and the period report (issue 21): GET /api/reports/book and
 * GET /api/reports/period. Every figure is defined in docs/reports.md § "The tracking book and the period report".
 */

/**
 * Where a dossier stands at the period's end (the end of its last day, or now if that is later than now):
 * ended in the period with a result (early, on time, late) or without (rejected, stopped, closed_incomplete,
 * withdrawn); or still open then (not yet due, overdue, or awaiting the citizen's supplement: neither).
 */
export const BOOK_STANDINGS = [
  'early', 'on_time', 'late', 'rejected', 'stopped', 'closed_incomplete', 'withdrawn',
  'not_yet_due', 'overdue', 'awaiting_supplement',
] as const
export type BookStanding = (typeof BOOK_STANDINGS)[number]

export const PERIOD_GROUPS = ['procedure', 'service', 'staff'] as const
export type PeriodGroupBy = (typeof PERIOD_GROUPS)[number]

/** One line of the tracking book: a dossier received in the period, or open as it began (carried over). */
export interface BookRow {
  id: string
  code: string
  procedureCode: string
  procedureName: string
  serviceLabel: string
  applicantName: string
  /** how it came in: at the counter, online, or by post (migration 0014) */
  channel: 'counter' | 'online' | 'post'
  carriedOver: boolean
  receivedAt: string
  receivedBy: string | null
  /** the due date set at intake (before any supplement or extension) */
  dueAtIntake: string | null
  supplementRequestedAt: string | null
  supplementCompletedAt: string | null
  /** the one extension's new due date (Art. 19.6) */
  extendedTo: string | null
  /** the due date now (after the supplement's restart and the extension) */
  dueAt: string | null
  readyAt: string | null
  readyBy: string | null
  returnedAt: string | null
  returnedBy: string | null
  /** who took the result: the applicant, or the authorised person's name */
  handoverTo: string | null
  /** when it was refused, stopped or closed incomplete */
  closedAt: string | null
  status: string
  standing: BookStanding
}

export interface BookResponse {
  center: { slug: string; name: string; timeZone: string }
  from: string
  to: string
  /** the moment standings are taken at: the period's end, or now when the period has not ended */
  asOf: string
  generatedAt: string
  rows: BookRow[]
}

export interface PeriodFigures {
  carriedOver: number
  receivedCounter: number
  receivedOnline: number
  receivedPost: number
  received: number
  /** carried over + received */
  toHandle: number
  resolvedEarly: number
  resolvedOnTime: number
  resolvedLate: number
  resolved: number
  rejected: number
  stopped: number
  closedIncomplete: number
  withdrawn: number
  notYetDue: number
  overdue: number
  awaitingSupplement: number
  inProgress: number
  /** supplement requests made in the period (a flow, not part of the balance) */
  supplementRequested: number
  /** extensions given in the period (a flow, not part of the balance) */
  extended: number
  /**
   * online filings whose first answer (received, returned for changes, refused) came in the period, and those answered
   * after their 8 working hours (Art. 17.2.c): grouped by the filing's procedure and service, and by the clerk who answered
   */
  onlineAnswered: number
  onlineAnsweredLate: number
}

export const PERIOD_COLUMNS: readonly (keyof PeriodFigures)[] = [
  'carriedOver', 'receivedCounter', 'receivedOnline', 'receivedPost', 'received', 'toHandle',
  'resolvedEarly', 'resolvedOnTime', 'resolvedLate', 'resolved', 'rejected', 'stopped', 'closedIncomplete', 'withdrawn',
  'notYetDue', 'overdue', 'awaitingSupplement', 'inProgress', 'supplementRequested', 'extended', 'onlineAnswered', 'onlineAnsweredLate',
]

export interface PeriodRow extends PeriodFigures { key: string | null; label: string }

export interface PeriodResponse {
  center: { slug: string; name: string; timeZone: string }
  from: string
  to: string
  asOf: string
  groupBy: PeriodGroupBy
  generatedAt: string
  rows: PeriodRow[]
  totals: PeriodFigures
  /** W3 (Art. 17.2): online filings answered (accepted or returned for changes) in the period, and those answered after their 8 working hours (= the totals' onlineAnswered, onlineAnsweredLate) */
  onlineAnswers: { answered: number; late: number }
}
