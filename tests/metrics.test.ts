import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import type { AddressInfo } from 'node:net'
import supertest from 'supertest'
import { createDb, type DbHandle } from '../db/create-db.js'
import { createApp } from '../server/app.js'
import { backends } from './helpers/db.js'
import { nextEvent, startHarness, type Harness } from './helpers/harness.js'
import { holderGet, issued, openLine } from './queue-fixtures.js'

/** The value of one sample line of the text format (`name{labels} value`), or undefined. */
function sample(text: string, name: string, labels: Record<string, string> = {}): number | undefined {
  for (const line of text.split('\n')) {
    if (line.startsWith('#')) continue
    const m = /^([a-zA-Z_:][\w:]*)(\{(.*)\})? (.+)$/.exec(line)
    if (!m || m[1] !== name) continue
    const got = Object.fromEntries([...(m[3] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)].map((x) => [x[1], x[2]]))
    if (Object.entries(labels).every(([k, v]) => got[k] === v)) return Number(m[4])
  }
  return undefined
}

describe.each(backends)('metrics and health on %s', (kind) => {
  let h: Harness
  beforeAll(async () => { h = await startHarness(kind) }, 60_000)
  afterAll(async () => { await h?.close() })

  it('GET /healthz is readiness (database asked), GET /healthz/live is liveness', async () => {
    expect((await h.http.get('/healthz')).body).toEqual({ status: 'ok', db: kind })
    const live = await h.http.get('/healthz/live')
    expect(live.status).toBe(200)
    expect(live.body).toEqual({ status: 'ok' })
  })

  it('/metrics counts tickets issued and called, times requests by route pattern, and emits after commit', async () => {
    const before = await h.http.get('/metrics')
    expect(before.status).toBe(200)
    expect(before.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/)
    const issued0 = sample(before.text, 'motcua_tickets_issued_total') ?? 0
    const called0 = sample(before.text, 'motcua_tickets_called_total') ?? 0

    const display = h.socket({ center: 'na-sang' })
    await nextEvent(display, 'board:snapshot')
    const line = await openLine(h)
    const t = await issued(h, line.serviceId)
    await issued(h, line.serviceId)
    await line.clerk.post(`/api/counters/${line.counterId}/call-next`).send({})
    await holderGet(h, t.id)
    await h.http.get('/kiosk/does-not-exist.js')

    const text = (await h.http.get('/metrics')).text
    expect(sample(text, 'motcua_tickets_issued_total')).toBe(issued0 + 2)
    expect(sample(text, 'motcua_tickets_called_total')).toBe(called0 + 1)
    // one display socket connected to this instance
    expect(sample(text, 'motcua_socketio_connected_sockets')).toBe(1)
    // latency by pattern: never a raw id in a label
    const issueCount = sample(text, 'motcua_http_request_duration_seconds_count', { method: 'POST', route: '/api/centers/:center/tickets', status: '201' })
    expect(issueCount).toBeGreaterThanOrEqual(2)
    expect(sample(text, 'motcua_http_request_duration_seconds_count', { method: 'POST', route: '/api/counters/:id/call-next', status: '200' })).toBeGreaterThanOrEqual(1)
    expect(sample(text, 'motcua_http_request_duration_seconds_count', { method: 'GET', route: '/api/tickets/:id', status: '200' })).toBeGreaterThanOrEqual(1)
    expect(sample(text, 'motcua_http_request_duration_seconds_bucket', { method: 'POST', route: '/api/centers/:center/tickets', status: '201', le: '+Inf' })).toBe(issueCount)
    expect(sample(text, 'motcua_http_request_duration_seconds_count', { method: 'GET', route: '(unmatched)', status: '404' })).toBeGreaterThanOrEqual(1)
    expect(text).not.toContain(t.id)
    expect(text).not.toContain(line.counterId)
    // commit → emit: every committed change with facts (open, 2 issues, call) was emitted
    expect(sample(text, 'motcua_event_emit_delay_seconds_count')).toBeGreaterThanOrEqual(4)
    // the pool (PostgreSQL only)
    if (kind === 'postgres') {
      expect(sample(text, 'motcua_db_pool_connections', { state: 'total' })).toBeGreaterThanOrEqual(1)
      expect(sample(text, 'motcua_db_pool_connections', { state: 'waiting' })).toBe(0)
    } else {
      expect(text).not.toContain('motcua_db_pool_connections')
    }
    display.disconnect()
  })

  it('an error answered by the error handler keeps its route pattern', async () => {
    const res = await h.http.get('/api/tickets/00000000-0000-4000-8000-000000000000')
    expect(res.status).toBe(404)
    const text = (await h.http.get('/metrics')).text
    expect(sample(text, 'motcua_http_request_duration_seconds_count', { method: 'GET', route: '/api/tickets/:id', status: '404' })).toBe(1)
  })
})

describe('health with the database unreachable', () => {
  // a PostgreSQL pool aimed at a port nothing listens on: every query fails at once (a closed PGlite would hang instead)
  let handle: DbHandle
  beforeAll(async () => { handle = await createDb({ databaseUrl: 'postgres://postgres@127.0.0.1:1/none', poolMax: 2 }) })
  afterAll(async () => { await handle.close() })

  it('readiness answers 503, liveness 200, and graceful close still works', async () => {
    const app = createApp({ dbHandle: handle })
    await new Promise<void>((r) => app.httpServer.listen(0, '127.0.0.1', r))
    const http = supertest(`http://127.0.0.1:${(app.httpServer.address() as AddressInfo).port}`)
    const ready = await http.get('/healthz')
    expect(ready.status).toBe(503)
    expect(ready.body).toEqual({ status: 'unavailable', db: 'postgres' })
    expect((await http.get('/healthz/live')).status).toBe(200)
    await app.close({ timeoutMs: 1000 })
    expect(app.httpServer.listening).toBe(false)
  })
})
