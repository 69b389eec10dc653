import { z } from 'zod'
import { PAUSE_MAX_MINUTES, PAUSE_REASONS } from './types.js'
import { RATING_COMMENT_MAX, RATING_REASONS, REPORT_GROUPS } from './rating-types.js'
import { PERIOD_GROUPS } from './dossier-report-types.js'

// Request shapes shared by the server (validation) and the pages (typed calls).
export const Uuid = z.uuid()
export const CenterSlug = z.string().regex(/^[a-z0-9-]{2,40}$/)

export const IssueTicketBody = z.strictObject({
  serviceId: Uuid,
  priorityGroup: z.string().min(1).max(40).optional(),
  /** chosen by the kiosk per tap; a retry with the same id returns the same ticket */
  requestId: z.string().min(8).max(100).regex(/^[A-Za-z0-9_-]+$/).optional(),
})
export type IssueTicketBody = z.infer<typeof IssueTicketBody>

export const LoginBody = z.strictObject({
  username: z.string().trim().toLowerCase().min(1).max(40),
  password: z.string().min(1).max(200),
})
export const PauseBody = z.strictObject({
  reason: z.enum(PAUSE_REASONS),
  note: z.string().trim().max(200).optional(),
  /** back in this many minutes, when the clerk says (shown on the wall, counted by the estimates) */
  minutes: z.number().int().min(1).max(PAUSE_MAX_MINUTES).optional(),
})
// ---- a ticket's secret (H1, issue 19 item 4) ----
/** a ticket's secret (printed on its QR) or a counter's rating-tablet key; missing or wrong: answered as not found */
export const TicketKey = z.string().max(200)
/** the phone page's reads: `?key=<the ticket's secret>` */
export const TicketKeyQuery = z.strictObject({ key: TicketKey.optional(), lang: z.string().max(10).optional() })
export const CallTicketBody = z.strictObject({ ticketId: Uuid })
/** Another service, or another counter (issue 22), exactly one; and a note the next clerk reads. */
export const TransferBody = z.strictObject({
  serviceId: Uuid.optional(),
  counterId: Uuid.optional(),
  note: z.string().trim().min(1).max(200).optional(),
}).refine((b) => (b.serviceId === undefined) !== (b.counterId === undefined), { message: 'serviceId or counterId, one of them', path: ['serviceId'] })
/** W2 (issue 22): a walk-in ticket issued at the clerk's counter, in this service */
export const WalkInBody = z.strictObject({ serviceId: Uuid })
export const ResumeBody = z.strictObject({ counterId: Uuid.optional() })
export const EmptyBody = z.strictObject({})

// ---- ratings and reports (issue 6) ----
/** the score is checked against the center's scale by the service (3 or 5 levels) */
export const RatingBody = z.strictObject({
  score: z.number().int().min(1).max(5),
  reasons: z.array(z.enum(RATING_REASONS)).max(RATING_REASONS.length)
    .refine((r) => new Set(r).size === r.length, 'each reason once').optional(),
  comment: z.string().trim().max(RATING_COMMENT_MAX).optional(),
  /** where it was given: the phone (default) or the tablet at the counter */
  channel: z.enum(['phone', 'counter']).optional(),
  /** the ticket's secret (`POST /api/tickets/:id/rating`) or the counter's tablet key (the tablet's route) */
  key: TicketKey.optional(),
})
export type RatingBody = z.infer<typeof RatingBody>
/** the tablet at a counter rates a ticket finished there: the ticket's id beside the tablet's key */
export const CounterRatingBody = RatingBody.extend({ ticketId: Uuid })
export type CounterRatingBody = z.infer<typeof CounterRatingBody>
export const RatingScaleBody = z.strictObject({ scale: z.union([z.literal(3), z.literal(5)]) })

const ReportDay = z.iso.date()
export const ReportQuery = z.strictObject({
  /** default: the caller's own center (an admin must name one) */
  center: CenterSlug.optional(),
  /** service days, inclusive, in the center's time zone; default: this month so far */
  from: ReportDay.optional(),
  to: ReportDay.optional(),
  groupBy: z.enum(REPORT_GROUPS).default('day'),
  format: z.enum(['json', 'csv']).default('json'),
  lang: z.string().max(10).optional(),
}).superRefine((q, ctx) => {
  if (q.from && q.to && q.from > q.to) ctx.addIssue({ code: 'custom', path: ['to'], message: 'to ≥ from' })
  if (q.from && q.to && (Date.parse(q.to) - Date.parse(q.from)) / 86_400_000 > 366) ctx.addIssue({ code: 'custom', path: ['to'], message: '≤ 366 days' })
})
export type ReportQuery = z.infer<typeof ReportQuery>

// W4 (issue 21): the tracking book and the period report, same period rules as the summary
const dossierPeriodShape = {
  center: CenterSlug.optional(),
  from: ReportDay.optional(),
  to: ReportDay.optional(),
  format: z.enum(['json', 'csv']).default('json'),
  lang: z.string().max(10).optional(),
}
const periodChecks = (q: { from?: string; to?: string }, ctx: z.RefinementCtx) => {
  if (q.from && q.to && q.from > q.to) ctx.addIssue({ code: 'custom', path: ['to'], message: 'to ≥ from' })
  if (q.from && q.to && (Date.parse(q.to) - Date.parse(q.from)) / 86_400_000 > 366) ctx.addIssue({ code: 'custom', path: ['to'], message: '≤ 366 days' })
}
export const BookQuery = z.strictObject(dossierPeriodShape).superRefine(periodChecks)
export type BookQuery = z.infer<typeof BookQuery>
export const PeriodReportQuery = z.strictObject({ ...dossierPeriodShape, groupBy: z.enum(PERIOD_GROUPS).default('procedure') }).superRefine(periodChecks)
export type PeriodReportQuery = z.infer<typeof PeriodReportQuery>
