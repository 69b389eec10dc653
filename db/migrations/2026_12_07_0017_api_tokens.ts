// Frozen: never edit a migration that has landed; add a new one.
import { sql, type Kysely } from 'kysely'

/**
 * API tokens (issue 25): a machine client (the province's information system) acts in one center with the
 * scopes it was given. Only the SHA-256 of its secret is kept (the secret is 32 random bytes: nothing to
 * guess, so a slow hash would add nothing but CPU on every request). Audit rows and dossier events written
 * through a token name it (`api_token_id`), beside the staff member who created it.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    CREATE TABLE api_token (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      center_id uuid NOT NULL REFERENCES center(id) ON DELETE CASCADE,
      name text NOT NULL CHECK (length(name) BETWEEN 1 AND 80),
      scopes text[] NOT NULL,
      secret_hash text NOT NULL UNIQUE,
      prefix text NOT NULL,
      created_by uuid NOT NULL REFERENCES staff(id),
      created_at timestamptz NOT NULL,
      expires_at timestamptz,
      revoked_at timestamptz,
      last_used_at timestamptz,
      last_used_address text
    )`.execute(db)
  await sql`CREATE INDEX api_token_center ON api_token (center_id, created_at)`.execute(db)
  await sql`ALTER TABLE audit_log ADD COLUMN api_token_id uuid REFERENCES api_token(id) ON DELETE SET NULL`.execute(db)
  await sql`ALTER TABLE dossier_event ADD COLUMN api_token_id uuid REFERENCES api_token(id) ON DELETE SET NULL`.execute(db)
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`ALTER TABLE dossier_event DROP COLUMN IF EXISTS api_token_id`.execute(db)
  await sql`ALTER TABLE audit_log DROP COLUMN IF EXISTS api_token_id`.execute(db)
  await sql`DROP TABLE IF EXISTS api_token`.execute(db)
}
