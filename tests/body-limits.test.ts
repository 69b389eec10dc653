// One stranger's request must not freeze the server (issue 19, item 1): every anonymous write is
// rate-limited before its body is read, bodies are bounded in size per route and in nesting depth, and
// a stranger's body to a staff route is never read at all. Addresses vary through X-Forwarded-For under
// `trustProxy: 1`, as behind the load balancer.
import { randomUUID } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { catalogs } from '../common/i18n/index.js'
import { MAX_JSON_DEPTH, nestsDeeperThan } from '../server/http/body.js'
import { backends } from './helpers/db.js'
import { startHarness, type Harness } from './helpers/harness.js'

const MON_0900 = '2026-11-23T09:00:00+07:00'
const applicant = { fullName: 'Lò Thị Xuân', phone: '0912 345 678', address: 'Bản Na Sang 1', idNumber: null }
const statusAndCode = (r: { status: number; body: { error?: { code: string } } }) => ({ status: r.status, code: r.body.error?.code })

/** `[[[…0…]]]`: `depth` arrays, one inside the other. */
const nested = (depth: number) => `${'['.repeat(depth)}0${']'.repeat(depth)}`

/** The anonymous writes: each one's path and a body its schema accepts (ids that name nothing are fine). */
const WRITES = {
  ticket: { path: '/api/centers/na-sang/tickets', body: () => ({ serviceId: randomUUID() }) },
  filing: { path: '/api/public/dossiers', body: () => ({ center: 'na-sang', procedureId: randomUUID(), applicant }) },
  checkIn: { path: '/api/centers/na-sang/check-in', body: () => ({ code: 'NS-261123-0001', lookupCode: 'ABCD' }) },
  rating: { path: `/api/tickets/${randomUUID()}/rating`, body: () => ({ score: 3 }) },
  login: { path: '/api/auth/login', body: () => ({ username: 'khong-co', password: 'sai-mat-khau' }) },
} as const

describe('nestsDeeperThan', () => {
  const deeper = (text: string, max: number) => nestsDeeperThan(Buffer.from(text), max)

  it('counts arrays and objects, one inside the other', () => {
    expect(deeper(nested(3), 3)).toBe(false)
    expect(deeper(nested(4), 3)).toBe(true)
    expect(deeper('{"a":[{"b":[1]}]}', 4)).toBe(false)
    expect(deeper('{"a":[{"b":[1]}]}', 3)).toBe(true)
    // siblings do not add up
    expect(deeper(`[${Array(50).fill('[[1]]').join(',')}]`, 3)).toBe(false)
  })

  it('does not count brackets inside strings, escaped quotes included', () => {
    expect(deeper(JSON.stringify({ note: '['.repeat(100) }), 1)).toBe(false)
    expect(deeper(JSON.stringify({ note: 'a "quoted" [[[[ \\ back\\slash' }), 1)).toBe(false)
    expect(deeper(`{"a\\"[[[": 1, "b": [[[0]]]}`, 3)).toBe(true)
    expect(deeper(JSON.stringify({ tên: 'Lò Thị Xuân [[[[' }), 1)).toBe(false)
  })
})

describe.each(backends)('request bodies on %s', (kind) => {
  let h: Harness
  beforeAll(async () => {
    h = await startHarness(kind, {
      trustProxy: 1, clockStart: MON_0900, publicRateLimitPerMinute: 3, loginsPerMinute: 3, dossierLimits: { filingsPerHour: 3 },
    })
  }, 60_000)
  afterAll(async () => { await h?.close() })

  const post = (path: string, ip: string) => h.http.post(path).set('x-forwarded-for', ip)

  for (const [name, route] of Object.entries(WRITES)) {
    it(`refuses ${name} past its per-address limit with 429 without reading the body: not JSON, too deep or too large alike`, async () => {
      const n = Object.keys(WRITES).indexOf(name) + 1
      const ip = `10.19.1.${n}`
      // within the limit, the body is read: malformed JSON is 400
      let answered = 0
      let refusal: ReturnType<typeof statusAndCode> | undefined
      for (; answered < 30; answered++) {
        const res = await post(route.path, ip).set('content-type', 'application/json').send('{"not json":')
        if (res.status === 429) { refusal = statusAndCode(res); break }
        expect(statusAndCode(res)).toEqual({ status: 400, code: 'BAD_JSON' })
      }
      expect(answered).toBeGreaterThan(0)
      expect(answered).toBeLessThan(30)
      // past it, nothing is read: had the body been parsed first, each of these would be 400 or 413
      const refusals = [
        await post(route.path, ip).set('content-type', 'application/json').send('{"not json":'),
        await post(route.path, ip).set('content-type', 'application/json').send(nested(100_000)),
        await post(route.path, ip).send({ ...route.body(), padding: 'x'.repeat(10 * 1024 * 1024) }),
        await post(route.path, ip).set('content-type', 'text/plain').send('serviceId=1'),
      ]
      // (the filing's budget words its refusal TOO_MANY_FILINGS, the others RATE_LIMITED)
      expect(refusal?.code).toMatch(/^(RATE_LIMITED|TOO_MANY_FILINGS)$/)
      expect(refusals.map(statusAndCode)).toEqual(Array(4).fill(refusal))
      // another address is not refused
      expect((await post(route.path, `10.19.2.${n}`).set('content-type', 'application/json').send('{"not json":')).status).toBe(400)
    })
  }

  it(`refuses JSON nested deeper than ${MAX_JSON_DEPTH} levels with 400 BODY_TOO_DEEP, in Vietnamese unless asked otherwise`, async () => {
    const deep = (ip: string, path: string, depth: number, lang = 'vi') =>
      post(`${path}?lang=${lang}`, ip).set('content-type', 'application/json').send(`{"serviceId":${nested(depth)}}`)
    const tooDeep = await deep('10.19.3.1', WRITES.ticket.path, MAX_JSON_DEPTH)
    expect(statusAndCode(tooDeep)).toEqual({ status: 400, code: 'BODY_TOO_DEEP' })
    expect(tooDeep.body.error.message).toBe(catalogs.vi.errors.BODY_TOO_DEEP.replace('{max}', String(MAX_JSON_DEPTH)))
    expect((await deep('10.19.3.1', WRITES.ticket.path, MAX_JSON_DEPTH, 'en')).body.error.message).toBe('The request body is nested too deeply (at most 20 levels).')
    // one level less is read, and refused by the schema as any wrong value is
    expect(statusAndCode(await deep('10.19.3.2', WRITES.ticket.path, MAX_JSON_DEPTH - 1))).toEqual({ status: 400, code: 'VALIDATION_FAILED' })
    // the filing's larger limit holds deep arrays too: a megabyte of brackets is refused before JSON.parse
    const bracketsMb = await post(WRITES.filing.path, '10.19.3.3').set('content-type', 'application/json').send(nested(500_000))
    expect(statusAndCode(bracketsMb)).toEqual({ status: 400, code: 'BODY_TOO_DEEP' })
  })

  it('bounds bodies per route: 20 kB everywhere (413 PAYLOAD_TOO_LARGE), 9 MB for the online filing', async () => {
    const over20kB = { padding: 'x'.repeat(21 * 1024) }
    for (const [i, route] of [WRITES.ticket, WRITES.checkIn, WRITES.rating, WRITES.login].entries()) {
      const res = await post(route.path, `10.19.4.${i + 1}`).send({ ...route.body(), ...over20kB })
      expect({ path: route.path, ...statusAndCode(res) }).toEqual({ path: route.path, status: 413, code: 'PAYLOAD_TOO_LARGE' })
    }
    // the filing reads 21 kB (and its schema refuses the unknown field), and refuses more than 9 MB unread
    const filing21kB = await post(WRITES.filing.path, '10.19.4.5').send({ ...WRITES.filing.body(), ...over20kB })
    expect(statusAndCode(filing21kB)).toEqual({ status: 400, code: 'VALIDATION_FAILED' })
    const filing10MB = await post(WRITES.filing.path, '10.19.4.6').send({ ...WRITES.filing.body(), padding: 'x'.repeat(9 * 1024 * 1024 + 1) })
    expect(statusAndCode(filing10MB)).toEqual({ status: 413, code: 'PAYLOAD_TOO_LARGE' })
  })

  it('never reads a stranger\'s body to a staff route: 401 whether it is malformed, too deep or too large', async () => {
    const staffWrites = ['/api/dossiers', `/api/counters/${randomUUID()}/call-next`, '/api/centers/na-sang/procedures']
    for (const path of staffWrites) {
      const answers = [
        await post(path, '10.19.5.1').set('content-type', 'application/json').send('{"not json":'),
        await post(path, '10.19.5.1').set('content-type', 'application/json').send(nested(10_000)),
        await post(path, '10.19.5.1').send({ padding: 'x'.repeat(1024 * 1024) }),
      ]
      expect({ path, answers: answers.map(statusAndCode) }).toEqual({ path, answers: Array(3).fill({ status: 401, code: 'AUTH_REQUIRED' }) })
    }
  })

  it('still reads a staff member\'s body with the same bounds (400 BAD_JSON, 400 BODY_TOO_DEEP, 413)', async () => {
    const clerk = await h.login('canbo1')
    const path = '/api/dossiers'
    expect(statusAndCode(await clerk.post(path).set('content-type', 'application/json').send('{"not json":'))).toEqual({ status: 400, code: 'BAD_JSON' })
    expect(statusAndCode(await clerk.post(path).set('content-type', 'application/json').send(`{"applicant":${nested(30)}}`))).toEqual({ status: 400, code: 'BODY_TOO_DEEP' })
    expect(statusAndCode(await clerk.post(path).send({ padding: 'x'.repeat(21 * 1024) }))).toEqual({ status: 413, code: 'PAYLOAD_TOO_LARGE' })
  })
})
