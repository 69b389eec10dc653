import type { ColumnType, Generated, Insertable, Selectable, Updateable } from 'kysely'
import type { AppointmentRuleTable, AppointmentTable } from './types-appointments.js'
import type { LoginFailureTable, LookupGuessTable, RateLimitHitTable } from './types-ratelimit.js'
import type { NotifySubscriptionTable } from './types-notify.js'
export type { ConsentSource, NotifyChannel, NotifySubscriptionTable } from './types-notify.js'
import type { ApiTokenTable, DossierResultTable, OutboxDeliveryTable, OutboxEventTable, WebhookSubscriptionTable } from './types-integration.js'
export type { ApiTokenTable, OutboxDeliveryTable, OutboxEventTable, WebhookSubscriptionTable }
import type { VoiceClipTable, VoiceLanguageTable } from './types-voice.js'
export type { VoiceClipTable, VoiceLanguageTable }

export type StaffRole = 'admin' | 'manager' | 'clerk'
export type CounterStatus = 'closed' | 'open' | 'paused'
export type TicketStatus =
  | 'waiting' | 'called' | 'serving' | 'done' | 'no_show' | 'held' | 'transferred' | 'cancelled' | 'expired'

type Timestamp = ColumnType<Date, Date | string, Date | string>
type GeneratedTimestamp = ColumnType<Date, Date | string | undefined, Date | string>
type Json<T> = ColumnType<T, string, string>
/** 'YYYY-MM-DD' both ways (the type parsers keep DATE as text on both backends) */
type DateText = string

/** ISO weekday ('1' = Monday … '7' = Sunday) to open intervals [['07:00','11:30'], …] */
export type OpeningHours = Partial<Record<'1' | '2' | '3' | '4' | '5' | '6' | '7', [string, string][]>>

export interface CenterTable {
  id: Generated<string>
  slug: string
  name: string
  name_en: Generated<string>
  time_zone: Generated<string>
  opening_hours: Json<OpeningHours>
  ticket_cutoff: string | null
  announcement_template: Generated<string>
  created_at: GeneratedTimestamp
  /** a counter paused this long alerts the manager's floor view (migration 0004) */
  pause_alert_minutes: Generated<number>
  /** dossier codes start with it: NS-261123-0007 (migration 0003) */
  dossier_prefix: Generated<string>
  /** citizen rating scale, 3 or 5 levels (migration 0005) */
  rating_scale: Generated<3 | 5>
  /** the center's postal address and province, asked by set-up (migration 0009) */
  address: Generated<string>
  province: Generated<string>
  /** a deactivated center issues no ticket; its kiosk says it is closed (migration 0010) */
  active: Generated<boolean>
}

/** a one-time set-up link's token: only its SHA-256 is kept (migration 0009) */
export interface SetupTokenTable {
  id: Generated<string>
  token_hash: string
  created_at: GeneratedTimestamp
  replaced_at: Timestamp | null
  used_at: Timestamp | null
  used_by: string | null
}

export interface CenterBoardSeqTable { center_id: string; seq: Generated<number> }

export interface ServiceTable {
  id: Generated<string>
  center_id: string
  code: string
  prefix: string
  name_vi: string
  name_en: string
  icon: Generated<string>
  active: Generated<boolean>
  target_wait_minutes: Generated<number>
  default_service_minutes: Generated<number>
  daily_cap: number | null
  sort_order: Generated<number>
  /** the result-pickup service ("Trả kết quả"): check-ins of ready dossiers queue here (migration 0003) */
  is_pickup: Generated<boolean>
}

export interface ProcedureTable {
  id: Generated<string>
  center_id: string
  service_id: string
  code: string
  name_vi: string
  name_en: Generated<string>
  processing_days: number
  fee_vnd: Generated<number>
  fee_note: Generated<string>
  documents: Json<string[]>
  active: Generated<boolean>
  /** the national database's code (mã thủ tục, e.g. 1.001193), unique in a center; null: not given (migration 0011) */
  national_code: string | null
  /** level of online public service: information only, in part, in full (migration 0011) */
  online_level: Generated<OnlineLevel>
}

export type OnlineLevel = 'info' | 'partial' | 'full'

export interface StaffTable {
  id: Generated<string>
  center_id: string | null
  username: string
  full_name: string
  role: StaffRole
  password_hash: string
  active: Generated<boolean>
  created_at: GeneratedTimestamp
  /** the password was set by someone else: the account must choose its own at its next login (migration 0008) */
  must_change_password: Generated<boolean>
  /** when the account last chose its own password (migration 0008) */
  password_changed_at: Timestamp | null
}

export interface StaffSessionTable {
  token_hash: string
  staff_id: string
  created_at: GeneratedTimestamp
  expires_at: Timestamp
  revoked_at: Timestamp | null
}

export interface CounterTable {
  id: Generated<string>
  center_id: string
  number: number
  name: Generated<string>
  status: Generated<CounterStatus>
  pause_reason: string | null
  /** when a paused counter's clerk said they would be back; null when not said or not paused (migration 0031) */
  pause_until: Timestamp | null
  status_since: GeneratedTimestamp
  staff_id: string | null
  /** a deactivated counter is closed, cannot be opened, and is listed nowhere but in settings (migration 0010) */
  active: Generated<boolean>
  /** the key of the counter's rating tablet (`/danh-gia?counter=N`), given to managers only (migration 0007) */
  rating_key: Generated<string>
}

export interface CounterServiceTable { counter_id: string; service_id: string; tier: 1 | 2 }

export interface CounterEventTable {
  id: Generated<number>
  counter_id: string
  staff_id: string | null
  type: string
  reason: string | null
  at: Timestamp
}

export interface PriorityGroupTable {
  id: Generated<string>
  center_id: string
  code: string
  name_vi: string
  name_en: string
  bonus_minutes: Generated<number>
  active: Generated<boolean>
  sort_order: Generated<number>
}

/** `booked`: bookings of that day still holding a place under the daily cap (migration 0019) */
export interface TicketNumberTable { service_id: string; service_day: DateText; last: number; booked: Generated<number> }

/** Waiting tickets per service and day, kept by triggers on `ticket` (migration 0006): never written by the app. */
export interface QueueCountTable { service_id: string; service_day: DateText; waiting: number }

export interface TicketTable {
  id: Generated<string>
  center_id: string
  service_id: string
  service_day: DateText
  number: number
  code: string
  status: Generated<TicketStatus>
  priority_group_id: string | null
  queue_at: Timestamp
  issued_at: Timestamp
  called_at: Timestamp | null
  started_at: Timestamp | null
  finished_at: Timestamp | null
  counter_id: string | null
  staff_id: string | null
  call_count: Generated<number>
  request_id: string | null
  transferred_from_id: string | null
  /** the dossier this ticket checked in with (migration 0003) */
  dossier_id: Generated<string | null>
  /** printed on the ticket's QR, never broadcast: the phone page and the rating need it (migration 0007) */
  secret: Generated<string>
  /** W2, migration 0014: issued by a clerk at the counter (a walk-in after the cut-off), straight into serving */
  counter_issued: Generated<boolean>
  /** migration 0021 (issue 22): transferred to a counter: kept for it while waiting, and the note for its clerk */
  for_counter_id: ColumnType<string | null, string | null | undefined, string | null>
  transfer_note: ColumnType<string | null, string | null | undefined, string | null>
}

export interface TicketEventTable {
  id: Generated<number>
  ticket_id: string
  center_id: string
  type: string
  from_status: TicketStatus | null
  to_status: TicketStatus
  counter_id: string | null
  staff_id: string | null
  at: Timestamp
  data: Json<Record<string, unknown>>
}

/** Migration 0005: one citizen rating per ticket; `level` is the score on the 5-level axis (generated). */
export interface RatingTable {
  id: Generated<string>
  ticket_id: string
  center_id: string
  service_id: string
  counter_id: string | null
  staff_id: string | null
  scale: 3 | 5
  score: number
  level: ColumnType<number, never, never>
  reasons: ColumnType<string[], string[] | undefined, string[]>
  comment: string | null
  channel: 'phone' | 'counter'
  created_at: Timestamp
}

export interface AuditLogTable {
  id: Generated<number>
  center_id: string
  staff_id: string | null
  entity: string
  entity_id: string
  action: string
  changes: Json<Record<string, { from: unknown; to: unknown }>>
  at: Timestamp
  /** the API token that made the change, when one did (migration 0017) */
  api_token_id: Generated<string | null>
}

// ---- dossiers (migration 0003) ----
export type DossierStatus =
  | 'submitted_online' | 'received' | 'processing' | 'needs_supplement' | 'ready' | 'returned' | 'rejected' | 'withdrawn'
  // migration 0012 (issue 21)
  | 'stopped' | 'closed_incomplete'
export type CalendarDayKind = 'holiday' | 'workday'

export interface CalendarDayTable { center_id: string; date: DateText; kind: CalendarDayKind; name: string }
export interface DossierNumberTable { center_id: string; day: DateText; last: number }

export interface DossierTable {
  id: Generated<string>
  center_id: string
  code: string
  lookup_code: string
  status: DossierStatus
  /** how it reached the center (migration 0014 adds 'post') */
  channel: 'counter' | 'online' | 'post'
  procedure_id: string
  applicant_name: string
  applicant_phone: string
  applicant_address: string
  applicant_id_number: string | null
  documents: Json<{ name: string; received: boolean }[]>
  sets: Generated<number>
  delivery: Generated<'center' | 'post'>
  ticket_id: string | null
  received_at: Timestamp | null
  received_by: string | null
  due_at: Timestamp | null
  ready_at: Timestamp | null
  outcome: 'early' | 'on_time' | 'late' | null
  returned_at: Timestamp | null
  returned_by: string | null
  supplement_note: string | null
  note: string | null
  request_id: string | null
  created_at: Timestamp
  updated_at: Timestamp
  // migration 0012 (issue 21): the supplement request (once), and who took the result
  supplement_items: ColumnType<string[] | null, string | null, string | null>
  supplement_requested_at: Timestamp | null
  supplement_deadline: Timestamp | null
  supplement_completed_at: Timestamp | null
  handover_to: 'applicant' | 'authorised' | null
  handover_name: string | null
  handover_id_number: string | null
  handover_authorisation: string | null
  // W1, migration 0013 (issue 22): read from the ID card's QR, and how the ID was checked (Art. 17.1.a)
  applicant_birth_date: DateText | null
  applicant_sex: 'male' | 'female' | null
  id_check: 'card_scan' | 'camera' | 'typed' | 'none' | null
  // W2, migration 0014: the fee (Decree 118 Art. 24)
  fee_due_vnd: number | null
  fee_paid_vnd: number | null
  fee_method: 'cash' | 'bank_transfer' | 'national_portal' | null
  fee_receipt: string | null
  fee_collected_by: string | null
  fee_collected_at: Timestamp | null
  /** migration 0021 (issue 22): the name folded for search, generated by PostgreSQL (never written) */
  applicant_fold: ColumnType<string, never, never>
  // migration 0024 (issue 25 "Inbound"): the province's own code, unique within the center
  provincial_code: ColumnType<string | null, string | null | undefined, string | null>
}

export interface DossierEventTable {
  id: Generated<number>
  dossier_id: string
  center_id: string
  type: string
  from_status: DossierStatus | null
  to_status: DossierStatus
  staff_id: string | null
  at: Timestamp
  note: string | null
  data: Json<Record<string, unknown>>
  /** the API token that made the change, when one did (migration 0017) */
  api_token_id: Generated<string | null>
}

export interface DossierAttachmentTable {
  id: Generated<string>
  dossier_id: string
  name: string
  content_type: 'application/pdf' | 'image/jpeg' | 'image/png'
  size: number
  data: Uint8Array
  created_at: Timestamp
}

export interface Database {
  center: CenterTable
  center_board_seq: CenterBoardSeqTable
  service: ServiceTable
  procedure: ProcedureTable
  staff: StaffTable
  staff_session: StaffSessionTable
  counter: CounterTable
  counter_service: CounterServiceTable
  counter_event: CounterEventTable
  priority_group: PriorityGroupTable
  ticket_number: TicketNumberTable
  queue_count: QueueCountTable
  ticket: TicketTable
  ticket_event: TicketEventTable
  audit_log: AuditLogTable
  rating: RatingTable
  calendar_day: CalendarDayTable
  dossier_number: DossierNumberTable
  dossier: DossierTable
  dossier_event: DossierEventTable
  dossier_attachment: DossierAttachmentTable
  setup_token: SetupTokenTable
  api_token: ApiTokenTable
  dossier_result: DossierResultTable
  // W6, migration 0018: the outbox and its webhook subscriptions
  webhook_subscription: WebhookSubscriptionTable
  outbox_event: OutboxEventTable
  outbox_delivery: OutboxDeliveryTable
  // migration 0023 (issue 19): rate-limit counters shared by every instance
  rate_limit_hit: RateLimitHitTable
  // migration 0027 (issue 19): the guessing throttles' counts, shared by every instance
  login_failure: LoginFailureTable
  lookup_guess: LookupGuessTable
  // migration 0019 (issue 24): appointments
  appointment_rule: AppointmentRuleTable
  appointment: AppointmentTable
  // issue 24, migration 0020: citizens' notification subscriptions
  notify_subscription: NotifySubscriptionTable
  // migration 0026 (issue 23): the center's own voice
  voice_language: VoiceLanguageTable
  voice_clip: VoiceClipTable
}

// ---- API tokens (migration 0017, issue 25) ----

export type Center = Selectable<CenterTable>
export type Service = Selectable<ServiceTable>
export type Procedure = Selectable<ProcedureTable>
export type Staff = Selectable<StaffTable>
export type Counter = Selectable<CounterTable>
export type PriorityGroup = Selectable<PriorityGroupTable>
export type Ticket = Selectable<TicketTable>
export type NewTicket = Insertable<TicketTable>
export type TicketUpdate = Updateable<TicketTable>
export type Dossier = Selectable<DossierTable>

// W6, migration 0018 (issue 25 "Outbound"): rows written by triggers on the event tables, delivered by server/outbox
