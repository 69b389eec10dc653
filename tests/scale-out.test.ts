import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import type { AddressInfo } from 'node:net'
import { sql } from 'kysely'
import supertest from 'supertest'
import { io as ioClient } from 'socket.io-client'
import { createDb, type DbHandle } from '../db/create-db.js'
import { createApp, type App } from '../server/app.js'
import { testDatabaseUrl } from '../server/config.js'
import { nextEvent, startHarness, type ClientSocket, type Harness, TEST_PASSWORD } from './helpers/harness.js'
import { addClerk, addCounter, addService, issued, openLine } from './queue-fixtures.js'

/**
 * Two app instances on one PostgreSQL database, as behind the load balancer of docker-compose.yml:
 * instance A is the harness's app, instance B a second createApp with its own pool (another process,
 * as far as PostgreSQL can tell). Events cross through @socket.io/postgres-adapter.
 */
const postgres = !!testDatabaseUrl()

async function until(what: string, cond: () => boolean | Promise<boolean>, ms = 10_000) {
  const end = Date.now() + ms
  while (!(await cond())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`)
    await new Promise((r) => setTimeout(r, 20))
  }
}

if (!postgres) {
  describe('scale-out', () => {
    it('runs on PostgreSQL only (set TEST_DATABASE_URL); PGlite is single-instance', () => {
      console.log('tests/scale-out.test.ts: not run, TEST_DATABASE_URL is unset (two instances need PostgreSQL)')
      expect(postgres).toBe(false)
    })
  })
} else {
  describe('scale-out: two instances on one PostgreSQL database', () => {
    let h: Harness
    let handleB: DbHandle
    let appB: App
    let urlB: string
    const sockets: ClientSocket[] = []

    beforeAll(async () => {
      h = await startHarness('postgres')
      handleB = await createDb({ databaseUrl: h.handle.pool!.options.connectionString!, poolMax: 20 })
      appB = createApp({ dbHandle: handleB, clock: h.clock, publicRateLimitPerMinute: 100_000, failedLoginsPer15Min: 1000 })
      await new Promise<void>((r) => appB.httpServer.listen(0, '127.0.0.1', r))
      urlB = `http://127.0.0.1:${(appB.httpServer.address() as AddressInfo).port}`
      expect([h.app.realtimeMode, appB.realtimeMode]).toEqual(['postgres-adapter', 'postgres-adapter'])
      // both adapters LISTEN before anything is emitted
      await until('two LISTEN connections', async () => {
        const { rows } = await sql<{ n: number }>`SELECT count(*)::int AS n FROM pg_stat_activity
          WHERE datname = current_database() AND query LIKE 'LISTEN%'`.execute(h.handle.db)
        return rows[0]!.n >= 2
      })
    }, 60_000)

    afterAll(async () => {
      for (const s of sockets) s.disconnect()
      await appB?.close()
      await handleB?.close()
      await h?.close()
    })

    function socketB(auth: Record<string, string | boolean>): ClientSocket {
      const s: ClientSocket = ioClient(urlB, { auth, transports: ['websocket'], forceNew: true, reconnection: false })
      sockets.push(s)
      return s
    }

    it('a clerk call over HTTP on instance A reaches a display socket on instance B, once, with the right seq', async () => {
      const line = await openLine(h) // through A
      const t = await issued(h, line.serviceId) // through A
      const display = socketB({ center: 'na-sang' })
      const snapshot = await nextEvent(display, 'board:snapshot')
      const got: { name: string; payload: Record<string, any> }[] = []
      display.onAny((name: string, payload: Record<string, any>) => { got.push({ name, payload }) })

      const res = await line.clerk.post(`/api/counters/${line.counterId}/call-next`).send({})
      expect(res.status).toBe(200)
      await until('the call on B', () => got.length >= 3)
      await new Promise((r) => setTimeout(r, 100)) // nothing more (no duplicate)
      expect(got.map((e) => e.name)).toEqual(['ticket:called', 'counter:changed', 'queue:changed'])
      expect(got.map((e) => e.payload.seq)).toEqual([1, 2, 3].map((i) => snapshot.seq + i))
      expect(got[0]!.payload).toMatchObject({ code: t.code, counterId: line.counterId, counterNumber: line.counterNumber })
      const seq = (await h.handle.db.selectFrom('center_board_seq').select('seq').where('center_id', '=', h.demo.centerId).executeTakeFirstOrThrow()).seq
      expect(got.at(-1)!.payload.seq).toBe(seq)
      // B's own board agrees
      expect((await supertest(urlB).get('/api/centers/na-sang/board')).body.seq).toBe(seq)
    })

    it('a page on B takes the call on A in seq order, and a display on A gets it once: each instance its own sockets', async () => {
      const line = await openLine(h)
      await issued(h, line.serviceId)
      const page = socketB({ center: 'na-sang' })
      const onA: ClientSocket = ioClient(h.url, { auth: { center: 'na-sang' }, transports: ['websocket'], forceNew: true, reconnection: false })
      sockets.push(onA)
      const [snapshot] = await Promise.all([nextEvent(page, 'board:snapshot'), nextEvent(onA, 'board:snapshot')])
      const onB: { name: string; payload: any }[] = []
      const gotA: string[] = []
      page.onAny((name: string, payload: any) => { onB.push({ name, payload }) })
      onA.onAny((name: string) => { gotA.push(name) })

      expect((await line.clerk.post(`/api/counters/${line.counterId}/call-next`).send({})).status).toBe(200)
      await until('the events on B and on A', () => onB.length >= 3 && gotA.length >= 3)
      await new Promise((r) => setTimeout(r, 150)) // nothing more
      expect(onB.map((f) => [f.name, f.payload.seq])).toEqual(
        ['ticket:called', 'counter:changed', 'queue:changed'].map((n, i) => [n, snapshot.seq + 1 + i]))
      expect(gotA).toEqual(['ticket:called', 'counter:changed', 'queue:changed'])
    })

    it('a phone on B follows its ticket issued on B and called on A', async () => {
      const line = await openLine(h)
      const res = await supertest(urlB).post('/api/centers/na-sang/tickets').send({ serviceId: line.serviceId })
      expect(res.status).toBe(201)
      const phone = socketB({ ticket: res.body.ticket.id, key: res.body.ticket.secret })
      expect(await nextEvent(phone, 'ticket:updated')).toMatchObject({ status: 'waiting' })
      const called = nextEvent(phone, 'ticket:updated')
      await line.clerk.post(`/api/counters/${line.counterId}/call-next`).send({})
      expect(await called).toMatchObject({ id: res.body.ticket.id, status: 'called', counterNumber: line.counterNumber })
    })

    it('kiosks tapping on both instances at once: every number once, no deadlock', async () => {
      const services = [await addService(h), await addService(h), await addService(h), await addService(h)]
      for (let round = 0; round < 5; round++) {
        const got = await Promise.all([h.app.issuing, appB.issuing].flatMap((q, side) => Array.from({ length: 16 }, (_, k) =>
          q.issue('na-sang', { serviceId: services[side ? 3 - (k % 4) : k % 4]!.id }))))
        expect(got.every((t) => t.status === 'waiting')).toBe(true)
      }
      for (const s of services) {
        const rows = await h.handle.db.selectFrom('ticket').select('number').where('service_id', '=', s.id).orderBy('number').execute()
        expect(rows.map((r) => r.number)).toEqual(Array.from({ length: 40 }, (_, i) => i + 1))
      }
    }, 60_000)

    it('2 × 25 counters calling next at once across both instances never share a ticket', async () => {
      const services = [await addService(h), await addService(h)]
      const serviceIds = services.map((s) => s.id)
      const day = '2026-11-23', base = new Date('2026-11-23T08:00:00+07:00').getTime()
      await h.handle.db.insertInto('ticket').values(Array.from({ length: 120 }, (_, i) => {
        const s = services[i % 2]!, number = Math.floor(i / 2) + 1
        return { center_id: h.demo.centerId, service_id: s.id, service_day: day, number,
          code: `${s.prefix}${String(number).padStart(3, '0')}`, queue_at: new Date(base + i * 1000), issued_at: new Date(base + i * 1000) }
      })).execute()
      await h.handle.db.insertInto('ticket_number').values(services.map((s) => ({ service_id: s.id, service_day: day, last: 60 }))).execute()

      // 50 counters, each with its clerk; the first 25 act through A, the others through B (one session, any instance)
      // set up one after another: what races is the opening and the calls below; 50 set-ups at once took up to 50
      // connections of this file's pools while other files ran theirs, past PostgreSQL's 100 (a CI run's 'too many clients')
      const counters: { id: string; post: (path: string) => supertest.Test }[] = []
      for (let i = 0; i < 50; i++) {
        const seat = { counter: await addCounter(h, serviceIds), staff: await addClerk(h) }
        const login = await supertest(h.url).post('/api/auth/login').send({ username: seat.staff.username, password: TEST_PASSWORD })
        expect(login.status).toBe(200)
        const cookie = (login.headers['set-cookie'] as unknown as string[]).map((c) => c.split(';')[0]).join('; ')
        const url = i < 25 ? h.url : urlB
        counters.push({ id: seat.counter.id, post: (path: string) => supertest(url).post(path).set('cookie', cookie).send({}) })
      }
      const opened = await Promise.all(counters.map((c) => c.post(`/api/counters/${c.id}/open`)))
      expect(opened.map((r) => r.status)).toEqual(Array(50).fill(200))

      const res = await Promise.all(counters.map((c) => c.post(`/api/counters/${c.id}/call-next`)))
      expect(res.map((r) => r.status)).toEqual(Array(50).fill(200))
      const ids = res.map((r) => r.body.ticket?.id as string)
      expect(ids.every(Boolean)).toBe(true)
      expect(new Set(ids).size).toBe(50)
      res.forEach((r, i) => expect(r.body.ticket.counterId).toBe(counters[i]!.id))
      // the database agrees: 50 called tickets, one per counter, each called once
      const active = await h.handle.db.selectFrom('ticket').select(['id', 'counter_id']).where('service_id', 'in', serviceIds).where('status', '=', 'called').execute()
      expect(active).toHaveLength(50)
      expect(new Set(active.map((a) => a.counter_id)).size).toBe(50)
      const calls = await h.handle.db.selectFrom('ticket_event').innerJoin('ticket', 'ticket.id', 'ticket_event.ticket_id')
        .select(['ticket_event.ticket_id', (eb) => eb.fn.countAll<number>().as('n')])
        .where('ticket.service_id', 'in', serviceIds).where('ticket_event.type', '=', 'called').groupBy('ticket_event.ticket_id').execute()
      expect(calls).toHaveLength(50)
      expect(calls.every((c) => Number(c.n) === 1)).toBe(true)
    }, 60_000)

    it('a logout on instance A disconnects that session\'s socket on instance B, and only that session\'s', async () => {
      const cookieOf = async () => {
        const login = await supertest(h.url).post('/api/auth/login').send({ username: 'canbo4', password: TEST_PASSWORD }).expect(200)
        return (login.headers['set-cookie'] as unknown as string[]).map((c) => c.split(';')[0]).join('; ')
      }
      const [ended, kept] = [await cookieOf(), await cookieOf()]
      const onB = async (cookie: string) => {
        const s: ClientSocket = ioClient(urlB, { auth: { center: 'na-sang' }, transports: ['websocket'], forceNew: true, reconnection: false, extraHeaders: { cookie } })
        sockets.push(s)
        await nextEvent(s, 'board:snapshot')
        return s
      }
      const [s1, s2] = [await onB(ended), await onB(kept)]
      const gone = new Promise<string>((resolve) => s1.once('disconnect', resolve))
      await supertest(h.url).post('/api/auth/logout').set('cookie', ended).send({}).expect(200)
      expect(await gone).toBe('io server disconnect')
      const updated = nextEvent(s2, 'ticket:updated')
      await h.http.post('/api/centers/na-sang/tickets').send({ serviceId: h.demo.services.A }).expect(201)
      expect((await updated).status).toBe('waiting')
      expect(s2.connected).toBe(true)
    })
  })
}
