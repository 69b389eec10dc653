import { z } from 'zod'
import { DOSSIER_STATUSES, EARLY_NOTICE_CHANNELS, FEE_METHODS } from './dossier-types.js'
import { CenterSlug, Uuid } from './schemas.js'
import { normalizePhone, PHONE_SPELLING, PHONE_STORED } from './fold.js'

// Request shapes of the dossier routes, shared by the server (validation) and the pages (typed calls).

const text = (max: number) => z.string().trim().min(1).max(max)
const optionalText = (max: number) => z.string().trim().max(max).optional()

/** 'YYYY-MM-DD' that is a real date */
export const DayText = z.string().regex(/^\d{4}-\d{2}-\d{2}$/)
  .refine((s) => !Number.isNaN(Date.parse(`${s}T00:00:00Z`)) && new Date(`${s}T00:00:00Z`).toISOString().startsWith(s))

/** W1 (issue 22): names and addresses stored in NFC, whatever the keyboard or scanner sent ("Tuyết" typed decomposed) */
const nfcText = (max: number) => z.string().overwrite((v) => v.normalize('NFC')).trim().min(1).max(max)

export const DossierApplicantInput = z.strictObject({
  fullName: nfcText(120),
  /**
   * Vietnamese numbers in the usual spellings (0912 345 678, 0912-345-678, +84 912 345 678, 84912345678),
   * stored in one form (0912345678; another country's +digits): common/fold.ts normalizePhone (issue 22)
   */
  phone: z.string().trim().regex(PHONE_SPELLING, { abort: true }).overwrite(normalizePhone)
    // the stored form's length (a refine: the request's schema documents what may be sent, not what is kept)
    .refine((v) => PHONE_STORED.test(v)),
  address: nfcText(300),
  /** CMND (9 digits) or CCCD (12 digits); optional, never shown publicly */
  idNumber: z.string().trim().regex(/^([0-9]{9}|[0-9]{12})$/).nullable().optional().transform((v) => v ?? null),
})

// W1 (issue 22): at the counter the applicant's date of birth and sex (read from the ID card's QR), and
// how the ID was checked (Decree 118 Art. 17.1.a); a scanned ID has a number, 'none' has none
export const ID_CHECKS = ['card_scan', 'camera', 'typed', 'none'] as const
export const CounterApplicantInput = DossierApplicantInput.extend({
  birthDate: DayText.refine((s) => s >= '1900-01-01').nullable().optional().transform((v) => v ?? null),
  sex: z.enum(['male', 'female']).nullable().optional().transform((v) => v ?? null),
})

export const DossierDocumentsInput = z.array(z.strictObject({ name: text(200), received: z.boolean() })).max(30)
export const DossierSets = z.number().int().min(1).max(99)
export const DossierDeliveryInput = z.enum(['center', 'post'])
// W2 (issue 22): how the dossier came (in person at a counter, online, by post), and its fee (Art. 24)
export const DossierChannelInput = z.enum(['counter', 'online', 'post'])
export const FeeInput = z.strictObject({
  paidVnd: z.number().int().min(0).max(100_000_000),
  method: z.enum(FEE_METHODS),
  /** the receipt's number (biên lai), when one was written */
  receiptNumber: z.string().trim().max(40).optional().transform((v) => v || null),
})
export type FeeInput = z.infer<typeof FeeInput>
/** chosen by the page per submit; a retry with the same id returns the same dossier */
const RequestId = z.string().min(8).max(100).regex(/^[A-Za-z0-9_-]+$/)

export const CreateDossierBody = z.strictObject({
  ticketId: Uuid.optional(),
  procedureId: Uuid,
  applicant: CounterApplicantInput,
  documents: DossierDocumentsInput,
  sets: DossierSets,
  delivery: DossierDeliveryInput,
  note: optionalText(1000),
  requestId: RequestId.optional(),
  /** W1: how the ID was checked; when not said, 'typed' with a number and 'none' without */
  idCheck: z.enum(ID_CHECKS).optional(),
  /** W2: without a ticket, how it came; 'counter' (in person) unless said */
  channel: DossierChannelInput.default('counter'),
  fee: FeeInput.optional(),
  /**
   * issue 24: the consent box next to the phone, ticked because the citizen agreed (Decree 13/2023): messages
   * about this dossier to the applicant's phone, by `channel` (default: the install's phone channel). Absent: none.
   */
  notify: z.strictObject({ consent: z.literal(true), channel: z.enum(['sms', 'zalo']).optional() }).optional(),
})
export type CreateDossierBody = z.infer<typeof CreateDossierBody>

/** Who took the result (Art. 6.2.b–c): an authorised person's name, ID number and power of attorney are written down. */
export const HandoverInput = z.discriminatedUnion('to', [
  z.strictObject({ to: z.literal('applicant') }),
  z.strictObject({
    to: z.literal('authorised'),
    name: text(120),
    /** CCCD (12 digits), CMND (9) or a passport number */
    idNumber: z.string().trim().toUpperCase().regex(/^([0-9]{9}|[0-9]{12}|[A-Z][0-9]{7,8})$/),
    /** the power of attorney as noted: its number, date, and who certified it */
    authorisation: text(300),
  }),
])

export const DossierStatusBody = z.strictObject({
  status: z.enum(DOSSIER_STATUSES),
  /** the refusal's reasons, the citizen's request to stop (required for those), or a remark on any move */
  note: optionalText(1000),
  /** needs_supplement: every missing item, once (Art. 16.3) */
  items: z.array(text(300)).min(1).max(30).optional(),
  /** returned: who took the result */
  handover: HandoverInput.optional(),
}).superRefine((b, ctx) => {
  // worded like any missing field ("required") by the validator's error map
  const missing = (path: string) => ctx.addIssue({ code: 'invalid_type', expected: 'string', input: undefined, path: [path] })
  if (b.status === 'needs_supplement' && !b.items?.length) missing('items')
  if ((b.status === 'rejected' || b.status === 'stopped') && !b.note) missing('note')
  if (b.status === 'returned' && !b.handover) missing('handover')
})
export type DossierStatusBody = z.infer<typeof DossierStatusBody>

export const ExtendDossierBody = z.strictObject({
  /** a date (due at the center's closing time that day) or an exact instant with its offset */
  dueAt: z.union([DayText, z.iso.datetime({ offset: true })]),
  reason: text(1000),
})
export type ExtendDossierBody = z.infer<typeof ExtendDossierBody>

/** issue 21 (Art. 22.5): the citizen told of an early return: how, to which number or address, and what was said */
export const EarlyNoticeBody = z.strictObject({
  channel: z.enum(EARLY_NOTICE_CHANNELS),
  contact: optionalText(120),
  message: optionalText(1000),
})
export type EarlyNoticeBody = z.infer<typeof EarlyNoticeBody>

export const ReceiveDossierBody = z.strictObject({
  ticketId: Uuid.optional(),
  documents: DossierDocumentsInput,
  sets: DossierSets,
  /** W2: left out, the delivery the citizen chose online is kept */
  delivery: DossierDeliveryInput.optional(),
  fee: FeeInput.optional(),
})
export type ReceiveDossierBody = z.infer<typeof ReceiveDossierBody>

export const DOSSIER_LIST_VIEWS = ['all', 'due_today', 'overdue'] as const
export const DossierListQuery = z.strictObject({
  /** an admin chooses the center; a clerk or manager may name only their own */
  center: CenterSlug.optional(),
  status: z.enum(DOSSIER_STATUSES).optional(),
  view: z.enum(DOSSIER_LIST_VIEWS).default('all'),
  procedureId: Uuid.optional(),
  /** part of the code, the applicant's name or phone */
  q: z.string().trim().min(1).max(100).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
})
export type DossierListQuery = z.infer<typeof DossierListQuery>

/** Codes are typed on phones: surrounding spaces and lower case are forgiven. */
const TypedCode = (max: number) => z.string().trim().toUpperCase().min(1).max(max)

export const CheckInBody = z.strictObject({ code: TypedCode(40), lookupCode: TypedCode(10) })

/** A missing or malformed lookup code answers like a wrong one (404), so it is not required here. */
export const PublicLookupQuery = z.strictObject({
  lookupCode: z.string().max(20).optional(),
  center: CenterSlug.optional(),
  lang: z.string().optional(),
})

export const ATTACHMENT_TYPES = ['application/pdf', 'image/jpeg', 'image/png'] as const
export const MAX_ATTACHMENTS = 3
export const MAX_ATTACHMENT_BYTES = 2 * 1024 * 1024

export const AttachmentInput = z.strictObject({
  // a name shown to staff, never a path
  name: text(200).refine((s) => !/[\\/\u0000-\u001f]/.test(s)),
  type: z.enum(ATTACHMENT_TYPES),
  // the size is checked once decoded; this bound only keeps an absurd body out
  dataBase64: z.string().min(4).max(Math.ceil(MAX_ATTACHMENT_BYTES / 3) * 4 + 8).regex(/^[A-Za-z0-9+/]*={0,2}$/),
})

export const PublicFilingBody = z.strictObject({
  center: CenterSlug,
  procedureId: Uuid,
  applicant: DossierApplicantInput,
  note: optionalText(1000),
  attachments: z.array(AttachmentInput).max(MAX_ATTACHMENTS).optional(),
  requestId: RequestId.optional(),
  /** W2: where the citizen wants the result (kept when a clerk receives the filing) */
  delivery: DossierDeliveryInput.optional(),
})
export type PublicFilingBody = z.infer<typeof PublicFilingBody>

export const CalendarQuery = z.strictObject({ year: z.coerce.number().int().min(2000).max(2100) })
export const CalendarDayBody = z.strictObject({ kind: z.enum(['holiday', 'workday']), name: text(120) })
export const CalendarDayParams = z.strictObject({ center: CenterSlug, date: DayText })
