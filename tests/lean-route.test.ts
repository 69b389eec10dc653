// The kiosk's tap is served by a lean route (server/http/lean-route.ts) on its canonical path, and by
// Express on every other spelling (a trailing slash). Both must answer alike: status, body, headers,
// logs, metrics, the rate limit. ETag tells them apart (Express adds one; the lean route does not), so
// each case first checks it reached the lane it meant to.
import { Writable } from 'node:stream'
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { pino } from 'pino'
import type supertest from 'supertest'
import { backends } from './helpers/db.js'
import { startHarness, type Harness } from './helpers/harness.js'

type Res = supertest.Response
const LEAN = '/api/centers/na-sang/tickets'
const EXPRESS = '/api/centers/na-sang/tickets/'

/**
 * What differs by nature between two answers: ids, numbers, places in the queue (the second ticket is
 * behind the first), times, request ids, the rate limit's count and its key (the client's address, hashed).
 */
function comparable(res: Res) {
  const headers = Object.fromEntries(Object.entries(res.headers)
    .filter(([k]) => !['date', 'etag', 'x-request-id', 'content-length', 'ratelimit'].includes(k))
    .map(([k, v]) => [k, k === 'ratelimit-policy' ? String(v).replace(/pk=:[^:]*:/, 'pk') : v]))
  const byNature = ['id', 'code', 'number', 'issuedAt', 'requestId', 'ahead', 'position', 'estimatedWaitMinutes']
  const ticket = res.body.ticket && Object.fromEntries(Object.entries(res.body.ticket).map(([k, v]) => [k, byNature.includes(k) ? typeof v : v]))
  const body = ticket ? { ...res.body, ticket } : res.body
  return { status: res.status, headers, body }
}

describe.each(backends)('the lean issue route on %s', (kind) => {
  let h: Harness
  const logLines: string[] = []
  beforeAll(async () => {
    const sink = new Writable({ write(chunk, _enc, cb) { logLines.push(String(chunk)); cb() } })
    h = await startHarness(kind, { logger: pino({ level: 'info' }, sink), trustProxy: 1, publicRateLimitPerMinute: 3 })
  })
  afterAll(async () => { await h.close() })

  /** the same request to both spellings, from its own client address each (the limit is 3 a minute) */
  let addr = 0
  const both = async (send: (path: string, ip: string) => supertest.Test) => {
    const lean = await send(LEAN, `198.51.100.${++addr}`)
    const express = await send(EXPRESS, `198.51.100.${++addr}`)
    expect(lean.headers.etag).toBeUndefined()
    expect(express.headers.etag).toBeDefined()
    return { lean, express }
  }
  const post = (path: string, ip: string) => h.http.post(path).set('x-forwarded-for', ip)

  it.each([
    ['a tap', (p: string, ip: string) => post(p, ip).send({ serviceId: h.demo.services.A }), 201],
    ['a tap in English (?lang=en)', (p: string, ip: string) => post(`${p}?lang=en`, ip).send({ serviceId: h.demo.services.B }), 201],
    ['broken JSON', (p: string, ip: string) => post(p, ip).set('content-type', 'application/json').send('{"serviceId":'), 400],
    ['a form instead of JSON', (p: string, ip: string) => post(p, ip).type('form').send('serviceId=x'), 400],
    ['a body over 20 kB', (p: string, ip: string) => post(p, ip).send({ serviceId: h.demo.services.A, pad: 'x'.repeat(21_000) }), 413],
    ['an unknown field, in English', (p: string, ip: string) => post(p, ip).set('accept-language', 'en').send({ serviceId: h.demo.services.A, x: 1 }), 400],
    ['an unknown center', (p: string, ip: string) => post(p.replace('na-sang', 'nowhere'), ip).send({ serviceId: h.demo.services.A }), 404],
    ['a foreign page', (p: string, ip: string) => post(p, ip).set('origin', 'https://evil.example').send({ serviceId: h.demo.services.A }), 403],
    ['a page of this host', (p: string, ip: string) => post(p, ip).set('origin', `http://${new URL(h.url).host}`).send({ serviceId: h.demo.services.C }), 201],
    ['a tap through the TLS proxy', (p: string, ip: string) => post(p, ip).set('x-forwarded-proto', 'https').send({ serviceId: h.demo.services.D }), 201],
  ])('answers %s as Express does', async (_name, send, status) => {
    const { lean, express } = await both(send)
    expect(lean.status).toBe(status)
    expect(comparable(lean)).toEqual(comparable(express))
  })

  it('tells https through the trusted proxy from plain http, as Express does (the CSP upgrades requests only over https)', async () => {
    const { lean } = await both((p, ip) => post(p, ip).set('x-forwarded-proto', 'https').send({ serviceId: h.demo.services.A }))
    expect(lean.headers['content-security-policy']).toContain('upgrade-insecure-requests')
    const plain = await post(LEAN, '198.51.100.240').send({ serviceId: h.demo.services.A })
    expect(plain.headers['content-security-policy']).not.toContain('upgrade-insecure-requests')
  })

  it('keeps the caller\'s request id and logs the request as Express does', async () => {
    const lean = await post(LEAN, '198.51.100.200').set('x-request-id', 'kiosk-7-abc').send({ serviceId: h.demo.services.A })
    expect(lean.status).toBe(201)
    expect(lean.headers['x-request-id']).toBe('kiosk-7-abc')
    const line = logLines.map((l) => JSON.parse(l)).find((l) => l.req?.id === 'kiosk-7-abc')
    expect(line).toMatchObject({ msg: 'request completed', res: { statusCode: 201 }, req: { method: 'POST', url: LEAN } })
  })

  it('counts one address\'s taps on both spellings against one limit: the 4th is refused, and nothing is issued', async () => {
    const ip = '203.0.113.50'
    expect((await post(LEAN, ip).send({ serviceId: h.demo.services.A })).status).toBe(201)
    expect((await post(EXPRESS, ip).send({ serviceId: h.demo.services.A })).status).toBe(201)
    expect((await post(LEAN, ip).send({ serviceId: h.demo.services.A })).status).toBe(201)
    const before = await h.handle.db.selectFrom('ticket').select((e) => e.fn.countAll<string>().as('n')).executeTakeFirstOrThrow()
    const lean = await post(LEAN, ip).send({ serviceId: h.demo.services.A })
    const express = await post(EXPRESS, ip).send({ serviceId: h.demo.services.A })
    expect(lean.status).toBe(429)
    expect(comparable(lean)).toEqual(comparable(express))
    expect(lean.body.error.code).toBe('RATE_LIMITED')
    expect(Number(lean.headers['retry-after'])).toBeGreaterThan(0)
    const after = await h.handle.db.selectFrom('ticket').select((e) => e.fn.countAll<string>().as('n')).executeTakeFirstOrThrow()
    expect(after.n).toBe(before.n)
  })

  it('times its requests in /metrics under the labels Express gives: the pattern once the route matched, (unmatched) before', async () => {
    const count = async (route: string) => {
      const text = (await h.http.get('/metrics')).text
      const line = text.split('\n').find((l) => l.startsWith(`motcua_http_request_duration_seconds_count{method="POST",route="${route}",status="400"}`))
      return Number(line?.split(' ')[1] ?? 0)
    }
    const counts = async () => [await count('/api/centers/:center/tickets'), await count('(unmatched)')]
    let before = await counts()
    await post(LEAN, '198.51.100.220').set('content-type', 'application/json').send('{') // refused by the API's JSON parser, before the route
    expect(await counts()).toEqual([before[0], before[1]! + 1])
    await post(EXPRESS, '198.51.100.221').set('content-type', 'application/json').send('{')
    expect(await counts()).toEqual([before[0], before[1]! + 2])
    before = await counts()
    await post(LEAN, '198.51.100.222').send({ serviceId: 'x' }) // refused by the route's validation
    expect(await counts()).toEqual([before[0]! + 1, before[1]])
    await post(EXPRESS, '198.51.100.223').send({ serviceId: 'x' })
    expect(await counts()).toEqual([before[0]! + 2, before[1]])
  })

  it('leaves other methods and spellings to Express', async () => {
    expect((await h.http.get(LEAN)).status).toBe(404)
    expect((await h.http.get(LEAN)).headers.etag).toBeDefined()
    const upper = await post('/api/centers/na-sang/TICKETS', '198.51.100.230').send({ serviceId: h.demo.services.A })
    expect(upper.status).toBe(201) // Express matches paths case-insensitively
    expect(upper.headers.etag).toBeDefined()
  })
})
