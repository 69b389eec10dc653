// Frozen once landed: never edit a migration that has landed; add a new one.
import { sql, type Kysely } from 'kysely'

/**
 * Issue 21 "Electronic result" and issue 25 "Inbound":
 * - `dossier_result`: the dossier's electronic result (Decree 118 Art. 22), one PDF per dossier, kept in
 *   the database (a center has no file store to back up apart from it), at most 10 MiB; who attached it
 *   (a clerk, or an API token for the province's system) and how often the citizen downloaded it.
 * - `dossier.provincial_code`: the province's own code of the dossier, unique within a center, by which the
 *   province's system reads it, moves it and attaches its result.
 * - `webhook_subscription.allow_private`: an admin's explicit permission for a webhook to reach a private,
 *   loopback or link-local address (a receiver on the commune LAN); without it such URLs are refused at save
 *   time and at send time after DNS resolution (server/outbox/url-policy.ts). Existing loopback webhooks
 *   (allowed before this migration) keep working.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    CREATE TABLE dossier_result (
      dossier_id uuid PRIMARY KEY REFERENCES dossier(id) ON DELETE CASCADE,
      name text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
      content_type text NOT NULL CHECK (content_type = 'application/pdf'),
      size integer NOT NULL CHECK (size BETWEEN 1 AND 10485760),
      sha256 text NOT NULL,
      data bytea NOT NULL CHECK (octet_length(data) = size),
      attached_by uuid REFERENCES staff(id) ON DELETE SET NULL,
      api_token_id uuid REFERENCES api_token(id) ON DELETE SET NULL,
      attached_at timestamptz NOT NULL,
      downloads integer NOT NULL DEFAULT 0,
      last_downloaded_at timestamptz
    )`.execute(db)
  await sql`ALTER TABLE dossier ADD COLUMN provincial_code text CHECK (provincial_code ~ '^[A-Za-z0-9][A-Za-z0-9._-]{0,59}$')`.execute(db)
  await sql`CREATE UNIQUE INDEX dossier_provincial_code ON dossier (center_id, provincial_code) WHERE provincial_code IS NOT NULL`.execute(db)
  await sql`ALTER TABLE webhook_subscription ADD COLUMN allow_private boolean NOT NULL DEFAULT false`.execute(db)
  await sql`UPDATE webhook_subscription SET allow_private = true WHERE url ~* '^https?://(localhost|127\\.[0-9.]+|\\[::1\\])(:[0-9]+)?(/|$)'`.execute(db)
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`ALTER TABLE webhook_subscription DROP COLUMN IF EXISTS allow_private`.execute(db)
  await sql`DROP INDEX IF EXISTS dossier_provincial_code`.execute(db)
  await sql`ALTER TABLE dossier DROP COLUMN IF EXISTS provincial_code`.execute(db)
  await sql`DROP TABLE IF EXISTS dossier_result`.execute(db)
}
