import type { RequestHandler } from 'express'
import type pg from 'pg'
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client'

/**
 * The app's Prometheus metrics, one registry per app (tests run several apps in one process).
 * Served at `GET /metrics` in the text format.
 */
export class AppMetrics {
  readonly registry = new Registry()
  readonly httpDuration: Histogram<'method' | 'route' | 'status'>
  readonly ticketsIssued: Counter
  readonly ticketsCalled: Counter
  readonly eventEmitDelay: Histogram
  private socketsCount: () => number = () => 0

  constructor(opts: { pool?: pg.Pool; processMetrics?: boolean } = {}) {
    const registers = [this.registry]
    if (opts.processMetrics) collectDefaultMetrics({ register: this.registry })
    this.httpDuration = new Histogram({
      name: 'motcua_http_request_duration_seconds',
      help: 'HTTP request latency by route pattern (not the raw URL)',
      labelNames: ['method', 'route', 'status'],
      buckets: [0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers,
    })
    this.ticketsIssued = new Counter({ name: 'motcua_tickets_issued_total', help: 'Tickets issued (committed), transfers included', registers })
    this.ticketsCalled = new Counter({ name: 'motcua_tickets_called_total', help: 'Tickets called to a counter (committed): call-next, call out of order, resume', registers })
    this.eventEmitDelay = new Histogram({
      name: 'motcua_event_emit_delay_seconds',
      help: 'From the commit of a change to the emit of its Socket.IO facts (payloads read after the commit)',
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 3],
      registers,
    })
    const self = this
    new Gauge({
      name: 'motcua_socketio_connected_sockets', help: 'Socket.IO clients connected to this instance', registers,
      collect() { this.set(self.socketsCount()) },
    })
    const pool = opts.pool
    if (pool) {
      new Gauge({
        name: 'motcua_db_pool_connections', help: 'PostgreSQL pool connections by state (total, idle, waiting requests)', labelNames: ['state'], registers,
        collect() {
          this.set({ state: 'total' }, pool.totalCount)
          this.set({ state: 'idle' }, pool.idleCount)
          this.set({ state: 'waiting' }, pool.waitingCount)
        },
      })
    }
  }

  countSockets(fn: () => number) { this.socketsCount = fn }

  /** Facts of one committed transaction were emitted `ms` after its commit. */
  factsSent(ms: number) {
    this.eventEmitDelay.observe(ms / 1000)
  }

  factsCommitted(names: readonly string[]) {
    for (const n of names) {
      if (n === 'ticket:issued') this.ticketsIssued.inc()
      else if (n === 'ticket:called') this.ticketsCalled.inc()
    }
  }

  /**
   * Times every request and labels it with the route pattern that matched (`/api/tickets/:id/start`),
   * `(unmatched)` for static files and 404s. The pattern is read when the router assigns `req.route`,
   * while `req.baseUrl` is still the mount path (an error handler runs after the router restored it).
   */
  middleware(): RequestHandler {
    return (req, res, next) => {
      const start = process.hrtime.bigint()
      let route: string | undefined
      let current: unknown
      Object.defineProperty(req, 'route', {
        configurable: true, enumerable: true,
        get: () => current,
        set: (v: { path?: unknown } | undefined) => {
          current = v
          if (v && typeof v.path === 'string') route = `${req.baseUrl}${v.path}`
        },
      })
      res.once('finish', () => { this.requestDone(req.method, route ?? '(unmatched)', res.statusCode, start) })
      next()
    }
  }

  /** A request to `route` (its pattern), started at `start` (`process.hrtime.bigint()`), was answered. */
  requestDone(method: string, route: string, status: number, start: bigint) {
    this.httpDuration.observe({ method, route, status: String(status) }, Number(process.hrtime.bigint() - start) / 1e9)
  }
}
