import type { Server as HttpServer } from 'node:http'
import { Server, type Socket } from 'socket.io'
import type { Logger } from 'pino'
import type { ClientToServerEvents, ServerToClientEvents, SocketData } from '../../common/events.js'
import type { TicketView } from '../../common/types.js'
import { CenterSlug, Uuid } from '../../common/schemas.js'
import type { AuthService } from '../auth/auth.service.js'
import { sessionToken } from '../auth/auth.middleware.js'
import type { BoardService } from '../centers/board.service.js'
import type { EventSink, QueueService } from '../queue/queue.service.js'
import { findCounter } from '../queue/counter.repository.js'
import type { Db } from '../../db/create-db.js'

export type IoServer = Server<ClientToServerEvents, ServerToClientEvents, Record<string, never>, SocketData>
type IoSocket = Socket<ClientToServerEvents, ServerToClientEvents, Record<string, never>, SocketData>

export const rooms = {
  center: (slug: string) => `center:${slug}`,
  ticket: (id: string) => `ticket:${id}`,
  counter: (id: string) => `counter:${id}`,
  staff: (slug: string) => `staff:${slug}`,
}

/** Sends committed facts to rooms; never to everyone. */
export class SocketSink implements EventSink {
  io: IoServer | undefined
  logger: Logger | undefined
  publishFailed(err: unknown) {
    this.logger?.warn({ err }, 'events of a committed change were not sent')
  }
  centerEvent(centerSlug: string, name: Parameters<EventSink['centerEvent']>[1], payload: { seq: number } & Record<string, unknown>) {
    this.io?.to(rooms.center(centerSlug)).emit(name, payload as never)
    const counterId = payload.counterId ?? (payload.counter as { id?: string } | undefined)?.id
    if (typeof counterId === 'string') this.io?.to(rooms.counter(counterId)).emit(name, payload as never)
  }
  ticketUpdated(ticket: TicketView) {
    this.io?.to([rooms.ticket(ticket.id), rooms.staff(ticket.centerSlug)]).emit('ticket:updated', ticket)
  }
}

/**
 * Public sockets join `center:<slug>` (auth `{ center }`) and get `board:snapshot` on connect; a phone
 * joins `ticket:<id>` (auth `{ ticket }`); a staff socket is recognised by its session cookie and may
 * watch the counters of its center.
 */
export function attachRealtime(httpServer: HttpServer, deps: { db: Db; auth: AuthService; board: BoardService; queue: QueueService; sink: SocketSink; logger: Logger }): IoServer {
  const io: IoServer = new Server(httpServer, { serveClient: false, maxHttpBufferSize: 10_000 })
  deps.sink.io = io
  deps.sink.logger = deps.logger

  io.use(async (socket, next) => {
    try {
      const a = (socket.handshake.auth ?? {}) as Record<string, unknown>
      const token = sessionToken(socket.handshake.headers.cookie)
      const staff = token ? await deps.auth.authenticate(token) : null
      if (staff) socket.data.staffId = staff.staff.id
      if (a.center !== undefined) {
        const slug = CenterSlug.safeParse(a.center)
        if (!slug.success) return next(new Error('CENTER_NOT_FOUND'))
        const center = await deps.board.center(slug.data).catch(() => null)
        if (!center) return next(new Error('CENTER_NOT_FOUND'))
        socket.data.centerId = center.id
        socket.data.centerSlug = center.slug
      }
      if (a.ticket !== undefined) {
        const id = Uuid.safeParse(a.ticket)
        const t = id.success ? await deps.queue.getTicket(id.data).catch(() => null) : null
        if (!t) return next(new Error('TICKET_NOT_FOUND'))
        socket.data.ticketId = t.id
      }
      if (!socket.data.centerId && !socket.data.ticketId && !socket.data.staffId) return next(new Error('AUTH_REQUIRED'))
      next()
    } catch (err) {
      deps.logger.warn({ err }, 'socket handshake failed')
      next(new Error('INTERNAL'))
    }
  })

  io.on('connection', async (socket: IoSocket) => {
    const { centerSlug, ticketId, staffId } = socket.data
    // Listeners first, before any await: a client may send as soon as it sees `connect`.
    const staffP = staffId ? deps.auth.staffView(staffId) : undefined
    if (staffP) {
      socket.on('counter:watch', async (counterId, ack) => {
        let ok = false
        try {
          const staff = await staffP
          const id = Uuid.safeParse(counterId)
          const c = id.success ? await findCounter(deps.db, id.data) : undefined
          ok = !!c && !!staff && (staff.role === 'admin' || staff.centerId === c.center_id)
          if (ok) await socket.join(rooms.counter(c!.id))
        } catch (err) {
          deps.logger.warn({ err }, 'counter:watch failed')
          ok = false
        }
        if (typeof ack === 'function') ack(ok)
      })
    }
    try {
      if (ticketId) {
        await socket.join(rooms.ticket(ticketId))
        socket.emit('ticket:updated', await deps.queue.getTicket(ticketId))
      }
      if (staffP) {
        const staff = await staffP
        // staff follow every ticket of their own center (an admin: of the center it connected to)
        const slug = staff?.centerSlug ?? (staff?.role === 'admin' ? centerSlug : undefined)
        if (slug) await socket.join(rooms.staff(slug))
      }
      if (centerSlug) {
        await socket.join(rooms.center(centerSlug))
        socket.emit('board:snapshot', await deps.board.board(centerSlug))
      }
    } catch (err) {
      // the database went away mid-handshake: the page reconnects and gets a fresh snapshot
      deps.logger.warn({ err }, 'socket setup failed')
      socket.disconnect(true)
    }
  })
  return io
}
