// Frozen once landed: never edit a migration that has landed; add a new one.
import { sql, type Kysely } from 'kysely'

/**
 * A ticket's secret (issue 19, item 4): printed on the ticket's QR (the phone page's link) and never
 * broadcast; the phone page's reads, its socket and the rating need it with the ticket's id. And a counter's
 * rating-tablet key: the tablet at the counter (`/danh-gia?counter=N`) rates the tickets finished there
 * with it. Both are made by PostgreSQL in the statement that inserts the row (the kiosk's tap stays one
 * statement): 24 bytes from two `gen_random_uuid()` (a strong random source, core, on PostgreSQL 15 and
 * PGlite alike), base64url, 32 characters. Existing rows get their own (a volatile default is evaluated
 * per row).
 */
const RANDOM_KEY = sql`translate(encode(decode(substr(replace(gen_random_uuid()::text || gen_random_uuid()::text, '-', ''), 1, 48), 'hex'), 'base64'), '+/', '-_')`

export async function up(db: Kysely<any>): Promise<void> {
  await sql`ALTER TABLE ticket ADD COLUMN secret text NOT NULL DEFAULT ${RANDOM_KEY}`.execute(db)
  await sql`ALTER TABLE counter ADD COLUMN rating_key text NOT NULL DEFAULT ${RANDOM_KEY}`.execute(db)
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`ALTER TABLE counter DROP COLUMN rating_key`.execute(db)
  await sql`ALTER TABLE ticket DROP COLUMN secret`.execute(db)
}
