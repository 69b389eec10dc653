import { createHmac, timingSafeEqual } from 'node:crypto'

/**
 * The webhook signature: HMAC-SHA256 over `<unix seconds>.<raw body>` with the subscription's secret,
 * sent as `Mot-Cua-Signature: t=<unix seconds>,v1=<hex>` (docs/integration.md shows a receiver's check).
 */
export function sign(secret: string, timestamp: number, body: string): string {
  return `t=${timestamp},v1=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`
}

/** A receiver's check (used by the tests as a receiver would): signature matches and is at most `toleranceS` old. */
export function verify(secret: string, header: string | undefined, body: string, nowS = Math.floor(Date.now() / 1000), toleranceS = 300): boolean {
  const parts = Object.fromEntries((header ?? '').split(',').map((p) => p.split('=', 2) as [string, string]))
  const t = Number(parts.t)
  if (!Number.isInteger(t) || !parts.v1 || Math.abs(nowS - t) > toleranceS) return false
  const expected = Buffer.from(createHmac('sha256', secret).update(`${t}.${body}`).digest('hex'))
  const given = Buffer.from(parts.v1)
  return given.length === expected.length && timingSafeEqual(given, expected)
}
