// Issue 19: the guessing throttles (failed dossier lookups, failed logins) count in the database (migration 0027),
// so two instances on one database give a guesser one budget, not two, and a restart forgets nothing. Guesses
// race in at once across both instances and are still counted exactly; the owner of a dossier, from another
// address, is never locked out. Without the shared tables each instance let its own cap through (40 and 60).
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import type { AddressInfo } from 'node:net'
import supertest from 'supertest'
import { backends } from './helpers/db.js'
import { startHarness, tally, TEST_PASSWORD, type Harness } from './helpers/harness.js'
import { createApp, type App, type AppDeps } from '../server/app.js'
import type { DossierView } from '../common/dossier-types.js'

const MON_0900 = '2026-11-23T09:00:00+07:00'
const applicant = { fullName: 'Lò Thị Xuân', phone: '0912 345 678', address: 'Bản Na Sang 1', idNumber: null }

describe.each(backends)('guessing throttles shared by two instances on %s', (kind) => {
  // the production limits of guessing; the per-minute limits out of the way (tests/rate-limit-shared.test.ts has them)
  const LIMITS: Partial<AppDeps> = {
    trustProxy: 1, publicRateLimitPerMinute: 100_000, loginsPerMinute: 100_000, publicReadsPerMinute: 100_000, publicSocketsPerMinute: 100_000,
    dossierLimits: { lookupsPerMinute: 100_000, filingsPerHour: 100_000 }, failedLoginsPer15Min: 10, loginLimits: { perAddress: 30, backoffAfter: 5 },
  }
  let h: Harness
  const apps: App[] = []
  /** another instance on the same database, as behind a load balancer (or this one after a restart) */
  async function instance(): Promise<string> {
    const app = createApp({ dbHandle: h.handle, clock: h.clock, ...LIMITS })
    apps.push(app)
    await new Promise<void>((r) => app.httpServer.listen(0, '127.0.0.1', r))
    return `http://127.0.0.1:${(app.httpServer.address() as AddressInfo).port}`
  }
  let urls: string[]
  beforeAll(async () => {
    h = await startHarness(kind, { ...LIMITS, clockStart: MON_0900 })
    urls = [h.url, await instance()]
  }, 60_000)
  afterAll(async () => {
    for (const app of apps) await app.close()
    await h?.close()
  })

  const lookup = (url: string, ip: string, code: string, lookupCode: string) =>
    supertest(url).get(`/api/public/dossiers/${encodeURIComponent(code)}`).query({ lookupCode }).set('x-forwarded-for', ip)
  const login = (url: string, ip: string, username: string, password = 'sai-mat-khau') =>
    supertest(url).post('/api/auth/login').set('x-forwarded-for', ip).send({ username, password })

  /** A dossier received at a counter and moved to `ready`: its code is on the public board from then. */
  async function readyDossier(): Promise<DossierView> {
    const procedureId = (await h.handle.db.selectFrom('procedure').select('id').where('code', '=', 'khai-sinh').executeTakeFirstOrThrow()).id
    const clerk = await h.login('canbo1')
    const res = await clerk.post('/api/dossiers').send({ procedureId, applicant, documents: [], sets: 1, delivery: 'center' })
    expect(res.status).toBe(201)
    for (const status of ['processing', 'ready']) expect((await clerk.post(`/api/dossiers/${res.body.dossier.id}/status`).send({ status })).status).toBe(200)
    return res.body.dossier
  }

  it('40 wrong lookups racing in from one address over both instances get 20 checked; the owner from another address is not locked out', async () => {
    const d = await readyDossier()
    const guesser = '10.0.7.1'
    // distinct codes (a code's own limit is 5), half of them sent to each instance, all at once
    const answers = await Promise.all(Array.from({ length: 40 }, (_, i) => lookup(urls[i % 2]!, guesser, `NS-261123-${String(i).padStart(4, '0')}`, 'ABCD')))
    expect(tally(answers)).toEqual({ '404 DOSSIER_NOT_FOUND': 20, '429 RATE_LIMITED': 20 })
    // locked out on both, even with the right codes, and on an instance started after the guessing (a restart)
    for (const url of [...urls, await instance()]) expect((await lookup(url, guesser, d.code, d.lookupCode)).status).toBe(429)
    // the owner, from their own phone, on either instance
    for (const url of urls) {
      const found = await lookup(url, '10.0.7.2', d.code, d.lookupCode)
      expect({ status: found.status, code: found.body.dossier?.code }).toEqual({ status: 200, code: d.code })
    }
    // the lock-out lasts 15 minutes, wherever it is asked about
    h.clock.advance(15 * 60_000)
    expect((await lookup(urls[1]!, guesser, d.code, d.lookupCode)).status).toBe(200)
  })

  it('one code guessed from one address over both instances: 5 failures, then that pair is refused on both', async () => {
    const d = await readyDossier()
    const wrong = d.lookupCode === 'AAAA' ? 'BBBB' : 'AAAA'
    const answers: number[] = []
    for (let i = 0; i < 8; i++) answers.push((await lookup(urls[i % 2]!, '10.0.8.1', d.code, wrong)).status)
    expect(answers).toEqual([404, 404, 404, 404, 404, 429, 429, 429])
    expect((await lookup(urls[0]!, '10.0.8.2', d.code, d.lookupCode)).status).toBe(200)
  })

  it('36 wrong logins racing in from one address over both instances get 30 passwords checked', async () => {
    const guesses = await Promise.all(Array.from({ length: 36 }, (_, i) => login(urls[i % 2]!, '198.51.100.80', `khongcoai${i}`)))
    expect(tally(guesses)).toEqual({ '401 LOGIN_FAILED': 30, '429 LOGIN_THROTTLED': 6 })
    for (const url of [...urls, await instance()]) {
      const refused = await login(url, '198.51.100.80', 'canbo5', TEST_PASSWORD)
      expect({ status: refused.status, code: refused.body.error?.code }).toEqual({ status: 429, code: 'LOGIN_THROTTLED' })
    }
  })

  it('a username backs off after 5 failures wherever they landed; its clerk still gets in from another address', async () => {
    const answers: supertest.Response[] = []
    for (let i = 0; i < 8; i++) answers.push(await login(urls[i % 2]!, '198.51.100.90', 'canbo2'))
    expect(tally(answers)).toEqual({ '401 LOGIN_FAILED': 5, '429 LOGIN_BACKOFF': 3 })
    for (const url of urls) expect((await login(url, '192.0.2.20', 'canbo2', TEST_PASSWORD)).status).toBe(200)
  })

  it('deletes the rows that count for nothing any more', async () => {
    const { db } = h.handle
    expect(await db.selectFrom('lookup_guess').select('key').execute()).not.toEqual([])
    expect(await db.selectFrom('login_failure').select('key').execute()).not.toEqual([])
    h.clock.advance(3 * 86_400_000) // past every window, lock-out and its strike (a day); "signed in here" stays 30 days
    expect((await lookup(urls[0]!, '10.0.9.1', 'NS-261123-9999', 'ABCD')).status).toBe(404)
    expect((await login(urls[0]!, '10.0.9.1', 'khongcoai')).status).toBe(401)
    await new Promise((r) => setTimeout(r, 100)) // the sweep is not awaited by the request
    expect((await db.selectFrom('lookup_guess').select('key').orderBy('key').execute()).map((r) => r.key)).toEqual(['a:10.0.9.1', 'c:10.0.9.1 NS-261123-9999'])
    const logins = (await db.selectFrom('login_failure').select(['key', 'signed_in_at']).orderBy('key').execute())
    expect(logins.filter((r) => r.signed_in_at === null).map((r) => r.key)).toEqual(['a:10.0.9.1', 'p:10.0.9.1|khongcoai', 'u:khongcoai'])
  })

  // Each attempt locks its three rows in one order (a, p, u); a sign-in giving back its count and the sweep once
  // took them in the order of the table's scan, so two tabs of one clerk, or a sweep right before a login, could
  // deadlock on PostgreSQL: a 500 on a right password, after a 1 s stall (PGlite has one connection: never).
  it('a clerk’s right and wrong passwords racing in over both instances, with the sweep running, all get their answer', async () => {
    const own = '192.0.2.30'
    expect((await login(urls[0]!, own, 'canbo3', TEST_PASSWORD)).status).toBe(200) // known here: no backoff, no address cap
    for (let round = 0; round < 30; round++) {
      h.clock.advance(16 * 60_000) // past the window (the address's and username's rows expire) and the sweep's minute
      // 6 right and 3 wrong (under the 10 of an address and username, all 9 being in flight at once), on both instances
      const answers = [0, 1, 2, 3, 4, 5, 6, 7, 8].map((i) => login(urls[i % 2]!, own, 'canbo3', i % 3 === 2 ? 'sai-mat-khau' : TEST_PASSWORD))
      expect(tally(await Promise.all(answers))).toEqual({ '200': 6, '401 LOGIN_FAILED': 3 })
    }
  }, 60_000)
})
