// Frozen: never edit a migration that has landed; add a new one.
import { sql, type Kysely } from 'kysely'

/**
 * Dossiers under Decree 118/2025/NĐ-CP (issue 21): the supplement request asked once with its list of
 * items, its 15-day deadline and its completion (which restarts the processing time); the states
 * `stopped` (at the citizen's request, Art. 21) and `closed_incomplete` (supplement not completed in
 * time, Art. 19.5); who took the result home (Art. 6.2.b–c).
 */
export async function up(db: Kysely<any>): Promise<void> {
  // New enum values cannot be used in this transaction: the checks below compare status::text.
  await sql`ALTER TYPE dossier_status ADD VALUE IF NOT EXISTS 'stopped'`.execute(db)
  await sql`ALTER TYPE dossier_status ADD VALUE IF NOT EXISTS 'closed_incomplete'`.execute(db)

  await sql`
    ALTER TABLE dossier
      -- ["Bản sao giấy chứng nhận kết hôn", …]: every missing item, listed once
      ADD COLUMN supplement_items jsonb,
      ADD COLUMN supplement_requested_at timestamptz,
      -- not completed by then: closed as incomplete (15 days after the notice, Art. 19.5)
      ADD COLUMN supplement_deadline timestamptz,
      ADD COLUMN supplement_completed_at timestamptz,
      -- the result handed to the applicant, or to an authorised person with their ID and power of attorney
      ADD COLUMN handover_to text CHECK (handover_to IN ('applicant', 'authorised')),
      ADD COLUMN handover_name text CHECK (length(handover_name) BETWEEN 1 AND 120),
      ADD COLUMN handover_id_number text CHECK (length(handover_id_number) BETWEEN 6 AND 20),
      ADD COLUMN handover_authorisation text CHECK (length(handover_authorisation) BETWEEN 1 AND 300)`.execute(db)

  // Dossiers that waited for (or had) a supplement before this migration: that request was their one.
  // Those still waiting were never told of the 15 days: they get them from today, at the least.
  await sql`
    UPDATE dossier d SET supplement_requested_at = e.at,
      supplement_deadline = greatest(e.at, now()) + interval '15 days'
    FROM (SELECT dossier_id, max(at) AS at FROM dossier_event WHERE to_status = 'needs_supplement' GROUP BY dossier_id) e
    WHERE e.dossier_id = d.id`.execute(db)

  await sql`
    ALTER TABLE dossier
      ADD CONSTRAINT dossier_supplement_deadline CHECK ((supplement_requested_at IS NULL) = (supplement_deadline IS NULL)),
      ADD CONSTRAINT dossier_supplement_requested CHECK (status::text <> 'needs_supplement' OR supplement_requested_at IS NOT NULL),
      ADD CONSTRAINT dossier_supplement_completed CHECK (supplement_completed_at IS NULL OR supplement_requested_at IS NOT NULL),
      ADD CONSTRAINT dossier_closed_incomplete CHECK (status::text <> 'closed_incomplete' OR (supplement_requested_at IS NOT NULL AND received_at IS NOT NULL)),
      ADD CONSTRAINT dossier_handover_returned CHECK (handover_to IS NULL OR status::text = 'returned'),
      ADD CONSTRAINT dossier_handover_authorised CHECK (handover_to IS DISTINCT FROM 'authorised'
        OR (handover_name IS NOT NULL AND handover_id_number IS NOT NULL AND handover_authorisation IS NOT NULL))`.execute(db)
  // the sweep that closes lapsed supplement requests
  await sql`CREATE INDEX dossier_supplement_deadline_open ON dossier (supplement_deadline) WHERE status = 'needs_supplement'`.execute(db)
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`DROP INDEX IF EXISTS dossier_supplement_deadline_open`.execute(db)
  for (const c of ['dossier_supplement_deadline', 'dossier_supplement_requested', 'dossier_supplement_completed', 'dossier_closed_incomplete',
    'dossier_handover_returned', 'dossier_handover_authorised']) {
    await sql`ALTER TABLE dossier DROP CONSTRAINT IF EXISTS ${sql.id(c)}`.execute(db)
  }
  for (const c of ['supplement_items', 'supplement_requested_at', 'supplement_deadline', 'supplement_completed_at', 'handover_to', 'handover_name',
    'handover_id_number', 'handover_authorisation']) {
    await sql`ALTER TABLE dossier DROP COLUMN IF EXISTS ${sql.id(c)}`.execute(db)
  }
  // PostgreSQL cannot drop an enum value: 'stopped' and 'closed_incomplete' stay in dossier_status, unused.
}
