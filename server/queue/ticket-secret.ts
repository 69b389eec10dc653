import { createHash, timingSafeEqual } from 'node:crypto'

/**
 * Whether `given` is the stored secret (a ticket's, or a counter's rating-tablet key), compared in
 * constant time: both are hashed first, so neither their lengths nor their first differing byte show in
 * the time taken. A missing or empty `given` never matches.
 */
export function secretMatches(given: string | undefined, stored: string): boolean {
  if (!given) return false
  const a = createHash('sha256').update(given).digest()
  const b = createHash('sha256').update(stored).digest()
  return timingSafeEqual(a, b)
}
