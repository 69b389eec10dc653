import { ipKeyGenerator } from 'express-rate-limit'
import { AppError } from '../errors.js'
import type { Clock } from '../clock.js'

/** Entries kept at most per map: an attacker cycling through codes must not grow the maps without end. */
const MAX_KEYS = 50_000
/** A lock-out this long after the previous one ended still doubles the next one. */
const STRIKES_KEPT_MS = 24 * 60 * 60_000

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

interface Count { failures: number; windowEnd: number }
interface AddressCount extends Count { blockedUntil: number; strikes: number }

/**
 * Failed dossier lookups (a wrong lookup code, or an unknown code: counted alike, so a refusal says
 * nothing about existence), charged to the guesser and never to the dossier: ready dossiers' codes are
 * on the public board, and a stranger's wrong guesses must not lock out the owner, who comes from
 * another address with the right lookup code. Refused with 429 RATE_LIMITED:
 * - one address and one code, after `perAddressCode` failures, until that window ends;
 * - one address, after `perAddress` failures on any codes, for `blockMs`; each further lock-out within
 *   a day of the last lasts twice as long (up to `maxBlockMs`), so guessing stays expensive.
 * Several kiosks behind one address share its budget. Per instance, like the per-minute limits.
 */
export class GuessThrottle {
  private addresses = new Map<string, AddressCount>()
  private pairs = new Map<string, Count>()

  constructor(private clock: Clock, private limits: GuessLimits) {}

  assertAllowed(address: string, code: string) {
    const now = this.clock().getTime()
    const a = this.addresses.get(ipKeyGenerator(address))
    if (a && a.blockedUntil > now) throw new AppError('RATE_LIMITED')
    const p = this.pairs.get(pairKey(address, code))
    if (p && p.windowEnd > now && p.failures >= this.limits.perAddressCode) throw new AppError('RATE_LIMITED')
  }

  failed(address: string, code: string) {
    const now = this.clock().getTime()
    const l = this.limits
    counted(this.pairs, pairKey(address, code), now, l.codeWindowMs, () => ({ failures: 0, windowEnd: 0 }), (p) => p.windowEnd)
    const a = counted(this.addresses, ipKeyGenerator(address), now, l.addressWindowMs,
      () => ({ failures: 0, windowEnd: 0, blockedUntil: 0, strikes: 0 }), (e) => Math.max(e.windowEnd, e.strikes ? e.blockedUntil + STRIKES_KEPT_MS : 0))
    if (a.failures < l.perAddress) return
    a.strikes = a.strikes && now < a.blockedUntil + STRIKES_KEPT_MS ? a.strikes + 1 : 1
    a.blockedUntil = now + Math.min(l.blockMs * 2 ** (a.strikes - 1), l.maxBlockMs)
    // a new window once the lock-out ends
    a.failures = 0
    a.windowEnd = a.blockedUntil
  }
}

const pairKey = (address: string, code: string) => `${ipKeyGenerator(address)} ${code}`

/** The entry of `key` with one more failure in its current window (a new window once the last ended). */
function counted<T extends Count>(map: Map<string, T>, key: string, now: number, windowMs: number, fresh: () => T, keptUntil: (e: T) => number): T {
  let e = map.get(key)
  if (!e) {
    if (map.size >= MAX_KEYS) prune(map, now, keptUntil)
    e = fresh()
    map.set(key, e)
  }
  if (e.windowEnd <= now) { e.failures = 0; e.windowEnd = now + windowMs }
  e.failures++
  return e
}

function prune<T>(map: Map<string, T>, now: number, keptUntil: (e: T) => number) {
  for (const [k, e] of map) if (keptUntil(e) <= now) map.delete(k)
  // still full of live entries: forget the oldest (insertion order), not the newest
  for (const k of map.keys()) {
    if (map.size < MAX_KEYS) break
    map.delete(k)
  }
}
