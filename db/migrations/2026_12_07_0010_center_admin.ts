// Frozen: never edit a migration that has landed; add a new one.
import { sql, type Kysely } from 'kysely'

/**
 * Centers, services and counters administered from the console: a center or a counter can be
 * deactivated (never deleted while anything names it), and a service's prefix letter is unique among
 * the center's active services only, so a deactivated service's letter can be given to a new one.
 */
export async function up(db: Kysely<any>): Promise<void> {
  // a deactivated center issues no ticket; its kiosk says it is closed (docs/staff.md)
  await sql`ALTER TABLE center ADD COLUMN active boolean NOT NULL DEFAULT true`.execute(db)
  // a deactivated counter is closed and cannot be opened
  await sql`ALTER TABLE counter ADD COLUMN active boolean NOT NULL DEFAULT true`.execute(db)
  await sql`ALTER TABLE counter ADD CONSTRAINT counter_inactive_closed CHECK (active OR status = 'closed')`.execute(db)
  await sql`ALTER TABLE service DROP CONSTRAINT service_center_id_prefix_key`.execute(db)
  await sql`CREATE UNIQUE INDEX service_active_prefix ON service (center_id, prefix) WHERE active`.execute(db)
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`DROP INDEX IF EXISTS service_active_prefix`.execute(db)
  await sql`ALTER TABLE service ADD CONSTRAINT service_center_id_prefix_key UNIQUE (center_id, prefix)`.execute(db)
  await sql`ALTER TABLE counter DROP CONSTRAINT IF EXISTS counter_inactive_closed`.execute(db)
  await sql`ALTER TABLE counter DROP COLUMN IF EXISTS active`.execute(db)
  await sql`ALTER TABLE center DROP COLUMN IF EXISTS active`.execute(db)
}
