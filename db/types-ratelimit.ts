/** Migration 0023 (issue 19): the rate limiters' counters, shared by every instance (server/http/rate-limit-store.ts). */
export interface RateLimitHitTable {
  /** `<limiter>:<key>`, e.g. `login:203.0.113.7` */
  key: string
  hits: number
  reset_at: Date
}
