// Frozen once landed: never edit a migration that has landed; add a new one.
import { sql, type Kysely } from 'kysely'

/**
 * Issue 24: a clerk who pauses can say when they will be back ("quay lại sau 30 phút"); the wall and the staff
 * console show it, and the estimates count the counter from then (when not said: as long again as
 * the pause has lasted, at least 10 minutes). Null: not said, or the counter is not paused.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`ALTER TABLE counter ADD COLUMN pause_until timestamptz`.execute(db)
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`ALTER TABLE counter DROP COLUMN pause_until`.execute(db)
}
