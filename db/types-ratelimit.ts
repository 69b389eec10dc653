import type { ColumnType } from 'kysely'

/** Migration 0023 (issue 19): the rate limiters' counters, shared by every instance (server/http/rate-limit-store.ts). */
export interface RateLimitHitTable {
  /** `<limiter>:<key>`, e.g. `login:203.0.113.7` */
  key: string
  hits: number
  reset_at: Date
}

/** Migration 0027 (issue 19): failed logins, shared by every instance (server/auth/login-throttle.ts). */
export interface LoginFailureTable {
  /** `a:<address>`, `p:<address>|<username>` or `u:<username>` */
  key: string
  failures: number
  /** the window's start (address, pair), or the last failure (username) */
  since: Date
  /** pair rows: when that username last signed in from that address */
  signed_in_at: Date | null
  kept_until: Date
}

/** Migration 0027 (issue 19): failed dossier lookups, shared by every instance (server/dossiers/guess-throttle.ts). */
export interface LookupGuessTable {
  /** `a:<address>` or `c:<address> <code>` */
  key: string
  failures: number
  window_end: Date
  /** address rows: locked out until then */
  blocked_until: Date | null
  strikes: ColumnType<number, number | undefined, number>
  kept_until: Date
}
