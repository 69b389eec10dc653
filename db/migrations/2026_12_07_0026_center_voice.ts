// Frozen: never edit a migration that has landed; add a new one.
import { sql, type Kysely } from 'kysely'

/**
 * A center's own voice (issue 23): the languages it announces in besides Vietnamese (slots 1 and 2, each
 * with its own template) and the clips its manager recorded, Vietnamese's (slot 0) included. A clip's
 * bytes are kept here, bounded (512 KiB) and typed (Ogg, WebM or WAV, checked on its bytes by the
 * server); `sha256` names it in the URL displays cache forever.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    CREATE TABLE voice_language (
      center_id uuid NOT NULL REFERENCES center(id) ON DELETE CASCADE,
      slot smallint NOT NULL CHECK (slot IN (1, 2)),
      name text NOT NULL CHECK (length(name) BETWEEN 2 AND 40),
      template text NOT NULL CHECK (length(template) <= 200 AND template LIKE '%{code}%' AND template LIKE '%{counter}%'),
      updated_at timestamptz NOT NULL,
      PRIMARY KEY (center_id, slot)
    )`.execute(db)
  await sql`CREATE UNIQUE INDEX voice_language_name ON voice_language (center_id, lower(name))`.execute(db)
  await sql`
    CREATE TABLE voice_clip (
      center_id uuid NOT NULL REFERENCES center(id) ON DELETE CASCADE,
      slot smallint NOT NULL CHECK (slot IN (0, 1, 2)),
      clip text NOT NULL CHECK (clip ~ '^(p-[0-9a-f]{8}|l-[a-z]{1,2}|d-[0-9]|n-[1-9][0-9])$'),
      content_type text NOT NULL CHECK (content_type IN ('audio/ogg', 'audio/webm', 'audio/wav')),
      data bytea NOT NULL,
      size integer NOT NULL CHECK (size BETWEEN 1 AND 524288 AND size = octet_length(data)),
      sha256 text NOT NULL CHECK (sha256 ~ '^[0-9a-f]{64}$'),
      recorded_by uuid REFERENCES staff(id) ON DELETE SET NULL,
      recorded_at timestamptz NOT NULL,
      PRIMARY KEY (center_id, slot, clip)
    )`.execute(db)
  // displays fetch a clip by its content hash
  await sql`CREATE INDEX voice_clip_sha ON voice_clip (center_id, sha256)`.execute(db)
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`DROP TABLE IF EXISTS voice_clip`.execute(db)
  await sql`DROP TABLE IF EXISTS voice_language`.execute(db)
}
