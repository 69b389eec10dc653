// Accounts and passwords (issue 20): the rules wherever a password is set, one's own change, the first-login
// lock after someone else set the password, one-time passwords of a reset by role, and the demo's own password.
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import supertest from 'supertest'
import { createApp } from '../server/app.js'
import { DEMO_PASSWORD_FILE, startDemo } from '../server/auth/demo-password.js'
import type { AuditEntry } from '../common/staff-types.js'
import { backends, freshDb } from './helpers/db.js'
import { addOtherCenter, nextEvent, startHarness, TEST_PASSWORD, type ClientSocket, type Harness } from './helpers/harness.js'

type Agent = ReturnType<typeof supertest.agent>
const OTP = /^[abcdeghkmnpqrstuvxy2-9]{4}(-[abcdeghkmnpqrstuvxy2-9]{4}){3}$/
const expectError = (res: supertest.Response, status: number, code: string) =>
  expect({ status: res.status, code: res.body?.error?.code }).toEqual({ status, code })

describe.each(backends)('accounts and passwords on %s', (kind) => {
  let h: Harness
  let manager: Agent, admin: Agent, otherManager: Agent, clerk: Agent
  let n = 0
  beforeAll(async () => {
    h = await startHarness(kind)
    await addOtherCenter(h)
    ;[manager, admin, otherManager, clerk] = await Promise.all(['quanly', 'quantri', 'quanly.muongpon', 'canbo1'].map((u) => h.login(u))) as [Agent, Agent, Agent, Agent]
  }, 60_000)
  afterAll(async () => { await h?.close() })

  const agent = async (username: string, password: string) => {
    const a = supertest.agent(h.url)
    const res = await a.post('/api/auth/login').send({ username, password })
    expect(res.status).toBe(200)
    return { agent: a, staff: res.body.staff, cookie: res.headers['set-cookie']![0]!.split(';')[0]! }
  }
  /** a clerk the manager creates now, without a password: the one-time password the server answered */
  const newClerk = async () => {
    const username = `canbo-moi-${++n}`
    const res = await manager.post('/api/centers/na-sang/staff').send({ username, fullName: `Cán bộ mới ${n}`, role: 'clerk' }).expect(201)
    expect(res.headers['cache-control']).toBe('no-store')
    return { username, id: res.body.staff.id as string, otp: res.body.oneTimePassword as string, staff: res.body.staff }
  }
  const change = (a: Agent, currentPassword: string, newPassword: string) => a.post('/api/auth/password').send({ currentPassword, newPassword })
  const auditOf = async (id: string) => ((await admin.get('/api/centers/na-sang/audit?entity=staff&limit=200').expect(200)).body.entries as AuditEntry[])
    .filter((e) => e.entityId === id)

  describe('the rules, wherever a password is set', () => {
    it('refuses a typed password for a new account that is short, common or the username, in Vietnamese first', async () => {
      const body = (password: string) => ({ username: 'nguyen.van.an', fullName: 'Nguyễn Văn An', role: 'clerk', password })
      const short = await manager.post('/api/centers/na-sang/staff').send(body('ngan-qua'))
      expectError(short, 400, 'PASSWORD_TOO_SHORT')
      expect(short.body.error).toMatchObject({ message: 'Mật khẩu phải có ít nhất 12 ký tự.', params: { min: 12, field: 'password' } })
      const common = await manager.post('/api/centers/na-sang/staff').send(body('qwerty123456'))
      expectError(common, 400, 'PASSWORD_TOO_COMMON')
      expect(common.body.error.message).toMatch(/^Mật khẩu này quá phổ biến/)
      expectError(await manager.post('/api/centers/na-sang/staff?lang=en').send(body('Password2026!')), 400, 'PASSWORD_TOO_COMMON')
      expect((await manager.post('/api/centers/na-sang/staff').set('accept-language', 'en').send(body('short'))).body.error.message)
        .toBe('The password must have at least 12 characters.')
      expectError(await manager.post('/api/centers/na-sang/staff').send(body('nguyen.van.an-2026')), 400, 'PASSWORD_HAS_USERNAME')
      expect(await h.handle.db.selectFrom('staff').select('id').where('username', '=', 'nguyen.van.an').executeTakeFirst()).toBeUndefined()
    })

    it('a new account without a password gets a one-time password, answered once, and must change it', async () => {
      const c = await newClerk()
      expect(c.otp).toMatch(OTP)
      expect(c.staff).toMatchObject({ firstLogin: true })
      const list = (await manager.get('/api/centers/na-sang/staff').expect(200)).body.staff as { id: string; firstLogin: boolean }[]
      expect(list.find((s) => s.id === c.id)).toMatchObject({ firstLogin: true })
      expect(JSON.stringify(list)).not.toContain(c.otp)
      const me = await agent(c.username, c.otp)
      expect(me.staff).toMatchObject({ username: c.username, firstLogin: true })
    })

    it('one’s own change keeps the rules, needs the right current password and a new one', async () => {
      const c = await newClerk()
      const { agent: a } = await agent(c.username, c.otp)
      const wrong = await change(a, 'khong-phai-mat-khau', 'mùa lúa chín ở Na Sang')
      expectError(wrong, 400, 'CURRENT_PASSWORD_WRONG')
      expect(wrong.body.error.params).toEqual({ field: 'currentPassword' })
      for (const [pw, code] of [['ngắn quá', 'PASSWORD_TOO_SHORT'], ['1q2w3e4r5t6y', 'PASSWORD_TOO_COMMON'], ['abcabcabcabc', 'PASSWORD_TOO_COMMON'],
        [`${c.username}!!`, 'PASSWORD_HAS_USERNAME'], [c.otp, 'PASSWORD_UNCHANGED']] as const) {
        const res = await change(a, c.otp, pw)
        expectError(res, 400, code)
        expect(res.body.error.params.field).toBe('newPassword')
      }
      expectError(await a.post('/api/auth/password').send({ currentPassword: c.otp }), 400, 'VALIDATION_FAILED')
      // none of those changed anything
      expectError(await a.get('/api/centers/na-sang/counters'), 403, 'PASSWORD_CHANGE_REQUIRED')
      const ok = await change(a, c.otp, 'mùa lúa chín ở Na Sang')
      expect(ok.status).toBe(200)
      expect(ok.body.staff).toMatchObject({ username: c.username, firstLogin: false })
      await a.get('/api/centers/na-sang/counters').expect(200)
      expectError(await supertest(h.url).post('/api/auth/login').send({ username: c.username, password: c.otp }), 401, 'LOGIN_FAILED')
      await agent(c.username, 'mùa lúa chín ở Na Sang')
      // audited, without any password
      const rows = await auditOf(c.id)
      expect(rows.map((e) => [e.action, e.staffId === c.id])).toEqual([['change_password', true], ['create', false]])
      expect(rows[0]!.changes).toEqual({ firstLogin: { from: true, to: false } })
      expect(JSON.stringify(rows)).not.toMatch(/mùa lúa|argon/)
      expect(JSON.stringify(rows)).not.toContain(c.otp)
    })

    it('existing hashes keep working: a demo account logs in and changes its password with the current one', async () => {
      const { agent: a } = await agent('canbo5', TEST_PASSWORD)
      await change(a, TEST_PASSWORD, 'quầy năm, lĩnh vực E').expect(200)
      await agent('canbo5', 'quầy năm, lĩnh vực E')
      await change(a, 'quầy năm, lĩnh vực E', TEST_PASSWORD).expect(200)
    })
  })

  describe('one’s own change ends the account’s other sessions and their sockets, and keeps this one', () => {
    it('for a clerk', async () => {
      const here = await agent('canbo4', TEST_PASSWORD)
      const there = await agent('canbo4', TEST_PASSWORD)
      const hereSocket = h.socket({ center: 'na-sang' }, { cookie: here.cookie })
      const thereSocket = h.socket({}, { cookie: there.cookie })
      await nextEvent(hereSocket, 'board:snapshot')
      if (!thereSocket.connected) await new Promise<void>((r) => thereSocket.once('connect', () => r()))
      const gone = new Promise<string>((r) => thereSocket.once('disconnect', r))
      let hereGone = false
      hereSocket.once('disconnect', () => { hereGone = true })
      await change(here.agent, TEST_PASSWORD, 'bốn mùa hoa ban nở').expect(200)
      expect(await gone).toBe('io server disconnect')
      await here.agent.get('/api/auth/me').expect(200)
      expectError(await there.agent.get('/api/auth/me'), 401, 'AUTH_REQUIRED')
      // this session's socket is still a staff socket: it hears the center's tickets
      const heard = nextEvent(hereSocket, 'ticket:updated')
      await h.http.post('/api/centers/na-sang/tickets').send({ serviceId: h.demo.services.D }).expect(201)
      await heard
      expect(hereGone).toBe(false)
      await change(here.agent, 'bốn mùa hoa ban nở', TEST_PASSWORD).expect(200)
    })

    it('for an admin, whose change is written in every center’s log', async () => {
      const here = await agent('quantri', TEST_PASSWORD)
      const there = await agent('quantri', TEST_PASSWORD)
      await change(here.agent, TEST_PASSWORD, 'quản trị cả tỉnh Điện Biên').expect(200)
      expectError(await there.agent.get('/api/auth/me'), 401, 'AUTH_REQUIRED')
      await here.agent.get('/api/centers/na-sang/staff').expect(200)
      for (const slug of ['na-sang', 'muong-pon']) {
        const entries = (await here.agent.get(`/api/centers/${slug}/audit?entity=staff`).expect(200)).body.entries as AuditEntry[]
        expect(entries[0]).toMatchObject({ action: 'change_password', entityId: h.demo.staff.quantri, staffId: h.demo.staff.quantri })
      }
      await change(here.agent, 'quản trị cả tỉnh Điện Biên', TEST_PASSWORD).expect(200)
      admin = here.agent
    })

    it('a wrong current password counts as a failed login of the username', async () => {
      const limited = await startHarness(kind, { failedLoginsPer15Min: 2 })
      try {
        const a = supertest.agent(limited.url)
        await a.post('/api/auth/login').send({ username: 'canbo3', password: TEST_PASSWORD }).expect(200)
        for (let i = 0; i < 2; i++) expectError(await change(a, `sai-mat-khau-${i}`, 'một câu thật dài'), 400, 'CURRENT_PASSWORD_WRONG')
        expectError(await change(a, TEST_PASSWORD, 'một câu thật dài'), 429, 'LOGIN_THROTTLED')
      } finally { await limited.close() }
    })
  })

  describe('first login: only changing the password is allowed', () => {
    it('every other staff route answers 403 PASSWORD_CHANGE_REQUIRED; who am I and log out still answer', async () => {
      const c = await newClerk()
      const { agent: a } = await agent(c.username, c.otp)
      const routes: [string, string, object?][] = [
        ['get', '/api/centers/na-sang/counters'], ['get', '/api/centers/na-sang/my-day'], ['get', `/api/counters/${h.demo.counters[5]}/queue`],
        ['post', `/api/counters/${h.demo.counters[5]}/open`, {}], ['get', '/api/dossiers?center=na-sang'],
        ['post', '/api/dossiers', {}], ['get', '/api/centers/na-sang/floor'], ['get', '/api/centers/na-sang/staff'],
        ['get', '/api/reports/summary?center=na-sang&from=2026-11-23&to=2026-11-23&groupBy=day'],
      ]
      for (const [method, path, body] of routes) {
        const req = (a as unknown as Record<string, (p: string) => supertest.Test>)[method]!(path)
        const res = body ? await req.send(body) : await req
        expect([method, path, res.status, res.body.error?.code]).toEqual([method, path, 403, 'PASSWORD_CHANGE_REQUIRED'])
        expect(res.body.error.message).toBe('Bạn cần đổi mật khẩu trước khi làm việc.')
      }
      expect((await a.get('/api/auth/me').expect(200)).body.staff.firstLogin).toBe(true)
      await a.post('/api/auth/logout').send({}).expect(200)
    })

    it('a manager whose password an admin reset can do nothing else either', async () => {
      const m = (await admin.post('/api/centers/na-sang/staff').send({ username: 'quanly-moi', fullName: 'Quản lý mới', role: 'manager' }).expect(201)).body
      const { agent: a } = await agent('quanly-moi', m.oneTimePassword)
      for (const path of ['/api/centers/na-sang/floor', '/api/centers/na-sang/settings/services', '/api/centers/na-sang/audit'])
        expectError(await a.get(path), 403, 'PASSWORD_CHANGE_REQUIRED')
      expectError(await a.post('/api/centers/na-sang/staff').send({ username: 'canbo-lau', fullName: 'X', role: 'clerk' }), 403, 'PASSWORD_CHANGE_REQUIRED')
      await change(a, m.oneTimePassword, 'quản lý mới của Na Sang').expect(200)
      await a.get('/api/centers/na-sang/floor').expect(200)
    })

    it('its socket is no staff socket: refused with the code alone, public with a center, no staff events nor counter:watch', async () => {
      const c = await newClerk()
      const { cookie, agent: a } = await agent(c.username, c.otp)
      const bare = h.socket({}, { cookie })
      expect(await new Promise((r) => bare.once('connect_error', (e) => r(e.message)))).toBe('PASSWORD_CHANGE_REQUIRED')
      const pub: ClientSocket = h.socket({ center: 'na-sang' }, { cookie })
      await nextEvent(pub, 'board:snapshot')
      let updated = false
      pub.on('ticket:updated', () => { updated = true })
      const ack = await new Promise((r) => { const t = setTimeout(() => r('no answer'), 800); pub.emit('counter:watch', h.demo.counters[1]!, (ok) => { clearTimeout(t); r(ok) }) })
      expect(ack).toBe('no answer')
      await h.http.post('/api/centers/na-sang/tickets').send({ serviceId: h.demo.services.A }).expect(201)
      await new Promise((r) => setTimeout(r, 500))
      expect(updated).toBe(false)
      // after the change, the same cookie makes a staff socket
      await change(a, c.otp, 'đã đổi mật khẩu rồi').expect(200)
      const staff = h.socket({}, { cookie })
      const ok = await new Promise((r) => staff.emit('counter:watch', h.demo.counters[1]!, (v) => r(v)))
      expect(ok).toBe(true)
    })
  })

  describe('resets: a one-time password, by role', () => {
    it('a manager resets a clerk of their center: shown once, audited, every session and socket of the clerk ends', async () => {
      const c = await newClerk()
      const { agent: a, cookie } = await agent(c.username, c.otp)
      await change(a, c.otp, 'mật khẩu riêng của tôi').expect(200)
      const socket = h.socket({ center: 'na-sang' }, { cookie })
      await nextEvent(socket, 'board:snapshot')
      const gone = new Promise<string>((r) => socket.once('disconnect', r))
      const res = await manager.post(`/api/centers/na-sang/staff/${c.id}/password`).send({}).expect(200)
      expect(res.headers['cache-control']).toBe('no-store')
      expect(res.body.oneTimePassword).toMatch(OTP)
      expect(res.body.staff).toMatchObject({ id: c.id, firstLogin: true })
      expect(await gone).toBe('io server disconnect')
      expectError(await a.get('/api/auth/me'), 401, 'AUTH_REQUIRED')
      expectError(await supertest(h.url).post('/api/auth/login').send({ username: c.username, password: 'mật khẩu riêng của tôi' }), 401, 'LOGIN_FAILED')
      const again = await agent(c.username, res.body.oneTimePassword)
      expect(again.staff.firstLogin).toBe(true)
      expectError(await again.agent.get('/api/centers/na-sang/counters'), 403, 'PASSWORD_CHANGE_REQUIRED')
      const rows = await auditOf(c.id)
      expect(rows[0]).toMatchObject({ action: 'reset_password', staffId: h.demo.staff.quanly, changes: { firstLogin: { from: null, to: true } } })
      expect(JSON.stringify(rows)).not.toContain(res.body.oneTimePassword)
      // a typed password is not taken: the server makes it
      expectError(await manager.post(`/api/centers/na-sang/staff/${c.id}/password`).send({ password: 'mat-khau-tu-chon' }), 400, 'VALIDATION_FAILED')
    })

    it('keeps the role and center checks: not a manager, not an admin, not another center’s staff, not one’s own, never by a clerk', async () => {
      const m2 = (await admin.post('/api/centers/na-sang/staff').send({ username: 'quanly-hai', fullName: 'Quản lý Hai', role: 'manager' }).expect(201)).body
      const reset = (by: Agent, id: string, center = 'na-sang') => by.post(`/api/centers/${center}/staff/${id}/password`).send({})
      expectError(await reset(manager, m2.staff.id), 403, 'FORBIDDEN')
      expect((await reset(manager, h.demo.staff.quantri!)).body.error.code).toMatch(/^(FORBIDDEN|STAFF_NOT_FOUND)$/)
      expectError(await reset(otherManager, h.demo.staff.canbo2!), 403, 'WRONG_CENTER')
      expectError(await reset(otherManager, h.demo.staff.canbo2!, 'muong-pon'), 404, 'STAFF_NOT_FOUND')
      expectError(await reset(clerk, h.demo.staff.canbo2!), 403, 'FORBIDDEN')
      expectError(await reset(manager, h.demo.staff.quanly!), 409, 'OWN_ACCOUNT')
      expectError(await reset(admin, h.demo.staff.quantri!), 409, 'OWN_ACCOUNT')
      expectError(await supertest(h.url).post(`/api/centers/na-sang/staff/${h.demo.staff.canbo2}/password`).send({}), 401, 'AUTH_REQUIRED')
      // an admin resets a manager
      const res = await reset(admin, m2.staff.id).expect(200)
      expect(res.body.oneTimePassword).toMatch(OTP)
      expect(res.body.oneTimePassword).not.toBe(m2.oneTimePassword)
      expect((await agent('quanly-hai', res.body.oneTimePassword)).staff.firstLogin).toBe(true)
      // the demo clerk canbo2 was never touched
      await agent('canbo2', TEST_PASSWORD)
    })

    it('a deactivated account’s sessions and sockets end at once', async () => {
      const c = await newClerk()
      const { agent: a, cookie } = await agent(c.username, c.otp)
      await change(a, c.otp, 'sắp bị khóa tài khoản').expect(200)
      const socket = h.socket({ center: 'na-sang' }, { cookie })
      await nextEvent(socket, 'board:snapshot')
      const gone = new Promise<string>((r) => socket.once('disconnect', r))
      await manager.patch(`/api/centers/na-sang/staff/${c.id}`).send({ active: false }).expect(200)
      expect(await gone).toBe('io server disconnect')
      expectError(await a.get('/api/auth/me'), 401, 'AUTH_REQUIRED')
      expectError(await supertest(h.url).post('/api/auth/login').send({ username: c.username, password: 'sắp bị khóa tài khoản' }), 401, 'LOGIN_FAILED')
    })
  })
})

describe.each(backends)('the demo password on %s', (kind) => {
  it('with HOST=0.0.0.0 and a fresh data directory, motcua-demo opens no staff route; the install’s own password, kept 0600, does', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'motcua-demo-'))
    const handle = await freshDb(kind)
    const app = createApp({ dbHandle: handle })
    try {
      // what npm start does (server/main.ts)
      const demo = await startDemo(handle.db, dataDir)
      expect(demo.seeded).toBe(true)
      expect(demo.file).toBe(join(dataDir, DEMO_PASSWORD_FILE))
      expect(statSync(demo.file).mode & 0o777).toBe(0o600)
      const password = readFileSync(demo.file, 'utf8').trim()
      expect(password).toBe(demo.password)
      expect(password).toMatch(OTP)
      await new Promise<void>((r) => app.httpServer.listen(0, '0.0.0.0', r))
      const url = `http://127.0.0.1:${(app.httpServer.address() as AddressInfo).port}`
      for (const username of ['quantri', 'quanly', 'canbo1', 'canbo6']) {
        const a = supertest.agent(url)
        expectError(await a.post('/api/auth/login').send({ username, password: 'motcua-demo' }), 401, 'LOGIN_FAILED')
        for (const path of ['/api/centers/na-sang/counters', '/api/centers/na-sang/staff', '/api/auth/me']) expectError(await a.get(path), 401, 'AUTH_REQUIRED')
      }
      const a = supertest.agent(url)
      expect((await a.post('/api/auth/login').send({ username: 'quantri', password }).expect(200)).body.staff.firstLogin).toBe(false)
      await a.get('/api/centers/na-sang/staff').expect(200)
      // the next start keeps it
      expect(await startDemo(handle.db, dataDir)).toEqual({ seeded: false, password, file: demo.file })
    } finally {
      await app.close()
      await handle.close()
      rmSync(dataDir, { recursive: true, force: true })
    }
  })

  it('a demo seeded with the published password before this version gets this install’s own at the next start', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'motcua-demo-'))
    const handle = await freshDb(kind)
    const app = createApp({ dbHandle: handle })
    try {
      const { seedDemo } = await import('../db/seed-demo.js')
      const { hashPassword } = await import('../server/auth/auth.service.js')
      await seedDemo(handle.db, hashPassword, 'motcua-demo')
      const demo = await startDemo(handle.db, dataDir)
      expect(demo).toMatchObject({ seeded: false, password: expect.stringMatching(OTP) })
      await new Promise<void>((r) => app.httpServer.listen(0, '127.0.0.1', r))
      const url = `http://127.0.0.1:${(app.httpServer.address() as AddressInfo).port}`
      expectError(await supertest(url).post('/api/auth/login').send({ username: 'canbo1', password: 'motcua-demo' }), 401, 'LOGIN_FAILED')
      await supertest(url).post('/api/auth/login').send({ username: 'canbo1', password: demo.password }).expect(200)
      expect(statSync(demo.file).mode & 0o777).toBe(0o600)
    } finally {
      await app.close()
      await handle.close()
      rmSync(dataDir, { recursive: true, force: true })
    }
  })
})
