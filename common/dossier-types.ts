/**
 * The dossier contract (DESIGN §3 "Dossier", §5): shared by the server and every page.
 * Staff views carry the applicant's contact data; public views never do (masked name only).
 */

export const DOSSIER_STATUSES = [
  'submitted_online', 'received', 'processing', 'needs_supplement', 'ready', 'returned', 'rejected', 'withdrawn',
] as const
export type DossierStatus = (typeof DOSSIER_STATUSES)[number]

/**
 * Allowed moves through `POST /api/dossiers/:id/status`. `submitted_online → received` is not here:
 * it happens through `POST /api/dossiers/:id/receive`, which checks the documents and sets the due date.
 */
export const DOSSIER_TRANSITIONS: Record<DossierStatus, readonly DossierStatus[]> = {
  submitted_online: ['rejected', 'withdrawn'],
  received: ['processing', 'needs_supplement', 'rejected', 'withdrawn'],
  processing: ['needs_supplement', 'ready', 'rejected', 'withdrawn'],
  needs_supplement: ['processing', 'rejected', 'withdrawn'],
  ready: ['returned'],
  returned: [],
  rejected: [],
  withdrawn: [],
}

/** early: ready before the due day began; on_time: ready by dueAt; late: after dueAt. Null until ready. */
export type DossierOutcome = 'early' | 'on_time' | 'late'
export type DossierChannel = 'counter' | 'online'
export type DossierDelivery = 'center' | 'post'

export interface DossierApplicant {
  fullName: string
  phone: string
  address: string
  /** optional; never shown publicly */
  idNumber: string | null
}

export interface DossierHistoryEntry {
  /** 'received' | 'status' | 'extended' | 'checked_in' | 'filed_online' */
  type: string
  fromStatus: DossierStatus | null
  toStatus: DossierStatus
  at: string
  staffName: string | null
  note: string | null
}

export interface DossierExtension {
  at: string
  previousDueAt: string
  newDueAt: string
  reason: string
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
  procedure: { id: string; code: string; nameVi: string; nameEn: string; serviceId: string; processingDays: number; feeVnd: number }
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
  history: DossierHistoryEntry[]
  extensions: DossierExtension[]
  /** files of an online filing (staff only: GET /api/dossiers/:id/attachments/:attachmentId) */
  attachments: DossierAttachmentInfo[]
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
}

/** What anyone with code + lookup code sees (GET /api/public/dossiers/:code?lookupCode=). Never phone, address or ID. */
export interface PublicDossierView {
  code: string
  status: DossierStatus
  centerName: string
  procedureNameVi: string
  procedureNameEn: string
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
  /** status changes only: no staff names, no notes except the supplement guidance */
  history: { toStatus: DossierStatus; at: string }[]
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
