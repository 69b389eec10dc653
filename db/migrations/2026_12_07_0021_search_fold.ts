// Frozen: never edit a migration that has landed; add a new one.
import { sql, type Kysely } from 'kysely'

/**
 * The clerk's minute (issue 22), what the database keeps for it:
 * - `dossier.applicant_fold`: the applicant's name folded for search ("Nguyễn Văn Tuyết" → "nguyen van
 *   tuyet"), a column PostgreSQL generates from the name, so every write keeps it whoever writes. Not the
 *   `unaccent` extension: PGlite ships it only as a separate bundle, and `unaccent()` is not immutable, so
 *   it cannot generate a column. `translate()` and `lower()` are, on both backends; `lower()` is left only
 *   ASCII to fold (the table maps every marked letter, upper and lower case), so the database's locale
 *   does not matter. common/fold.ts `foldText` is the same fold in JavaScript (tests/search-fold.test.ts
 *   compares the two, letter by letter, on both backends).
 * - `dossier.applicant_phone` in one form: +84 / 84 / 0084 written with the trunk 0, spaces, dots, dashes
 *   and brackets dropped (new writes: the request schema, common/fold.ts `normalizePhone`).
 * - A ticket transferred to a counter (not only to a service): `for_counter_id` keeps it for that counter's
 *   call-next until it is called (or the counter closes), and `transfer_note` is what the next clerk reads.
 */
export async function up(db: Kysely<any>): Promise<void> {
  // the fold table, as it was when this migration was written (frozen here, not imported)
  let from = 'đĐ'
  let to = 'dd'
  for (const [a, b] of [[0xc0, 0x24f], [0x1e00, 0x1eff]] as const) {
    for (let cp = a; cp <= b; cp++) {
      const ch = String.fromCodePoint(cp)
      const base = ch.normalize('NFD').replace(/\p{M}/gu, '')
      if (base !== ch && /^[A-Za-z]$/.test(base)) { from += ch; to += base.toLowerCase() }
    }
  }
  await sql`ALTER TABLE dossier ADD COLUMN applicant_fold text
    GENERATED ALWAYS AS (lower(translate(applicant_name, ${sql.lit(from)}, ${sql.lit(to)}))) STORED`.execute(db)

  // phone numbers written before: one form (the same rule as normalizePhone for what the old schema let in)
  await sql`UPDATE dossier SET applicant_phone = regexp_replace(applicant_phone, '[^0-9+]', '', 'g')
    WHERE applicant_phone ~ '[^0-9+]'`.execute(db)
  await sql`UPDATE dossier SET applicant_phone = '0' || substr(applicant_phone, 4)
    WHERE applicant_phone ~ '^\\+84[1-9][0-9]{7,9}$'`.execute(db)
  await sql`UPDATE dossier SET applicant_phone = '0' || substr(applicant_phone, 3)
    WHERE applicant_phone ~ '^84[1-9][0-9]{8}$'`.execute(db)

  await sql`ALTER TABLE ticket
    ADD COLUMN for_counter_id uuid REFERENCES counter(id),
    -- read only while the ticket waits; kept afterwards as the record of where it was sent
    ADD COLUMN transfer_note text CHECK (length(transfer_note) BETWEEN 1 AND 200)`.execute(db)
  await sql`CREATE INDEX ticket_for_counter ON ticket (for_counter_id, queue_at) WHERE for_counter_id IS NOT NULL`.execute(db)
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`DROP INDEX IF EXISTS ticket_for_counter`.execute(db)
  await sql`ALTER TABLE ticket DROP COLUMN IF EXISTS transfer_note`.execute(db)
  await sql`ALTER TABLE ticket DROP COLUMN IF EXISTS for_counter_id`.execute(db)
  await sql`ALTER TABLE dossier DROP COLUMN IF EXISTS applicant_fold`.execute(db)
}
