import type { AddressInfo } from 'node:net'
import supertest from 'supertest'
import { io as ioClient, type Socket } from 'socket.io-client'
import type { DbHandle, DbKind } from '../../db/create-db.js'
import { DEMO_CENTER, DEMO_HOURS, seedDemo } from '../../db/seed-demo.js'
import { createApp, type App, type AppDeps } from '../../server/app.js'
import { hashPassword } from '../../server/auth/auth.service.js'
import type { ClientToServerEvents, ServerToClientEvents } from '../../common/events.js'
import { freshDb } from './db.js'
import { testClock, type TestClock } from './clock.js'

export type ClientSocket = Socket<ServerToClientEvents, ClientToServerEvents>

/** The demo accounts' password in every test database (an install makes its own: server/auth/demo-password.ts). */
export const TEST_PASSWORD = 'thu-nghiem-na-sang'

export interface Harness {
  kind: DbKind
  handle: DbHandle
  app: App
  clock: TestClock
  url: string
  /** anonymous requests */
  http: ReturnType<typeof supertest>
  /** ids of the Na Sang demo: services by prefix, counters by number, staff by username */
  demo: { centerId: string; services: Record<string, string>; counters: Record<number, string>; staff: Record<string, string> }
  /** an agent carrying the session cookie of a demo user */
  login(username: string): Promise<ReturnType<typeof supertest.agent>>
  /** a socket.io client connected to this server (`headers`: e.g. X-Forwarded-For, under `trustProxy`) */
  socket(auth: Record<string, string | boolean>, opts?: { cookie?: string; headers?: Record<string, string> }): ClientSocket
  close(): Promise<void>
}

/** A real server on port 0 over a fresh database seeded with the Na Sang demo, with an injected clock. */
export async function startHarness(kind: DbKind, opts: Partial<AppDeps> & { clockStart?: string } = {}): Promise<Harness> {
  const handle = await freshDb(kind)
  await seedDemo(handle.db, hashPassword, TEST_PASSWORD)
  const clock = testClock(opts.clockStart)
  // limits no test reaches unless it asks for its own: tests log many clerks in at once from 127.0.0.1
  // (a login is counted as a failure until its password is checked: 50 at once passed the cap of 30)
  const app = createApp({ dbHandle: handle, clock, publicRateLimitPerMinute: 100_000, failedLoginsPer15Min: 1000,
    loginLimits: { perAddress: 100_000 }, dossierLimits: { filingsPerHour: 100_000 }, publicReadsPerMinute: 100_000, publicSocketsPerMinute: 100_000, ...opts })
  await new Promise<void>((r) => app.httpServer.listen(0, '127.0.0.1', r))
  const url = `http://127.0.0.1:${(app.httpServer.address() as AddressInfo).port}`
  const db = handle.db
  const center = await db.selectFrom('center').select('id').where('slug', '=', DEMO_CENTER).executeTakeFirstOrThrow()
  const services = Object.fromEntries((await db.selectFrom('service').select(['id', 'prefix']).execute()).map((s) => [s.prefix, s.id]))
  const counters = Object.fromEntries((await db.selectFrom('counter').select(['id', 'number']).execute()).map((c) => [c.number, c.id]))
  const staff = Object.fromEntries((await db.selectFrom('staff').select(['id', 'username']).execute()).map((s) => [s.username, s.id]))
  const sockets: ClientSocket[] = []
  return {
    kind, handle, app, clock, url,
    http: supertest(url),
    demo: { centerId: center.id, services, counters, staff },
    async login(username) {
      const agent = supertest.agent(url)
      const res = await agent.post('/api/auth/login').send({ username, password: TEST_PASSWORD })
      if (res.status !== 200) throw new Error(`login ${username} failed: ${res.status} ${JSON.stringify(res.body)}`)
      return agent
    },
    socket(auth, o = {}) {
      const s: ClientSocket = ioClient(url, { auth, transports: ['websocket'], forceNew: true, reconnection: false,
        extraHeaders: o.cookie || o.headers ? { ...o.headers, ...(o.cookie ? { cookie: o.cookie } : {}) } : undefined })
      sockets.push(s)
      return s
    },
    async close() {
      for (const s of sockets) s.disconnect()
      await app.close()
      await handle.close()
    },
  }
}

/** Resolves with the next `event` the socket receives (fails after `ms`). */
export function nextEvent<E extends keyof ServerToClientEvents>(s: ClientSocket, event: E, ms = 5000): Promise<Parameters<ServerToClientEvents[E]>[0]> {
  return new Promise((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`no ${String(event)} within ${ms} ms`)), ms)
    s.once(event as never, ((payload: unknown) => { clearTimeout(t); resolve(payload as never) }) as never)
  })
}

/**
 * A second center, Mường Pồn, with a clerk `canbo.muongpon` and a manager `quanly.muongpon` (TEST_PASSWORD):
 * the staff who must see and change nothing of Na Sang. Returns the center's id.
 */
export async function addOtherCenter(h: Harness): Promise<string> {
  const db = h.handle.db
  const { password_hash } = await db.selectFrom('staff').select('password_hash').where('username', '=', 'canbo1').executeTakeFirstOrThrow()
  const center = await db.insertInto('center').values({ slug: 'muong-pon', name: 'Trung tâm Phục vụ hành chính công xã Mường Pồn',
    opening_hours: JSON.stringify(DEMO_HOURS), ticket_cutoff: '16:30' }).returning('id').executeTakeFirstOrThrow()
  await db.insertInto('center_board_seq').values({ center_id: center.id }).execute()
  await db.insertInto('staff').values([
    { username: 'canbo.muongpon', full_name: 'Lò Văn Pồn', role: 'clerk', center_id: center.id, password_hash },
    { username: 'quanly.muongpon', full_name: 'Quàng Văn Quản', role: 'manager', center_id: center.id, password_hash },
  ]).execute()
  return center.id
}

/** "status CODE" of each answer, counted: what racing requests got, e.g. { '401 LOGIN_FAILED': 30, '429 LOGIN_THROTTLED': 6 } */
export function tally(responses: { status: number; body?: { error?: { code?: string } } }[]): Record<string, number> {
  const t: Record<string, number> = {}
  for (const r of responses) {
    const k = `${r.status} ${r.body?.error?.code ?? ''}`.trim()
    t[k] = (t[k] ?? 0) + 1
  }
  return t
}
