// Frozen: never edit a migration that has landed; add a new one.
import { sql, type Kysely } from 'kysely'

/**
 * The counter's work (issue 22): tickets a clerk issues at the counter (a walk-in after the kiosk's
 * cut-off, or a citizen who cannot use the kiosk), dossiers that came by post, and the fees of
 * Decree 118/2025/NĐ-CP Art. 24 (due from the procedure, paid, how, the receipt number, who collected).
 */
export async function up(db: Kysely<any>): Promise<void> {
  // issued by a clerk at their counter, straight into "serving" there (the same number sequence as the kiosk's)
  await sql`ALTER TABLE ticket ADD COLUMN counter_issued boolean NOT NULL DEFAULT false`.execute(db)

  // how the dossier reached the center: at a counter (in person), online, or by post
  await sql`ALTER TABLE dossier DROP CONSTRAINT IF EXISTS dossier_channel_check`.execute(db)
  await sql`ALTER TABLE dossier ADD CONSTRAINT dossier_channel_check CHECK (channel IN ('counter', 'online', 'post'))`.execute(db)

  await sql`
    ALTER TABLE dossier
      -- the procedure's fee when the dossier was received (the catalog may change later)
      ADD COLUMN fee_due_vnd integer CHECK (fee_due_vnd >= 0),
      ADD COLUMN fee_paid_vnd integer CHECK (fee_paid_vnd >= 0),
      ADD COLUMN fee_method text CHECK (fee_method IN ('cash', 'bank_transfer', 'national_portal')),
      ADD COLUMN fee_receipt text CHECK (length(fee_receipt) BETWEEN 1 AND 40),
      ADD COLUMN fee_collected_by uuid REFERENCES staff(id),
      ADD COLUMN fee_collected_at timestamptz,
      -- a payment is recorded whole: how much, how, by whom, when
      ADD CONSTRAINT dossier_fee_paid CHECK ((fee_paid_vnd IS NULL) = (fee_method IS NULL)
        AND (fee_paid_vnd IS NULL) = (fee_collected_by IS NULL) AND (fee_paid_vnd IS NULL) = (fee_collected_at IS NULL))`.execute(db)
  // "fees collected" per day: the reports read payments by their time
  await sql`CREATE INDEX dossier_fee_collected ON dossier (center_id, fee_collected_at) WHERE fee_collected_at IS NOT NULL`.execute(db)
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`DROP INDEX IF EXISTS dossier_fee_collected`.execute(db)
  await sql`ALTER TABLE dossier DROP CONSTRAINT IF EXISTS dossier_fee_paid`.execute(db)
  for (const c of ['fee_due_vnd', 'fee_paid_vnd', 'fee_method', 'fee_receipt', 'fee_collected_by', 'fee_collected_at']) {
    await sql`ALTER TABLE dossier DROP COLUMN IF EXISTS ${sql.id(c)}`.execute(db)
  }
  await sql`UPDATE dossier SET channel = 'counter' WHERE channel = 'post'`.execute(db)
  await sql`ALTER TABLE dossier DROP CONSTRAINT IF EXISTS dossier_channel_check`.execute(db)
  await sql`ALTER TABLE dossier ADD CONSTRAINT dossier_channel_check CHECK (channel IN ('counter', 'online'))`.execute(db)
  await sql`ALTER TABLE ticket DROP COLUMN IF EXISTS counter_issued`.execute(db)
}
