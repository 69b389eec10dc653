import { Router, type RequestHandler } from 'express'
import { ipKeyGenerator } from 'express-rate-limit'
import type { Logger } from 'pino'
import { SetupBody, SetupCheckBody } from '../../common/setup-schemas.js'
import { AppError } from '../errors.js'
import { validate } from '../http/validate.js'
import { SESSION_COOKIE, type AuthService } from '../auth/auth.service.js'
import type { SetupService } from './setup.service.js'

const REFUSALS = new Set(['SETUP_TOKEN_UNKNOWN', 'SETUP_TOKEN_USED', 'SETUP_TOKEN_REPLACED', 'SETUP_DONE'])

/**
 * The set-up page's two anonymous calls, behind their own per-address limit. A refused token is logged
 * with the caller's address (never the token): a guess, or a link used twice, is seen in the log.
 */
export function setupRoutes(setup: SetupService, auth: AuthService, logger: Logger, limiter: RequestHandler, opts: { sessionHours: number }): Router {
  const r = Router()
  const logRefusal = (address: string | undefined, err: unknown) => {
    if (err instanceof AppError && REFUSALS.has(err.code)) logger.warn({ address, code: err.code }, 'set-up link refused')
    throw err
  }

  r.post('/setup/check', limiter, validate({ body: SetupCheckBody }), async (req, res) => {
    await setup.check(req.input.body.token).catch((e: unknown) => logRefusal(req.ip, e))
    res.json({ ok: true })
  })

  r.post('/setup', limiter, validate({ body: SetupBody }), async (req, res) => {
    const { admin } = req.input.body
    const done = await setup.complete(req.input.body).catch((e: unknown) => logRefusal(req.ip, e))
    logger.info({ address: req.ip, username: admin.username, center: done.centerSlug }, 'set-up done: first admin and center created')
    // then logged in as the login route does (its session, its cookie)
    const { token, staff } = await auth.login(admin.username, admin.password, ipKeyGenerator(req.ip ?? ''))
    res.cookie(SESSION_COOKIE, token, { httpOnly: true, sameSite: 'strict', secure: req.secure, path: '/', maxAge: opts.sessionHours * 3_600_000 })
    res.status(201).json({ staff, center: { slug: done.centerSlug } })
  })
  return r
}
