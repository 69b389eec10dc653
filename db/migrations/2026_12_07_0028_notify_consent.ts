// Frozen once landed: never edit a migration that has landed; add a new one.
import { sql, type Kysely } from 'kysely'

/**
 * Issue 24: consent to messages given where the citizen is not on a "notify me" page: the consent box of
 * the counter's intake form (`counter`) and the phone number of a booking (`booking`). A booking's
 * subscription names the appointment (its one message: the booking's confirmation); at check-in the
 * ticket gets a subscription of its own. A subscription names exactly one ticket, dossier or appointment.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`ALTER TABLE notify_subscription ADD COLUMN appointment_id uuid REFERENCES appointment(id) ON DELETE CASCADE`.execute(db)
  // the names PostgreSQL gave the unnamed checks of migration 0020
  await sql`ALTER TABLE notify_subscription DROP CONSTRAINT notify_subscription_consent_source_check`.execute(db)
  await sql`ALTER TABLE notify_subscription ADD CONSTRAINT notify_subscription_consent_source_check
    CHECK (consent_source IN ('ticket_page', 'lookup', 'filing', 'counter', 'booking'))`.execute(db)
  await sql`ALTER TABLE notify_subscription DROP CONSTRAINT notify_subscription_check`.execute(db)
  await sql`ALTER TABLE notify_subscription ADD CONSTRAINT notify_subscription_one_target
    CHECK (num_nonnulls(ticket_id, dossier_id, appointment_id) = 1)`.execute(db)
  await sql`DROP INDEX notify_subscription_target`.execute(db)
  await sql`CREATE UNIQUE INDEX notify_subscription_target ON notify_subscription
    (coalesce(ticket_id, dossier_id, appointment_id), channel, coalesce(endpoint, phone))`.execute(db)
  await sql`CREATE INDEX notify_subscription_appointment ON notify_subscription (appointment_id) WHERE appointment_id IS NOT NULL`.execute(db)
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`DELETE FROM notify_subscription WHERE appointment_id IS NOT NULL OR consent_source IN ('counter', 'booking')`.execute(db)
  await sql`DROP INDEX notify_subscription_appointment`.execute(db)
  await sql`DROP INDEX notify_subscription_target`.execute(db)
  await sql`CREATE UNIQUE INDEX notify_subscription_target ON notify_subscription (coalesce(ticket_id, dossier_id), channel, coalesce(endpoint, phone))`.execute(db)
  await sql`ALTER TABLE notify_subscription DROP CONSTRAINT notify_subscription_one_target`.execute(db)
  await sql`ALTER TABLE notify_subscription ADD CONSTRAINT notify_subscription_check CHECK ((ticket_id IS NULL) <> (dossier_id IS NULL))`.execute(db)
  await sql`ALTER TABLE notify_subscription DROP CONSTRAINT notify_subscription_consent_source_check`.execute(db)
  await sql`ALTER TABLE notify_subscription ADD CONSTRAINT notify_subscription_consent_source_check
    CHECK (consent_source IN ('ticket_page', 'lookup', 'filing'))`.execute(db)
  await sql`ALTER TABLE notify_subscription DROP COLUMN appointment_id`.execute(db)
}
