// Views the API returns and pages show. Server maps rows to these explicitly.
export type TicketStatus =
  | 'waiting' | 'called' | 'serving' | 'done' | 'no_show' | 'held' | 'transferred' | 'cancelled' | 'expired'
export type CounterStatus = 'closed' | 'open' | 'paused'
export type StaffRole = 'admin' | 'manager' | 'clerk'
export const PAUSE_REASONS = ['break', 'meeting', 'field_work', 'other'] as const
export type PauseReason = (typeof PAUSE_REASONS)[number]
/** the choices of "back in" a clerk has when pausing (minutes), and the most the API takes */
export const PAUSE_MINUTES_CHOICES = [5, 15, 30, 60] as const
export const PAUSE_MAX_MINUTES = 240

export interface TicketView {
  id: string
  code: string
  number: number
  status: TicketStatus
  centerSlug: string
  serviceId: string
  serviceNameVi: string
  serviceNameEn: string
  serviceDay: string
  priorityGroup: string | null
  issuedAt: string
  queueAt: string
  calledAt: string | null
  startedAt: string | null
  finishedAt: string | null
  counterId: string | null
  counterNumber: number | null
  /** 1 = next to be called; null unless waiting */
  position: number | null
  /** tickets of the same service called before this one; null unless waiting */
  ahead: number | null
  /** minutes until this ticket is called, the lunch break and the time before opening counted; null unless waiting */
  estimatedWaitMinutes: number | null
  /** 'HH:MM' when the counters call again, while the center is in its break or not yet open; null otherwise or unless waiting */
  callsResumeAt: string | null
  transferredFromId: string | null
  transferredToId: string | null
  /** the dossier this ticket checked in with (online filing intake or result pickup); null when none */
  dossierId: string | null
  dossierCode: string | null
  /** W2 (issue 22): issued by a clerk at the counter (a walk-in), not by the kiosk */
  counterIssued: boolean
}

/**
 * A ticket as the kiosk's tap (or a check-in) answers it, once, to the kiosk that prints it: with the
 * ticket's secret, which the phone page's reads, its socket and the rating need beside the id, and the
 * phone page's link that carries it (`/t/<id>#k=<secret>`, the QR on the paper ticket). Never broadcast.
 */
export interface IssuedTicket extends TicketView {
  secret: string
  phonePath: string
}

export interface ServiceStat {
  id: string
  waiting: number
  estimatedWaitMinutes: number
  /** the service's daily cap is used up: the kiosk shows the tile as full */
  capReached: boolean
}

/** A service as pages name and show it (kiosk tiles, the staff console's lists). */
export interface ServiceInfo {
  id: string
  code: string
  prefix: string
  nameVi: string
  nameEn: string
  icon: string
  active: boolean
  targetWaitMinutes: number
}

export interface BoardService extends ServiceStat, ServiceInfo {
  dailyCap: number | null
}

export interface CounterView {
  id: string
  number: number
  name: string
  status: CounterStatus
  pauseReason: string | null
  /** when a paused counter's clerk said they would be back (ISO); null when not said or not paused */
  pauseUntil: string | null
  statusSince: string
  staffName: string | null
  currentTicket: { id: string; code: string; status: 'called' | 'serving' } | null
  services: { id: string; tier: 1 | 2 }[]
}

/** A call as the wall sees it: the code and the counter, never the ticket's id (public; `recentCalls`, `ticket:called`). */
export interface CallView {
  code: string
  serviceId: string
  counterId: string
  counterNumber: number
  calledAt: string
}

/**
 * A counter as public pages see it (the board, `counter:changed`): its current ticket by code only (a
 * ticket's id is for its holder and the staff), its pause reason's category only.
 */
export interface PublicCounterView extends Omit<CounterView, 'currentTicket'> {
  currentTicket: { code: string; status: 'called' | 'serving' } | null
}

export interface BoardSnapshot {
  seq: number
  centerSlug: string
  centerName: string
  serviceDay: string
  open: boolean
  acceptingTickets: boolean
  /** why the kiosk does not issue now; null while it does */
  closedReason: 'before_open' | 'after_cutoff' | 'closed_day' | 'center_inactive' | null
  /** today's opening hours, e.g. "07:00–11:30, 13:30–17:00"; '' on a day without hours */
  hoursToday: string
  /** 'HH:MM' when the counters call again, during the day's break or before its first opening; null otherwise */
  callsResumeAt: string | null
  /** when the center opens next, while the kiosk does not issue (before opening: today's first opening; after the cut-off and on closed days: the next day with hours, holidays and make-up days applied) */
  nextOpen: { day: string; at: string } | null
  /** the address citizens' phones reach (PUBLIC_URL, no trailing slash) for the QR codes pages draw; null when the install has none set */
  publicUrl: string | null
  ticketCutoff: string | null
  announcementTemplate: string
  services: BoardService[]
  counters: PublicCounterView[]
  recentCalls: CallView[]
  readyDossiers: string[]
}

export interface StaffView {
  id: string
  username: string
  fullName: string
  role: StaffRole
  centerId: string | null
  centerSlug: string | null
  /** the password was set by someone else: only changing it is allowed until then (PASSWORD_CHANGE_REQUIRED) */
  firstLogin: boolean
}

export interface CenterSummary { slug: string; name: string; nameEn: string }

export interface ProcedureView {
  id: string
  code: string
  nameVi: string
  nameEn: string
  serviceId: string
  serviceNameVi: string
  serviceNameEn: string
  processingDays: number
  feeVnd: number
  feeNote: string
  documents: string[]
  /** the national database's code (mã thủ tục, e.g. 1.001193); null: not given */
  nationalCode: string | null
}

export interface PriorityGroupView { id: string; code: string; nameVi: string; nameEn: string; bonusMinutes: number }
