// Frozen: never edit a migration that has landed; add a new one.
import { sql, type Kysely } from 'kysely'

/**
 * The guessing throttles' counts, shared by every instance on one database (issue 19), as migration 0023 did
 * for the per-minute limits: before this, failed logins and failed dossier lookups were counted in each
 * instance's memory, so N instances gave a guesser N budgets and a restart forgot them.
 * - `login_failure` (server/auth/login-throttle.ts): one row per address (`a:`), per address and username
 *   (`p:`, with when that username last signed in from there) and per username (`u:`).
 * - `lookup_guess` (server/dossiers/guess-throttle.ts): one row per address (`a:`, with its lock-out) and per
 *   address and dossier code (`c:`).
 * `kept_until` is when a row no longer counts for anything: rows past it are deleted. Plain tables, as
 * rate_limit_hit is: a crash losing counters would only hand out fresh budgets.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    CREATE TABLE login_failure (
      key text PRIMARY KEY CHECK (length(key) <= 300),
      failures integer NOT NULL CHECK (failures >= 0),
      since timestamptz NOT NULL,
      signed_in_at timestamptz,
      kept_until timestamptz NOT NULL
    )`.execute(db)
  await sql`CREATE INDEX login_failure_kept ON login_failure (kept_until)`.execute(db)
  await sql`
    CREATE TABLE lookup_guess (
      key text PRIMARY KEY CHECK (length(key) <= 300),
      failures integer NOT NULL CHECK (failures >= 0),
      window_end timestamptz NOT NULL,
      blocked_until timestamptz,
      strikes integer NOT NULL DEFAULT 0 CHECK (strikes >= 0),
      kept_until timestamptz NOT NULL
    )`.execute(db)
  await sql`CREATE INDEX lookup_guess_kept ON lookup_guess (kept_until)`.execute(db)
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`DROP TABLE IF EXISTS lookup_guess`.execute(db)
  await sql`DROP TABLE IF EXISTS login_failure`.execute(db)
}
