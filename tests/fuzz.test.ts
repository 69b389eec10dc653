// A few hundred of the fuzz benchmark's malformed requests (bench/fuzz.ts, same generator and seed) against
// every public route and the staff routes, anonymously and with a clerk's and a manager's sessions: no 5xx,
// no connection error, no 2xx for a write, no row changed.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { CATEGORIES, fuzzRequests, sendAll, snapshot, staffSessions, STAFF_ROUTES } from '../bench/fuzz.js'
import { DEMO_PASSWORD } from '../db/seed-demo.js'
import { backends } from './helpers/db.js'
import { startHarness, type Harness } from './helpers/harness.js'

const COUNT = 480

describe.each(backends)('fuzz (%s)', (kind) => {
  let h: Harness
  let ticketIds: string[]
  beforeAll(async () => {
    h = await startHarness(kind)
    ticketIds = []
    for (const prefix of Object.keys(h.demo.services).slice(0, 2)) {
      const res = await h.http.post('/api/centers/na-sang/tickets').send({ serviceId: h.demo.services[prefix] })
      expect(res.status).toBe(201)
      ticketIds.push(res.body.ticket.id)
    }
  })
  afterAll(async () => { await h?.close() })

  it(`answers ${COUNT} malformed requests with 4xx only and changes no data`, async () => {
    const before = await snapshot(h.handle.db)
    const tally = await sendAll(h.url, fuzzRequests(7, COUNT, {
      center: 'na-sang', serviceIds: Object.values(h.demo.services), counterIds: Object.values(h.demo.counters), ticketIds,
    }), 8)
    expect(tally.sent).toBe(COUNT)
    for (const c of CATEGORIES) expect(tally.byCategory[c]).toBeGreaterThan(0)
    expect(tally.fiveXx).toEqual([])
    expect(tally.networkErrors).toEqual([])
    expect(tally.okNotGet).toEqual([])
    // the rest are GETs answered 2xx: a GET never reads a body it was sent (only a route that validates a body reads one)
    expect(tally.byStatus['4xx']).toBeGreaterThan(COUNT * 0.8)
    expect(await snapshot(h.handle.db)).toEqual(before)
    expect((await h.http.get('/healthz')).status).toBe(200)
  })

  it(`answers ${COUNT} malformed requests of a logged-in clerk and manager with 4xx only and changes no data`, async () => {
    const cookies = await staffSessions(h.url, DEMO_PASSWORD, h.demo.counters[1]!)
    const before = await snapshot(h.handle.db)
    const tally = await sendAll(h.url, fuzzRequests(7, COUNT, {
      center: 'na-sang', serviceIds: Object.values(h.demo.services), counterIds: Object.values(h.demo.counters), ticketIds, cookies,
    }, STAFF_ROUTES), 8)
    expect(tally.sent).toBe(COUNT)
    expect(tally.fiveXx).toEqual([])
    expect(tally.networkErrors).toEqual([])
    expect(tally.okNotGet).toEqual([])
    expect(tally.byStatus['401'] ?? 0).toBeLessThan(COUNT / 4) // the sessions were used: the requests met validation, not the role check
    expect(await snapshot(h.handle.db)).toEqual(before)
    expect((await h.http.get('/healthz')).status).toBe(200)
  })
})
