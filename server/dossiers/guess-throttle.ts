import { ipKeyGenerator } from 'express-rate-limit'
import { sql } from 'kysely'
import type { Db } from '../../db/create-db.js'
import { AppError } from '../errors.js'
import type { Clock } from '../clock.js'

/** A lock-out this long after the previous one ended still doubles the next one. */
const STRIKES_KEPT_MS = 24 * 60 * 60_000
/** How often an instance deletes the rows that count for nothing any more. */
const SWEEP_EVERY_MS = 60_000
const SWEEP_ROWS = 500

export interface GuessLimits {
  /** failed lookups one address may make within `addressWindowMs`, whatever the codes, before it is locked out */
  perAddress: number
  addressWindowMs: number
  /** failed lookups of one dossier code from one address within `codeWindowMs` before that pair is refused */
  perAddressCode: number
  codeWindowMs: number
  /** an address's first lock-out; each further one within a day of the last doubles, up to `maxBlockMs` */
  blockMs: number
  maxBlockMs: number
}

export const DEFAULT_GUESS_LIMITS: GuessLimits = {
  perAddress: 20, addressWindowMs: 60 * 60_000, perAddressCode: 5, codeWindowMs: 15 * 60_000, blockMs: 15 * 60_000, maxBlockMs: STRIKES_KEPT_MS,
}

/** One lookup let through, counted as a failure in advance: it says which it was once its codes are checked. */
export interface Guess { failed(): Promise<void>; right(): Promise<void> }

/**
 * Failed dossier lookups (a wrong lookup code, or an unknown code: counted alike, so a refusal says
 * nothing about existence), charged to the guesser and never to the dossier: ready dossiers' codes are
 * on the public board, and a stranger's wrong guesses must not lock out the owner, who comes from
 * another address with the right lookup code. Refused with 429 RATE_LIMITED:
 * - one address and one code, after `perAddressCode` failures, until that window ends;
 * - one address, after `perAddress` failures on any codes, for `blockMs`; each further lock-out within
 *   a day of the last lasts twice as long (up to `maxBlockMs`), so guessing stays expensive.
 * Several kiosks behind one address share its budget, and so do all instances on one database: the counts
 * are rows of `lookup_guess` (migration 0027). A lookup is counted before its codes are checked, by one
 * conditional upsert per row (so lookups racing in, on any instance, are counted exactly: 40 at once from
 * one address get `perAddress` checked), and given back when its codes prove right. So the lock-out starts when
 * the failures counted reach the cap, lookups still in flight included (40 racing: at the first of 20 to fail).
 */
export class GuessThrottle {
  private sweptAt = 0

  constructor(private db: Db, private clock: Clock, private limits: GuessLimits) {}

  /** Takes one guess of `code` from `address`, or refuses it (429 RATE_LIMITED) without checking it. */
  async take(address: string, code: string): Promise<Guess> {
    const now = this.clock()
    const keys = keysOf(address, code)
    this.sweep(now)
    // the pair first: a guess it refuses never touches the address's count, which stays exact
    if (!(await this.count(keys.code, now, this.limits.codeWindowMs, this.limits.perAddressCode))) throw new AppError('RATE_LIMITED')
    if (!(await this.count(keys.address, now, this.limits.addressWindowMs, this.limits.perAddress))) {
      await this.giveBack([keys.code])
      throw new AppError('RATE_LIMITED')
    }
    return { failed: () => this.lockOutPast(keys.address, now), right: () => this.giveBack([keys.address, keys.code]) }
  }

  /** A failure counted after the codes were right (a wrong second factor): never refused, it may lock the address out. */
  async failed(address: string, code: string): Promise<void> {
    const now = this.clock()
    const keys = keysOf(address, code)
    await this.count(keys.code, now, this.limits.codeWindowMs)
    await this.count(keys.address, now, this.limits.addressWindowMs)
    await this.lockOutPast(keys.address, now)
  }

  /**
   * One more failure on `key`'s row (a new window once the last ended), in one statement; with a `cap`, only
   * while the row is under it and not locked out, and false when it was not counted.
   */
  private async count(key: string, now: Date, windowMs: number, cap?: number): Promise<boolean> {
    const end = new Date(now.getTime() + windowMs)
    const r = await this.db.insertInto('lookup_guess').values({ key, failures: 1, window_end: end, kept_until: end })
      .onConflict((oc) => {
        const ended = sql<boolean>`lookup_guess.window_end <= ${now}`
        const update = oc.column('key').doUpdateSet((eb) => ({
          failures: eb.case().when(ended).then(1).else(eb('lookup_guess.failures', '+', 1)).end(),
          window_end: eb.case().when(ended).then(end).else(eb.ref('lookup_guess.window_end')).end(),
          kept_until: eb.fn<Date>('greatest', [eb.ref('lookup_guess.kept_until'), eb.val(end)]),
        }))
        if (cap === undefined) return update
        return update.where((eb) => eb.and([
          eb.or([eb('lookup_guess.blocked_until', 'is', null), eb('lookup_guess.blocked_until', '<=', now)]),
          eb.or([ended, eb('lookup_guess.failures', '<', cap)]),
        ]))
      })
      .returning('key').executeTakeFirst()
    return r !== undefined
  }

  /**
   * The address's lock-out once its failures reach the cap (set by one of the guesses that land there, in one
   * statement): a new window starts when it ends, and each lock-out within a day of the last doubles.
   */
  private async lockOutPast(key: string, now: Date): Promise<void> {
    const l = this.limits
    const strikes = sql<number>`(CASE WHEN strikes > 0 AND blocked_until > ${new Date(now.getTime() - STRIKES_KEPT_MS)} THEN strikes + 1 ELSE 1 END)`
    const until = sql<Date>`${now}::timestamptz + least(${l.blockMs} * power(2, ${strikes} - 1), ${l.maxBlockMs}) * interval '1 millisecond'`
    await this.db.updateTable('lookup_guess')
      .set({ strikes, blocked_until: until, failures: 0, window_end: until, kept_until: sql<Date>`${until} + ${STRIKES_KEPT_MS} * interval '1 millisecond'` })
      .where('key', '=', key).where('failures', '>=', l.perAddress)
      .where((eb) => eb.or([eb('blocked_until', 'is', null), eb('blocked_until', '<=', now)]))
      .execute()
  }

  /**
   * A guess that proved right is not a failure. Its rows are locked first in the keys' order, as any other
   * statement that locks several of them takes them (the upserts take one row each): an UPDATE alone takes them in
   * the order of its scan, which two right guesses of one code from one address can see differently, and deadlock.
   */
  private async giveBack(keys: string[]): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      await trx.selectFrom('lookup_guess').select('key').where('key', 'in', keys).orderBy('key').forUpdate().execute()
      await trx.updateTable('lookup_guess').set((eb) => ({ failures: eb.fn('greatest', [eb('failures', '-', 1), eb.lit(0)]) }))
        .where('key', 'in', keys).execute()
    })
  }

  /** Deletes the rows that no longer count, at most once a minute per instance; never awaited by a lookup. */
  private sweep(now: Date) {
    if (Math.abs(now.getTime() - this.sweptAt) < SWEEP_EVERY_MS) return
    this.sweptAt = now.getTime()
    // the rows no lookup holds, 500 at a time: never waits for a lock, so never deadlocks with a lookup
    const expired = this.db.selectFrom('lookup_guess').select('key').where('kept_until', '<', now)
      .orderBy('key').limit(SWEEP_ROWS).forUpdate().skipLocked()
    void this.db.deleteFrom('lookup_guess').where('key', 'in', expired).executeTakeFirst()
      .then((r) => { if (Number(r.numDeletedRows) >= SWEEP_ROWS) this.sweptAt = 0 }) // more left: again at the next one
      .catch(() => {})
  }
}

function keysOf(address: string, code: string) {
  const a = ipKeyGenerator(address)
  // no real code is this long; a longer one still counts, under its first 100 characters
  return { address: `a:${a}`, code: `c:${a} ${code.slice(0, 100)}` }
}
