// Frozen once landed: never edit a migration that has landed; add a new one.
import { sql, type Kysely } from 'kysely'

/**
 * Issue 24 (Decree 13/2023): a booking's subscription ends with the booking (checked in, cancelled,
 * no-show); the application now ends it in that change's transaction. This ends those of bookings that
 * ended before, so no copy of a phone number stays active for a booking that is over.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`UPDATE notify_subscription s SET active = false FROM appointment a
    WHERE a.id = s.appointment_id AND s.active AND a.status <> 'booked'`.execute(db)
}

export async function down(): Promise<void> {
  // the subscriptions stay ended: their bookings are over
}
