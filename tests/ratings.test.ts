// Citizen ratings: once per ticket, only after done, within 24 hours, on the center's scale; stored with clerk, counter and service.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals'
import { backends } from './helpers/db.js'
import { MINUTE } from './helpers/clock.js'
import { addOtherCenter, startHarness, type Harness } from './helpers/harness.js'
import { issued, type Agent } from './queue-fixtures.js'
import type { RatingStatusView } from '../common/rating-types.js'
import type { IssuedTicket } from '../common/types.js'

describe.each(backends)('ratings on %s', (kind) => {
  let h: Harness
  let clerk: Agent, manager: Agent, otherManager: Agent

  beforeAll(async () => {
    h = await startHarness(kind)
    await addOtherCenter(h)
    ;[clerk, manager, otherManager] = await Promise.all(['canbo1', 'quanly', 'quanly.muongpon'].map((u) => h.login(u))) as [Agent, Agent, Agent]
    await clerk.post(`/api/counters/${h.demo.counters[1]}/open`).send({}).expect(200)
  }, 60_000)
  afterAll(async () => { await h?.close() })
  beforeEach(async () => {
    h.clock.set('2026-11-23T09:00:00+07:00')
    await manager.patch('/api/centers/na-sang/settings/rating').send({ scale: 5 }).expect(200)
  })

  /** the secrets of the tickets issued here: the holder of a ticket rates with it (tests/ticket-secret.test.ts) */
  const secrets = new Map<string, string>()
  const ticket = async () => {
    const t: IssuedTicket = await issued(h, h.demo.services.A!)
    secrets.set(t.id, t.secret)
    return t
  }

  /** A ticket of service A served to the end by canbo1 at counter 1 (finished at the clock's time). */
  async function served() {
    const t = await ticket()
    const called = await clerk.post(`/api/counters/${h.demo.counters[1]}/call-next`).send({}).expect(200)
    expect(called.body.ticket.id).toBe(t.id)
    await clerk.post(`/api/tickets/${t.id}/start`).send({}).expect(200)
    await clerk.post(`/api/tickets/${t.id}/complete`).send({}).expect(200)
    return t
  }
  const ratingRows = (ticketId: string) => h.handle.db.selectFrom('rating').selectAll().where('ticket_id', '=', ticketId).execute()
  const rate = (ticketId: string, body: Record<string, unknown>) => h.http.post(`/api/tickets/${ticketId}/rating`).send({ key: secrets.get(ticketId), ...body })
  const statusOf = (ticketId: string) => h.http.get(`/api/tickets/${ticketId}/rating?key=${encodeURIComponent(secrets.get(ticketId) ?? '')}`)

  it('stores a rating of a done ticket with its clerk, counter, service and center, and says so afterwards', async () => {
    const t = await served()
    const before = (await statusOf(t.id).expect(200)).body.rating as RatingStatusView
    expect(before).toMatchObject({ ticketId: t.id, code: t.code, status: 'done', scale: 5, rated: false, open: true, closedReason: null,
      counterNumber: 1, serviceNameVi: 'Hộ tịch', closesAt: '2026-11-24T02:00:00.000Z', rating: null })
    h.clock.advance(3 * MINUTE)
    const res = await rate(t.id, { score: 5 }).expect(201)
    expect(res.body.rating).toMatchObject({ rated: true, open: false, closedReason: 'rated',
      rating: { score: 5, scale: 5, level: 5, reasons: [], createdAt: '2026-11-23T02:03:00.000Z' } })
    const [row] = await ratingRows(t.id)
    expect(row).toMatchObject({ center_id: h.demo.centerId, service_id: h.demo.services.A, counter_id: h.demo.counters[1],
      staff_id: h.demo.staff.canbo1, scale: 5, score: 5, level: 5, reasons: [], comment: null, channel: 'phone' })
    expect(new Date(row!.created_at).toISOString()).toBe('2026-11-23T02:03:00.000Z')
  })

  it('keeps reasons and a comment with a low score, and answers the comment to nobody', async () => {
    const t = await served()
    const res = await rate(t.id, { score: 2, reasons: ['wait_time', 'unclear_guidance'], comment: '  Chờ hơi lâu, hướng dẫn chưa rõ.  ' }).expect(201)
    expect(res.body.rating.rating).toEqual({ score: 2, scale: 5, level: 2, reasons: ['wait_time', 'unclear_guidance'], createdAt: expect.any(String) })
    expect((await statusOf(t.id).expect(200)).body.rating.rating).not.toHaveProperty('comment')
    expect((await ratingRows(t.id))[0]).toMatchObject({ channel: 'phone', reasons: ['wait_time', 'unclear_guidance'], comment: 'Chờ hơi lâu, hướng dẫn chưa rõ.' })
  })

  describe('the tablet at a counter (its key, from the manager)', () => {
    const tabletPath = (n: number) => `/api/centers/na-sang/counters/${n}/rating`
    const tabletKey = async () => {
      const link = (await manager.get(`/api/counters/${h.demo.counters[1]}/rating-tablet`).expect(200)).body.tablet
      expect(link.path).toMatch(/^\/danh-gia\?center=na-sang&counter=1#k=[A-Za-z0-9_-]{32}$/)
      return decodeURIComponent(link.path.split('#k=')[1])
    }

    it('gives the tablet link to a manager of the counter\'s center only', async () => {
      await tabletKey()
      expect((await clerk.get(`/api/counters/${h.demo.counters[1]}/rating-tablet`).expect(403)).body.error.code).toBe('FORBIDDEN')
      expect((await otherManager.get(`/api/counters/${h.demo.counters[1]}/rating-tablet`).expect(403)).body.error.code).toBe('WRONG_CENTER')
      expect((await h.http.get(`/api/counters/${h.demo.counters[1]}/rating-tablet`).expect(401)).body.error.code).toBe('AUTH_REQUIRED')
    })

    it('offers the ticket just finished at its counter and rates it (channel counter), with its key only', async () => {
      const key = await tabletKey()
      const t = await served()
      // `ticket:finished` named the code done at counter 1: the tablet asks for it
      const offer = await h.http.get(`${tabletPath(1)}?key=${encodeURIComponent(key)}&code=${t.code}`).expect(200)
      expect(offer.body.rating).toMatchObject({ ticketId: t.id, code: t.code, open: true, counterNumber: 1 })
      // without a code it only checks its key
      expect((await h.http.get(`${tabletPath(1)}?key=${encodeURIComponent(key)}`).expect(200)).body.rating).toBeNull()
      // a wrong key, no key, or another counter's number: the same 404
      for (const [n, k] of [[1, 'x'.repeat(32)], [1, ''], [2, key], [999, key]] as const) {
        const res = await h.http.get(`${tabletPath(n)}?key=${encodeURIComponent(k)}`)
        expect([n, k, res.status, res.body.error?.code]).toEqual([n, k, 404, 'COUNTER_NOT_FOUND'])
        const post = await h.http.post(tabletPath(n)).send({ key: k, ticketId: t.id, score: 1 })
        expect([n, k, post.status, post.body.error?.code]).toEqual([n, k, 404, 'COUNTER_NOT_FOUND'])
      }
      const res = await h.http.post(tabletPath(1)).send({ key, ticketId: t.id, score: 2, reasons: ['wait_time'], comment: 'Lâu' }).expect(201)
      expect(res.body.rating).toMatchObject({ rated: true, rating: { score: 2, reasons: ['wait_time'] } })
      expect(JSON.stringify(res.body)).not.toContain('Lâu')
      expect((await ratingRows(t.id))[0]).toMatchObject({ channel: 'counter', comment: 'Lâu', counter_id: h.demo.counters[1] })
      // rated: nothing more to offer
      expect((await h.http.get(`${tabletPath(1)}?key=${encodeURIComponent(key)}&code=${t.code}`).expect(200)).body.rating).toBeNull()
    })

    it('rates only tickets finished at its own counter (another\'s: 404 TICKET_NOT_FOUND)', async () => {
      const key = await tabletKey()
      const elsewhere = await ticket()
      const res = await h.http.post(tabletPath(1)).send({ key, ticketId: elsewhere.id, score: 5 }).expect(404)
      expect(res.body.error.code).toBe('TICKET_NOT_FOUND')
      expect(await ratingRows(elsewhere.id)).toHaveLength(0)
      await clerk.post(`/api/tickets/${elsewhere.id}/cancel`).send({}).expect(200) // out of the next tests' queue
    })
  })

  it('refuses a second rating of the same ticket (409 ALREADY_RATED), also when two arrive at once', async () => {
    const t = await served()
    await rate(t.id, { score: 4 }).expect(201)
    const again = await rate(t.id, { score: 1 }).expect(409)
    expect(again.body.error.code).toBe('ALREADY_RATED')
    expect(await ratingRows(t.id)).toHaveLength(1)
    expect((await ratingRows(t.id))[0]!.score).toBe(4)

    const u = await served()
    const [a, b] = await Promise.all([rate(u.id, { score: 5 }), rate(u.id, { score: 3 })])
    expect([a.status, b.status].sort()).toEqual([201, 409])
    expect(await ratingRows(u.id)).toHaveLength(1)
  })

  it('refuses a ticket that is not done yet (409 TICKET_NOT_DONE): waiting, called, serving, no-show', async () => {
    const waiting = await ticket()
    let status = (await statusOf(waiting.id).expect(200)).body.rating as RatingStatusView
    expect(status).toMatchObject({ open: false, closedReason: 'not_done', closesAt: null, rated: false })
    let res = await rate(waiting.id, { score: 5 }).expect(409)
    expect(res.body.error).toMatchObject({ code: 'TICKET_NOT_DONE', params: { status: 'waiting' } })
    await clerk.post(`/api/counters/${h.demo.counters[1]}/call-next`).send({}).expect(200)
    expect((await rate(waiting.id, { score: 5 }).expect(409)).body.error.code).toBe('TICKET_NOT_DONE')
    await clerk.post(`/api/tickets/${waiting.id}/start`).send({}).expect(200)
    expect((await rate(waiting.id, { score: 5 }).expect(409)).body.error.code).toBe('TICKET_NOT_DONE')
    await clerk.post(`/api/tickets/${waiting.id}/complete`).send({}).expect(200)

    const absent = await ticket()
    await clerk.post(`/api/counters/${h.demo.counters[1]}/call-next`).send({}).expect(200)
    await clerk.post(`/api/tickets/${absent.id}/no-show`).send({}).expect(200)
    res = await rate(absent.id, { score: 1 }).expect(409)
    expect(res.body.error.code).toBe('TICKET_NOT_DONE')
    status = (await statusOf(absent.id).expect(200)).body.rating
    expect(status.closedReason).toBe('not_done')
    expect(await ratingRows(absent.id)).toHaveLength(0)
  })

  it('accepts a rating up to 24 hours after the ticket was finished, and refuses it after (409 RATING_CLOSED)', async () => {
    const onTime = await served()
    const late = await served()
    h.clock.advance(24 * 60 * MINUTE) // exactly 24 h after both were finished
    await rate(onTime.id, { score: 5 }).expect(201)
    h.clock.advance(1000)
    const status = (await statusOf(late.id).expect(200)).body.rating as RatingStatusView
    expect(status).toMatchObject({ open: false, closedReason: 'too_late', rated: false })
    const res = await rate(late.id, { score: 5 }).expect(409)
    expect(res.body.error.code).toBe('RATING_CLOSED')
    expect(res.body.error.message).toBe('Đã hết thời hạn đánh giá (trong vòng 24 giờ sau khi được phục vụ).')
    expect(await ratingRows(late.id)).toHaveLength(0)
  })

  it('answers 404 for an unknown ticket and 400 for a malformed id', async () => {
    const unknown = '00000000-0000-4000-8000-000000000000'
    expect((await statusOf(unknown).expect(404)).body.error.code).toBe('TICKET_NOT_FOUND')
    expect((await rate(unknown, { score: 5 }).expect(404)).body.error.code).toBe('TICKET_NOT_FOUND')
    const bad = await rate('not-a-ticket', { score: 5 }).expect(400)
    expect(bad.body.error.details.map((d: { path: string }) => d.path)).toEqual(['params.id'])
  })

  it('refuses a bad score, reasons or comment (400) listing every problem, and stores nothing', async () => {
    const t = await served()
    for (const score of [0, 6, 2.5, '5', null]) {
      const res = await rate(t.id, { score }).expect(400)
      expect(res.body.error.details.map((d: { path: string }) => d.path)).toEqual(['body.score'])
    }
    expect((await rate(t.id, {}).expect(400)).body.error.details).toEqual([{ path: 'body.score', message: 'bắt buộc' }])
    const many = await rate(t.id, { score: 9, reasons: ['rude', 'wait_time', 'wait_time'], comment: 'x'.repeat(501), extra: 1 }).expect(400)
    expect(many.body.error.code).toBe('VALIDATION_FAILED')
    expect(many.body.error.details.map((d: { path: string }) => d.path).sort()).toEqual(['body.comment', 'body.extra', 'body.reasons.0', 'body.score'])
    const twice = await rate(t.id, { score: 1, reasons: ['wait_time', 'wait_time'] }).expect(400)
    expect(twice.body.error.details.map((d: { path: string }) => d.path)).toEqual(['body.reasons'])
    // reasons belong to a low score
    const high = await rate(t.id, { score: 4, reasons: ['attitude'] }).expect(400)
    expect(high.body.error.details).toEqual([{ path: 'body.reasons', message: 'chỉ chọn lý do khi đánh giá từ Bình thường trở xuống' }])
    expect(await ratingRows(t.id)).toHaveLength(0)
    await rate(t.id, { score: 3, reasons: ['other'], comment: 'x'.repeat(500) }).expect(201)
  })

  it('follows the center’s scale: on 3 levels a 4 is refused, and a 1 is stored as level 2 (Không hài lòng)', async () => {
    const res = await manager.patch('/api/centers/na-sang/settings/rating').send({ scale: 3 }).expect(200)
    expect(res.body.rating).toEqual({ scale: 3 })
    expect((await manager.get('/api/centers/na-sang/settings/rating').expect(200)).body.rating).toEqual({ scale: 3 })
    const t = await served()
    expect((await statusOf(t.id).expect(200)).body.rating.scale).toBe(3)
    const four = await rate(t.id, { score: 4 }).set('accept-language', 'en').expect(400)
    expect(four.body.error.details).toEqual([{ path: 'body.score', message: 'must be 1 to 3 (the center\'s 3-level scale)' }])
    await rate(t.id, { score: 1, reasons: ['repeat_visits'] }).expect(201)
    expect((await ratingRows(t.id))[0]).toMatchObject({ scale: 3, score: 1, level: 2 })
    // changing the scale later leaves the rating as given
    await manager.patch('/api/centers/na-sang/settings/rating').send({ scale: 5 }).expect(200)
    expect((await statusOf(t.id).expect(200)).body.rating.rating).toMatchObject({ scale: 3, score: 1, level: 2 })
  })

  it('audits a scale change (and writes nothing when it is the same), refuses clerks, other centers and bad values', async () => {
    const audits = () => h.handle.db.selectFrom('audit_log').selectAll().where('entity', '=', 'center').orderBy('id').execute()
    const before = (await audits()).length
    await manager.patch('/api/centers/na-sang/settings/rating').send({ scale: 3 }).expect(200)
    await manager.patch('/api/centers/na-sang/settings/rating').send({ scale: 3 }).expect(200)
    const rows = await audits()
    expect(rows).toHaveLength(before + 1)
    const last = rows.at(-1)!
    expect(last).toMatchObject({ center_id: h.demo.centerId, staff_id: h.demo.staff.quanly, entity_id: h.demo.centerId, action: 'update' })
    expect(typeof last.changes === 'string' ? JSON.parse(last.changes) : last.changes).toEqual({ ratingScale: { from: 5, to: 3 } })
    const log = await manager.get('/api/centers/na-sang/audit?entity=center').expect(200)
    expect(log.body.entries[0]).toMatchObject({ entity: 'center', action: 'update', changes: { ratingScale: { from: 5, to: 3 } }, staffName: expect.any(String) })

    expect((await clerk.patch('/api/centers/na-sang/settings/rating').send({ scale: 5 }).expect(403)).body.error.code).toBe('FORBIDDEN')
    expect((await otherManager.patch('/api/centers/na-sang/settings/rating').send({ scale: 5 }).expect(403)).body.error.code).toBe('WRONG_CENTER')
    expect((await h.http.get('/api/centers/na-sang/settings/rating').expect(401)).body.error.code).toBe('AUTH_REQUIRED')
    const bad = await manager.patch('/api/centers/na-sang/settings/rating').send({ scale: 4, other: true }).expect(400)
    expect(bad.body.error.details.map((d: { path: string }) => d.path).sort()).toEqual(['body.other', 'body.scale'])
    expect((await manager.patch('/api/centers/khong-co/settings/rating').send({ scale: 5 }).expect(404)).body.error.code).toBe('CENTER_NOT_FOUND')
    expect((await manager.get('/api/centers/na-sang/settings/rating').expect(200)).body.rating.scale).toBe(3)
  })
})
