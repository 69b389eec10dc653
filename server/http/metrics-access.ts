/**
 * Who may read `/metrics` (Node's version, traffic by route, pool use: an attacker's map): with a token
 * configured, whoever sends `Authorization: Bearer <token>`; without one, only a scraper on this host.
 */
import { createHash, timingSafeEqual } from 'node:crypto'
import type { Request, RequestHandler } from 'express'
import { AppError } from '../errors.js'

const digest = (s: string) => createHash('sha256').update(s).digest()

/** A connection from this host that no proxy forwarded (through nginx on this host, anyone looks local). */
export function fromThisHost(req: Request): boolean {
  const a = req.socket.remoteAddress ?? ''
  const loopback = a === '::1' || /^(::ffff:)?127\./.test(a)
  const forwarded = ['x-forwarded-for', 'forwarded', 'x-real-ip'].some((h) => req.headers[h] !== undefined)
  return loopback && !forwarded
}

export function metricsAccess(token: string | undefined): RequestHandler {
  const expected = token === undefined ? undefined : digest(token)
  return (req, res, next) => {
    if (expected === undefined) {
      if (!fromThisHost(req)) throw new AppError('FORBIDDEN')
      return next()
    }
    const m = /^Bearer +(\S+) *$/i.exec(req.headers.authorization ?? '')
    // compared as digests: equal lengths, and the time taken says nothing of the token
    if (!m || !timingSafeEqual(digest(m[1]!), expected)) {
      res.set('www-authenticate', 'Bearer realm="metrics"')
      throw new AppError('AUTH_REQUIRED')
    }
    next()
  }
}
