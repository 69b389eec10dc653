import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { backends } from './helpers/db.js'
import { startHarness, type Harness } from './helpers/harness.js'

describe.each(backends)('ticket lifecycle on %s', (kind) => {
  let h: Harness
  beforeAll(async () => { h = await startHarness(kind) }, 60_000)
  afterAll(async () => { await h?.close() })

  const issue = (prefix: string, body: Record<string, unknown> = {}) =>
    h.http.post('/api/centers/na-sang/tickets').send({ serviceId: h.demo.services[prefix], ...body })

  it('issues A001, calls, starts and completes it, recording every transition', async () => {
    const issued = await issue('A')
    expect(issued.status).toBe(201)
    expect(issued.body.ticket).toMatchObject({ code: 'A001', status: 'waiting', position: 1, ahead: 0 })

    const clerk = await h.login('canbo1')
    const counter = h.demo.counters[1]
    const opened = await clerk.post(`/api/counters/${counter}/open`).send({})
    expect(opened.body.counter).toMatchObject({ status: "open", staffName: "Quàng Thị Hoa" })
    const called = await clerk.post(`/api/counters/${counter}/call-next`).send({})
    expect(called.status).toBe(200)
    expect(called.body.ticket).toMatchObject({ code: 'A001', status: 'called', counterNumber: 1 })
    const id = called.body.ticket.id

    expect((await clerk.post(`/api/tickets/${id}/start`).send({})).body.ticket.status).toBe('serving')
    expect((await clerk.post(`/api/tickets/${id}/complete`).send({})).body.ticket.status).toBe('done')
    const again = await clerk.post(`/api/tickets/${id}/complete`).send({})
    expect(again.status).toBe(409)
    expect(again.body.error.code).toBe('TICKET_WRONG_STATE')

    const events = await h.handle.db.selectFrom('ticket_event').select(['type', 'from_status', 'to_status'])
      .where('ticket_id', '=', id).orderBy('id').execute()
    expect(events.map((e) => e.type)).toEqual(['issued', 'called', 'started', 'completed'])
  })
})
