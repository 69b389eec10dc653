// The one-time set-up link of an empty install (server/setup/): printed at start while no admin exists,
// used once (also by two racing requests), a guessed or used token refused and logged, and the first
// admin and center created together, then logged in.
import { spawn, type ChildProcess } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { createServer, type AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Writable } from 'node:stream'
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { pino } from 'pino'
import supertest from 'supertest'
import type { DbHandle, DbKind } from '../db/create-db.js'
import { createApp, type App } from '../server/app.js'
import { systemClock } from '../server/clock.js'
import { SetupService } from '../server/setup/setup.service.js'
import { suggestSlug } from '../common/setup-defaults.js'
import { backends, freshDb } from './helpers/db.js'
import { testDatabaseUrl } from '../server/config.js'

type Res = supertest.Response
const expectError = (res: Res, status: number, code: string) =>
  expect({ status: res.status, code: res.body?.error?.code }).toEqual({ status, code })

const WEEK = [['07:00', '11:30'], ['13:30', '17:00']]
/** a set-up form as the page sends it; `over` replaces parts of the admin or the center */
function form(token: string, over: { admin?: Record<string, unknown>; center?: Record<string, unknown> } = {}) {
  return {
    token,
    admin: { fullName: 'Lò Văn Chà', username: 'quantri.muongcha', password: 'núi cao suối sâu 2026', ...over.admin },
    center: {
      name: 'Trung tâm Phục vụ hành chính công xã Mường Chà', slug: 'muong-cha', address: 'Bản Na Pheo, xã Mường Chà',
      province: 'Điện Biên', timeZone: 'Asia/Ho_Chi_Minh', openingHours: { 1: WEEK, 2: WEEK, 3: WEEK, 4: WEEK, 5: WEEK, 6: [['07:30', '11:30']] },
      ...over.center,
    },
  }
}

describe.each(backends)('set-up of an empty install on %s', (kind: DbKind) => {
  let handle: DbHandle
  let app: App
  let url: string
  let setup: SetupService
  const logLines: string[] = []
  const warnings = () => logLines.map((l) => JSON.parse(l) as Record<string, unknown>).filter((l) => l.level === 40)

  beforeAll(async () => {
    handle = await freshDb(kind)
    const logger = pino({ level: 'info' }, new Writable({ write(chunk, _enc, done) { logLines.push(String(chunk)); done() } }))
    app = createApp({ dbHandle: handle, logger, setupPerMinute: 1000 })
    await new Promise<void>((r) => app.httpServer.listen(0, '127.0.0.1', r))
    url = `http://127.0.0.1:${(app.httpServer.address() as AddressInfo).port}`
    setup = new SetupService(handle.db, systemClock)
  }, 60_000)
  afterAll(async () => {
    await app?.close()
    await handle?.close()
  })

  it('refuses a guessed token with 404 SETUP_TOKEN_UNKNOWN, and logs the address without the token', async () => {
    await setup.prepare()
    const guess = 'A'.repeat(43)
    logLines.length = 0
    expectError(await supertest(url).post('/api/setup/check').send({ token: guess }), 404, 'SETUP_TOKEN_UNKNOWN')
    expectError(await supertest(url).post('/api/setup').send(form(guess)), 404, 'SETUP_TOKEN_UNKNOWN')
    const w = warnings()
    expect(w).toHaveLength(2)
    expect(w[0]).toMatchObject({ msg: 'set-up link refused', code: 'SETUP_TOKEN_UNKNOWN', address: '127.0.0.1' })
    expect(logLines.join('\n')).not.toContain(guess)
    // nothing was created
    expect(await handle.db.selectFrom('staff').select('id').execute()).toEqual([])
    expect(await handle.db.selectFrom('center').select('id').execute()).toEqual([])
  })

  it('makes a new token at each start while no admin exists; the older one answers 410 SETUP_TOKEN_REPLACED', async () => {
    const first = await setup.prepare()
    const second = await setup.prepare()
    expect(first).toMatch(/^[A-Za-z0-9_-]{43}$/)
    expect(second).not.toBe(first)
    expectError(await supertest(url).post('/api/setup/check').send({ token: first }), 410, 'SETUP_TOKEN_REPLACED')
    expect((await supertest(url).post('/api/setup/check').send({ token: second })).body).toEqual({ ok: true })
    // only hashes are stored
    const rows = await handle.db.selectFrom('setup_token').select('token_hash').execute()
    expect(rows.map((r) => r.token_hash).join()).not.toContain(second)
  })

  it('lists every refused field at once and keeps the token usable', async () => {
    const token = (await setup.prepare())!
    const res = await supertest(url).post('/api/setup').send(form(token, {
      admin: { username: 'Q', fullName: '' },
      center: { slug: '-bad-', address: '', province: '', timeZone: 'Mars/Olympus', openingHours: { 1: [['11:30', '07:00']] } },
    }))
    expectError(res, 400, 'VALIDATION_FAILED')
    const paths = (res.body.error.details as { path: string }[]).map((d) => d.path)
    expect(paths).toEqual(expect.arrayContaining(['body.admin.username', 'body.admin.fullName', 'body.center.slug', 'body.center.address',
      'body.center.province', 'body.center.timeZone', 'body.center.openingHours.1.0']))
    expect((await supertest(url).post('/api/setup/check').send({ token })).status).toBe(200)
  })

  it('refuses a weak password (naming the field) and a slug already taken with 409, and keeps the token usable', async () => {
    const token = (await setup.prepare())!
    const short = await supertest(url).post('/api/setup').send(form(token, { admin: { password: 'ngắn-quá' } }))
    expectError(short, 400, 'PASSWORD_TOO_SHORT')
    expect(short.body.error.params.field).toBe('admin.password')
    expectError(await supertest(url).post('/api/setup').send(form(token, { admin: { password: 'quantri.muongcha-2026' } })), 400, 'PASSWORD_HAS_USERNAME')
    // a center made by hand (SQL) before set-up holds the slug
    await handle.db.insertInto('center').values({ slug: 'muong-cha', name: 'Trung tâm cũ', opening_hours: '{}' }).execute()
    try {
      const taken = await supertest(url).post('/api/setup').send(form(token))
      expectError(taken, 409, 'CENTER_SLUG_TAKEN')
      expect(taken.body.error.params).toMatchObject({ slug: 'muong-cha', field: 'center.slug' })
      expect(taken.body.error.message).toContain('muong-cha')
      expect((await supertest(url).post('/api/setup/check').send({ token })).status).toBe(200)
    } finally {
      await handle.db.deleteFrom('center').where('slug', '=', 'muong-cha').execute()
    }
  })

  it('refuses a valid link with 410 SETUP_DONE once an admin exists (made by npm run staff:create after the start)', async () => {
    const token = (await setup.prepare())!
    const { id } = await handle.db.insertInto('staff').values({ username: 'quantri.cli', full_name: 'Quản trị', role: 'admin', password_hash: 'x' })
      .returning('id').executeTakeFirstOrThrow()
    try {
      expectError(await supertest(url).post('/api/setup/check').send({ token }), 410, 'SETUP_DONE')
      expectError(await supertest(url).post('/api/setup').send(form(token)), 410, 'SETUP_DONE')
    } finally {
      await handle.db.deleteFrom('staff').where('id', '=', id).execute()
    }
  })

  it('of four racing requests with the same token, lets exactly one set up; the others get 410 SETUP_TOKEN_USED', async () => {
    const token = (await setup.prepare())!
    logLines.length = 0
    const racers = await Promise.all([0, 1, 2, 3].map((i) => supertest(url).post('/api/setup').send(form(token, {
      admin: { username: `quantri${i}`, fullName: `Quản trị ${i}` }, center: { slug: `muong-cha-${i}` } }))))
    const statuses = racers.map((r) => r.status).sort()
    expect(statuses).toEqual([201, 410, 410, 410])
    for (const r of racers.filter((x) => x.status === 410)) expectError(r, 410, 'SETUP_TOKEN_USED')
    const winner = racers.find((r) => r.status === 201)!
    const i = winner.body.center.slug.slice(-1)
    expect(winner.body.staff).toMatchObject({ username: `quantri${i}`, role: 'admin', centerId: null })
    expect(await handle.db.selectFrom('staff').select('username').execute()).toEqual([{ username: `quantri${i}` }])
    expect((await handle.db.selectFrom('center').select('slug').execute()).map((c) => c.slug)).toEqual([`muong-cha-${i}`])
    expect(warnings().map((w) => w.code)).toEqual(['SETUP_TOKEN_USED', 'SETUP_TOKEN_USED', 'SETUP_TOKEN_USED'])
    // set-up is done: a start prints no link, and the used token stays refused
    expect(await setup.prepare()).toBeNull()
    expectError(await supertest(url).post('/api/setup/check').send({ token }), 410, 'SETUP_TOKEN_USED')
  })
})

describe.each(backends)('set-up creates the admin and the center, then logs in, on %s', (kind: DbKind) => {
  let handle: DbHandle
  let app: App
  let url: string

  beforeAll(async () => {
    handle = await freshDb(kind)
    app = createApp({ dbHandle: handle, setupPerMinute: 3 })
    await new Promise<void>((r) => app.httpServer.listen(0, '127.0.0.1', r))
    url = `http://127.0.0.1:${(app.httpServer.address() as AddressInfo).port}`
  }, 60_000)
  afterAll(async () => {
    await app?.close()
    await handle?.close()
  })

  it('creates both in one go, with the calendar, the audit rows and a session, and the token works once', async () => {
    const token = (await new SetupService(handle.db, systemClock).prepare())!
    const agent = supertest.agent(url)
    const res = await agent.post('/api/setup').send(form(token))
    expect(res.status).toBe(201)
    expect(res.body).toMatchObject({ staff: { username: 'quantri.muongcha', fullName: 'Lò Văn Chà', role: 'admin' }, center: { slug: 'muong-cha' } })
    expect(String(res.headers['set-cookie'])).toMatch(/motcua_session=[^;]+;.*HttpOnly/i)
    // logged in: the session works on staff routes
    expect((await agent.get('/api/auth/me')).body.staff).toMatchObject({ username: 'quantri.muongcha', role: 'admin' })
    const settings = await agent.get('/api/centers/muong-cha/settings/center')
    expect(settings.status).toBe(200)
    const center = await handle.db.selectFrom('center').selectAll().where('slug', '=', 'muong-cha').executeTakeFirstOrThrow()
    expect(center).toMatchObject({ name: 'Trung tâm Phục vụ hành chính công xã Mường Chà', address: 'Bản Na Pheo, xã Mường Chà',
      province: 'Điện Biên', time_zone: 'Asia/Ho_Chi_Minh', dossier_prefix: 'MC', ticket_cutoff: null })
    expect(center.opening_hours).toEqual({ 1: WEEK, 2: WEEK, 3: WEEK, 4: WEEK, 5: WEEK, 6: [['07:30', '11:30']] })
    expect((await supertest(url).get('/api/centers')).body.centers).toEqual([expect.objectContaining({ slug: 'muong-cha' })])
    // the public board of the new center answers (its sequence row exists), its calendar has Vietnam's holidays
    expect((await supertest(url).get('/api/centers/muong-cha/board')).status).toBe(200)
    expect(await handle.db.selectFrom('calendar_day').select('date').where('center_id', '=', center.id).where('date', '=', '2026-09-02').executeTakeFirst()).toBeDefined()
    const audit = await handle.db.selectFrom('audit_log').select(['entity', 'action', 'staff_id']).where('center_id', '=', center.id).orderBy('entity').execute()
    expect(audit).toEqual([
      { entity: 'center', action: 'create', staff_id: res.body.staff.id },
      { entity: 'staff', action: 'create', staff_id: res.body.staff.id },
    ])
    expect(await handle.db.selectFrom('setup_token').select(['used_by']).where('used_at', 'is not', null).execute()).toEqual([{ used_by: res.body.staff.id }])
    // the password chosen works at the login
    expect((await supertest(url).post('/api/auth/login').send({ username: 'quantri.muongcha', password: 'núi cao suối sâu 2026' })).status).toBe(200)
    // used: the same link again is refused
    expectError(await supertest(url).post('/api/setup').send(form(token, { center: { slug: 'muong-cha-2' }, admin: { username: 'khac' } })), 410, 'SETUP_TOKEN_USED')
  })

  it('limits set-up attempts per address (429 RATE_LIMITED before the body is read)', async () => {
    // this server allows 3 a minute; the test above used 2
    const res = await supertest(url).post('/api/setup/check').set('content-type', 'application/json').send('{not json')
    const again = await supertest(url).post('/api/setup/check').send({ token: 'x' })
    expect([res.status, again.status]).toEqual([400, 429])
    expectError(again, 429, 'RATE_LIMITED')
  })

  it('makes no link once an active admin exists, and voids the links printed before', async () => {
    const s = new SetupService(handle.db, systemClock)
    expect(await s.prepare()).toBeNull()
    expect(await handle.db.selectFrom('setup_token').select('id').where('used_at', 'is', null).where('replaced_at', 'is', null).execute()).toEqual([])
  })
})

describe('suggestSlug', () => {
  it.each([
    ['Trung tâm Phục vụ hành chính công xã Mường Chà', 'muong-cha'],
    ['Trung tâm Phục vụ hành chính công phường Điện Biên Phủ', 'dien-bien-phu'],
    ['Bộ phận Một cửa Đặc khu Phú Quốc', 'phu-quoc'],
    ['Một Cửa Tuần Giáo', 'mot-cua-tuan-giao'],
    ['  ', ''],
  ])('%s → %s', (name, slug) => { expect(suggestSlug(name)).toBe(slug) })
})

/** A free TCP port on this host (closed again before the server takes it). */
async function freePort(): Promise<number> {
  const s = createServer()
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r))
  const { port } = s.address() as AddressInfo
  await new Promise((r) => s.close(r))
  return port
}

/** `npm start`'s server (server/main.ts) in a child process; resolves with what it printed once it answers /healthz. */
async function startMain(env: Record<string, string>): Promise<{ child: ChildProcess; out: () => string; url: string; stop: () => Promise<void> }> {
  const port = await freePort()
  const url = `http://127.0.0.1:${port}`
  let text = ''
  const clean = Object.fromEntries(Object.entries(process.env).filter(([k]) => !['DATABASE_URL', 'SEED_DEMO', 'DATA_DIR', 'PUBLIC_URL'].includes(k)))
  const child = spawn(process.execPath, ['--import', 'tsx', 'server/main.ts'], {
    env: { ...clean, NODE_OPTIONS: '', PORT: String(port), HOST: '127.0.0.1', PUBLIC_URL: url, LOG_LEVEL: 'warn', ...env }, stdio: ['ignore', 'pipe', 'pipe'],
  })
  child.stdout!.on('data', (b) => { text += String(b) })
  child.stderr!.on('data', (b) => { text += String(b) })
  const exited = new Promise<void>((r) => child.once('exit', () => r()))
  for (let i = 0; ; i++) {
    if (child.exitCode !== null) throw new Error(`server exited: ${text}`)
    if (text.includes('Stop with Ctrl+C.')) break
    if (i > 1200) throw new Error(`server did not start: ${text}`)
    await new Promise((r) => setTimeout(r, 100))
  }
  await new Promise((r) => setTimeout(r, 100)) // the set-up lines follow the banner
  return { child, out: () => text, url, stop: async () => { child.kill('SIGTERM'); await exited } }
}

const linkIn = (text: string, url: string) => new RegExp(`${url.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}/thiet-lap#([A-Za-z0-9_-]{43})`).exec(text)?.[1]

describe('npm start prints the set-up link of an empty install, and only then', () => {
  const dir = mkdtempSync(join(tmpdir(), 'motcua-setup-'))
  afterAll(() => rmSync(dir, { recursive: true, force: true }))

  // each embedded start creates a database (PGlite's initdb): two starts, the restart is checked on PostgreSQL below
  ;(backends.includes('pglite') ? it : it.skip)('SEED_DEMO=0 on the embedded database: a link that works; the demo install prints none', async () => {
    const empty = await startMain({ DATA_DIR: join(dir, 'empty'), SEED_DEMO: '0' })
    try {
      const token = linkIn(empty.out(), empty.url)
      expect(token).toBeDefined()
      expect(empty.out()).not.toContain('Demo logins')
      expect((await supertest(empty.url).post('/api/setup/check').send({ token })).body).toEqual({ ok: true })
    } finally {
      await empty.stop()
    }
    // the newcomer's `npm start`: the demo, and no set-up link
    const demo = await startMain({ DATA_DIR: join(dir, 'demo') })
    try {
      expect(demo.out()).toContain('Na Sang demo center seeded')
      expect(demo.out()).not.toContain('/thiet-lap')
    } finally {
      await demo.stop()
    }
  }, 240_000)

  const pgUrl = testDatabaseUrl()
  ;(pgUrl && backends.includes('postgres') ? it : it.skip)('on PostgreSQL without SEED_DEMO: the link, a new one at each start (the older refused), none with SEED_DEMO=1', async () => {
    const handle = await freshDb('postgres')
    // freshDb's database, reached by its own URL: the handle is only used to drop it afterwards
    const name = (await handle.db.selectNoFrom((eb) => eb.fn<string>('current_database', []).as('d')).executeTakeFirstOrThrow()).d
    const u = new URL(pgUrl!)
    u.pathname = `/${name}`
    try {
      let server = await startMain({ DATABASE_URL: u.toString() })
      const token = linkIn(server.out(), server.url)
      try {
        expect(token).toBeDefined()
        expect(server.out()).not.toContain('Demo logins')
        expect((await supertest(server.url).post('/api/setup/check').send({ token })).status).toBe(200)
      } finally {
        await server.stop()
      }
      server = await startMain({ DATABASE_URL: u.toString() })
      try {
        const next = linkIn(server.out(), server.url)
        expect(next).toBeDefined()
        expect(next).not.toBe(token)
        expectError(await supertest(server.url).post('/api/setup/check').send({ token }), 410, 'SETUP_TOKEN_REPLACED')
      } finally {
        await server.stop()
      }
      server = await startMain({ DATABASE_URL: u.toString(), SEED_DEMO: '1' })
      try {
        expect(server.out()).toContain('Na Sang demo center seeded')
        expect(server.out()).not.toContain('/thiet-lap')
        expectError(await supertest(server.url).post('/api/setup/check').send({ token }), 410, 'SETUP_TOKEN_REPLACED')
      } finally {
        await server.stop()
      }
    } finally {
      await handle.close()
    }
  }, 120_000)
})
