// Frozen: never edit a migration that has landed; add a new one.
import { sql, type Kysely } from 'kysely'

/**
 * The applicant's identity at the counter (issue 22; Decree 118/2025/NĐ-CP Art. 17.1.a: the center checks
 * the citizen's electronic identity by the personal ID number): the date of birth and sex read from the
 * chip ID card's QR, and how the ID was checked. Null on online filings and on dossiers received before this.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    ALTER TABLE dossier
      ADD COLUMN applicant_birth_date date,
      ADD COLUMN applicant_sex text CHECK (applicant_sex IN ('male', 'female')),
      -- card_scan: the card's QR read by the counter's scanner; camera: by the webcam; typed: the number keyed
      -- in by the clerk; none: the citizen gave no number
      ADD COLUMN id_check text CHECK (id_check IN ('card_scan', 'camera', 'typed', 'none')),
      ADD CONSTRAINT dossier_id_check_number CHECK (id_check IS NULL OR (id_check = 'none') = (applicant_id_number IS NULL))`.execute(db)
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`
    ALTER TABLE dossier
      DROP CONSTRAINT dossier_id_check_number,
      DROP COLUMN id_check,
      DROP COLUMN applicant_sex,
      DROP COLUMN applicant_birth_date`.execute(db)
}
