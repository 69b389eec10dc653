// The fuzz benchmark's generator (bench/fuzz.ts, same seed) in-process: every route the app has (walked off its
// router, so a route added later is fuzzed without being listed), anonymously and as a clerk, a manager and an
// admin, with malformed bodies, params and queries; then junk handshakes and events on the sockets. No 5xx, every
// 4xx a JSON error with a stable code, no stack trace, no write accepted, no row changed, no error logged.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { createServer } from 'node:http'
import express from 'express'
import { Server } from 'socket.io'
import { pino } from 'pino'
import {
  CATEGORIES, WHO, fuzzData, fuzzPools, fuzzRequests, sendAll, snapshot, socketFuzz, staffSessions, stubPages,
  type FuzzRoute, type FuzzTargets, type SocketEvent,
} from '../bench/fuzz.js'
import { routeKey, walkRoutes } from '../server/http/routes.js'
import { chooseLanguage, errorHandler } from '../server/http/errors.middleware.js'
import { backends } from './helpers/db.js'
import { nextEvent, startHarness, TEST_PASSWORD, type Harness } from './helpers/harness.js'

/** requests per route and per session kind: ~80 routes × 4 kinds × 6 ≈ 2,000 a backend */
const PER_ROUTE = 6

interface LogLine { level: number; msg: string }

describe('the fuzz itself', () => {
  it('finds a 5xx, a 4xx without a stable code, a stack trace and an accepted write, on an app made to have them', async () => {
    const app = express()
    app.use(chooseLanguage)
    app.get('/boom', () => { throw new Error('boom') })
    app.get('/plain/:id', (_req, res) => { res.status(400).type('text/plain').send('bad request') })
    app.get('/leak', (_req, res) => { res.status(404).json({ error: { code: 'NOT_FOUND', message: new Error('x').stack } }) })
    app.post('/accept', (_req, res) => { res.json({ ok: true }) })
    app.use(errorHandler(pino({ level: 'silent' })))
    const server = app.listen(0, '127.0.0.1')
    await new Promise((r) => server.once('listening', r))
    try {
      const routes = walkRoutes(app)
      expect(routes.map(routeKey).sort()).toEqual(['GET /boom', 'GET /leak', 'GET /plain/:id', 'POST /accept'])
      const tally = await sendAll(`http://127.0.0.1:${(server.address() as AddressInfo).port}`, fuzzRequests(7, routes, { pools: {}, cookies: {} }, { perRoute: 3, who: ['anonymous'] }), 2)
      expect(tally.fiveXx.map((f) => f.req)).toContainEqual(expect.stringContaining('GET /boom'))
      expect(tally.badErrors.map((f) => f.req)).toContainEqual(expect.stringContaining('GET /plain/'))
      expect(tally.stackTraces.map((f) => f.req)).toContainEqual(expect.stringContaining('GET /leak'))
      expect(tally.okNotGet).toContainEqual(expect.stringContaining('POST /accept'))
    } finally {
      await new Promise((r) => server.close(r))
    }
  })

  it('finds a handshake refused with INTERNAL and an event left unacknowledged, on a socket server made to have them', async () => {
    const http = createServer()
    const io = new Server(http)
    io.use((socket, next) => { next(socket.handshake.auth.center === 'na-sang' ? undefined : new Error('INTERNAL')) })
    io.on('connection', (socket) => { socket.on('counter:watch', (_counterId: unknown, _ack: unknown) => { /* never acknowledges */ }) })
    await new Promise<void>((r) => http.listen(0, '127.0.0.1', r))
    try {
      const tally = await socketFuzz(`http://127.0.0.1:${(http.address() as AddressInfo).port}`, 7, { pools: { center: ['na-sang'] }, cookies: {} },
        { perWho: 8, who: ['anonymous'], ackMs: 300, eventsOf: () => [{ name: 'counter:watch', ack: true, payloads: 1 }] })
      expect(tally.problems).toContainEqual(expect.stringMatching(/handshake .*: INTERNAL$/))
      expect(tally.problems).toContainEqual(expect.stringMatching(/counter:watch\(.*\): no acknowledgement/))
    } finally {
      await new Promise<void>((r) => io.close(() => r()))
    }
  })
})

describe.each(backends)('fuzz (%s)', (kind) => {
  let h: Harness
  let routes: FuzzRoute[]
  let targets: FuzzTargets
  let pagesDir: string
  const logs: LogLine[] = []
  beforeAll(async () => {
    pagesDir = stubPages(mkdtempSync(join(tmpdir(), 'motcua-fuzz-pages-')))
    // warnings and errors kept: an unexpected error is logged (and answered 500) by the error handler
    const logger = pino({ level: 'warn' }, { write: (line: string) => { logs.push(JSON.parse(line) as LogLine) } })
    // the limits out of reach, so malformed requests meet validation rather than a 429
    h = await startHarness(kind, { pagesDir, logger, loginsPerMinute: 100_000, setupPerMinute: 100_000, dossierLimits: { filingsPerHour: 100_000, lookupsPerMinute: 100_000 } })
    const cookies = await staffSessions(h.url, TEST_PASSWORD, h.demo.counters[1]!)
    const db = h.handle.db
    const services = (await db.selectFrom('service').select('id').where('active', '=', true).orderBy('sort_order').execute()).map((s) => s.id)
    const procedure = await db.selectFrom('procedure').select('id').where('code', '=', 'khai-sinh').executeTakeFirstOrThrow()
    await fuzzData(h.url, cookies.clerk, 'na-sang', services, procedure.id)
    targets = { pools: await fuzzPools(db, 'na-sang'), cookies }
    routes = walkRoutes(h.app.app)
  }, 60_000)
  afterAll(async () => {
    await h?.close()
    if (pagesDir) rmSync(pagesDir, { recursive: true, force: true })
  })

  it('walks every route of the app, nested routers included, and every write reads its input through validate()', () => {
    const keys = routes.map(routeKey)
    // one of each area: the walk reaches into every router the app mounts
    for (const k of ['GET /healthz', 'GET /metrics', 'POST /api/auth/login', 'POST /api/centers/:center/tickets', 'POST /api/counters/:id/call-next',
      'POST /api/public/dossiers', 'GET /api/public/dossiers/:code', 'POST /api/centers/:center/check-in', 'GET /api/dossiers/:id/attachments/:attachmentId',
      'PUT /api/centers/:center/calendar/:date', 'PATCH /api/centers/:center/settings/center', 'POST /api/tickets/:id/rating', 'GET /api/reports/summary',
      'GET /kiosk', 'GET /t/:ticketId']) expect(keys).toContain(k)
    expect(new Set(keys).size).toBe(keys.length)
    // the filing's path is registered twice (its body limit, then the route): one route, with the route's schema
    expect(routes.find((r) => routeKey(r) === 'POST /api/public/dossiers')!.shapes.body).toBeDefined()
    // zod on every input: a write with nothing to validate could not be fuzzed into a refusal
    expect(routes.filter((r) => r.method !== 'GET' && Object.keys(r.shapes).length === 0).map(routeKey)).toEqual([])
  })

  it.each(WHO)('answers malformed requests to every route (%s) with 4xx JSON errors with stable codes only, and changes no data', async (who) => {
    const before = await snapshot(h.handle.db)
    logs.length = 0
    const tally = await sendAll(h.url, fuzzRequests(7, routes, targets, { perRoute: PER_ROUTE, who: [who] }), 8)
    expect(tally.sent).toBe(routes.length * PER_ROUTE)
    // every walked route was fuzzed, each as many times: a route the app has and the fuzz skips fails here
    expect(Object.keys(tally.byRoute).sort()).toEqual(routes.map(routeKey).sort())
    for (const n of Object.values(tally.byRoute)) expect(n).toBe(PER_ROUTE)
    for (const c of CATEGORIES) expect(tally.byCategory[c]).toBeGreaterThan(0)
    expect(tally.fiveXx).toEqual([])
    expect(tally.badErrors).toEqual([])
    expect(tally.stackTraces).toEqual([])
    expect(tally.networkErrors).toEqual([])
    expect(tally.okNotGet).toEqual([])
    if (who !== 'anonymous') expect(tally.byStatus['401'] ?? 0).toBeLessThan(tally.sent / 4) // the session was used: requests met validation, not the role check
    expect(await snapshot(h.handle.db)).toEqual(before)
    expect(({} as Record<string, unknown>).polluted).toBeUndefined()
    expect(logs.filter((l) => l.level >= 50)).toEqual([])
    expect((await h.http.get('/healthz')).status).toBe(200)
  }, 60_000)

  it('survives junk handshakes and junk events on every socket event the server listens for, and acknowledges junk with a refusal', async () => {
    const RESERVED = new Set(['connect', 'connect_error', 'disconnect', 'disconnecting', 'error', 'newListener', 'removeListener'])
    // read off the server's socket: the events a socket of this kind listens for; a handler of (payload…, ack) takes an ack last
    const eventsOf = (id: string): SocketEvent[] => {
      const s = h.app.io.of('/').sockets.get(id)
      if (!s) return []
      return s.eventNames().map(String).filter((n) => !RESERVED.has(n)).map((name) => {
        const arity = Math.max(0, ...s.listeners(name as 'counter:watch').map((l) => l.length))
        return { name, ack: arity >= 2, payloads: Math.max(0, arity - 1) }
      })
    }
    logs.length = 0
    const before = await snapshot(h.handle.db)
    const tally = await socketFuzz(h.url, 7, targets, { perWho: 16, who: WHO, eventsOf })
    expect(tally.problems).toEqual([])
    expect(tally.outcomes.connected).toBeGreaterThan(0)
    expect(Object.keys(tally.outcomes).length).toBeGreaterThan(1) // some refused
    expect(tally.byEvent['counter:watch']).toBeGreaterThan(0) // staff sockets' own event
    expect(tally.acks).toBeGreaterThan(0)
    expect(logs.filter((l) => l.level >= 40)).toEqual([])
    expect(await snapshot(h.handle.db)).toEqual(before)
    expect(({} as Record<string, unknown>).polluted).toBeUndefined()
    // still serving: a wall display connects and gets its board
    const display = h.socket({ center: 'na-sang' })
    expect((await nextEvent(display, 'board:snapshot')).centerSlug).toBe('na-sang')
    expect((await h.http.get('/healthz')).status).toBe(200)
  }, 60_000)
})
