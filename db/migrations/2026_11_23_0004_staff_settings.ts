// Frozen: never edit a migration that has landed; add a new one.
import { sql, type Kysely } from 'kysely'

/** Center settings of the manager's console that were constants until now. */
export async function up(db: Kysely<any>): Promise<void> {
  // a counter paused this long shows an alert on the manager's floor view (was the constant 30)
  await sql`ALTER TABLE center ADD COLUMN pause_alert_minutes integer NOT NULL DEFAULT 30
    CONSTRAINT center_pause_alert_minutes_range CHECK (pause_alert_minutes BETWEEN 1 AND 480)`.execute(db)
  // the settings list of a center's staff, and "which staff of this center are active"
  await sql`CREATE INDEX staff_center ON staff (center_id, active)`.execute(db)
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`DROP INDEX IF EXISTS staff_center`.execute(db)
  await sql`ALTER TABLE center DROP COLUMN IF EXISTS pause_alert_minutes`.execute(db)
}
