import type { Db, Executor } from '../../db/create-db.js'
import type { LoginFailureTable } from '../../db/types-ratelimit.js'
import { AppError } from '../errors.js'
import type { Clock } from '../clock.js'

/**
 * How many password guesses a login answers, per address, per address and username, and per username
 * from anywhere (docs/staff.md, "Login guessing").
 */
export interface LoginLimits {
  /** failed logins one address may make for one username in 15 minutes */
  perAddressAndUsername: number
  /** failed logins one address may make, whatever the usernames, in 15 minutes */
  perAddress: number
  /** failed logins of one username, from any address, before each further attempt waits (backs off) */
  backoffAfter: number
}

export const DEFAULT_LOGIN_LIMITS: LoginLimits = { perAddressAndUsername: 10, perAddress: 30, backoffAfter: 5 }

const WINDOW_MS = 15 * 60_000
/** the first wait of a username that backs off, doubled at each further failure up to MAX_WAIT_MS */
const FIRST_WAIT_MS = 5_000
const MAX_WAIT_MS = 60_000
/** a username that signed in from an address is "known" there this long */
const KNOWN_MS = 30 * 86_400_000
const SWEEP_MS = 60_000
/** the longest an attempt waits for the one before it of its address on this instance (inTurn) */
const TURN_WAIT_MS = 5_000
const SWEEP_ROWS = 500

type Row = Pick<LoginFailureTable, 'key' | 'failures' | 'since' | 'signed_in_at'>
/** failed logins counted since `start` (forgotten WINDOW_MS after it); for a username, `start` is its last failure */
interface Count { count: number; start: number }

/** One attempt let through: counted as a failure until it says otherwise, and in flight until it says which. */
export interface LoginAttempt { succeeded(): Promise<void>; failed(): void; undo(): Promise<void> }

/**
 * What is shared and what is not. The counts are rows of `login_failure` (migration 0027), shared by every
 * instance on one database and kept over a restart: per address (`a:`), per address and username (`p:`, with
 * when that username last signed in from there) and per username (`u:`). An attempt reads and counts its three
 * rows in one short transaction that locks them (always in the order a, p, u, as every statement that locks
 * several rows takes them: no deadlock), so attempts racing
 * in on any instance are counted exactly; its decision spans three counters, which no single-row upsert can
 * make. What stays in this instance's memory is only the waiting: which of its own attempts are in flight (their
 * password still being checked) and who waits for them to land. An attempt of another instance in flight is
 * counted as the failure it may become, so there it is refused rather than waited for.
 */
export class LoginThrottle {
  /** this instance's attempts of an address whose password is being checked, and who waits for one of them to land */
  private inFlight = new Map<string, number>()
  private waiting = new Map<string, Array<() => void>>()
  /** the last of this instance's transactions on each address's rows, queued or running (inTurn) */
  private turns = new Map<string, Promise<void>>()
  private sweptAt = 0

  constructor(private db: Db, private clock: Clock, private limits: LoginLimits) {}

  /**
   * Lets an attempt through, counted in advance as a failure (so attempts racing in at once are all
   * counted), or refuses it with 429: LOGIN_THROTTLED (this address) or LOGIN_BACKOFF (this username),
   * with `seconds` to wait. The password of a refused attempt is never checked.
   * An attempt that the address's cap would refuse only if every attempt of that address still in flight
   * here failed waits for them to land first: 40 clerks behind one NAT signing in at once on their first day
   * all get in, while 40 racing guesses still get exactly the cap checked.
   */
  async begin(address: string, username: string): Promise<LoginAttempt> {
    for (;;) {
      const entered = await this.enter(address, username)
      if ('attempt' in entered) return entered.attempt
      await entered.landed
    }
  }

  private async enter(address: string, username: string): Promise<{ attempt: LoginAttempt } | { landed: Promise<void> }> {
    const now = this.clock().getTime()
    this.sweep(now)
    const keys = { a: `a:${address}`, p: `p:${address}|${username}`, u: `u:${username}` }
    let admitted = false
    try {
      return await this.inTurn(address, () => this.db.transaction().execute(async (trx) => {
        const rows = await lockRows(trx, Object.values(keys), now)
        const pair = rows.get(keys.p)!
        // the clerk's own PC: this username signed in from this address lately
        const known = pair.signed_in_at !== null && now - new Date(pair.signed_in_at).getTime() < KNOWN_MS
        const addressFails = live(rows.get(keys.a)!, now)
        const pairFails = live(pair, now)
        const flying = this.inFlight.get(address) ?? 0
        const cap = this.limits.perAddress
        if (flying > 0 && addressFails.count >= cap && addressFails.count - flying < cap) return { landed: this.landing(address) }
        if (pairFails.count >= this.limits.perAddressAndUsername) throttled(pairFails, now)
        if (!known && addressFails.count >= cap) throttled(addressFails, now)
        const backoff = backoffOf(rows.get(keys.u)!, now)
        const wait = this.waitOf(backoff, now)
        // a stranger's failures never hold back an address that has not failed for this username lately
        if (wait > 0 && !known && pairFails.count > 0) throw new AppError('LOGIN_BACKOFF', { seconds: Math.ceil(wait / 1000) })

        const pairCount = counted(pairFails, now)
        const keptKnown = pair.signed_in_at ? new Date(pair.signed_in_at).getTime() + KNOWN_MS : 0
        await write(trx, [
          { key: keys.a, ...counted(addressFails, now), keptUntil: addressFails.start + WINDOW_MS },
          { key: keys.p, ...pairCount, keptUntil: Math.max(pairCount.start + WINDOW_MS, keptKnown) },
          { key: keys.u, count: backoff.count + 1, start: Math.max(backoff.start, now), keptUntil: Math.max(backoff.start, now) + WINDOW_MS },
        ])
        // in flight from before the commit: an attempt waiting on these rows' locks sees it once they are free
        this.inFlight.set(address, (this.inFlight.get(address) ?? 0) + 1) // `flying` may have landed meanwhile
        admitted = true
        return { attempt: this.attempt(address, keys, now) }
      }))
    } catch (err) {
      if (admitted) this.land(address)
      throw err
    }
  }

  private attempt(address: string, keys: { a: string; p: string; u: string }, now: number): LoginAttempt {
    let landed = false
    /** a right password or a failure that was nobody's guess: not counted; in flight no more once that is written */
    const uncount = async (signedIn: boolean) => {
      if (landed) return
      landed = true
      try {
        await this.inTurn(address, () => this.db.transaction().execute(async (trx) => {
          const held = [keys.a, keys.p, keys.u]
          await lockInOrder(trx, held) // as every attempt takes them: no deadlock with a login starting meanwhile
          await trx.updateTable('login_failure').set((eb) => ({
            failures: eb.fn('greatest', [eb('failures', '-', 1), eb.lit(0)]),
            ...(signedIn && {
              signed_in_at: eb.case().when('key', '=', keys.p).then(new Date(now)).else(eb.ref('signed_in_at')).end(),
              kept_until: eb.case().when('key', '=', keys.p).then(eb.fn<Date>('greatest', [eb.ref('kept_until'), eb.val(new Date(now + KNOWN_MS))])).else(eb.ref('kept_until')).end(),
            }),
          })).where('key', 'in', held).execute()
        }))
      } finally { this.land(address) }
    }
    return {
      undo: () => uncount(false),
      succeeded: () => uncount(true),
      failed: () => { if (!landed) { landed = true; this.land(address) } },
    }
  }

  /**
   * Runs `run` once this instance's earlier transactions on `address`'s rows have ended, or TURN_WAIT_MS have
   * passed (one stuck on a dead connection does not hold the address's logins for good: the rows' locks still
   * order them). They would wait for each other on those locks anyway, each holding a pool connection while it
   * waits: many clerks signing in at once behind one address would take as many of the pool's connections while
   * the kiosk's taps wait for one. So one waits per address.
   */
  private inTurn<T>(address: string, run: () => Promise<T>): Promise<T> {
    const before = this.turns.get(address)
    const result = (before ? settledWithin(before, TURN_WAIT_MS) : Promise.resolve()).then(run)
    const done = result.then(() => {}, () => {})
    this.turns.set(address, done)
    void done.then(() => { if (this.turns.get(address) === done) this.turns.delete(address) })
    return result
  }

  /** resolves when one of this instance's attempts of `address` lands (registered at once: none is missed) */
  private landing(address: string): Promise<void> {
    return new Promise<void>((resolve) => this.waiting.set(address, [...(this.waiting.get(address) ?? []), resolve]))
  }

  private land(address: string) {
    const left = (this.inFlight.get(address) ?? 1) - 1
    if (left > 0) this.inFlight.set(address, left)
    else this.inFlight.delete(address)
    const waiters = this.waiting.get(address)
    this.waiting.delete(address)
    for (const w of waiters ?? []) w()
  }

  /** how long (ms) a username must still wait after its failures, 0 when it need not */
  private waitOf(b: Count, now: number): number {
    if (b.count < this.limits.backoffAfter) return 0
    const delay = Math.min(MAX_WAIT_MS, FIRST_WAIT_MS * 2 ** (b.count - this.limits.backoffAfter))
    return Math.max(0, b.start + delay - now)
  }

  /** deletes the rows that no longer count, at most once a minute per instance; never awaited by a login */
  private sweep(now: number) {
    if (Math.abs(now - this.sweptAt) < SWEEP_MS) return
    this.sweptAt = now
    // the rows no attempt holds, 500 at a time: never waits for a lock, so never deadlocks with an attempt
    const expired = this.db.selectFrom('login_failure').select('key').where('kept_until', '<', new Date(now))
      .orderBy('key').limit(SWEEP_ROWS).forUpdate().skipLocked()
    void this.db.deleteFrom('login_failure').where('key', 'in', expired).executeTakeFirst()
      .then((r) => { if (Number(r.numDeletedRows) >= SWEEP_ROWS) this.sweptAt = 0 }) // more left: again at the next one
      .catch(() => {})
  }
}

/**
 * The rows of `keys`, created when missing and locked to the end of the transaction, in one statement. Rows
 * are taken in the order given: a, p, u, which is the keys' own order (`ORDER BY key`: their first letters, in
 * any collation), the order in which every statement that locks several of them takes them (lockInOrder).
 */
async function lockRows(trx: Executor, keys: string[], now: number): Promise<Map<string, Row>> {
  const at = new Date(now)
  const rows = await trx.insertInto('login_failure').values(keys.map((key) => ({ key, failures: 0, since: at, kept_until: at })))
    .onConflict((oc) => oc.column('key').doUpdateSet((eb) => ({ failures: eb.ref('login_failure.failures') })))
    .returning(['key', 'failures', 'since', 'signed_in_at']).execute()
  return new Map(rows.map((r) => [r.key, r]))
}

/** Locks the existing rows of `keys` to the end of the transaction in the keys' order, before a statement that
 * would take them in the order of its scan (a sequential scan: where the rows happen to lie). */
async function lockInOrder(trx: Executor, keys: string[]) {
  await trx.selectFrom('login_failure').select('key').where('key', 'in', keys).orderBy('key').forUpdate().execute()
}

async function write(trx: Executor, rows: Array<{ key: string; count: number; start: number; keptUntil: number }>) {
  await trx.insertInto('login_failure')
    .values(rows.map((r) => ({ key: r.key, failures: r.count, since: new Date(r.start), kept_until: new Date(r.keptUntil) })))
    .onConflict((oc) => oc.column('key').doUpdateSet((eb) => ({
      failures: eb.ref('excluded.failures'), since: eb.ref('excluded.since'), kept_until: eb.ref('excluded.kept_until'),
    }))).execute()
}

/** resolves when `p` settles or after `ms`, whichever comes first */
function settledWithin(p: Promise<void>, ms: number): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms)
    timer.unref()
    void p.then(() => { clearTimeout(timer); resolve() })
  })
}

/** the failures of an address or a pair in their window while it still counts (none once it ended) */
function live(r: Row, now: number): Count {
  const start = new Date(r.since).getTime()
  return r.failures > 0 && now - start < WINDOW_MS ? { count: r.failures, start } : { count: 0, start: now }
}

/** a username's consecutive failures, forgotten WINDOW_MS after the last one */
function backoffOf(r: Row, now: number): Count {
  const last = new Date(r.since).getTime()
  return r.failures > 0 && now - last < WINDOW_MS ? { count: r.failures, start: last } : { count: 0, start: now }
}

function counted(c: Count, now: number): Count {
  return c.count > 0 ? { count: c.count + 1, start: c.start } : { count: 1, start: now }
}

function throttled(w: Count, now: number): never {
  const seconds = Math.max(1, Math.ceil((w.start + WINDOW_MS - now) / 1000))
  throw new AppError('LOGIN_THROTTLED', { seconds, minutes: Math.ceil(seconds / 60) })
}
