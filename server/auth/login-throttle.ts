import { AppError } from '../errors.js'

/**
 * How many password guesses a login answers, per address, per address and username, and per username
 * from anywhere (docs/staff.md, "Login guessing"). In this process's memory: a restart forgets it.
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

/** failed logins counted since `start` (forgotten WINDOW_MS after it) */
interface Window { count: number; start: number }
/** consecutive failed logins of a username, forgotten WINDOW_MS after the last one */
interface Backoff { count: number; last: number }
interface Pair { fails?: Window; signedInAt?: number }

/** One attempt let through: counted as a failure until it says otherwise, and in flight until it says which. */
export interface LoginAttempt { succeeded(): void; failed(): void; undo(): void }

export class LoginThrottle {
  private addresses = new Map<string, Window>()
  private pairs = new Map<string, Pair>()
  private usernames = new Map<string, Backoff>()
  /** attempts of an address whose password is being checked, and who waits for one of them to land */
  private inFlight = new Map<string, number>()
  private waiting = new Map<string, Array<() => void>>()
  private sweptAt = 0

  constructor(private limits: LoginLimits) {}

  /**
   * Lets an attempt through, counted in advance as a failure (so attempts racing in at once are all
   * counted), or refuses it with 429: LOGIN_THROTTLED (this address) or LOGIN_BACKOFF (this username),
   * with `seconds` to wait. The password of a refused attempt is never checked.
   * An attempt that the address's cap would refuse only if every attempt of that address still in flight
   * failed waits for them to land first: 40 clerks behind one NAT signing in at once on their first day all
   * get in, while 40 racing guesses still get exactly the cap checked.
   */
  async begin(address: string, username: string, now: number): Promise<LoginAttempt> {
    for (;;) {
      const flying = this.inFlight.get(address) ?? 0
      const fails = live(this.addresses.get(address), now)?.count ?? 0
      if (flying === 0 || fails < this.limits.perAddress || fails - flying >= this.limits.perAddress) break
      await new Promise<void>((resolve) => this.waiting.set(address, [...(this.waiting.get(address) ?? []), resolve]))
    }
    return this.enter(address, username, now)
  }

  private enter(address: string, username: string, now: number): LoginAttempt {
    this.sweep(now)
    const pairKey = `${address}|${username}`
    const pair = this.pairs.get(pairKey)
    // the clerk's own PC: this username signed in from this address lately
    const known = pair?.signedInAt !== undefined && now - pair.signedInAt < KNOWN_MS
    const pairFails = live(pair?.fails, now)
    const addressFails = live(this.addresses.get(address), now)
    if (pairFails && pairFails.count >= this.limits.perAddressAndUsername) throttled(pairFails, now)
    if (!known && addressFails && addressFails.count >= this.limits.perAddress) throttled(addressFails, now)
    const backoff = this.usernames.get(username)
    const wait = backoff ? this.waitOf(backoff, now) : 0
    // a stranger's failures never hold back an address that has not failed for this username lately
    if (wait > 0 && !known && pairFails) {
      throw new AppError('LOGIN_BACKOFF', { seconds: Math.ceil(wait / 1000) })
    }

    const a = count(addressFails, now)
    this.addresses.set(address, a)
    const p: Pair = pair ?? {}
    const fails = count(pairFails, now)
    p.fails = fails
    this.pairs.set(pairKey, p)
    const b: Backoff = backoff && now - backoff.last < WINDOW_MS ? backoff : { count: 0, last: now }
    b.count++
    b.last = Math.max(b.last, now)
    this.usernames.set(username, b)
    this.inFlight.set(address, (this.inFlight.get(address) ?? 0) + 1)
    let landed = false
    const land = () => {
      if (landed) return false
      landed = true
      const left = (this.inFlight.get(address) ?? 1) - 1
      if (left > 0) this.inFlight.set(address, left)
      else this.inFlight.delete(address)
      const waiters = this.waiting.get(address)
      this.waiting.delete(address)
      for (const w of waiters ?? []) w()
      return true
    }
    const undo = () => {
      if (!land()) return
      a.count = Math.max(0, a.count - 1)
      fails.count = Math.max(0, fails.count - 1)
      b.count = Math.max(0, b.count - 1)
    }
    return { undo, failed: () => { land() }, succeeded: () => { undo(); p.signedInAt = now } }
  }

  /** how long (ms) a username must still wait after its failures, 0 when it need not */
  private waitOf(b: Backoff, now: number): number {
    if (now - b.last >= WINDOW_MS || b.count < this.limits.backoffAfter) return 0
    const delay = Math.min(MAX_WAIT_MS, FIRST_WAIT_MS * 2 ** (b.count - this.limits.backoffAfter))
    return Math.max(0, b.last + delay - now)
  }

  /** forgets what no longer counts, at most once a minute: the maps hold only recent attempts */
  private sweep(now: number) {
    if (Math.abs(now - this.sweptAt) < SWEEP_MS) return
    this.sweptAt = now
    for (const [k, w] of this.addresses) if (!live(w, now)) this.addresses.delete(k)
    for (const [k, b] of this.usernames) if (now - b.last >= WINDOW_MS) this.usernames.delete(k)
    for (const [k, p] of this.pairs) {
      if (!live(p.fails, now)) delete p.fails
      if (p.signedInAt !== undefined && now - p.signedInAt >= KNOWN_MS) delete p.signedInAt
      if (!p.fails && p.signedInAt === undefined) this.pairs.delete(k)
    }
  }
}

/** the window while it still counts and holds a failure */
function live(w: Window | undefined, now: number): Window | undefined {
  return w && w.count > 0 && now - w.start < WINDOW_MS ? w : undefined
}

function count(w: Window | undefined, now: number): Window {
  const c = w ?? { count: 0, start: now }
  c.count++
  return c
}

function throttled(w: Window, now: number): never {
  const seconds = Math.max(1, Math.ceil((w.start + WINDOW_MS - now) / 1000))
  throw new AppError('LOGIN_THROTTLED', { seconds, minutes: Math.ceil(seconds / 60) })
}
