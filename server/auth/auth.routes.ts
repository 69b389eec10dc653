import { Router } from 'express'
import { ipKeyGenerator } from 'express-rate-limit'
import { EmptyBody, LoginBody } from '../../common/schemas.js'
import { OwnPasswordBody } from '../../common/staff-schemas.js'
import { AppError } from '../errors.js'
import { validate } from '../http/validate.js'
import { SESSION_COOKIE, type AuthService } from './auth.service.js'
import { requireSession } from './auth.middleware.js'

export function authRoutes(auth: AuthService, opts: { sessionHours: number }): Router {
  const r = Router()

  r.post('/auth/login', validate({ body: LoginBody }), async (req, res) => {
    // the address as the rate limiters read it (an IPv6 client's /56: one subscriber holds many addresses)
    const address = ipKeyGenerator(req.ip ?? '')
    const { token, staff } = await auth.login(req.input.body.username, req.input.body.password, address).catch((err: unknown) => {
      if (err instanceof AppError && err.status === 429) res.set('retry-after', String(err.params.seconds))
      throw err
    })
    res.cookie(SESSION_COOKIE, token, { httpOnly: true, sameSite: 'strict', secure: req.secure, path: '/',
      // relative, so the browser's clock does not matter; the server enforces the expiry itself
      maxAge: opts.sessionHours * 3_600_000 })
    res.json({ staff })
  })

  r.post('/auth/logout', requireSession, validate({ body: EmptyBody }), async (req, res) => {
    await auth.logout(req.auth!)
    res.clearCookie(SESSION_COOKIE, { path: '/' })
    res.json({ ok: true })
  })

  r.get('/auth/me', requireSession, (req, res) => { res.json({ staff: req.auth!.staff }) })

  // one's own password (current + new): the only thing an account whose password someone else set may do
  r.post('/auth/password', requireSession, validate({ body: OwnPasswordBody }), async (req, res) => {
    const staff = await auth.changeOwnPassword(req.auth!, req.input.body, ipKeyGenerator(req.ip ?? ''))
    res.json({ staff })
  })
  return r
}
