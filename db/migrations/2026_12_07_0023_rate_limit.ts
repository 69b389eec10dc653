// Frozen: never edit a migration that has landed; add a new one.
import { sql, type Kysely } from 'kysely'

/**
 * Rate-limit counters shared by every instance on one database (issue 19): one row per limiter and key
 * (`<limiter>:<address or token>`), its hits in the current window and when that window ends. Before this, each
 * instance counted in its own memory, so with N instances a stranger had N budgets for lookup guesses, logins and
 * filings. Rows are tiny and short-lived: a window that ended is reset by the next hit, and rows ended a while
 * ago are deleted (server/http/rate-limit-store.ts). Not UNLOGGED: PGlite keeps no WAL distinction, and a crash
 * losing counters would only hand out fresh budgets, so the plain table is kept for the same behaviour on both.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    CREATE TABLE rate_limit_hit (
      key text PRIMARY KEY CHECK (length(key) <= 200),
      hits integer NOT NULL CHECK (hits >= 0),
      reset_at timestamptz NOT NULL
    )`.execute(db)
  await sql`CREATE INDEX rate_limit_hit_reset ON rate_limit_hit (reset_at)`.execute(db)
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`DROP TABLE IF EXISTS rate_limit_hit`.execute(db)
}
