import type { ClientRateLimitInfo, IncrementResponse, Options, Store } from 'express-rate-limit'
import type { Db } from '../../db/create-db.js'

/** How often a store deletes the rows whose window has ended (per store and instance). */
const SWEEP_EVERY_MS = 60_000

/**
 * An express-rate-limit store in the database (issue 19, migration 0023): every instance on one database
 * counts against the same row, so N instances do not give a stranger N budgets. One statement per hit
 * (an upsert that starts a new window when the old one has ended) on PostgreSQL and PGlite alike.
 *
 * Not a package: @acpr/rate-limit-postgresql, the store express-rate-limit lists for PostgreSQL, opens its own
 * `pg` pool and runs its own migrations in a schema of its own, so it could not run on PGlite nor in our
 * migrations and transactions. Windows are fixed (as MemoryStore's), timed by this server's clock.
 */
export class DbRateLimitStore implements Store {
  readonly localKeys = false
  readonly prefix: string
  private windowMs = 60_000
  private lastSweep = 0

  /** `name`: the limiter's own prefix (two limiters never share a counter). */
  constructor(private db: Db, name: string, private now: () => number = Date.now) {
    this.prefix = `${name}:`
  }

  init(options: Options): void {
    this.windowMs = options.windowMs
  }

  async get(key: string): Promise<ClientRateLimitInfo | undefined> {
    const r = await this.db.selectFrom('rate_limit_hit').select(['hits', 'reset_at']).where('key', '=', this.prefix + key).executeTakeFirst()
    if (!r || new Date(r.reset_at).getTime() <= this.now()) return undefined
    return { totalHits: r.hits, resetTime: new Date(r.reset_at) }
  }

  async increment(key: string): Promise<IncrementResponse> {
    const now = new Date(this.now())
    const reset = new Date(now.getTime() + this.windowMs)
    const r = await this.db.insertInto('rate_limit_hit').values({ key: this.prefix + key, hits: 1, reset_at: reset })
      .onConflict((oc) => oc.column('key').doUpdateSet((eb) => ({
        hits: eb.case().when('rate_limit_hit.reset_at', '<=', now).then(1).else(eb('rate_limit_hit.hits', '+', 1)).end(),
        reset_at: eb.case().when('rate_limit_hit.reset_at', '<=', now).then(reset).else(eb.ref('rate_limit_hit.reset_at')).end(),
      })))
      .returning(['hits', 'reset_at']).executeTakeFirstOrThrow()
    this.sweep(now)
    return { totalHits: r.hits, resetTime: new Date(r.reset_at) }
  }

  async decrement(key: string): Promise<void> {
    await this.db.updateTable('rate_limit_hit').set((eb) => ({ hits: eb.fn('greatest', [eb('hits', '-', 1), eb.lit(0)]) }))
      .where('key', '=', this.prefix + key).execute()
  }

  async resetKey(key: string): Promise<void> {
    await this.db.deleteFrom('rate_limit_hit').where('key', '=', this.prefix + key).execute()
  }

  /** Deletes the rows whose window has ended (any limiter's: the next hit would start afresh anyway); never awaited by a request. */
  private sweep(now: Date): void {
    if (now.getTime() - this.lastSweep < SWEEP_EVERY_MS) return
    this.lastSweep = now.getTime()
    void this.db.deleteFrom('rate_limit_hit').where('reset_at', '<', now).execute().catch(() => {})
  }
}
