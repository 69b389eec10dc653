// Frozen: never edit a migration that has landed; add a new one.
import { sql, type Kysely } from 'kysely'

/**
 * The agency identifier of the dossier code (Decree 118/2025/NĐ-CP Art. 28.a: "mã định danh của cơ quan"), a setting of
 * the center its manager edits (issue 21). `dossier_prefix` keeps its name and its values (NS, HS, …); the check widens
 * from 1–6 capitals/digits to the national identifier codes as well: groups of 1–6 capitals/digits joined by dots,
 * at most 5 groups and 20 characters ("000.00.19.H09", "H09.22.15").
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`ALTER TABLE center DROP CONSTRAINT IF EXISTS center_dossier_prefix_check`.execute(db)
  await sql`ALTER TABLE center ADD CONSTRAINT center_dossier_prefix_check
    CHECK (dossier_prefix ~ '^[A-Z0-9]{1,6}([.][A-Z0-9]{1,6}){0,4}$' AND length(dossier_prefix) <= 20)`.execute(db)
}

/** Back to the narrow check: a center with a dotted identifier gets its first letters again (HS when none). */
export async function down(db: Kysely<any>): Promise<void> {
  await sql`ALTER TABLE center DROP CONSTRAINT IF EXISTS center_dossier_prefix_check`.execute(db)
  await sql`UPDATE center SET dossier_prefix = 'HS' WHERE dossier_prefix !~ '^[A-Z][A-Z0-9]{0,5}$'`.execute(db)
  await sql`ALTER TABLE center ADD CONSTRAINT center_dossier_prefix_check CHECK (dossier_prefix ~ '^[A-Z][A-Z0-9]{0,5}$')`.execute(db)
}
