// Views of the staff console (clerk's counter, manager's floor). The server maps rows to these explicitly.
import type { CounterView, ServiceInfo, StaffRole, TicketView } from './types.js'

export type StaffServiceOption = ServiceInfo

/** The center as the console needs it; `now` is the server's clock (pages tick from it, not from the PC's). */
export interface StaffCenterInfo {
  slug: string
  name: string
  serviceDay: string
  /** counters are expected to serve now (within today's opening hours) */
  open: boolean
  hoursToday: string
  ticketCutoff: string | null
}

export interface StaffCountersResponse {
  now: string
  center: StaffCenterInfo
  counters: CounterView[]
  services: StaffServiceOption[]
  /** the counter the caller has open (or paused), to resume it */
  myCounterId: string | null
}

/** A ticket in a counter's live queue. */
export interface QueueTicket {
  id: string
  code: string
  serviceId: string
  /** 1 = a primary service of the counter, 2 = a backup service (called only when no primary ticket waits) */
  tier: 1 | 2
  priorityGroup: string | null
  priorityNameVi: string | null
  priorityNameEn: string | null
  issuedAt: string
  queueAt: string
  transferred: boolean
  /** issue 24: checked in with a booking of this slot ('HH:MM'): it queues as if it came then */
  appointmentSlot?: string | null
  /** issue 22: transferred to this very counter (listed first, called first, whatever its service) */
  forThisCounter?: boolean
  /** the note the clerk who transferred it wrote, and the counter it came from */
  transferNote?: string | null
  transferredFromCounter?: number | null
  /** held tickets: when it was parked */
  heldAt?: string | null
}

export interface CounterQueueResponse {
  now: string
  /** the center is within today's opening hours */
  open: boolean
  hoursToday: string
  counter: CounterView
  /** the counter's called or serving ticket */
  current: TicketView | null
  /** waiting tickets of the counter's services, in the order call-next takes them (at most 100) */
  waiting: QueueTicket[]
  /** all waiting tickets of the counter's services, by tier */
  waitingTotal: { primary: number; backup: number }
  /** tickets the caller holds (parked while the citizen fills a form) */
  held: QueueTicket[]
  /** issue 22: the current ticket came by a transfer: the note written, the counter and the code it came from */
  currentTransfer: { note: string | null; fromCounter: number | null; fromCode: string } | null
}

export interface MyDayResponse {
  now: string
  serviceDay: string
  /** tickets the caller completed today */
  served: number
  /** mean of finished − started over those tickets; null when none */
  averageServiceSeconds: number | null
  noShows: number
  transferred: number
}

export interface FloorCounter extends CounterView {
  /** whole minutes in the current status (open, paused, closed) */
  minutesInStatus: number
}

export interface FloorService extends StaffServiceOption {
  waiting: number
  /** minutes the longest-waiting ticket has waited since it was issued; null when nobody waits */
  longestWaitMinutes: number | null
  estimatedWaitMinutes: number
  servedToday: number
}

export type FloorAlert =
  | { kind: 'wait'; serviceId: string; prefix: string; minutes: number; targetMinutes: number }
  | { kind: 'pause'; counterId: string; counterNumber: number; minutes: number; limitMinutes: number; reason: string | null }
  /** W3 (Art. 17.2): an online filing with under 2 working hours left to be answered (`leftMinutes` < 0: late) */
  | { kind: 'online'; dossierId: string; code: string; leftMinutes: number; answerDueAt: string }

export interface FloorResponse {
  now: string
  center: StaffCenterInfo
  pauseAlertMinutes: number
  counters: FloorCounter[]
  services: FloorService[]
  alerts: FloorAlert[]
}

export interface ServiceSettings extends StaffServiceOption {
  dailyCap: number | null
  defaultServiceMinutes: number
  /** no ticket, dossier or rating names it: it may be deleted (otherwise only deactivated) */
  deletable: boolean
}

/** What the activity log lists (no zod here: pages import this file). */
export const AUDIT_ENTITIES = ['service', 'ticket', 'counter', 'center', 'procedure', 'staff', 'priority_group', 'calendar_day', 'dossier'] as const
export type AuditEntity = (typeof AUDIT_ENTITIES)[number]

export interface AuditEntry {
  /** unique across the sources: 'a…' setting change, 't…' ticket event, 'c…' counter event, 'd…' dossier event */
  id: string
  at: string
  staffId: string | null
  staffName: string | null
  entity: AuditEntity
  entityId: string
  /** "A · Hộ tịch" for a service, the ticket code, the counter number, "khai-sinh · Đăng ký khai sinh", "Quàng Thị Hoa (canbo1)", a priority group's name */
  entityLabel: string | null
  /** 'update' for a setting; the event type for a ticket ('called', 'completed', …) or a counter ('open', 'pause', …) */
  action: string
  /** a setting: every changed field; a ticket: status (and counter number); a counter: the pause reason */
  changes: Record<string, { from: unknown; to: unknown }>
}

export interface CounterSettings {
  id: string
  number: number
  name: string
  status: 'closed' | 'open' | 'paused'
  /** service ids, in the order they were set */
  primary: string[]
  backup: string[]
  /** a deactivated counter is closed and offered to no clerk */
  active: boolean
}

/** A center as the admin manages it (centers, services, counters administration: H6). */
export interface CenterAdminView {
  id: string
  slug: string
  name: string
  nameEn: string
  timeZone: string
  dossierPrefix: string
  address: string
  province: string
  active: boolean
  services: number
  counters: number
}

/** ISO weekday ('1' = Monday … '7' = Sunday) to ordered, non-overlapping 'HH:MM' intervals */
export type WeekHours = Partial<Record<'1' | '2' | '3' | '4' | '5' | '6' | '7', [string, string][]>>

export interface CenterSettings {
  slug: string
  name: string
  openingHours: WeekHours
  ticketCutoff: string | null
  announcementTemplate: string
  /** a counter paused this many minutes or longer alerts the floor view */
  pauseAlertMinutes: number
  /** W3: the agency identifier starting every dossier code (Art. 28.a), e.g. NS or 000.00.19.H09 */
  dossierPrefix: string
}

/** A procedure as the manager edits it (inactive ones too; the kiosk lists the active ones). */
export interface ProcedureSettings {
  id: string
  code: string
  serviceId: string
  nameVi: string
  nameEn: string
  /** legal processing time in working days (0: the same day) */
  processingDays: number
  feeVnd: number
  feeNote: string
  /** required documents, in the order the kiosk lists them */
  documents: string[]
  active: boolean
  /** the national database's code (mã thủ tục, e.g. 1.001193); null: not given */
  nationalCode: string | null
  onlineLevel: OnlineLevel
}

// ---- procedure catalog import/export, audit log pages (H7) ----

/** Level of online public service (Decree 42/2022/NĐ-CP): information only, in part (một phần), in full (toàn trình). */
export const ONLINE_LEVELS = ['info', 'partial', 'full'] as const
export type OnlineLevel = (typeof ONLINE_LEVELS)[number]

/** One problem of an imported row: the row as the spreadsheet numbers it (the header is row 1), or the item of a JSON list (1 = first). */
export interface ImportProblem {
  row: number
  /** the column's key (`nationalCode`, `service`, …), or '' for the whole row or file */
  field: string
  message: string
}

/** What an import would do to one row, before anything is written. */
export interface ImportRowPreview {
  row: number
  nationalCode: string
  nameVi: string
  /** the service's prefix letter, once found */
  service: string | null
  action: 'create' | 'update' | 'unchanged' | 'invalid'
  /** the fields an update would change */
  changes: string[]
  problems: ImportProblem[]
}

export interface ImportPreview {
  rows: ImportRowPreview[]
  /** every problem, of the file and of each row, in row order */
  problems: ImportProblem[]
  counts: { create: number; update: number; unchanged: number; invalid: number }
}

/** A page of the audit log: `next` is the cursor of the following page, null on the last one. */
export interface AuditPage {
  /** the first and last service day listed (the center's time zone); `day` = `to`, kept for older pages */
  from: string
  to: string
  day: string
  entries: AuditEntry[]
  next: string | null
}

/** A staff account as the settings list shows it (never its password or hash). */
export interface StaffAccount {
  id: string
  username: string
  fullName: string
  role: StaffRole
  active: boolean
  /** null: an admin, who belongs to no center */
  centerSlug: string | null
  /** the counter the account has open or paused now */
  counterNumber: number | null
  createdAt: string
  /** its password was set by someone else and it has not chosen its own yet */
  firstLogin: boolean
}

/** A priority group as the manager edits it (inactive ones too; the kiosk offers the active ones). */
export interface PriorityGroupSettings {
  id: string
  /** what the kiosk sends (`priorityGroup`); fixed once created */
  code: string
  nameVi: string
  nameEn: string
  /** a ticket of the group counts as issued this many minutes earlier (0–600); applies to tickets issued after a change */
  bonusMinutes: number
  active: boolean
}
