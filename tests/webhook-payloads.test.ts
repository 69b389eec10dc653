// Webhook payloads against their published JSON Schemas (issue 25): every body the worker sends, of every event type,
// with and without personal data, validates against the schema of its type in GET /api/openapi.json's `webhooks`.
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { z } from 'zod'
import { backends } from './helpers/db.js'
import { startHarness, type Harness } from './helpers/harness.js'
import { issued, openLine } from './queue-fixtures.js'
import { WEBHOOK_EVENTS } from '../common/webhook-schemas.js'

const PDF = Buffer.from('%PDF-1.4\n%%EOF\n')

describe.each(backends)('webhook payloads (%s)', (kind) => {
  let h: Harness
  let server: Server
  const bodies: { personal: boolean; body: { type: string; data: Record<string, unknown> } }[] = []

  beforeAll(async () => {
    h = await startHarness(kind, { outbox: { pollMs: 20, backoffBaseMs: 40, backoffMaxMs: 160, leaseMs: 5_000, timeoutMs: 2_000 } })
    server = createServer((req, res) => {
      let raw = ''
      req.on('data', (c: Buffer) => { raw += c.toString() })
      req.on('end', () => { bodies.push({ personal: req.url === '/personal', body: JSON.parse(raw) }); res.writeHead(204).end() })
    })
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
    const admin = await h.login('quantri')
    await admin.post('/api/centers/na-sang/webhooks').send({ url: `${base}/plain`, events: WEBHOOK_EVENTS, allowPrivate: true }).expect(201)
    await admin.post('/api/centers/na-sang/webhooks').send({ url: `${base}/personal`, events: WEBHOOK_EVENTS, allowPrivate: true, personalData: true }).expect(201)
    h.app.outbox.start()
  }, 60_000)
  afterAll(async () => { await h?.close(); server.closeAllConnections(); await new Promise((r) => server.close(r)) })

  it('every event type, as sent, matches its schema in the OpenAPI document', async () => {
    // counter opened, a ticket issued, called, finished and rated, a dossier through its states with its result, counter closed
    const line = await openLine(h)
    const t = await issued(h, line.serviceId)
    await line.clerk.post(`/api/counters/${line.counterId}/call-next`).send({}).expect(200)
    await line.clerk.post(`/api/tickets/${t.id}/start`).send({}).expect(200)
    await line.clerk.post(`/api/tickets/${t.id}/complete`).send({}).expect(200)
    await h.http.post(`/api/tickets/${t.id}/rating`).send({ key: t.secret, score: 2, reasons: ['wait_time'], comment: 'Chờ lâu' }).expect(201)
    const procedureId = (await h.handle.db.selectFrom('procedure').select('id').where('code', '=', 'khai-sinh').executeTakeFirstOrThrow()).id
    const clerk = await h.login('canbo1')
    const d = (await clerk.post('/api/dossiers').send({ procedureId, applicant: { fullName: 'Lò Thị Lược Đồ', phone: '0912345678', address: 'Na Sang' },
      documents: [], sets: 1, delivery: 'center' }).expect(201)).body.dossier
    await clerk.post(`/api/dossiers/${d.id}/status`).send({ status: 'processing', note: 'Chuyển phòng chuyên môn' }).expect(200)
    await clerk.put(`/api/dossiers/${d.id}/result`).send({ name: 'kq.pdf', dataBase64: PDF.toString('base64') }).expect(200)
    await clerk.post(`/api/dossiers/${d.id}/status`).send({ status: 'ready' }).expect(200)
    await clerk.post(`/api/dossiers/${d.id}/early-notice`).send({ channel: 'sms' }).expect(200) // ready before its due day (Art. 22.5)
    await clerk.post(`/api/dossiers/${d.id}/status`).send({ status: 'returned', handover: { to: 'applicant' } }).expect(200)
    await line.clerk.post(`/api/counters/${line.counterId}/close`).send({}).expect(200)

    const end = Date.now() + 10_000
    const seen = () => new Set(bodies.map((b) => `${b.personal} ${b.body.type}`))
    while (seen().size < WEBHOOK_EVENTS.length * 2 && Date.now() < end) await new Promise((r) => setTimeout(r, 25))
    expect([...seen()].sort()).toEqual(WEBHOOK_EVENTS.flatMap((e) => [`false ${e}`, `true ${e}`]).sort())

    const doc = (await h.http.get('/api/openapi.json').expect(200)).body as { webhooks: Record<string, { post: { requestBody: { content: { 'application/json': { schema: unknown } } } } }> }
    expect(Object.keys(doc.webhooks).sort()).toEqual([...WEBHOOK_EVENTS].sort())
    const schemas = Object.fromEntries(WEBHOOK_EVENTS.map((e) => [e, z.fromJSONSchema(doc.webhooks[e]!.post.requestBody.content['application/json'].schema as never)]))
    for (const { body } of bodies) {
      const r = schemas[body.type]!.safeParse(body)
      expect([body.type, r.success ? 'valid' : JSON.stringify(r.error.issues)]).toEqual([body.type, 'valid'])
    }
    // the schemas are not empty shells: a payload of one type is not another's, an unknown field or a wrong type is refused
    const ready = bodies.find((b) => b.body.type === 'dossier.ready' && b.personal)!.body
    expect(ready.data).toMatchObject({ applicantName: 'Lò Thị Lược Đồ' })
    expect(schemas['dossier.returned']!.safeParse(ready).success).toBe(false)
    expect(schemas['dossier.ready']!.safeParse({ ...ready, data: { ...ready.data, idNumber: '001234567890' } }).success).toBe(false)
    expect(schemas['dossier.ready']!.safeParse({ ...ready, data: { ...ready.data, dueAt: 5 } }).success).toBe(false)
    expect(bodies.some((b) => b.body.type === 'dossier.status_changed' && b.body.data.change === 'result_attached')).toBe(true)
  })
})
