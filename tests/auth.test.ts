// Sessions and the HTTP safety net: cookies, login failures, revocation, expiry, throttling, origin
// checks, rate limits, security headers, request ids, health.
import { Writable } from 'node:stream'
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { pino } from 'pino'
import type supertest from 'supertest'
import { backends } from './helpers/db.js'
import { MINUTE } from './helpers/clock.js'
import { nextEvent, startHarness, type Harness, TEST_PASSWORD } from './helpers/harness.js'

type Res = supertest.Response
const HOUR = 60 * MINUTE

/** The session cookie a response sets, split into its value and attributes (lower-cased names). */
function sessionCookie(res: Res): { value: string; attrs: Record<string, string | true> } | undefined {
  const all = ([] as string[]).concat(res.headers['set-cookie'] ?? [])
  const line = all.find((c) => c.startsWith('motcua_session='))
  if (!line) return undefined
  const [pair, ...rest] = line.split(';').map((s) => s.trim())
  const attrs: Record<string, string | true> = {}
  for (const a of rest) {
    const i = a.indexOf('=')
    if (i < 0) attrs[a.toLowerCase()] = true
    else attrs[a.slice(0, i).toLowerCase()] = a.slice(i + 1)
  }
  return { value: pair!.slice('motcua_session='.length), attrs }
}

const expectError = (res: Res, status: number, code: string) =>
  expect({ status: res.status, code: res.body?.error?.code }).toEqual({ status, code })

describe.each(backends)('auth and security on %s', (kind) => {
  let h: Harness
  /** a second server with tight limits, behind one trusted proxy, so each test picks its own client address */
  let limited: Harness
  /** what the limited server logged (info level, as in production) */
  const logLines: string[] = []

  beforeAll(async () => {
    const logger = pino({ level: 'info' }, new Writable({ write(chunk, _enc, done) { logLines.push(String(chunk)); done() } }))
    ;[h, limited] = await Promise.all([
      startHarness(kind),
      startHarness(kind, { failedLoginsPer15Min: 3, publicRateLimitPerMinute: 5, trustProxy: 1, logger }),
    ])
  }, 60_000)
  afterAll(async () => { await Promise.all([h?.close(), limited?.close()]) })

  const login = (username: string, password = TEST_PASSWORD, on = h) => on.http.post('/api/auth/login').send({ username, password })
  const me = (cookie: string, on = h) => on.http.get('/api/auth/me').set('cookie', `motcua_session=${cookie}`)
  const count = async (table: 'staff_session' | 'ticket', on = h) =>
    Number((await on.handle.db.selectFrom(table).select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n)

  describe('login', () => {
    it('sets an httpOnly, SameSite=Strict session cookie for the whole site, lasting the session length', async () => {
      const res = await login('canbo1')
      expect(res.status).toBe(200)
      const c = sessionCookie(res)
      expect(c).toBeDefined()
      expect(c!.value).toMatch(/^[\w-]{40,}$/)
      expect(c!.attrs.httponly).toBe(true)
      expect(c!.attrs.samesite).toBe('Strict')
      expect(c!.attrs.path).toBe('/')
      expect(c!.attrs['max-age']).toBe(String(12 * 3600))
      // plain http here: a Secure cookie would never come back
      expect(c!.attrs.secure).toBeUndefined()
    })

    it('marks the cookie Secure when a trusted proxy says the request came over https', async () => {
      const res = await limited.http.post('/api/auth/login').set('x-forwarded-for', '192.0.2.10').set('x-forwarded-proto', 'https')
        .send({ username: 'canbo1', password: TEST_PASSWORD })
      expect(res.status).toBe(200)
      expect(sessionCookie(res)!.attrs.secure).toBe(true)
    })

    it('answers with the staff member, never a password hash, and stores only a hash of the token', async () => {
      const res = await login('canbo1')
      expect(res.body.staff).toEqual({
        id: h.demo.staff.canbo1, username: 'canbo1', fullName: 'Quàng Thị Hoa', role: 'clerk', centerId: h.demo.centerId, centerSlug: 'na-sang', firstLogin: false,
      })
      expect(res.text).not.toMatch(/argon2|password/i)
      const token = sessionCookie(res)!.value
      const rows = await h.handle.db.selectFrom('staff_session').selectAll().execute()
      expect(rows.length).toBeGreaterThan(0)
      for (const r of rows) expect(JSON.stringify(r)).not.toContain(token)
    })

    it('reads the username as typed in any case and with stray spaces', async () => {
      const res = await login('  CanBo2 ')
      expect(res.status).toBe(200)
      expect(res.body.staff.username).toBe('canbo2')
    })

    it('refuses a wrong password with 401 LOGIN_FAILED, no cookie and no session', async () => {
      const sessions = await count('staff_session')
      const res = await login('canbo1', `${TEST_PASSWORD}!`)
      expectError(res, 401, 'LOGIN_FAILED')
      expect(sessionCookie(res)).toBeUndefined()
      expect(await count('staff_session')).toBe(sessions)
    })

    it('refuses an unknown username exactly like a wrong password (nothing tells which was wrong)', async () => {
      const wrongPassword = await login('canbo1', 'sai-mat-khau')
      const unknownUser = await login('khong-ai', 'sai-mat-khau')
      expectError(unknownUser, 401, 'LOGIN_FAILED')
      expect(unknownUser.body).toEqual(wrongPassword.body)
      expect(sessionCookie(unknownUser)).toBeUndefined()
    })

    it('refuses deactivated staff, and ends the sessions they already had', async () => {
      const db = h.handle.db
      const before = await login('canbo5')
      const cookie = sessionCookie(before)!.value
      expect((await me(cookie)).status).toBe(200)
      await db.updateTable('staff').set({ active: false }).where('username', '=', 'canbo5').execute()
      try {
        expectError(await login('canbo5'), 401, 'LOGIN_FAILED')
        expectError(await me(cookie), 401, 'AUTH_REQUIRED')
        expectError(await h.http.post(`/api/counters/${h.demo.counters[5]}/open`).set('cookie', `motcua_session=${cookie}`).send({}), 401, 'AUTH_REQUIRED')
      } finally {
        await db.updateTable('staff').set({ active: true }).where('username', '=', 'canbo5').execute()
      }
    })
  })

  describe('sessions', () => {
    it('logout revokes the session on the server: the old cookie is refused afterwards', async () => {
      const cookie = sessionCookie(await login('canbo3'))!.value
      const other = sessionCookie(await login('canbo3'))!.value // the same clerk on a second PC
      const out = await h.http.post('/api/auth/logout').set('cookie', `motcua_session=${cookie}`).send({})
      expect(out.status).toBe(200)
      expect(out.body).toEqual({ ok: true })
      // the browser is told to drop it too
      const cleared = sessionCookie(out)!
      expect(cleared.value).toBe('')
      expect(new Date(String(cleared.attrs.expires)).getTime()).toBeLessThan(Date.now())
      // a copy of the cookie kept elsewhere no longer works, for reads and for actions
      expectError(await me(cookie), 401, 'AUTH_REQUIRED')
      expectError(await h.http.post(`/api/counters/${h.demo.counters[3]}/open`).set('cookie', `motcua_session=${cookie}`).send({}), 401, 'AUTH_REQUIRED')
      expectError(await h.http.post('/api/auth/logout').set('cookie', `motcua_session=${cookie}`).send({}), 401, 'AUTH_REQUIRED')
      // the clerk's other session is untouched
      expect((await me(other)).status).toBe(200)
    })

    it('logout ends the staff sockets of that session at once; the same clerk\'s other session keeps its own', async () => {
      const [mine, other] = [sessionCookie(await login('canbo2'))!.value, sessionCookie(await login('canbo2'))!.value]
      const connect = async (token: string) => {
        const s = h.socket({ center: 'na-sang' }, { cookie: `motcua_session=${token}` })
        await nextEvent(s, 'board:snapshot')
        return s
      }
      const [s1, s2] = [await connect(mine), await connect(other)]
      expect(await s1.emitWithAck('counter:watch', h.demo.counters[2]!)).toBe(true)
      const ended = new Promise<string>((resolve) => s1.once('disconnect', resolve))
      await h.http.post('/api/auth/logout').set('cookie', `motcua_session=${mine}`).send({}).expect(200)
      expect(await ended).toBe('io server disconnect')
      // the cookie, kept by someone and connecting again, is a public page's: no staff event, no counter to watch
      const again = await connect(mine)
      let staffEvents = 0
      again.on('ticket:updated', () => { staffEvents++ })
      const toOther = nextEvent(s2, 'ticket:updated')
      await h.http.post('/api/centers/na-sang/tickets').send({ serviceId: h.demo.services.A }).expect(201)
      expect((await toOther).status).toBe('waiting') // the other session's socket is still staff
      await new Promise((resolve) => setTimeout(resolve, 300))
      expect(staffEvents).toBe(0)
      await expect(again.timeout(500).emitWithAck('counter:watch', h.demo.counters[2]!)).rejects.toThrow()
      for (const s of [s2, again]) s.disconnect()
    })

    it('logout ends an admin\'s socket too (an admin belongs to no center: every socket is looked at)', async () => {
      const token = sessionCookie(await login('quantri'))!.value
      const s = h.socket({ center: 'na-sang' }, { cookie: `motcua_session=${token}` })
      await nextEvent(s, 'board:snapshot')
      const ended = new Promise<string>((resolve) => s.once('disconnect', resolve))
      await h.http.post('/api/auth/logout').set('cookie', `motcua_session=${token}`).send({}).expect(200)
      expect(await ended).toBe('io server disconnect')
    })

    it('a staff socket ends when its session does: opened a second before the 12 hours are up, it is disconnected', async () => {
      const start = h.clock()
      const token = sessionCookie(await login('canbo3'))!.value
      try {
        h.clock.advance(12 * HOUR - 1000)
        const s = h.socket({ center: 'na-sang' }, { cookie: `motcua_session=${token}` })
        await nextEvent(s, 'board:snapshot')
        expect(await s.emitWithAck('counter:watch', h.demo.counters[3]!)).toBe(true)
        const ended = await new Promise<string>((resolve, reject) => {
          s.once('disconnect', resolve)
          setTimeout(() => reject(new Error('still connected 5 s after its session ended')), 5000)
        })
        expect(ended).toBe('io server disconnect')
      } finally {
        h.clock.set(start)
      }
    })

    it('expires a session after 12 hours, by the server\'s clock', async () => {
      const start = h.clock()
      const cookie = sessionCookie(await login('canbo4'))!.value
      try {
        h.clock.advance(12 * HOUR - MINUTE)
        expect((await me(cookie)).status).toBe(200)
        h.clock.advance(2 * MINUTE)
        expectError(await me(cookie), 401, 'AUTH_REQUIRED')
        expectError(await h.http.post(`/api/counters/${h.demo.counters[4]}/open`).set('cookie', `motcua_session=${cookie}`).send({}), 401, 'AUTH_REQUIRED')
      } finally {
        h.clock.set(start)
      }
    })

    it('refuses a made-up, truncated or oversized session token', async () => {
      const real = sessionCookie(await login('canbo1'))!.value
      for (const token of ['abc', real.slice(0, -1), `${real}x`, 'x'.repeat(5000), '']) {
        expectError(await me(token), 401, 'AUTH_REQUIRED')
      }
    })
  })

  // the other limits (per address, per username from anywhere): tests/login-guessing.test.ts
  describe('throttling of failed logins (3 per 15 minutes per address and username)', () => {
    const attempt = (ip: string, username: string, password = 'sai-mat-khau') =>
      limited.http.post('/api/auth/login').set('x-forwarded-for', ip).send({ username, password })

    it('answers the 4th failed attempt with 429 LOGIN_THROTTLED, even when its password is right', async () => {
      for (let i = 0; i < 3; i++) expectError(await attempt('203.0.113.1', 'canbo1'), 401, 'LOGIN_FAILED')
      const fourth = await attempt('203.0.113.1', 'canbo1')
      expectError(fourth, 429, 'LOGIN_THROTTLED')
      expect(Number(fourth.headers['retry-after'])).toBeGreaterThan(0)
      const sessions = await count('staff_session', limited)
      expectError(await attempt('203.0.113.1', 'canbo1', TEST_PASSWORD), 429, 'LOGIN_THROTTLED')
      expect(await count('staff_session', limited)).toBe(sessions)
    })

    it('counts per address and username: another user, or the same user elsewhere, is not blocked', async () => {
      for (let i = 0; i < 4; i++) await attempt('203.0.113.2', 'canbo2')
      expectError(await attempt('203.0.113.2', 'canbo2'), 429, 'LOGIN_THROTTLED')
      expect((await attempt('203.0.113.2', 'canbo3', TEST_PASSWORD)).status).toBe(200)
      expect((await attempt('203.0.113.99', 'canbo2', TEST_PASSWORD)).status).toBe(200)
    })

    it('counts a username however it is spelled (case, spaces) as one', async () => {
      expectError(await attempt('203.0.113.3', 'canbo4'), 401, 'LOGIN_FAILED')
      expectError(await attempt('203.0.113.3', 'CANBO4'), 401, 'LOGIN_FAILED')
      expectError(await attempt('203.0.113.3', ' canbo4 '), 401, 'LOGIN_FAILED')
      expectError(await attempt('203.0.113.3', 'canbo4'), 429, 'LOGIN_THROTTLED')
    })

    it('does not count successful logins', async () => {
      for (let i = 0; i < 4; i++) expect((await attempt('203.0.113.4', 'canbo5', TEST_PASSWORD)).status).toBe(200)
      expectError(await attempt('203.0.113.4', 'canbo5'), 401, 'LOGIN_FAILED')
    })
  })

  describe('origin check on state-changing requests', () => {
    it('refuses a POST from a foreign page with 403 ORIGIN_MISMATCH and changes nothing', async () => {
      const sessions = await count('staff_session'), tickets = await count('ticket')
      for (const origin of ['http://evil.example', 'null', `${h.url.replace('127.0.0.1', 'localhost')}`, 'not a url']) {
        expectError(await h.http.post('/api/auth/login').set('origin', origin).send({ username: 'canbo1', password: TEST_PASSWORD }), 403, 'ORIGIN_MISMATCH')
        expectError(await h.http.post('/api/centers/na-sang/tickets').set('origin', origin).send({ serviceId: h.demo.services.A }), 403, 'ORIGIN_MISMATCH')
      }
      expect(await count('staff_session')).toBe(sessions)
      expect(await count('ticket')).toBe(tickets)
    })

    it('refuses a logged-in clerk\'s action sent from a foreign page', async () => {
      const clerk = await h.login('canbo6')
      const counter = h.demo.counters[6]
      expectError(await clerk.post(`/api/counters/${counter}/open`).set('origin', 'https://evil.example').send({}), 403, 'ORIGIN_MISMATCH')
      const row = await h.handle.db.selectFrom('counter').select('status').where('id', '=', counter!).executeTakeFirstOrThrow()
      expect(row.status).toBe('closed')
      expectError(await clerk.post('/api/auth/logout').set('origin', 'https://evil.example').send({}), 403, 'ORIGIN_MISMATCH')
      expect((await clerk.get('/api/auth/me')).status).toBe(200)
    })

    it('lets a POST from this host\'s own pages through', async () => {
      expect((await h.http.post('/api/auth/login').set('origin', h.url).send({ username: 'canbo1', password: TEST_PASSWORD })).status).toBe(200)
      expect((await h.http.post('/api/centers/na-sang/tickets').set('origin', h.url).send({ serviceId: h.demo.services.A })).status).toBe(201)
    })

    it('lets reads from anywhere through (a GET changes nothing)', async () => {
      expect((await h.http.get('/api/centers/na-sang/board').set('origin', 'http://evil.example')).status).toBe(200)
    })

    it('does not let a client vouch for itself with X-Forwarded-Host unless the proxy is trusted', async () => {
      const res = await h.http.post('/api/centers/na-sang/tickets').set('origin', 'http://evil.example').set('x-forwarded-host', 'evil.example')
        .send({ serviceId: h.demo.services.A })
      expectError(res, 403, 'ORIGIN_MISMATCH')
    })

    it('behind a trusted proxy, compares the Origin with the host the proxy forwards', async () => {
      const send = (origin: string) => limited.http.post('/api/centers/na-sang/tickets').set('x-forwarded-for', '192.0.2.20')
        .set('x-forwarded-host', 'motcua.nasang.gov.vn').set('origin', origin).send({ serviceId: limited.demo.services.A })
      expect((await send('https://motcua.nasang.gov.vn')).status).toBe(201)
      expectError(await send('https://evil.example'), 403, 'ORIGIN_MISMATCH')
    })
  })

  describe('rate limit on public ticket issuing (5 per minute per address)', () => {
    const issue = (ip: string) => limited.http.post('/api/centers/na-sang/tickets').set('x-forwarded-for', ip).send({ serviceId: limited.demo.services.B })

    it('answers the 6th ticket within a minute with 429 RATE_LIMITED and issues nothing', async () => {
      for (let i = 0; i < 5; i++) expect((await issue('198.51.100.7')).status).toBe(201)
      const tickets = await count('ticket', limited)
      const sixth = await issue('198.51.100.7')
      expectError(sixth, 429, 'RATE_LIMITED')
      expect(sixth.body.error.message).toBe('Thao tác quá nhanh. Vui lòng thử lại sau ít phút.')
      expect(Number(sixth.headers['retry-after'])).toBeGreaterThan(0)
      expect(await count('ticket', limited)).toBe(tickets)
    })

    it('limits each address on its own and leaves reading the board alone', async () => {
      for (let i = 0; i < 6; i++) await issue('198.51.100.8')
      expectError(await issue('198.51.100.8'), 429, 'RATE_LIMITED')
      expect((await issue('198.51.100.9')).status).toBe(201)
      expect((await limited.http.get('/api/centers/na-sang/board').set('x-forwarded-for', '198.51.100.8')).status).toBe(200)
    })
  })

  describe('headers and health', () => {
    it('sends helmet\'s security headers and hides the framework', async () => {
      for (const res of [await h.http.get('/api/centers/na-sang/board'), await h.http.get('/api/khong-co'), await h.http.get('/healthz')]) {
        expect(res.headers['content-security-policy']).toContain("default-src 'self'")
        expect(res.headers['x-content-type-options']).toBe('nosniff')
        expect(res.headers['x-frame-options']).toBe('SAMEORIGIN')
        expect(res.headers['referrer-policy']).toBe('no-referrer')
        expect(res.headers['strict-transport-security']).toMatch(/max-age=\d+/)
        expect(res.headers['cross-origin-opener-policy']).toBe('same-origin')
        expect(res.headers['x-powered-by']).toBeUndefined()
      }
    })

    it('asks browsers to upgrade asset requests to https only when the page came over https', async () => {
      // over plain http (a commune LAN install) the directive would break every script and style of the pages
      expect((await h.http.get('/api/centers')).headers['content-security-policy']).not.toContain('upgrade-insecure-requests')
      const viaTls = await limited.http.get('/api/centers').set('x-forwarded-for', '192.0.2.30').set('x-forwarded-proto', 'https')
      expect(viaTls.headers['content-security-policy']).toContain('upgrade-insecure-requests')
    })

    it('keeps session tokens out of the request log', async () => {
      const res = await limited.http.post('/api/auth/login').set('x-forwarded-for', '192.0.2.40').send({ username: 'canbo6', password: TEST_PASSWORD })
      const token = sessionCookie(res)!.value
      await limited.http.get('/api/auth/me').set('x-forwarded-for', '192.0.2.40').set('cookie', `motcua_session=${token}`)
      const logged = logLines.join('')
      expect(logged).toContain('/api/auth/me') // the requests were logged…
      expect(logged).not.toContain(token) // …without the token, neither as it was set nor as it came back
      expect(logged).not.toContain(TEST_PASSWORD)
    })

    it('gives every response an x-request-id, successes and failures alike', async () => {
      const responses = [
        await h.http.get('/healthz'),
        await h.http.get('/api/centers'),
        await h.http.post('/api/centers/na-sang/tickets').send({ serviceId: h.demo.services.C }),
        await h.http.post('/api/centers/na-sang/tickets').set('content-type', 'application/json').send('{'),
        await h.http.post('/api/centers/na-sang/tickets').send({ x: 'x'.repeat(21_000) }),
        await h.http.get('/api/auth/me'),
        await h.http.get('/api/khong-co'),
        await h.http.get('/khong-co'),
        await h.http.post('/api/auth/login').set('origin', 'http://evil.example').send({}),
      ]
      const ids = responses.map((r) => r.headers['x-request-id'])
      for (const id of ids) expect(id).toMatch(/^[\w-]{8,64}$/)
      expect(new Set(ids).size).toBe(ids.length)
      expect(responses.map((r) => r.status)).toEqual([200, 200, 201, 400, 413, 401, 404, 404, 403])
    })

    it('keeps a well-formed x-request-id from the caller (a proxy\'s) and replaces a malformed one', async () => {
      expect((await h.http.get('/healthz').set('x-request-id', 'nginx-4f2a9c')).headers['x-request-id']).toBe('nginx-4f2a9c')
      for (const bad of ['has spaces', 'x'.repeat(65), '<script>']) {
        const id = (await h.http.get('/healthz').set('x-request-id', bad)).headers['x-request-id']
        expect(id).not.toBe(bad)
        expect(id).toMatch(/^[0-9a-f-]{36}$/)
      }
    })

    it('answers GET /healthz with the status and the database kind', async () => {
      const res = await h.http.get('/healthz')
      expect(res.status).toBe(200)
      expect(res.body).toEqual({ status: 'ok', db: kind })
    })
  })
})
