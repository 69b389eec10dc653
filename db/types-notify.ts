import type { ColumnType, Generated } from 'kysely'

/** Issue 24, migrations 0020 and 0028: a citizen's request to be told about a ticket, a dossier or a booking (web push, SMS, Zalo). */

type Timestamp = ColumnType<Date, Date | string, Date | string>

export type NotifyChannel = 'push' | 'sms' | 'zalo'
/** where the citizen ticked consent: the phone ticket page, the lookup, the online filing, the counter's intake, the booking */
export type ConsentSource = 'ticket_page' | 'lookup' | 'filing' | 'counter' | 'booking'

export interface NotifySubscriptionTable {
  id: Generated<string>
  center_id: string
  ticket_id: string | null
  dossier_id: string | null
  /** a booking's confirmation (migration 0028); exactly one of ticket, dossier, appointment */
  appointment_id: string | null
  channel: NotifyChannel
  /** web push: the browser's push service address and its keys */
  endpoint: string | null
  p256dh: string | null
  auth: string | null
  /** SMS and Zalo: the number, stored as 0xxxxxxxxx */
  phone: string | null
  lang: Generated<'vi' | 'en'>
  /** when and where the citizen ticked consent (Decree 13/2023) */
  consent_at: Timestamp
  consent_source: ConsentSource
  /** "3 people ahead of you" was queued (once) */
  ahead_sent: Generated<boolean>
  /** off once the ticket or dossier ended */
  active: Generated<boolean>
  created_at: Generated<Timestamp>
}
