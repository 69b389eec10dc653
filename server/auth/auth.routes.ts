import { Router } from 'express'
import { ipKeyGenerator, rateLimit } from 'express-rate-limit'
import { EmptyBody, LoginBody } from '../../common/schemas.js'
import { AppError } from '../errors.js'
import { validate } from '../http/validate.js'
import { SESSION_COOKIE, type AuthService } from './auth.service.js'
import { requireRole } from './auth.middleware.js'

export function authRoutes(auth: AuthService, opts: { failedLoginsPer15Min: number; sessionHours: number }): Router {
  const r = Router()
  // Failed logins are throttled per address and username; a success does not count.
  const throttle = rateLimit({
    windowMs: 15 * 60_000, limit: opts.failedLoginsPer15Min, skipSuccessfulRequests: true,
    standardHeaders: 'draft-8', legacyHeaders: false,
    // the username as login reads it (trimmed, lower-cased): "CanBo1 " must not open a fresh allowance
    keyGenerator: (req) => `${ipKeyGenerator(req.ip ?? '')}|${String((req.body as { username?: unknown })?.username ?? '').trim().toLowerCase().slice(0, 40)}`,
    handler: () => { throw new AppError('RATE_LIMITED') },
  })

  r.post('/auth/login', throttle, validate({ body: LoginBody }), async (req, res) => {
    const { token, staff } = await auth.login(req.input.body.username, req.input.body.password)
    res.cookie(SESSION_COOKIE, token, { httpOnly: true, sameSite: 'strict', secure: req.secure, path: '/',
      // relative, so the browser's clock does not matter; the server enforces the expiry itself
      maxAge: opts.sessionHours * 3_600_000 })
    res.json({ staff })
  })

  r.post('/auth/logout', requireRole('clerk'), validate({ body: EmptyBody }), async (req, res) => {
    await auth.logout(req.auth!.tokenHash)
    res.clearCookie(SESSION_COOKIE, { path: '/' })
    res.json({ ok: true })
  })

  r.get('/auth/me', requireRole('clerk'), (req, res) => { res.json({ staff: req.auth!.staff }) })
  return r
}
