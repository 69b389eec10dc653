// What strangers may read of a center beyond its queue (issue 19, item 9): /metrics only with a token or
// from this host, no lookup code (or other query secret) in the request log, and on the public board and
// its live facts only the category of a counter's pause, never the clerk's note.
import type { Request } from 'express'
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { pino } from 'pino'
import { ConfigError, loadConfig } from '../server/config.js'
import { fromThisHost } from '../server/http/metrics-access.js'
import { redactUrl } from '../server/http/request-log.js'
import { backends } from './helpers/db.js'
import { nextEvent, startHarness, type Harness } from './helpers/harness.js'
import { openLine } from './queue-fixtures.js'

const TOKEN = 'c0ffee-metrics-token-0123456789abcdef'

/** Resolves once `pred` holds (the request log is written when the response has been sent). */
async function until(what: string, pred: () => boolean) {
  for (let i = 0; i < 200 && !pred(); i++) await new Promise((r) => setTimeout(r, 10))
  if (!pred()) throw new Error(`never: ${what}`)
}

describe('METRICS_TOKEN', () => {
  it('is read by config.ts and refused with a message naming it when it is too short or not a bearer token', () => {
    expect(loadConfig({}).metricsToken).toBeUndefined()
    expect(loadConfig({ METRICS_TOKEN: TOKEN }).metricsToken).toBe(TOKEN)
    for (const bad of ['short', 'has spaces in the middle of it', 'quote"in-the-token-0123456789']) {
      expect(() => loadConfig({ METRICS_TOKEN: bad })).toThrow(ConfigError)
      expect(() => loadConfig({ METRICS_TOKEN: bad })).toThrow(/METRICS_TOKEN/)
    }
  })
})

describe('fromThisHost', () => {
  const req = (remoteAddress: string, headers: Record<string, string> = {}) => ({ socket: { remoteAddress }, headers }) as unknown as Request
  it('is a loopback connection that no proxy forwarded', () => {
    for (const a of ['127.0.0.1', '::1', '::ffff:127.0.0.1', '127.0.0.2']) expect(fromThisHost(req(a))).toBe(true)
    for (const a of ['10.0.0.5', '192.168.1.20', '::ffff:10.0.0.5', 'fe80::1', '']) expect(fromThisHost(req(a))).toBe(false)
    expect(fromThisHost(req('127.0.0.1', { 'x-forwarded-for': '203.0.113.9' }))).toBe(false)
    expect(fromThisHost(req('127.0.0.1', { forwarded: 'for=203.0.113.9' }))).toBe(false)
  })
})

describe('redactUrl', () => {
  it('keeps the path and the harmless query values, and redacts every other value', () => {
    expect(redactUrl('/api/public/dossiers/NS-1?lookupCode=K7QX&center=na-sang')).toBe('/api/public/dossiers/NS-1?lookupCode=[redacted]&center=na-sang')
    expect(redactUrl('http://x.vn/tra-cuu?center=na-sang&code=NS-1&lookupCode=K7QX#top')).toBe('http://x.vn/tra-cuu?center=na-sang&code=[redacted]&lookupCode=[redacted]')
    expect(redactUrl('/api/dossiers?q=L%C3%B2%20Th%E1%BB%8B&limit=5')).toBe('/api/dossiers?q=[redacted]&limit=5')
    expect(redactUrl('/api/centers/na-sang/board')).toBe('/api/centers/na-sang/board')
  })
})

describe.each(backends)('what strangers may read on %s', (kind) => {
  describe('/metrics without a token', () => {
    let h: Harness
    beforeAll(async () => { h = await startHarness(kind) }, 60_000)
    afterAll(async () => { await h?.close() })

    it('answers a scraper on this host, and refuses a request a proxy forwarded (403)', async () => {
      expect((await h.http.get('/metrics')).status).toBe(200)
      const forwarded = await h.http.get('/metrics').set('x-forwarded-for', '203.0.113.9')
      expect({ status: forwarded.status, code: forwarded.body.error?.code }).toEqual({ status: 403, code: 'FORBIDDEN' })
      expect(forwarded.text).not.toContain('motcua_')
    })
  })

  describe('/metrics with METRICS_TOKEN', () => {
    let h: Harness
    const lines: string[] = []
    beforeAll(async () => {
      h = await startHarness(kind, { metricsToken: TOKEN, logger: pino({ level: 'info' }, { write: (s: string) => { lines.push(s) } }) })
    }, 60_000)
    afterAll(async () => { await h?.close() })

    it('answers only `Authorization: Bearer <token>`, from this host too, and never logs the token', async () => {
      for (const auth of [undefined, 'Bearer wrong-token-0123456789abcdef', `Basic ${TOKEN}`, `Bearer ${TOKEN}x`]) {
        const req = h.http.get('/metrics')
        const res = await (auth ? req.set('authorization', auth) : req)
        expect({ auth, status: res.status, code: res.body.error?.code }).toEqual({ auth, status: 401, code: 'AUTH_REQUIRED' })
        expect(res.headers['www-authenticate']).toBe('Bearer realm="metrics"')
      }
      const ok = await h.http.get('/metrics').set('authorization', `Bearer ${TOKEN}`)
      expect(ok.status).toBe(200)
      expect(ok.text).toContain('motcua_http_request_duration_seconds')
      await until('the log line of the last request', () => lines.some((l) => l.includes(ok.headers['x-request-id']!)))
      expect(lines.join('\n')).not.toContain(TOKEN)
    })
  })

  describe('the request log and the public board', () => {
    let h: Harness
    const lines: string[] = []
    beforeAll(async () => {
      h = await startHarness(kind, { logger: pino({ level: 'info' }, { write: (s: string) => { lines.push(s) } }) })
    }, 60_000)
    afterAll(async () => { await h?.close() })

    it('writes no lookup code into the request log: the API\'s query, the page\'s address, a referer', async () => {
      const api = await h.http.get('/api/public/dossiers/NS-261123-0001?lookupCode=K7QX&center=na-sang')
      const page = await h.http.get('/tra-cuu?center=na-sang&code=NS-261123-0001&lookupCode=K7QX')
        .set('referer', 'http://mot-cua.vn/tra-cuu?code=NS-261123-0001&lookupCode=K7QX')
      const ids = [api.headers['x-request-id']!, page.headers['x-request-id']!]
      await until('both log lines', () => ids.every((id) => lines.some((l) => l.includes(id))))
      const logged = lines.filter((l) => ids.some((id) => l.includes(id))).map((l) => JSON.parse(l) as { req: { url: string; query: Record<string, string>; headers: Record<string, string> } })
      expect(logged.map((l) => l.req.url).sort()).toEqual([
        '/api/public/dossiers/NS-261123-0001?lookupCode=[redacted]&center=na-sang',
        '/tra-cuu?center=na-sang&code=[redacted]&lookupCode=[redacted]',
      ])
      expect(logged.find((l) => l.req.url.startsWith('/api/'))!.req.query).toEqual({ lookupCode: '[redacted]', center: 'na-sang' })
      expect(lines.join('\n')).not.toContain('K7QX')
    })

    it('writes no ticket secret into the request log, and shows no ticket id on the board (issue 19, item 4)', async () => {
      const line = await openLine(h)
      const t = (await h.http.post('/api/centers/na-sang/tickets').send({ serviceId: line.serviceId }).expect(201)).body.ticket
      await line.clerk.post(`/api/counters/${line.counterId}/call-next`).send({}).expect(200)
      const reads = await Promise.all([
        h.http.get(`/api/tickets/${t.id}?key=${encodeURIComponent(t.secret)}`),
        h.http.get(`/api/tickets/${t.id}/rating?key=${encodeURIComponent(t.secret)}`),
      ])
      expect(reads.map((r) => r.status)).toEqual([200, 200])
      const ids = reads.map((r) => r.headers['x-request-id']!)
      await until('both log lines', () => ids.every((id) => lines.some((l) => l.includes(id))))
      expect(lines.join('\n')).not.toContain(t.secret)
      const board = await h.http.get('/api/centers/na-sang/board')
      expect(board.body.recentCalls[0]).toMatchObject({ code: t.code })
      expect(JSON.stringify(board.body)).not.toContain(t.id)
    })

    it('shows only the pause\'s category publicly (board, live fact, snapshot); staff views keep the clerk\'s note', async () => {
      const line = await openLine(h)
      const display = h.socket({ center: 'na-sang' })
      await nextEvent(display, 'board:snapshot')
      const changed = nextEvent(display, 'counter:changed')
      const note = 'đi khám bệnh ở trạm y tế'
      const paused = await line.clerk.post(`/api/counters/${line.counterId}/pause`).send({ reason: 'break', note })
      expect(paused.body.counter.pauseReason).toBe(`break: ${note}`)

      expect((await changed).counter).toMatchObject({ id: line.counterId, status: 'paused', pauseReason: 'break' })
      const board = await h.http.get('/api/centers/na-sang/board')
      expect(board.body.counters.find((c: { id: string }) => c.id === line.counterId)).toMatchObject({ status: 'paused', pauseReason: 'break' })
      const later = h.socket({ center: 'na-sang' })
      const snapshot = await nextEvent(later, 'board:snapshot')
      expect(snapshot.counters.find((c) => c.id === line.counterId)).toMatchObject({ pauseReason: 'break' })
      for (const text of [JSON.stringify(board.body), JSON.stringify(snapshot), JSON.stringify(await changed)]) expect(text).not.toContain('khám')

      const queue = await line.clerk.get(`/api/counters/${line.counterId}/queue`)
      expect(queue.body.counter).toMatchObject({ pauseReason: `break: ${note}` })
      const manager = await h.login('quanly')
      const floor = await manager.get('/api/centers/na-sang/floor')
      expect(floor.body.counters.find((c: { id: string }) => c.id === line.counterId)).toMatchObject({ pauseReason: `break: ${note}` })
    })
  })
})
