// Frozen: never edit a migration that has landed; add a new one.
import { sql, type Kysely } from 'kysely'

/**
 * An account whose password someone else set (created or reset by a manager or an admin) must choose its own
 * at its next login, and can do nothing else until then. Accounts that exist keep working as they are.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`ALTER TABLE staff ADD COLUMN must_change_password boolean NOT NULL DEFAULT false`.execute(db)
  await sql`ALTER TABLE staff ADD COLUMN password_changed_at timestamptz`.execute(db)
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`ALTER TABLE staff DROP COLUMN IF EXISTS password_changed_at`.execute(db)
  await sql`ALTER TABLE staff DROP COLUMN IF EXISTS must_change_password`.execute(db)
}
