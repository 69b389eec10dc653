/**
 * The dossier contract (DESIGN §3 "Dossier", §5): shared by the server and every page.
 * Staff views carry the applicant's contact data; public views never do (masked name only).
 */

export const DOSSIER_STATUSES = [
  'submitted_online', 'received', 'processing', 'needs_supplement', 'ready', 'returned', 'rejected', 'withdrawn',
  'stopped', 'closed_incomplete',
] as const
export type DossierStatus = (typeof DOSSIER_STATUSES)[number]

/**
 * The dossier's state machine (Decree 118/2025/NĐ-CP; docs/dossiers.md maps each move to its article):
 * the moves a clerk makes through `POST /api/dossiers/:id/status`. Two moves are not here:
 * `submitted_online → received` (`POST /api/dossiers/:id/receive`, which checks the documents and sets
 * the due date) and `needs_supplement → closed_incomplete`, made by the server alone once the supplement
 * deadline has passed (DOSSIER_AUTOMATIC).
 * - `needs_supplement`: the supplement request, once per dossier, listing every missing item;
 * - `needs_supplement → processing`: the supplement completed; the processing time restarts from zero;
 * - `rejected`: the refusal, with its reasons; `stopped`: at the citizen's request, before the result;
 * - `returned`: the result handed over, to the applicant or to an authorised person.
 * `withdrawn` is kept for dossiers withdrawn before the decree's rules were built; no move leads to it now.
 */
export const DOSSIER_TRANSITIONS: Record<DossierStatus, readonly DossierStatus[]> = {
  submitted_online: ['rejected', 'stopped'],
  received: ['processing', 'needs_supplement', 'rejected', 'stopped'],
  processing: ['needs_supplement', 'ready', 'rejected', 'stopped'],
  needs_supplement: ['processing', 'rejected', 'stopped'],
  ready: ['returned'],
  returned: [],
  rejected: [],
  withdrawn: [],
  stopped: [],
  closed_incomplete: [],
}

/** Moves the server makes by itself: a supplement not completed by its deadline closes the dossier as incomplete. */
export const DOSSIER_AUTOMATIC: Partial<Record<DossierStatus, DossierStatus>> = { needs_supplement: 'closed_incomplete' }

/** Art. 19.5: "Sau 15 ngày kể từ khi thông báo" — calendar days, not working days. */
export const SUPPLEMENT_DAYS = 15

/** Moves that need a note: what it says is printed on the form (refusal reasons, the citizen's request to stop). */
export const NOTE_REQUIRED: readonly DossierStatus[] = ['rejected', 'stopped']

/** Who took the result home (Art. 6.2.b–c): the applicant, or a person they authorised. */
export type DossierHandover =
  | { to: 'applicant' }
  | { to: 'authorised'; name: string; idNumber: string; authorisation: string }

/** early: ready before the due day began; on_time: ready by dueAt; late: after dueAt. Null until ready. */
export type DossierOutcome = 'early' | 'on_time' | 'late'
/** how the dossier reached the center: at a counter (in person), online, or by post (W2, issue 22) */
export type DossierChannel = 'counter' | 'online' | 'post'
/** W2 (issue 22): how a fee was paid (Decree 118 Art. 24) */
export const FEE_METHODS = ['cash', 'bank_transfer', 'national_portal'] as const
export type FeeMethod = (typeof FEE_METHODS)[number]
/** The dossier's fee: due from the procedure when received; what was paid, how, the receipt, who collected */
export interface DossierFee {
  dueVnd: number | null
  paidVnd: number | null
  method: FeeMethod | null
  receiptNumber: string | null
  collectedByName: string | null
  collectedAt: string | null
}
export type DossierDelivery = 'center' | 'post'

export interface DossierApplicant {
  fullName: string
  phone: string
  address: string
  /** optional; never shown publicly */
  idNumber: string | null
  /** W1 (issue 22): 'YYYY-MM-DD' and sex, as read from the ID card's QR (or typed); null when not given */
  birthDate: string | null
  sex: 'male' | 'female' | null
  /** how the ID was checked at the counter (Decree 118 Art. 17.1.a); null for online filings not yet received */
  idCheck: 'card_scan' | 'camera' | 'typed' | 'none' | null
}

export interface DossierHistoryEntry {
  /** 'received' | 'status' | 'extended' | 'checked_in' | 'filed_online' */
  type: string
  fromStatus: DossierStatus | null
  toStatus: DossierStatus
  at: string
  staffName: string | null
  note: string | null
  /** the due date in force when the step was taken (null before the receipt): the process control slip's on-time column */
  dueAt: string | null
  /** issue 24: the receipt at the counter with the citizen's consent to messages, attested by the clerk who received it */
  notifyConsent?: DossierNotifyConsent
  /** issue 24: done by the citizen on the lookup page, not by staff (a `notify_stopped`: the citizen stopped the SMS and Zalo messages) */
  byCitizen?: true
}

/** The counter's consent to messages (issue 24, Decree 13/2023): the channel and the number, masked (0912•••678). */
export interface DossierNotifyConsent {
  channel: 'sms' | 'zalo'
  to: string
}

export interface DossierSupplement {
  items: string[]
  requestedAt: string
  requestedByName: string | null
  /** not completed by then: closed as incomplete */
  deadline: string
  completedAt: string | null
  /** the due date the completion gave (processing days counted again from completedAt) */
  restartedDueAt: string | null
}

export interface DossierExtension {
  at: string
  previousDueAt: string
  newDueAt: string
  reason: string
  staffName: string | null
}

/** Art. 22.5 of Decree 118/2025: how the citizen was told of an early return (its four channels, or in person at the center) */
export const EARLY_NOTICE_CHANNELS = ['sms', 'email', 'phone', 'social', 'in_person'] as const
export type EarlyNoticeChannel = (typeof EARLY_NOTICE_CHANNELS)[number]
export interface DossierEarlyNotice {
  at: string
  channel: EarlyNoticeChannel
  /** the number, address or account used */
  contact: string | null
  /** what the citizen was told */
  message: string | null
  staffName: string | null
}

export interface DossierAttachmentInfo {
  id: string
  name: string
  type: 'application/pdf' | 'image/jpeg' | 'image/png'
  /** bytes */
  size: number
}

/** What a clerk or manager sees (GET /api/dossiers/:id, and the answer of every dossier write). */
export interface DossierView {
  id: string
  centerSlug: string
  centerName: string
  /** readable and unique per center: center prefix + yymmdd + sequence of that day, e.g. "NS-261123-0007" */
  code: string
  /** 4 characters from DOSSIER_LOOKUP_ALPHABET, printed on the slip; public lookup needs it */
  lookupCode: string
  status: DossierStatus
  channel: DossierChannel
  /** nationalCode: the national database's code (mã thủ tục), null when not given */
  procedure: { id: string; code: string; nationalCode: string | null; nameVi: string; nameEn: string; serviceId: string; processingDays: number; feeVnd: number }
  applicant: DossierApplicant
  /** the procedure's required documents as received: each with whether it was handed in */
  documents: { name: string; received: boolean }[]
  /** number of sets (bộ hồ sơ) */
  sets: number
  delivery: DossierDelivery
  /** the ticket it was received from, if any */
  ticketId: string | null
  receivedAt: string | null
  receivedByName: string | null
  /** null until received (online filings get it when a clerk receives them) */
  dueAt: string | null
  readyAt: string | null
  returnedAt: string | null
  returnedByName: string | null
  outcome: DossierOutcome | null
  /** what is missing, while needs_supplement (printed on the guidance slip) */
  supplementNote: string | null
  note: string | null
  /** the one supplement request (Art. 16.3): every missing item, when it was asked, its deadline, its completion */
  supplement: DossierSupplement | null
  /** who took the result (returned dossiers handed over since issue 21) */
  handover: DossierHandover | null
  /** the refusal's or the stop's reasons, with when and who (the printed forms) */
  closing: { status: 'rejected' | 'stopped' | 'closed_incomplete'; at: string; reason: string | null; staffName: string | null } | null
  history: DossierHistoryEntry[]
  extensions: DossierExtension[]
  /** files of an online filing (staff only: GET /api/dossiers/:id/attachments/:attachmentId) */
  attachments: DossierAttachmentInfo[]
  /** the electronic result (issue 21, Art. 22), when one is attached; the file: GET /api/dossiers/:id/result */
  result: import('./dossier-result-schemas.js').DossierResultInfo | null
  /** the province's own code of the dossier (issue 25 "Inbound"), unique within the center */
  provincialCode: string | null
  /** W2: the fee (Art. 24) */
  fee: DossierFee
  /** issue 21 (Art. 19.5): the end of the 3rd working day after the receipt, while a supplement may still be asked (received or processing, none asked yet); else null */
  supplementLimitAt: string | null
  /** issue 21 (Art. 22.5): a result ready before its due day; `open` while it may be handed over early (ready, before the due day: a notice first) */
  earlyReturn: { open: boolean; notices: DossierEarlyNotice[] } | null
  /** issue 24: the consent to messages the clerk recorded at intake (the receipt slip prints it), or null */
  notifyConsent: DossierNotifyConsent | null
  /** issue 24: the dossier's active sign-ups for messages (push, SMS, Zalo), which a clerk can stop at the citizen's request */
  messagesActive: number
  /** path of the public lookup page with center, code and lookup code (lookupPath()); pages put their origin in front; the slip's QR encodes the absolute URL */
  lookupPath: string
}

/** A row of the clerk's and manager's lists (GET /api/dossiers). */
export interface DossierSummary {
  id: string
  code: string
  status: DossierStatus
  channel: DossierChannel
  procedureId: string
  procedureNameVi: string
  procedureNameEn: string
  applicantName: string
  receivedAt: string | null
  dueAt: string | null
  readyAt: string | null
  outcome: DossierOutcome | null
  /** not ready/returned/rejected/withdrawn and dueAt has passed */
  overdue: boolean
  /** W3 (Art. 17.2): an online filing waiting for its answer (accepted or returned for changes) is due by then, 8 working hours after it was filed */
  answerDueAt: string | null
  /** working minutes left until answerDueAt (negative: late) */
  answerLeftMinutes: number | null
}

/** What anyone with code + lookup code sees (GET /api/public/dossiers/:code?lookupCode=). Never phone, address or ID. */
export interface PublicDossierView {
  code: string
  status: DossierStatus
  centerName: string
  procedureNameVi: string
  procedureNameEn: string
  /** the national database's code (mã thủ tục), null when not given */
  procedureNationalCode: string | null
  /** "Nguyễn V. A." */
  applicantMasked: string
  receivedAt: string | null
  dueAt: string | null
  readyAt: string | null
  returnedAt: string | null
  delivery: DossierDelivery
  /** where to collect the result, e.g. the center's name and "Quầy trả kết quả" */
  collectAt: string
  supplementNote: string | null
  /** the missing items and the last moment to bring them, while needs_supplement */
  supplementItems: string[]
  supplementDeadline: string | null
  /** the due date before the one extension, when there was one (the new one is dueAt) */
  extendedFrom: string | null
  /** issue 21 (Art. 22.5): the result was ready before its due day, and when the center told the citizen (null: not yet) */
  readyEarly: boolean
  earlyNoticeAt: string | null
  /** status changes only: no staff names, no notes except the supplement guidance */
  history: { toStatus: DossierStatus; at: string }[]
  /** an electronic result can be downloaded (ready or returned, a PDF attached): POST /api/public/dossiers/:code/result */
  resultAvailable: boolean
  /** issue 24: where SMS and Zalo messages about it go (numbers masked: 0912•••678); the citizen stops them: POST /api/public/dossiers/:code/notify/stop */
  phoneSignUps: import('./notify-schemas.js').PhoneSignUpView[]
}

/** Without 0/O, 1/I/L: read aloud and typed on a phone without mistakes. */
export const DOSSIER_LOOKUP_ALPHABET = 'ABCDEFGHJKMNPQRSTUVWXYZ23456789'

/** A day of the center's calendar that differs from the rule "Monday–Friday work, weekend off". */
export interface CalendarDay {
  /** YYYY-MM-DD */
  date: string
  /** holiday: a weekday off (Tết, 30/4 …); workday: a Saturday or Sunday worked (make-up day) */
  kind: 'holiday' | 'workday'
  name: string
}

/** The public lookup page's URL for a dossier (what the slip's QR encodes). */
export function lookupPath(centerSlug: string, code: string, lookupCode: string): string {
  const q = new URLSearchParams({ center: centerSlug, code, lookupCode })
  return `/tra-cuu?${q.toString()}`
}
