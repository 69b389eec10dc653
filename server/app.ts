import { createServer, type Server as HttpServer } from 'node:http'
import express, { type Express, type RequestHandler } from 'express'
import helmet from 'helmet'
import { rateLimit } from 'express-rate-limit'
import { pino, type Logger } from 'pino'
import { pinoHttp } from 'pino-http'
import { randomUUID } from 'node:crypto'
import { sql } from 'kysely'
import type { DbHandle } from '../db/create-db.js'
import { AppError } from './errors.js'
import { systemClock, type Clock } from './clock.js'
import { AuthService } from './auth/auth.service.js'
import { checkOrigin, loadSession } from './auth/auth.middleware.js'
import { authRoutes } from './auth/auth.routes.js'
import { BoardService } from './centers/board.service.js'
import { QueueService } from './queue/queue.service.js'
import { publicRoutes, staffQueueRoutes } from './queue/queue.routes.js'
import { chooseLanguage, errorHandler, notFound } from './http/errors.middleware.js'
import { pagesRouter } from './http/pages.js'
import { attachRealtime, SocketSink, type IoServer } from './realtime/realtime.js'

export interface AppDeps {
  dbHandle: DbHandle
  clock?: Clock
  logger?: Logger
  /** tickets one address may take per minute */
  publicRateLimitPerMinute?: number
  failedLoginsPer15Min?: number
  sessionHours?: number
  trustProxy?: number
  /** built pages (default dist/pages) */
  pagesDir?: string
}

export interface App {
  app: Express
  httpServer: HttpServer
  io: IoServer
  queue: QueueService
  auth: AuthService
  board: BoardService
  logger: Logger
  /** closes sockets and the http server (not the database: its owner closes it) */
  close(): Promise<void>
}

/**
 * The API speaks JSON only: a body of another type (a form, text/plain) would otherwise be skipped by
 * the parser and read as "no body", so a strict schema would never see its fields.
 */
const jsonBodiesOnly: RequestHandler = (req, _res, next) => {
  const length = Number(req.headers['content-length'] ?? 0)
  if (req.body === undefined && (length > 0 || req.headers['transfer-encoding'] !== undefined)) throw new AppError('BAD_JSON')
  next()
}

/** Builds everything and never listens: main.ts listens; tests listen on port 0 with their own database. */
export function createApp(deps: AppDeps): App {
  const { db } = deps.dbHandle
  const clock = deps.clock ?? systemClock
  const logger = deps.logger ?? pino({ level: 'silent' })
  const sink = new SocketSink()
  const queue = new QueueService(db, clock, sink)
  const auth = new AuthService(db, clock, deps.sessionHours ?? 12)
  const board = new BoardService(db, clock, queue)

  const app = express()
  app.set('trust proxy', deps.trustProxy ?? 0)
  app.disable('x-powered-by')
  app.use(pinoHttp({
    logger,
    // a session token in a log line is a session anyone reading the logs can use
    redact: { paths: ['req.headers.cookie', 'req.headers.authorization', 'res.headers["set-cookie"]'], censor: '[redacted]' },
    genReqId: (req, res) => {
      const given = req.headers['x-request-id']
      const id = typeof given === 'string' && /^[\w-]{1,64}$/.test(given) ? given : randomUUID()
      res.setHeader('x-request-id', id)
      return id
    },
  }))
  // Helmet's CSP tells browsers to fetch every asset over https: on a plain-http install (the embedded
  // default on a commune LAN, http://192.168.x.y:3000) the pages would load without their scripts.
  // The directive goes only to requests that came over https (directly or via a trusted proxy).
  const headersHttps = helmet()
  const headersHttp = helmet({ contentSecurityPolicy: { directives: { upgradeInsecureRequests: null } } })
  app.use((req, res, next) => (req.secure ? headersHttps : headersHttp)(req, res, next))
  app.use(chooseLanguage)

  app.get('/healthz', async (_req, res) => {
    try {
      await sql`select 1`.execute(db)
      res.json({ status: 'ok', db: deps.dbHandle.kind })
    } catch {
      res.status(503).json({ status: 'unavailable', db: deps.dbHandle.kind })
    }
  })

  const api = express.Router()
  api.use(checkOrigin) // a foreign page is refused before its body is even read
  api.use(express.json({ limit: '20kb' }))
  api.use(jsonBodiesOnly)
  api.use(loadSession(auth))
  const issueLimiter = rateLimit({
    windowMs: 60_000, limit: deps.publicRateLimitPerMinute ?? 120, standardHeaders: 'draft-8', legacyHeaders: false,
    handler: () => { throw new AppError('RATE_LIMITED') },
  })
  api.use(authRoutes(auth, { failedLoginsPer15Min: deps.failedLoginsPer15Min ?? 10, sessionHours: deps.sessionHours ?? 12 }))
  api.use(publicRoutes(queue, board, issueLimiter))
  api.use(staffQueueRoutes(queue))
  api.use(notFound)
  app.use('/api', api)
  app.use(pagesRouter(deps.pagesDir))
  app.use(notFound)
  app.use(errorHandler(logger))

  const httpServer = createServer(app)
  const io = attachRealtime(httpServer, { db, auth, board, queue, sink, logger })

  return {
    app, httpServer, io, queue, auth, board, logger,
    async close() {
      io.disconnectSockets(true)
      await new Promise<void>((resolve) => io.close(() => resolve()))
      if (httpServer.listening) await new Promise<void>((resolve) => httpServer.close(() => resolve()))
    },
  }
}
