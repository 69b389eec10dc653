import type { RequestHandler } from 'express'
import { parse as parseCookie } from 'cookie'
import type { StaffRole } from '../../common/types.js'
import { AppError } from '../errors.js'
import { SESSION_COOKIE, type AuthService, type Authenticated } from './auth.service.js'
import { assertTokenScope } from '../tokens/bearer.js'

declare module 'express-serve-static-core' {
  interface Request { auth?: Authenticated }
}

export function sessionToken(cookieHeader: string | undefined): string | undefined {
  return cookieHeader ? parseCookie(cookieHeader)[SESSION_COOKIE] : undefined
}

/** Reads the session cookie (when any) into `req.auth`. */
export function loadSession(auth: AuthService): RequestHandler {
  return async (req, _res, next) => {
    const token = sessionToken(req.headers.cookie)
    if (token) req.auth = (await auth.authenticate(token)) ?? undefined
    next()
  }
}

const RANK: Record<StaffRole, number> = { clerk: 1, manager: 2, admin: 3 }

/**
 * Staff of at least this role; center scoping is checked by the service against the entity. An account whose
 * password someone else set is refused everything (403 PASSWORD_CHANGE_REQUIRED) until it chooses its own.
 */
/** Who may call a route: a staff role at least, or any signed-in person (`session`). Read by server/http/routes.ts. */
export type RouteAccess = StaffRole | 'session'
const accessOf = new WeakMap<object, RouteAccess>()
export function requiredRole(handler: unknown): RouteAccess | undefined {
  return typeof handler === 'function' ? accessOf.get(handler) : undefined
}

export function requireRole(min: StaffRole): RequestHandler {
  const check: RequestHandler = (req, _res, next) => {
    if (!req.auth) throw new AppError('AUTH_REQUIRED')
    // an API token (W5): only the routes of its scopes, never one that needs an admin (server/tokens/scopes.ts)
    if (req.apiToken) {
      if (min === 'admin') throw new AppError('TOKEN_SCOPE', { scope: '' })
      assertTokenScope(req)
      return next()
    }
    if (req.auth.staff.firstLogin) throw new AppError('PASSWORD_CHANGE_REQUIRED')
    if (RANK[req.auth.staff.role] < RANK[min]) throw new AppError('FORBIDDEN')
    next()
  }
  accessOf.set(check, min)
  return check
}

/** Any signed-in staff, even one who must change their password first: who am I, log out, change my password. */
export const requireSession: RequestHandler = (req, _res, next) => {
  if (!req.auth) throw new AppError('AUTH_REQUIRED')
  // who am I, log out, my password: a person's, not an API token's
  if (req.apiToken) throw new AppError('TOKEN_SCOPE', { scope: '' })
  next()
}
accessOf.set(requireSession, 'session')

/**
 * State-changing requests from a browser must come from our own pages: the Origin (sent by every
 * browser on POST) must name this host. Programs that send no Origin are judged by cookie and role alone.
 */
export const checkOrigin: RequestHandler = (req, _res, next) => {
  const origin = req.headers.origin
  if (req.method !== 'GET' && req.method !== 'HEAD' && origin) {
    let host: string | undefined
    try { host = new URL(origin).host } catch { /* malformed: refused below */ }
    // req.host: the Host header, or X-Forwarded-Host only when the proxy is trusted (`trust proxy`);
    // a client cannot vouch for itself by sending X-Forwarded-Host
    if (!host || host !== req.host?.toLowerCase()) throw new AppError('ORIGIN_MISMATCH')
  }
  next()
}
