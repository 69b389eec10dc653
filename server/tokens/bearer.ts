import type { RequestHandler } from 'express'
import { rateLimit } from 'express-rate-limit'
import { AppError } from '../errors.js'
import { TokenService, type ApiTokenAuth } from './token.service.js'
import { runAsToken } from './token-context.js'
import { scopeOf } from './scopes.js'

declare module 'express-serve-static-core' {
  interface Request { apiToken?: ApiTokenAuth }
}

/**
 * `Authorization: Bearer mc_…`: the request is the token's, whatever cookie it also carries (a browser never
 * adds this header on its own, so a foreign page cannot borrow a token the way it could a cookie; the
 * Origin check still runs first). An unknown, revoked or expired token is 401 TOKEN_INVALID, never a
 * fall-back to the session. Then `perMinute` requests a minute per token (429 RATE_LIMITED), and the rest of
 * the request runs as the token (server/tokens/token-context.ts) so the rows it writes name it.
 */
export function bearerAuth(tokens: TokenService, perMinute: number): RequestHandler[] {
  const authenticate: RequestHandler = async (req, _res, next) => {
    const header = req.headers.authorization
    if (!header) return next()
    const m = /^Bearer\s+(\S+)\s*$/i.exec(header)
    if (!m) throw new AppError('TOKEN_INVALID')
    const t = await tokens.authenticate(m[1]!, req.ip ?? '')
    if (!t) throw new AppError('TOKEN_INVALID')
    req.apiToken = t
    req.auth = TokenService.asSession(t)
    next()
  }
  const limit = rateLimit({
    windowMs: 60_000, limit: perMinute, standardHeaders: 'draft-8', legacyHeaders: false,
    skip: (req) => !req.apiToken, keyGenerator: (req) => `token:${req.apiToken!.id}`,
    handler: () => { throw new AppError('RATE_LIMITED') },
  })
  const asToken: RequestHandler = (req, _res, next) => (req.apiToken ? runAsToken(req.apiToken.id, () => next()) : next())
  return [authenticate, limit, asToken]
}

/** For `requireRole`: a token passes a route only when the route is one of the scopes it holds. */
export function assertTokenScope(req: Parameters<RequestHandler>[0]): void {
  const t = req.apiToken!
  const scope = scopeOf(req.method, String(req.route?.path ?? ''))
  if (!scope || !t.scopes.includes(scope)) throw new AppError('TOKEN_SCOPE', { scope: scope ?? '' })
}
