// Frozen once landed: never edit a migration that has landed; add a new one.
import { sql, type Kysely } from 'kysely'

/**
 * Issue 24: a counter's queue marks the tickets of a booking ("Hẹn 09:00"), read by the ticket: an index
 * from a checked-in appointment to its ticket, so the queue list (up to 100 tickets) probes it per ticket
 * instead of reading every appointment ever made.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`CREATE INDEX appointment_ticket ON appointment (ticket_id) WHERE ticket_id IS NOT NULL`.execute(db)
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`DROP INDEX IF EXISTS appointment_ticket`.execute(db)
}
