import { AppError } from '../errors.js'
import type { Clock } from '../clock.js'

/** Entries kept at most: an attacker cycling through codes must not grow the map without end. */
const MAX_KEYS = 50_000

/**
 * Failed lookups per dossier code: after `limit` failures within `windowMs`, that code answers
 * 429 RATE_LIMITED until the window ends, whoever asks (4 characters from 31 are ~920,000 guesses;
 * spread over many addresses a per-address limit alone would not stop them). Unknown codes count the
 * same way, so the refusal says nothing about whether a code exists. Per instance: with several
 * instances an attacker gets `limit` tries on each, still far from enough.
 */
export class GuessThrottle {
  private failures = new Map<string, { count: number; until: number }>()

  constructor(private clock: Clock, private limit: number, private windowMs: number) {}

  assertAllowed(key: string) {
    const f = this.failures.get(key)
    if (!f) return
    if (f.until <= this.clock().getTime()) this.failures.delete(key)
    else if (f.count >= this.limit) throw new AppError('RATE_LIMITED')
  }

  failed(key: string) {
    const now = this.clock().getTime()
    const f = this.failures.get(key)
    if (f && f.until > now) { f.count++; return }
    if (this.failures.size >= MAX_KEYS) this.prune(now)
    this.failures.set(key, { count: 1, until: now + this.windowMs })
  }

  private prune(now: number) {
    for (const [k, f] of this.failures) if (f.until <= now) this.failures.delete(k)
    // still full of live entries: forget the oldest (insertion order), not the newest
    for (const k of this.failures.keys()) {
      if (this.failures.size < MAX_KEYS) break
      this.failures.delete(k)
    }
  }
}
