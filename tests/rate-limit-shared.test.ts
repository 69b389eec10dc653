// Issue 19: rate limits that several instances on one database share (login, lookups over HTTP and sockets,
// filings…: server/http/rate-limit-store.ts, migration 0023), and the per-address limits of anonymous reads and
// anonymous socket connections. Each would pass its attack without its rule: two instances counted apart gave a
// stranger two budgets; reads and sockets had none.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import type { AddressInfo } from 'node:net'
import { io as ioClient, type Socket as ClientSocket } from 'socket.io-client'
import supertest from 'supertest'
import { backends } from './helpers/db.js'
import { startHarness, TEST_PASSWORD, type Harness } from './helpers/harness.js'
import { createApp, type App, type AppDeps } from '../server/app.js'
import { DbRateLimitStore } from '../server/http/rate-limit-store.js'

/** The error a socket's handshake was refused with ('' when it connected). */
function handshake(s: ClientSocket): Promise<string> {
  return new Promise((resolve) => {
    s.once('connect', () => { s.disconnect(); resolve('') })
    s.once('connect_error', (e) => resolve(e.message))
  })
}

describe.each(backends)('shared and per-address rate limits on %s', (kind) => {
  const LIMITS: Partial<AppDeps> = { loginsPerMinute: 3, dossierLimits: { lookupsPerMinute: 3, filingsPerHour: 100_000 }, publicReadsPerMinute: 5, publicSocketsPerMinute: 3 }
  let h: Harness
  let second: App
  let url2: string
  beforeAll(async () => {
    h = await startHarness(kind, LIMITS)
    // a second instance on the same database, as behind a load balancer
    second = createApp({ dbHandle: h.handle, clock: h.clock, publicRateLimitPerMinute: 100_000, ...LIMITS })
    await new Promise<void>((r) => second.httpServer.listen(0, '127.0.0.1', r))
    url2 = `http://127.0.0.1:${(second.httpServer.address() as AddressInfo).port}`
  }, 60_000)
  afterAll(async () => {
    await second?.close()
    await h?.close()
  })
  const wipe = () => h.handle.db.deleteFrom('rate_limit_hit').execute()
  /** A fresh instance on the same database: reads and sockets are counted per instance, so its budgets are whole. */
  async function fresh(): Promise<{ url: string; app: App }> {
    const app = createApp({ dbHandle: h.handle, clock: h.clock, publicRateLimitPerMinute: 100_000, ...LIMITS })
    await new Promise<void>((r) => app.httpServer.listen(0, '127.0.0.1', r))
    return { app, url: `http://127.0.0.1:${(app.httpServer.address() as AddressInfo).port}` }
  }

  it('login attempts from one address share one budget across instances', async () => {
    await wipe()
    const attempt = (url: string) => supertest(url).post('/api/auth/login').send({ username: 'canbo1', password: 'sai-mat-khau' })
    expect((await attempt(h.url)).status).toBe(401)
    expect((await attempt(url2)).status).toBe(401)
    expect((await attempt(h.url)).status).toBe(401)
    // the 4th of the minute, on the other instance: refused before its body is read
    const refused = await attempt(url2)
    expect({ status: refused.status, code: refused.body.error?.code }).toEqual({ status: 429, code: 'RATE_LIMITED' })
    expect(await h.handle.db.selectFrom('rate_limit_hit').select('hits').where('key', 'like', 'login:%').executeTakeFirstOrThrow()).toEqual({ hits: 4 })
  })

  it('dossier lookups over HTTP and sockets share one budget across instances', async () => {
    await wipe()
    const lookup = (url: string) => supertest(url).get('/api/public/dossiers/NS-000000-0000').query({ lookupCode: 'ABCD' })
    expect((await lookup(h.url)).status).toBe(404)
    expect((await lookup(url2)).status).toBe(404)
    const phone = ioClient(url2, { auth: { dossier: { code: 'NS-000000-0000', lookupCode: 'ABCD' } }, transports: ['websocket'], forceNew: true, reconnection: false })
    expect(await handshake(phone)).toBe('DOSSIER_NOT_FOUND')
    const refused = await lookup(h.url)
    expect({ status: refused.status, code: refused.body.error?.code }).toEqual({ status: 429, code: 'RATE_LIMITED' })
    const again = ioClient(url2, { auth: { dossier: { code: 'NS-000000-0000', lookupCode: 'ABCD' } }, transports: ['websocket'], forceNew: true, reconnection: false })
    expect(await handshake(again)).toBe('RATE_LIMITED')
  })

  it('the store: a window ends and starts afresh, decrement and reset, ended rows swept', async () => {
    await wipe()
    let t = Date.parse('2026-11-23T02:00:00Z')
    const store = new DbRateLimitStore(h.handle.db, 'probe', () => t)
    store.init({ windowMs: 60_000 } as never)
    expect((await store.increment('203.0.113.7')).totalHits).toBe(1)
    const second = await store.increment('203.0.113.7')
    expect(second).toEqual({ totalHits: 2, resetTime: new Date(t + 60_000) })
    await store.decrement('203.0.113.7')
    expect((await store.get('203.0.113.7'))?.totalHits).toBe(1)
    t += 60_000 // the window has ended: the next hit starts a new one
    expect(await store.get('203.0.113.7')).toBeUndefined()
    expect(await store.increment('203.0.113.7')).toEqual({ totalHits: 1, resetTime: new Date(t + 60_000) })
    await store.resetKey('203.0.113.7')
    expect(await store.get('203.0.113.7')).toBeUndefined()
    // an ended row of another key is deleted by the next hit's sweep (at most once a minute)
    await store.increment('198.51.100.1')
    t += 3 * 60_000
    await store.increment('198.51.100.2')
    await new Promise((r) => setTimeout(r, 50))
    expect((await h.handle.db.selectFrom('rate_limit_hit').select('key').execute()).map((r) => r.key)).toEqual(['probe:198.51.100.2'])
  })

  it('anonymous reads are limited per address; staff reads are not counted', async () => {
    const { app, url } = await fresh()
    try {
      const board = () => supertest(url).get('/api/centers/na-sang/board')
      for (let i = 0; i < 5; i++) expect((await board()).status).toBe(200)
      const refused = await board()
      expect({ status: refused.status, code: refused.body.error?.code }).toEqual({ status: 429, code: 'RATE_LIMITED' })
      const staff = supertest.agent(url)
      expect((await staff.post('/api/auth/login').send({ username: 'quanly', password: TEST_PASSWORD })).status).toBe(200)
      for (let i = 0; i < 7; i++) expect((await staff.get('/api/centers/na-sang/board')).status).toBe(200)
    } finally { await app.close() }
  })

  it('anonymous socket connections are limited per address; a staff socket is not counted', async () => {
    const { app, url } = await fresh()
    try {
      const board = () => ioClient(url, { auth: { center: 'na-sang' }, transports: ['websocket'], forceNew: true, reconnection: false })
      for (let i = 0; i < 3; i++) expect(await handshake(board())).toBe('')
      expect(await handshake(board())).toBe('RATE_LIMITED')
      const login = await supertest(url).post('/api/auth/login').send({ username: 'quanly', password: TEST_PASSWORD })
      const cookie = login.headers['set-cookie']![0]!.split(';')[0]!
      const staff = ioClient(url, { auth: { center: 'na-sang' }, transports: ['websocket'], forceNew: true, reconnection: false, extraHeaders: { cookie } })
      expect(await handshake(staff)).toBe('')
    } finally { await app.close() }
  })
})
