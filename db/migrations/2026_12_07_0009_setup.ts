// Frozen: never edit a migration that has landed; add a new one.
import { sql, type Kysely } from 'kysely'

/**
 * The one-time set-up link of an empty install (server/setup/): the hashes of the tokens printed at
 * start, at most one of which is ever used; and the center's address and province, asked by set-up.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`ALTER TABLE center
    ADD COLUMN address text NOT NULL DEFAULT '' CONSTRAINT center_address_length CHECK (char_length(address) <= 300),
    ADD COLUMN province text NOT NULL DEFAULT '' CONSTRAINT center_province_length CHECK (char_length(province) <= 100)`.execute(db)
  // A token is printed, never stored: only its SHA-256. A start that still finds no admin replaces the
  // unused tokens with a new one; using one replaces the rest.
  await sql`
    CREATE TABLE setup_token (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      token_hash text NOT NULL UNIQUE CHECK (token_hash ~ '^[0-9a-f]{64}$'),
      created_at timestamptz NOT NULL DEFAULT now(),
      replaced_at timestamptz,
      used_at timestamptz,
      -- the first admin, created in the transaction that used the token
      used_by uuid REFERENCES staff(id),
      CONSTRAINT setup_token_used_or_replaced CHECK (used_at IS NULL OR replaced_at IS NULL)
    )`.execute(db)
  // set-up happens once per install: two tokens used at once cannot both commit
  await sql`CREATE UNIQUE INDEX setup_token_used_once ON setup_token ((true)) WHERE used_at IS NOT NULL`.execute(db)
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`DROP TABLE IF EXISTS setup_token`.execute(db)
  await sql`ALTER TABLE center DROP COLUMN IF EXISTS province, DROP COLUMN IF EXISTS address`.execute(db)
}
