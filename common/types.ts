// Views the API returns and pages show. Server maps rows to these explicitly.
export type TicketStatus =
  | 'waiting' | 'called' | 'serving' | 'done' | 'no_show' | 'held' | 'transferred' | 'cancelled' | 'expired'
export type CounterStatus = 'closed' | 'open' | 'paused'
export type StaffRole = 'admin' | 'manager' | 'clerk'
export const PAUSE_REASONS = ['break', 'meeting', 'field_work', 'other'] as const
export type PauseReason = (typeof PAUSE_REASONS)[number]

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
  estimatedWaitMinutes: number | null
  transferredFromId: string | null
  transferredToId: string | null
  /** the dossier this ticket checked in with (online filing intake or result pickup); null when none */
  dossierId: string | null
  dossierCode: string | null
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
  statusSince: string
  staffName: string | null
  currentTicket: { id: string; code: string; status: 'called' | 'serving' } | null
  services: { id: string; tier: 1 | 2 }[]
}

export interface CallView {
  ticketId: string
  code: string
  serviceId: string
  counterId: string
  counterNumber: number
  calledAt: string
}

export interface BoardSnapshot {
  seq: number
  centerSlug: string
  centerName: string
  serviceDay: string
  open: boolean
  acceptingTickets: boolean
  /** why the kiosk does not issue now; null while it does */
  closedReason: 'before_open' | 'after_cutoff' | 'closed_day' | null
  /** today's opening hours, e.g. "07:00–11:30, 13:30–17:00" */
  hoursToday: string
  ticketCutoff: string | null
  announcementTemplate: string
  services: BoardService[]
  counters: CounterView[]
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
}

export interface PriorityGroupView { id: string; code: string; nameVi: string; nameEn: string; bonusMinutes: number }
