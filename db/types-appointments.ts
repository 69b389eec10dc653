import type { ColumnType, Generated, Selectable } from 'kysely'

// The tables of appointments (migration 0019, issue 24). Part of `Database` (db/types.ts).

type Timestamp = ColumnType<Date, Date | string, Date | string>

export type AppointmentStatus = 'booked' | 'cancelled' | 'kept' | 'late' | 'no_show'

/** A service's slots on a weekday: their length and how many citizens each takes. No row: no booking that weekday. */
export interface AppointmentRuleTable {
  service_id: string
  weekday: number
  slot_minutes: number
  capacity: number
}

export interface AppointmentTable {
  id: Generated<string>
  center_id: string
  service_id: string
  /** the service day, 'YYYY-MM-DD' */
  day: string
  /** the slot's start, 'HH:MM' local */
  slot: string
  starts_at: Timestamp
  /** six digits, unique per center and day: typed at the kiosk */
  code: string
  /** in the booking's own link (`/dat-lich/<id>#k=<secret>`): cancelling needs it */
  secret: Generated<string>
  status: Generated<AppointmentStatus>
  phone: string | null
  phone_consent_at: Timestamp | null
  request_id: string | null
  created_at: Timestamp
  cancelled_at: Timestamp | null
  checked_in_at: Timestamp | null
  ticket_id: string | null
}

export type Appointment = Selectable<AppointmentTable>
export type AppointmentRule = Selectable<AppointmentRuleTable>
