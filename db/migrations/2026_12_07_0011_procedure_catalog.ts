// Frozen: never edit a migration that has landed; add a new one.
import { sql, type Kysely } from 'kysely'

/**
 * The procedure catalog as the national database (Cơ sở dữ liệu quốc gia về thủ tục hành chính) names it:
 * a procedure's national code (mã thủ tục, e.g. 1.001193) and its level of online service; and the index
 * the audit log reads dossier actions by.
 */
export async function up(db: Kysely<any>): Promise<void> {
  // "1.001193", or with a province's suffix "2.002165.000.00.00.H09"; null: not given (yet)
  await sql`ALTER TABLE procedure ADD COLUMN national_code text
    CONSTRAINT procedure_national_code_form CHECK (national_code ~ '^[0-9]\\.[0-9]{6}(\\.[0-9A-Z]{1,6}){0,6}$')`.execute(db)
  await sql`CREATE UNIQUE INDEX procedure_center_national_code ON procedure (center_id, national_code) WHERE national_code IS NOT NULL`.execute(db)
  // Decree 42/2022/NĐ-CP: online public service in full (toàn trình), in part (một phần), or information only
  await sql`ALTER TABLE procedure ADD COLUMN online_level text NOT NULL DEFAULT 'info'
    CONSTRAINT procedure_online_level CHECK (online_level IN ('info', 'partial', 'full'))`.execute(db)
  // the audit log lists a center's dossier actions newest first, a page at a time
  await sql`CREATE INDEX dossier_event_center_at ON dossier_event (center_id, at)`.execute(db)
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`DROP INDEX IF EXISTS dossier_event_center_at`.execute(db)
  await sql`DROP INDEX IF EXISTS procedure_center_national_code`.execute(db)
  await sql`ALTER TABLE procedure DROP COLUMN IF EXISTS online_level`.execute(db)
  await sql`ALTER TABLE procedure DROP COLUMN IF EXISTS national_code`.execute(db)
}
