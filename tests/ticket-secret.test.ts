// A ticket's phone page and its rating need the secret printed on the ticket's QR (issue 19, item 4):
// what a stranger reads on the wall (the board, the public socket's facts) names no ticket, and a ticket
// id without its secret reads, follows and rates nothing.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { backends } from './helpers/db.js'
import { nextEvent, startHarness, type Harness } from './helpers/harness.js'
import { issue, openLine, type Line } from './queue-fixtures.js'
import type { IssuedTicket } from '../common/types.js'

const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi

describe.each(backends)('the ticket secret on %s', (kind) => {
  let h: Harness
  let line: Line
  beforeAll(async () => {
    h = await startHarness(kind)
    line = await openLine(h)
  }, 60_000)
  afterAll(async () => { await h?.close() })

  /** A ticket of the line, issued by a kiosk, called, started and completed at the line's counter; and every public fact of it. */
  async function servedWatched() {
    const wall = h.socket({ center: 'na-sang' })
    await nextEvent(wall, 'board:snapshot')
    const facts: unknown[] = []
    wall.onAny((name: string, payload: unknown) => { facts.push({ name, payload }) })
    const tap = await issue(h, line.serviceId).expect(201)
    const ticket = tap.body.ticket as IssuedTicket
    await line.clerk.post(`/api/counters/${line.counterId}/call-next`).send({}).expect(200)
    await line.clerk.post(`/api/tickets/${ticket.id}/start`).send({}).expect(200)
    await line.clerk.post(`/api/tickets/${ticket.id}/complete`).send({}).expect(200)
    for (let i = 0; i < 100 && !facts.some((f) => (f as { name: string }).name === 'ticket:finished'); i++) await new Promise((r) => setTimeout(r, 10))
    wall.disconnect()
    return { ticket, facts }
  }

  it('names no ticket on the public board or in the public facts, so a stranger has no id to rate with', async () => {
    const { ticket, facts } = await servedWatched()
    const board = (await h.http.get('/api/centers/na-sang/board').expect(200)).body
    const seen = JSON.stringify({ board, facts })
    expect(seen).toContain(ticket.code) // the wall shows the code, as it must
    expect(seen).not.toContain(ticket.id)
    expect(seen).not.toContain(ticket.secret)
    // every id a stranger can read on the wall, tried as a ticket: none is one
    const ids = [...new Set(seen.match(UUID) ?? [])]
    expect(ids.length).toBeGreaterThan(0)
    for (const id of ids) {
      const rated = await h.http.post(`/api/tickets/${id}/rating`).send({ score: 1, comment: 'lạ' })
      expect([rated.status, rated.body.error?.code]).toEqual([404, 'TICKET_NOT_FOUND'])
    }
  })

  it('refuses the rating, its status and the ticket to an id without its secret (404, the same as an unknown id)', async () => {
    const { ticket } = await servedWatched()
    const unknown = '00000000-0000-4000-8000-000000000000'
    for (const key of [undefined, '', 'x'.repeat(32), ticket.secret.slice(0, -1), ticket.secret + 'A']) {
      const q = key === undefined ? '' : `?key=${encodeURIComponent(key)}`
      const body = { score: 1, comment: 'không tốt', ...(key === undefined ? {} : { key }) }
      for (const id of [ticket.id, unknown]) {
        const answers = await Promise.all([
          h.http.post(`/api/tickets/${id}/rating`).send(body),
          h.http.get(`/api/tickets/${id}/rating${q}`),
          h.http.get(`/api/tickets/${id}${q}`),
        ])
        for (const a of answers) expect([key, id, a.status, a.body.error?.code]).toEqual([key, id, 404, 'TICKET_NOT_FOUND'])
      }
    }
    expect(await h.handle.db.selectFrom('rating').select('id').where('ticket_id', '=', ticket.id).execute()).toHaveLength(0)
    // the holder of the printed ticket rates it
    await h.http.post(`/api/tickets/${ticket.id}/rating`).send({ key: ticket.secret, score: 2, comment: 'Chờ lâu quá' }).expect(201)
  })

  it('never shows a rating\'s comment to an anonymous caller, not even the holder of the ticket', async () => {
    const { ticket } = await servedWatched()
    const rated = await h.http.post(`/api/tickets/${ticket.id}/rating`).send({ key: ticket.secret, score: 1, reasons: ['attitude'], comment: 'Cán bộ nói trống không' }).expect(201)
    const status = await h.http.get(`/api/tickets/${ticket.id}/rating?key=${encodeURIComponent(ticket.secret)}`).expect(200)
    for (const body of [rated.body, status.body]) {
      expect(body.rating).toMatchObject({ rated: true, rating: { score: 1, level: 1 } })
      expect(JSON.stringify(body)).not.toContain('trống không')
    }
  })

  it('prints the secret on the tap\'s answer only: a random key of 22+ base64url characters, its own per ticket', async () => {
    const a = (await issue(h, line.serviceId).expect(201)).body.ticket as IssuedTicket
    const b = (await issue(h, line.serviceId).expect(201)).body.ticket as IssuedTicket
    for (const t of [a, b]) {
      expect(t.secret).toMatch(/^[A-Za-z0-9_-]{22,}$/)
      expect(t.phonePath).toBe(`/t/${t.id}#k=${t.secret}`)
    }
    expect(a.secret).not.toBe(b.secret)
    // the phone's own reads carry it; the view they answer does not repeat it
    const read = await h.http.get(`/api/tickets/${a.id}?key=${encodeURIComponent(a.secret)}`).expect(200)
    expect(read.body.ticket).toMatchObject({ id: a.id, code: a.code, status: 'waiting' })
    expect(JSON.stringify(read.body)).not.toContain(a.secret)
    // the staff's live view of the ticket names it (staff payloads keep ids) but carries no secret
    const staff = await line.clerk.get(`/api/counters/${line.counterId}/queue`).expect(200)
    expect(JSON.stringify(staff.body)).toContain(a.id)
    expect(JSON.stringify(staff.body)).not.toContain(a.secret)
  })

  it('keeps the paper ticket\'s secret through a transfer: its QR opens the new ticket too, an id alone does not', async () => {
    const other = await openLine(h)
    const t = (await issue(h, line.serviceId).expect(201)).body.ticket as IssuedTicket
    const wall = h.socket({ center: 'na-sang' })
    await nextEvent(wall, 'board:snapshot')
    const issuedFact = nextEvent(wall, 'ticket:issued')
    const moved = await line.clerk.post(`/api/tickets/${t.id}/transfer`).send({ serviceId: other.serviceId }).expect(200)
    const next = moved.body.ticket
    expect(next).toMatchObject({ transferredFromId: t.id, status: 'waiting' })
    expect(next).not.toHaveProperty('secret') // a clerk's answer carries no secret
    expect(JSON.stringify(await issuedFact)).not.toContain(next.id)
    wall.disconnect()
    const old = await h.http.get(`/api/tickets/${t.id}?key=${encodeURIComponent(t.secret)}`).expect(200)
    expect(old.body.ticket).toMatchObject({ status: 'transferred', transferredToId: next.id })
    await h.http.get(`/api/tickets/${next.id}?key=${encodeURIComponent(t.secret)}`).expect(200)
    await h.http.get(`/api/tickets/${next.id}`).expect(404)
    await other.clerk.post(`/api/counters/${other.counterId}/call-next`).send({}).expect(200)
    await other.clerk.post(`/api/tickets/${next.id}/cancel`).send({}).expect(200)
  })

  it('lets a phone follow its ticket only with the secret; a wrong one is refused like an unknown ticket', async () => {
    const t = (await issue(h, line.serviceId).expect(201)).body.ticket as IssuedTicket
    const refusals: Record<string, string>[] = [{ ticket: t.id }, { ticket: t.id, key: 'wrong-key-0123456789abcdef' }, { ticket: '00000000-0000-4000-8000-000000000000', key: t.secret }]
    for (const auth of refusals) {
      const s = h.socket(auth)
      const err = await new Promise<Error>((resolve) => {
        s.on('connect_error', resolve)
        s.on('connect', () => resolve(new Error('connected')))
      })
      expect([auth, err.message]).toEqual([auth, 'TICKET_NOT_FOUND'])
      s.disconnect()
    }
    const phone = h.socket({ ticket: t.id, key: t.secret })
    const first = await nextEvent(phone, 'ticket:updated')
    expect(first).toMatchObject({ id: t.id, status: 'waiting' })
    phone.disconnect()
  })
})
