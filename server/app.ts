import { createServer, type IncomingMessage, type Server as HttpServer } from 'node:http'
import express, { type Express, type RequestHandler } from 'express'
import helmet from 'helmet'
import compression from 'compression'
import { rateLimit } from 'express-rate-limit'
import { DbRateLimitStore } from './http/rate-limit-store.js'
import { AddressBudget } from './dossiers/address-budget.js'
import { pino, type Logger } from 'pino'
import { sql } from 'kysely'
import type { DbHandle } from '../db/create-db.js'
import { AppError } from './errors.js'
import { systemClock, type Clock } from './clock.js'
import { AuthService } from './auth/auth.service.js'
import { checkOrigin, loadSession, sessionToken } from './auth/auth.middleware.js'
import { authRoutes } from './auth/auth.routes.js'
import type { LoginLimits } from './auth/login-throttle.js'
import { BoardService } from './centers/board.service.js'
import { Changes } from './queue/changes.js'
import { IssueService } from './queue/issue.service.js'
import { CounterService } from './queue/counter.service.js'
import { TicketService } from './queue/ticket.service.js'
import { publicRoutes, staffQueueRoutes } from './queue/queue.routes.js'
import { chooseLanguage, errorHandler, notFound } from './http/errors.middleware.js'
import { pagesRouter } from './http/pages.js'
import { allowBodyUpTo, jsonBody } from './http/body.js'
import { metricsAccess } from './http/metrics-access.js'
import { requestLogger } from './http/request-log.js'
import { CenterAdminService } from './staff/center-admin.service.js'; import { centerAdminRoutes } from './staff/center-admin.routes.js'
import { StaffService } from './staff/staff.service.js'; import { SettingsService } from './staff/settings.service.js'; import { staffConsoleRoutes } from './staff/staff.routes.js'; import { CatalogService } from './staff/catalog.service.js'; import { AccountsService } from './staff/accounts.service.js'
import { SetupService } from './setup/setup.service.js'
import { setupRoutes } from './setup/setup.routes.js'
import { AuditService } from './staff/audit.service.js'; import { auditRoutes } from './staff/audit.routes.js'
import { RatingService } from './ratings/rating.service.js'
import { ratingRoutes } from './ratings/rating.routes.js'
import { ReportService } from './reports/report.service.js'
import { reportRoutes } from './reports/report.routes.js'
import { BookService } from './reports/book.service.js'
import { createDossiers, type DossierLimits, type Dossiers } from './dossiers/dossiers.js'
import { CalendarService } from './dossiers/calendar.service.js'
import { CalendarCache } from './dossiers/calendar-cache.js'
import { dossierPublicRoutes, dossierStaffRoutes } from './dossiers/dossier.routes.js'
import { DossierResults } from './dossiers/dossier-result.js'; import { dossierResultRoutes } from './dossiers/dossier-result.routes.js'
import { attachRealtime, realtimeFlushed, SocketSink, type IoServer, type RealtimeMode } from './realtime/realtime.js'
import { findCounter } from './queue/counter.repository.js'
import { AppMetrics } from './metrics.js'
import { OutboxWorker, type OutboxOptions } from './outbox/outbox.worker.js'; import { WebhookService } from './webhooks/webhook.service.js'; import { webhookRoutes } from './webhooks/webhook.routes.js'
import { VoiceService } from './voice/voice.service.js'; import { voiceRoutes } from './voice/voice.routes.js'
import { NotifyService, type NotifySetup } from './notify/notify.service.js'; import { NotifySender } from './notify/notify.sender.js'; import { notifyRoutes, serviceWorkerRoute } from './notify/notify.routes.js'
import { PhoneConsent } from './notify/consent.js'
import { AppointmentService } from './appointments/appointment.service.js'; import { appointmentRoutes } from './appointments/appointment.routes.js'
import { TokenService } from './tokens/token.service.js'; import { bearerAuth } from './tokens/bearer.js'; import { tokenRoutes } from './tokens/token.routes.js'; import { openApiRoutes } from './http/openapi-routes.js'

export interface AppDeps {
  dbHandle: DbHandle
  clock?: Clock
  logger?: Logger
  /** tickets one address may take per minute */
  publicRateLimitPerMinute?: number
  /** issue 19: anonymous reads (GET) one address may send per minute, and anonymous socket connections (defaults 1200, 300) */
  publicReadsPerMinute?: number
  publicSocketsPerMinute?: number
  /** bookings and cancellations of appointments one address may send per minute (default 20) */
  bookingsPerMinute?: number
  /** what strangers may do with dossiers: lookups and filings per address, failed guesses, pending filings per center */
  dossierLimits?: Partial<DossierLimits>
  failedLoginsPer15Min?: number
  /** failed logins per address over every username, and per username before it backs off (server/auth/login-throttle.ts) */
  loginLimits?: Partial<Omit<LoginLimits, 'perAddressAndUsername'>>
  sessionHours?: number
  trustProxy?: number
  /** built pages (default dist/pages) */
  pagesDir?: string
  /** PUBLIC_URL when set: the address the pages' QR codes carry (the board's `publicUrl`) */
  publicUrl?: string
  /** process metrics (CPU, memory, event loop) in /metrics too: main.ts turns them on */
  processMetrics?: boolean
  /** `/metrics` answers `Authorization: Bearer <token>`; unset: only requests from this host that no proxy forwarded */
  metricsToken?: string
  /** login attempts one address may send per minute, counted before a body is read */
  loginsPerMinute?: number
  /** set-up link attempts (check and use) one address may send per minute */
  setupPerMinute?: number
  /** requests one API token may send per minute (default 600) */
  tokenRequestsPerMinute?: number
  /** the webhook outbox's timings (W6); its worker runs once `app.outbox.start()` is called (main.ts does) */
  outbox?: Partial<OutboxOptions>
  /** the citizens' notifications (issue 24): transports and the VAPID public key, built by main.ts from the environment; none: not offered */
  notify?: NotifySetup
}

export interface App {
  app: Express
  httpServer: HttpServer
  io: IoServer
  /** the one transaction-and-publish path of every change */
  changes: Changes
  issuing: IssueService
  counters: CounterService
  tickets: TicketService
  /** dossiers: the staff's work (the periodic sweep closes lapsed supplement requests through it), the citizens' side */
  dossiers: Dossiers
  auth: AuthService
  board: BoardService
  logger: Logger
  metrics: AppMetrics
  /** single-instance on PGlite; on PostgreSQL events cross instances through the adapter */
  realtimeMode: RealtimeMode
  /** sends the webhook outbox's deliveries (W6): started by main.ts, stopped by close() */
  outbox: OutboxWorker
  /** appointments (issue 24): main.ts marks no-shows every minute */
  appointments: AppointmentService
  /**
   * Graceful stop (not the database: its owner closes it): readiness turns 503, the server stops
   * accepting, in-flight requests finish (at most `timeoutMs`, default 10 s, then connections are cut),
   * then sockets are closed.
   */
  close(opts?: { timeoutMs?: number }): Promise<void>
}

/** Builds everything and never listens: main.ts listens; tests listen on port 0 with their own database. */
export function createApp(deps: AppDeps): App {
  const logger = deps.logger ?? pino({ level: 'silent' })
  const pool = deps.dbHandle.pool
  const metrics = new AppMetrics({ pool, processMetrics: deps.processMetrics })
  const sink = new SocketSink()
  const s = services(deps, sink, metrics)
  const inFlight = new InFlight()
  const outbox = new OutboxWorker(deps.dbHandle.db, logger, deps.outbox)
  // the citizens' push, SMS and Zalo go through the same outbox worker, each channel by its transport (issue 24)
  if (deps.notify?.transports.length) outbox.use(new NotifySender(deps.dbHandle.db, logger, deps.notify.transports, deps.clock ?? systemClock))
  let stopping = false

  const app = express()
  app.set('trust proxy', deps.trustProxy ?? 0)
  app.disable('x-powered-by')
  // no ETag on JSON answers: hashing every body cost a tenth of a kiosk tap's CPU, and no page revalidates them
  app.set('etag', false)
  app.use(metrics.middleware(), inFlight.middleware, ...commonMiddleware(logger))
  // Readiness (a load balancer sends traffic here only while it answers 200): the database answers,
  // and the instance is not shutting down.
  app.get('/healthz', async (_req, res) => {
    if (stopping) {
      res.status(503).json({ status: 'stopping', db: deps.dbHandle.kind })
      return
    }
    try {
      await sql`select 1`.execute(s.db)
      res.json({ status: 'ok', db: deps.dbHandle.kind })
    } catch {
      res.status(503).json({ status: 'unavailable', db: deps.dbHandle.kind })
    }
  })
  // Liveness: the process answers (restart it when this fails); the database is not asked.
  app.get('/healthz/live', (_req, res) => { res.json({ status: 'ok' }) })
  app.get('/metrics', metricsAccess(deps.metricsToken), async (_req, res) => {
    res.set('content-type', metrics.registry.contentType).send(await metrics.registry.metrics())
  })
  app.use('/api', apiRouter(deps, s, sink, logger))
  app.use(serviceWorkerRoute())
  app.use(pagesRouter(deps.pagesDir))
  app.use(notFound)
  app.use(errorHandler(logger))

  const httpServer = createServer(app)
  const { db, auth, board, tickets, dossiers } = s
  // a handshake's address as Express reads a request's (`req.ip`): this app's `trust proxy`, its own code
  const clientAddress = (req: IncomingMessage) =>
    (Object.create(app.request, { headers: { value: req.headers }, socket: { value: req.socket } }) as express.Request).ip ?? ''
  // issue 19: anonymous socket connections per address (this instance's own load; staff sockets apart)
  const sockets = new AddressBudget(deps.publicSocketsPerMinute ?? 300, 60_000)
  const io = attachRealtime(httpServer, { sink, logger, pool, clientAddress, anonymous: (address) => sockets.take(address), lookups: {
    staffOfSession: async (cookie) => {
      const a = await auth.authenticate(sessionToken(cookie))
      // an account whose password someone else set is no staff socket until it chooses its own
      return a && (a.staff.firstLogin ? { refused: 'PASSWORD_CHANGE_REQUIRED' as const }
        : { staffId: a.staff.id, session: a.tokenHash, msLeft: a.expiresAt.getTime() - (deps.clock ?? systemClock)().getTime() })
    },
    center: (slug) => board.center(slug), ticket: (id) => tickets.getTicket(id), holderTicket: (id, key) => tickets.holderTicket(id, key), board: (slug) => board.board(slug),
    dossierByCodes: (code, lookupCode, address) => dossiers.citizens.follow(code, lookupCode, address), publicDossier: (id) => dossiers.citizens.publicView(id),
    counter: async (id) => { const c = await findCounter(db, id); return c && { id: c.id, centerId: c.center_id } }, staff: (id) => auth.staffView(id),
  } })
  metrics.countSockets(() => io.engine.clientsCount)

  return {
    outbox, appointments: s.appointments,
    app, httpServer, io, changes: s.changes, issuing: s.issuing, counters: s.counters, tickets, dossiers, auth, board, logger, metrics,
    realtimeMode: pool ? 'postgres-adapter' : 'single-instance',
    async close(opts = {}) {
      stopping = true
      await outbox.stop()
      await closeGracefully(httpServer, io, inFlight, logger, opts.timeoutMs ?? 10_000)
    },
  }
}

/** The services, each built once over the app's database, clock and event sink. */
function services(deps: AppDeps, sink: SocketSink, metrics: AppMetrics) {
  const { db } = deps.dbHandle
  const clock = deps.clock ?? systemClock
  const calendar = new CalendarCache(db, clock)
  const changes = new Changes(db, clock, sink, metrics)
  const issuing = new IssueService(db, clock, changes, calendar)
  const counters = new CounterService(db, clock, changes)
  const tickets = new TicketService(db, clock, changes)
  const board = new BoardService(db, clock, calendar, (centerId) => issuing.forget(centerId), deps.publicUrl)
  // issue 24: the phone channels a consent given at the counter or at booking is sent by
  const phones = new PhoneConsent((deps.notify?.transports ?? []).map((t) => t.channel))
  return {
    db, clock, calendar, changes, issuing, counters, tickets, board, phones,
    auth: new AuthService(db, clock, { sessionHours: deps.sessionHours ?? 12, sink, limits: { perAddressAndUsername: deps.failedLoginsPer15Min, ...deps.loginLimits } }),
    dossiers: createDossiers(db, clock, { changes, issuing, tickets }, sink, deps.dossierLimits, phones),
    appointments: new AppointmentService(db, clock, changes, calendar, phones),
  }
}

/** Request log with its id, security headers, compression, the reader's language: every request. */
function commonMiddleware(logger: Logger): RequestHandler[] {
  // Helmet's CSP tells browsers to fetch every asset over https: on a plain-http install (the embedded
  // default on a commune LAN, http://192.168.x.y:3000) the pages would load without their scripts.
  // The directive goes only to requests that came over https (directly or via a trusted proxy).
  const headersHttps = helmet()
  const headersHttp = helmet({ contentSecurityPolicy: { directives: { upgradeInsecureRequests: null } } })
  const securityHeaders: RequestHandler = (req, res, next) => (req.secure ? headersHttps : headersHttp)(req, res, next)
  // phones on slow rural networks: pages, assets and JSON go gzipped
  return [requestLogger(logger), securityHeaders, compression(), chooseLanguage]
}

/**
 * `/api`: the session, the per-address limits and every domain's routes. A route's body is read by its
 * `validate()`, after its role check and its limiters (server/http/body.ts): a stranger past a limit
 * costs no parsing. Bodies are at most 20 kB, but for the online filing.
 */
function apiRouter(deps: AppDeps, s: ReturnType<typeof services>, sink: SocketSink, logger: Logger): express.Router {
  const { db, clock } = s
  const api = express.Router()
  api.use(checkOrigin) // a foreign page is refused before its body is even read
  // online filing carries up to 3 files of 2 MB, base64: its own larger limit, on that route only
  api.post('/public/dossiers', allowBodyUpTo(9 * 1024 * 1024))
  api.use(loadSession(s.auth))
  // API tokens (W5, issue 25): `Authorization: Bearer …` replaces the session, limited per token
  const tokens = new TokenService(db, clock)
  api.use(...bearerAuth(tokens, deps.tokenRequestsPerMinute ?? 600))
  /**
   * At most `limit` requests a minute from one address, then 429 RATE_LIMITED (each limiter counts apart). `shared`: the
   * limiter's name in the database's counters, which every instance shares (issue 19: budgets against guessing and
   * writes); without it this instance's memory counts (the kiosk's tap and anonymous reads: the instance's own load).
   */
  const perAddressPerMinute = (limit: number, shared?: string) => rateLimit({
    windowMs: 60_000, limit, standardHeaders: 'draft-8', legacyHeaders: false, ...(shared ? { store: new DbRateLimitStore(db, shared) } : {}),
    handler: () => { throw new AppError('RATE_LIMITED') },
  })
  // issue 19: anonymous reads (board, ticket, procedures…), staff and API tokens apart
  const reads = perAddressPerMinute(deps.publicReadsPerMinute ?? 1200)
  api.use((req, res, next) => (req.method === 'GET' && !req.auth ? reads(req, res, next) : next()))
  const issueLimiter = perAddressPerMinute(deps.publicRateLimitPerMinute ?? 120)
  // login's own throttles need the username: a cap per address comes first, then the body is read
  api.post('/auth/login', perAddressPerMinute(deps.loginsPerMinute ?? 120, 'login'), jsonBody)
  api.use(authRoutes(s.auth, { sessionHours: deps.sessionHours ?? 12 }))
  // issue 24: "notify me" on a ticket or a dossier (its own per-address budget), the manager's list of what was sent
  api.use(notifyRoutes(new NotifyService(db, clock, deps.notify ?? { transports: [], vapidPublicKey: null, extraPushHosts: [] }, s.tickets, s.dossiers, s.phones),
    perAddressPerMinute(deps.publicRateLimitPerMinute ?? 120, 'notify')))
  api.use(publicRoutes(s.issuing, s.tickets, s.board, issueLimiter))
  api.use(staffQueueRoutes(s.counters, s.tickets))
  api.use(dossierPublicRoutes(s.dossiers, issueLimiter))
  // appointments (issue 24): bookings and cancellations have their own per-address budget, apart from the kiosks'
  api.use(appointmentRoutes(s.appointments, { reads: perAddressPerMinute(deps.publicRateLimitPerMinute ?? 120),
    writes: perAddressPerMinute(deps.bookingsPerMinute ?? 20, 'booking'), issue: issueLimiter }))
  api.use(dossierStaffRoutes(s.dossiers, new CalendarService(db, clock, s.calendar)))
  api.use(dossierResultRoutes(new DossierResults(db, clock, s.dossiers, sink), s.dossiers)) // electronic result, province's code (issues 21, 25)
  api.use(centerAdminRoutes(new CenterAdminService(db, clock, s.board, sink)))
  api.use(staffConsoleRoutes(new StaffService(db, clock), new SettingsService(db, clock, s.board, sink), new CatalogService(db, clock, s.board, sink), new AccountsService(db, clock, s.counters, sink)))
  api.use(auditRoutes(new AuditService(db, clock)))
  // ratings come from phones and counter tablets: their own per-address budget, apart from the kiosks'
  const ratingLimiter = perAddressPerMinute(deps.publicRateLimitPerMinute ?? 120, 'rating')
  api.use(ratingRoutes(new RatingService(db, clock), ratingLimiter))
  api.use(reportRoutes(new ReportService(db, clock), new BookService(db, clock)))
  api.use(tokenRoutes(tokens))
  api.use(openApiRoutes())
  api.use(webhookRoutes(new WebhookService(db, clock))) // W6
  api.use(voiceRoutes(new VoiceService(db, clock))) // the center's own voice (issue 23)
  // the one-time set-up link of an empty install: a stranger's guesses are few and logged
  api.use(setupRoutes(new SetupService(db, clock), s.auth, logger, perAddressPerMinute(deps.setupPerMinute ?? 10, 'setup'), { sessionHours: deps.sessionHours ?? 12 }))
  api.use(notFound)
  return api
}

/** Requests in flight, until their connection is done with them: a graceful shutdown waits for these. */
class InFlight {
  count = 0
  private drained: (() => void) | undefined
  readonly middleware: RequestHandler = (_req, res, next) => {
    this.count++
    res.once('close', () => { if (--this.count === 0) this.drained?.() })
    next()
  }
  /** settles when none is left, or after `timeoutMs` */
  async settled(timeoutMs: number) {
    if (this.count === 0) return
    let timer: NodeJS.Timeout | undefined
    await Promise.race([
      new Promise<void>((resolve) => { this.drained = resolve }),
      new Promise<void>((resolve) => { timer = setTimeout(resolve, timeoutMs) }),
    ])
    clearTimeout(timer)
  }
}

/** Stops accepting, lets requests in flight finish (at most `timeoutMs`), then closes the sockets. */
async function closeGracefully(httpServer: HttpServer, io: IoServer, inFlight: InFlight, logger: Logger, timeoutMs: number) {
  // stop accepting; idle keep-alive connections go now, busy ones after their response
  const closed = httpServer.listening ? new Promise<void>((resolve) => httpServer.close(() => resolve())) : Promise.resolve()
  httpServer.closeIdleConnections()
  await inFlight.settled(timeoutMs)
  if (inFlight.count > 0) logger.warn({ inFlight: inFlight.count }, 'shutdown: cutting requests still running')
  // cut what is still open now: io.close() waits for the http server, which waits for every connection
  httpServer.closeAllConnections()
  io.disconnectSockets(true)
  await new Promise<void>((resolve) => io.close(() => resolve()))
  await realtimeFlushed(io)
  httpServer.closeAllConnections()
  await closed
}
