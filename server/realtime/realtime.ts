import type { Server as HttpServer, IncomingMessage } from 'node:http'
import { Server, type Socket } from 'socket.io'
import { createAdapter } from '@socket.io/postgres-adapter'
import pg from 'pg'
import { z } from 'zod'
import type { Logger } from 'pino'
import type { ClientToServerEvents, PublicFact, ServerToClientEvents, SocketData } from '../../common/events.js'
import type { BoardSnapshot, StaffView, TicketView } from '../../common/types.js'
import type { PublicDossierView } from '../../common/dossier-types.js'
import { CenterSlug, TicketKey, Uuid } from '../../common/schemas.js'
import type { EventSink } from './event-sink.js'
import { AppError } from '../errors.js'

/** What instances tell each other through the adapter (besides Socket.IO's own broadcasts): SocketSink's changes. */
interface InterServerEvents { 'motcua:sink': (batch: SinkMessage[]) => void }
export type IoServer = Server<ClientToServerEvents, ServerToClientEvents, InterServerEvents, SocketData>
type IoSocket = Socket<ClientToServerEvents, ServerToClientEvents, InterServerEvents, SocketData>

export const rooms = {
  center: (slug: string) => `center:${slug}`,
  ticket: (id: string) => `ticket:${id}`,
  counter: (id: string) => `counter:${id}`,
  staff: (slug: string) => `staff:${slug}`,
  dossier: (id: string) => `dossier:${id}`,
}

/** One thing SocketSink sends: a center's facts of one change, or a ticket's new view. */
type SinkMessage = ['facts', string, PublicFact[]] | ['ticket', TicketView] | ['dossier', string, PublicDossierView] | ['board', string, BoardSnapshot]

/**
 * Sends committed facts to rooms; never to everyone. To this instance's sockets at once; to the other
 * instances (`crossInstance`, the PostgreSQL adapter) as one adapter message per change — the facts and
 * ticket views a publish sends together, gathered until the next microtask — which each
 * instance replays to its own sockets (`replay`). One NOTIFY per change instead of one per room and
 * event (a call-next: 1 instead of 7), in the order they were sent, as every adapter message is.
 */
export class SocketSink implements EventSink {
  io: IoServer | undefined
  logger: Logger | undefined
  crossInstance = false
  private pending: SinkMessage[] = []
  publishFailed(err: unknown) {
    this.logger?.warn({ err }, 'events of a committed change were not sent')
  }
  centerFacts(centerSlug: string, facts: PublicFact[]) {
    this.send(['facts', centerSlug, facts])
  }
  ticketUpdated(ticket: TicketView) {
    this.send(['ticket', ticket])
  }
  dossierUpdated(dossierId: string, dossier: PublicDossierView) {
    this.send(['dossier', dossierId, dossier])
  }
  boardChanged(centerSlug: string, board: BoardSnapshot) {
    this.send(['board', centerSlug, board])
  }
  async staffSignedOut(staffId: string, centerSlug?: string, session?: string) {
    const io = this.io
    if (!io) return
    try {
      // staff sockets of a center sit in its staff room; an admin's may be anywhere
      const sockets = await (centerSlug ? io.in(rooms.staff(centerSlug)) : io).fetchSockets()
      for (const s of sockets) if (s.data.staffId === staffId && (!session || s.data.staffSession === session)) s.disconnect(true)
    } catch (err) {
      this.publishFailed(err) // the sessions are revoked: the sockets' next handshake is refused anyway
    }
  }
  private send(m: SinkMessage) {
    const io = this.io
    if (!io) return
    replay(io, m)
    if (!this.crossInstance) return
    if (!this.pending.length) {
      queueMicrotask(() => {
        const batch = this.pending
        this.pending = []
        // alone (no other instance has answered the adapter's heartbeats), the NOTIFY would reach no one:
        // skipping it is a fifth of a kiosk tap's CPU (docs/benchmarks.md, "What the core needs")
        void io.of('/').adapter.serverCount().then((n) => { if (n > 1) io.serverSideEmit('motcua:sink', batch) })
      })
    }
    this.pending.push(m)
  }
}

/** A sink message to this instance's sockets (`io.local`: not through the adapter again). */
function replay(io: IoServer, m: SinkMessage) {
  const local = io.local
  if (m[0] === 'ticket') {
    local.to([rooms.ticket(m[1].id), rooms.staff(m[1].centerSlug)]).emit('ticket:updated', m[1])
    return
  }
  if (m[0] === 'dossier') {
    local.to(rooms.dossier(m[1])).emit('dossier:updated', m[2])
    return
  }
  if (m[0] === 'board') {
    local.to(rooms.center(m[1])).emit('board:snapshot', m[2])
    return
  }
  const [, centerSlug, facts] = m
  for (const { name, payload } of facts) {
    local.to(rooms.center(centerSlug)).emit(name, payload as never)
    const counterId = (payload as { counterId?: unknown }).counterId ?? (payload as { counter?: { id?: string } }).counter?.id
    if (typeof counterId === 'string') local.to(rooms.counter(counterId)).emit(name, payload as never)
  }
}

const NOTIFY = 'SELECT pg_notify($1, $2)'
const pendingNotifies = new WeakMap<object, () => Promise<void>>()

/** After `io.close()`: settles when the adapter's last NOTIFYs (its goodbye included) have left, so the pool can end. */
export async function realtimeFlushed(io: IoServer, timeoutMs = 2000): Promise<void> {
  const idle = pendingNotifies.get(io)
  if (!idle) return
  let timer: NodeJS.Timeout | undefined
  await Promise.race([idle(), new Promise<void>((resolve) => { timer = setTimeout(resolve, timeoutMs) })])
  clearTimeout(timer)
}

/**
 * The pool as the adapter sees it, with its NOTIFYs sent in emit order. The adapter sends each emit as
 * its own `SELECT pg_notify` on whichever pool connection is free, and emits locally only once that
 * query returns: three facts of one transaction could then commit, and reach every display, local
 * ones included, as 13, 12, 14 (a gap, a refetch). Here they queue, and while one round trip is out
 * the next ones gather into one multi-statement query (one implicit transaction: delivered in order;
 * PostgreSQL folds identical payloads within a transaction, and an identical message twice says nothing new).
 */
export function orderedNotifies(pool: pg.Pool, logger?: Logger): pg.Pool & { idle(): Promise<void> } {
  let queue: { channel: string; payload: string; done: (err?: unknown) => void }[] = []
  let busy = false
  let idleWaiters: (() => void)[] = []
  async function drain() {
    busy = true
    while (queue.length) {
      const batch = queue
      queue = []
      try {
        if (batch.length === 1) await pool.query(NOTIFY, [batch[0]!.channel, batch[0]!.payload])
        else await pool.query(batch.map((b) => `SELECT pg_notify(${pg.escapeLiteral(b.channel)}, ${pg.escapeLiteral(b.payload)})`).join(';'))
        for (const b of batch) b.done()
      } catch (err) {
        for (const b of batch) b.done(err)
      }
    }
    busy = false
    for (const w of idleWaiters.splice(0)) w()
  }
  /** settles once every NOTIFY asked for so far has been sent (or failed) */
  const idle = () => (busy ? new Promise<void>((resolve) => { idleWaiters.push(resolve) }) : Promise.resolve())
  const query = (text: string, values?: unknown[]) => {
    if (text !== NOTIFY || !values) return pool.query(text, values)
    return new Promise<void>((resolve, reject) => {
      queue.push({ channel: String(values[0]), payload: String(values[1]), done: (err) => (err ? reject(err) : resolve()) })
      if (!busy) void drain()
    })
  }
  // The adapter uses connect() (its LISTEN client, kept for good) and query() only. A checked-out client
  // has no error listener of the pool's: the database restarting would be an unhandled 'error' event and
  // end the process. The adapter reconnects by itself on 'end' (with a new client), but never releases
  // the dead one: the pool would count it for ever, one slot lost per database restart. Released here.
  const connect = async () => {
    const client = await pool.connect()
    client.on('error', (err) => logger?.warn({ err }, 'socket.io adapter: LISTEN connection lost'))
    client.once('end', () => {
      try { client.release(new Error('LISTEN connection ended')) } catch { /* the adapter released it (close) */ }
    })
    return client
  }
  return { connect, query, idle } as unknown as pg.Pool & { idle(): Promise<void> }
}

/**
 * What sockets need to know, as lookups that app.ts builds from the services: this file imports no
 * service, so no service can reach it. The AppError of a lookup ("not found") refuses the socket.
 */
export interface RealtimeLookups {
  /**
   * the staff member whose live session the handshake's cookie header carries, or null; `refused` when that
   * account must change its password first (no staff socket until then)
   */
  staffOfSession(cookieHeader: string | undefined): Promise<{ staffId: string; session: string; msLeft: number } | { refused: 'PASSWORD_CHANGE_REQUIRED' } | null>
  /** the center of a slug (CENTER_NOT_FOUND when none) */
  center(slug: string): Promise<{ id: string; slug: string }>
  ticket(id: string): Promise<TicketView>
  /** the ticket of a phone: its id and the secret printed on its QR (TICKET_NOT_FOUND for a wrong one, as for an unknown id) */
  holderTicket(id: string, key: string | undefined): Promise<TicketView>
  /**
   * the dossier both codes name, for a phone at `address`: one try of the lookup budget the HTTP
   * lookups spend, then the codes, throttled against guessing like the public lookup (DOSSIER_NOT_FOUND;
   * RATE_LIMITED past either)
   */
  dossierByCodes(code: string, lookupCode: string, address: string): Promise<string>
  publicDossier(dossierId: string): Promise<PublicDossierView>
  board(centerSlug: string): Promise<BoardSnapshot>
  /** a counter (its id as stored) and the center it belongs to, or undefined when there is no such counter */
  counter(counterId: string): Promise<{ id: string; centerId: string } | undefined>
  staff(staffId: string): Promise<StaffView | undefined>
}

/** How events reach sockets: this process only (PGlite), or every instance on one PostgreSQL database. */
export type RealtimeMode = 'single-instance' | 'postgres-adapter'

/**
 * Public sockets join `center:<slug>` (auth `{ center }`) and get `board:snapshot` on connect; a phone
 * joins `ticket:<id>` (auth `{ ticket, key }`: the ticket's secret); a staff socket is recognised by its session cookie and may
 * watch the counters of its center.
 */
export function attachRealtime(httpServer: HttpServer, deps: {
  lookups: RealtimeLookups; sink: SocketSink; logger: Logger; pool?: pg.Pool
  /** the handshake's client address, as the HTTP routes see theirs (`req.ip`, behind the same trusted proxies) */
  clientAddress: (req: IncomingMessage) => string
  /** issue 19: one anonymous connection from `address` (a socket without a staff session); throws RATE_LIMITED past its budget */
  anonymous?: (address: string) => Promise<void>
}): IoServer {
  const io: IoServer = new Server(httpServer, { serveClient: false, maxHttpBufferSize: 10_000 })
  if (deps.pool) {
    // Every instance on this database LISTENs on one channel; an emit anywhere reaches sockets everywhere.
    // The listener holds one pool client for good (pool max ≥ 2).
    const notifier = orderedNotifies(deps.pool, deps.logger)
    pendingNotifies.set(io, notifier.idle)
    io.adapter(createAdapter(notifier, {
      errorHandler: (err) => deps.logger.warn({ err }, 'socket.io postgres adapter error'),
    }))
  }
  deps.sink.io = io
  deps.sink.logger = deps.logger
  if (deps.pool) {
    deps.sink.crossInstance = true
    // another instance's changes, to this instance's sockets (sent by instances of this code only)
    io.on('motcua:sink', (batch) => {
      if (!Array.isArray(batch)) return
      for (const m of batch) if (Array.isArray(m) && ['facts', 'ticket', 'dossier', 'board'].includes(m[0])) replay(io, m)
    })
  }

  io.use(handshake(deps.lookups, deps.logger, deps.clientAddress, deps.anonymous))
  io.on('connection', (socket: IoSocket) => connected(socket, deps.lookups, deps.logger))
  return io
}

// "not found" refuses the socket for good; a database outage answers INTERNAL, and pages retry soon
const notFoundAsNull = (e: unknown) => { if (e instanceof AppError) return null; throw e }

/** A phone following a dossier: its two codes, as the public lookup takes them. */
const DossierAuth = z.object({ code: z.string().min(1).max(40), lookupCode: z.string().max(40) })

/**
 * The dossier a handshake's `auth.dossier` names, or the error that refuses the socket: RATE_LIMITED
 * (the address's lookup budget or its failed guesses), else DOSSIER_NOT_FOUND for any other failure.
 */
async function dossierClaim(lookups: RealtimeLookups, claim: unknown, address: string): Promise<{ id: string } | { refused: string }> {
  const d = DossierAuth.safeParse(claim)
  if (!d.success) return { refused: 'DOSSIER_NOT_FOUND' }
  try {
    return { id: await lookups.dossierByCodes(d.data.code, d.data.lookupCode, address) }
  } catch (e) {
    if (!(e instanceof AppError)) throw e
    return { refused: e.code === 'RATE_LIMITED' ? 'RATE_LIMITED' : 'DOSSIER_NOT_FOUND' }
  }
}

/** Who a socket is, from its cookie and its auth: each claim checked, or the socket refused. */
function handshake(lookups: RealtimeLookups, logger: Logger, clientAddress: (req: IncomingMessage) => string,
  anonymous?: (address: string) => Promise<void>): Parameters<IoServer['use']>[0] {
  return async (socket, next) => {
    try {
      const a = (socket.handshake.auth ?? {}) as Record<string, unknown>
      const staff = await lookups.staffOfSession(socket.handshake.headers.cookie)
      const staffRefused = staff && 'refused' in staff ? staff.refused : undefined
      if (!staff || 'refused' in staff) {
        // issue 19: an anonymous socket spends its address's connection budget before any lookup
        try { await anonymous?.(clientAddress(socket.request)) } catch (e) {
          if (e instanceof AppError && e.code === 'RATE_LIMITED') return next(new Error('RATE_LIMITED'))
          throw e
        }
      }
      if (staff && !('refused' in staff)) {
        socket.data.staffId = staff.staffId
        socket.data.staffSession = staff.session
        socket.data.staffMsLeft = staff.msLeft
      }
      if (a.center !== undefined) {
        const slug = CenterSlug.safeParse(a.center)
        if (!slug.success) return next(new Error('CENTER_NOT_FOUND'))
        const center = await lookups.center(slug.data).catch(notFoundAsNull)
        if (!center) return next(new Error('CENTER_NOT_FOUND'))
        socket.data.centerId = center.id
        socket.data.centerSlug = center.slug
      }
      if (a.ticket !== undefined) {
        // a phone following its ticket: the id and the secret of its QR (`auth: { ticket, key }`)
        const id = Uuid.safeParse(a.ticket)
        const key = TicketKey.safeParse(a.key)
        const t = id.success && key.success ? await lookups.holderTicket(id.data, key.data).catch(notFoundAsNull) : null
        if (!t) return next(new Error('TICKET_NOT_FOUND'))
        socket.data.ticketId = t.id
      }
      if (a.dossier !== undefined) {
        // a phone following a dossier: both codes, checked (and throttled) like the public lookup
        const d = await dossierClaim(lookups, a.dossier, clientAddress(socket.request))
        if ('refused' in d) return next(new Error(d.refused))
        socket.data.dossierId = d.id
      }
      if (!socket.data.centerId && !socket.data.ticketId && !socket.data.staffId && !socket.data.dossierId) return next(new Error(staffRefused ?? 'AUTH_REQUIRED'))
      next()
    } catch (err) {
      logger.warn({ err }, 'socket handshake failed')
      next(new Error('INTERNAL'))
    }
  }
}

/**
 * A staff socket ends with its session: disconnected when the session expires (a logout or a deactivation
 * ends it earlier, through staffSignedOut), so it never outlives the cookie that opened it.
 */
function endWithSession(socket: IoSocket) {
  // setTimeout takes at most 2^31-1 ms (24.8 days; a session lasts at most 7): a longer wait would fire at once
  const timer = setTimeout(() => socket.disconnect(true), Math.min(2 ** 31 - 1, Math.max(0, socket.data.staffMsLeft ?? 0)))
  timer.unref()
  socket.once('disconnect', () => clearTimeout(timer))
}

/** A socket's rooms and first views; a staff socket may also watch counters of its center. */
async function connected(socket: IoSocket, lookups: RealtimeLookups, logger: Logger) {
  const { centerSlug, ticketId, staffId, dossierId } = socket.data
  // Listeners first, before any await: a client may send as soon as it sees `connect`.
  // settled even when the database fails, so no rejection goes unhandled while other awaits run
  const staffP = staffId ? lookups.staff(staffId).catch((err) => { logger.warn({ err }, 'staff socket lookup failed'); return undefined }) : undefined
  if (staffId) endWithSession(socket)
  if (staffP) {
    socket.on('counter:watch', async (counterId, ack) => {
      let ok = false
      try {
        const staff = await staffP
        const id = Uuid.safeParse(counterId)
        const c = id.success ? await lookups.counter(id.data) : undefined
        ok = !!c && !!staff && (staff.role === 'admin' || staff.centerId === c.centerId)
        if (ok) await socket.join(rooms.counter(c!.id))
      } catch (err) {
        logger.warn({ err }, 'counter:watch failed')
        ok = false
      }
      if (typeof ack === 'function') ack(ok)
    })
  }
  try {
    if (ticketId) {
      await socket.join(rooms.ticket(ticketId))
      socket.emit('ticket:updated', await lookups.ticket(ticketId))
    }
    if (dossierId) {
      await socket.join(rooms.dossier(dossierId))
      socket.emit('dossier:updated', await lookups.publicDossier(dossierId))
    }
    if (staffP) {
      const staff = await staffP
      // staff follow every ticket of their own center (an admin: of the center it connected to)
      const slug = staff?.centerSlug ?? (staff?.role === 'admin' ? centerSlug : undefined)
      if (slug) await socket.join(rooms.staff(slug))
    }
    if (centerSlug) {
      await socket.join(rooms.center(centerSlug))
      socket.emit('board:snapshot', await lookups.board(centerSlug))
    }
  } catch (err) {
    // the database went away mid-handshake: the page reconnects and gets a fresh snapshot
    logger.warn({ err }, 'socket setup failed')
    socket.disconnect(true)
  }
}
