// Webhooks from the outbox (W6, issue 25): a real local receiver (node:http) checks signatures, order per
// dossier and ticket, retries after an outage, one delivery at a time across instances, and restarts.
import { createServer, type IncomingMessage, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { backends } from './helpers/db.js'
import { startHarness, type Harness } from './helpers/harness.js'
import { issued, openLine, type Agent } from './queue-fixtures.js'
import { createApp, type App } from '../server/app.js'
import { createDb } from '../db/create-db.js'
import { verify } from '../server/outbox/signature.js'
import { WEBHOOK_EVENTS } from '../common/webhook-schemas.js'

// maxAttempts: at 160 ms apart, the default 15 gave up after ~2 s, shorter than the outage test's on a loaded machine
const FAST = { pollMs: 20, backoffBaseMs: 40, backoffMaxMs: 160, leaseMs: 5_000, timeoutMs: 2_000, maxAttempts: 200 }
const applicant = { fullName: 'Lò Thị Webhook', phone: '0912 345 678', address: 'Bản Na Sang', idNumber: null }

interface Hit { id: string; type: string; data: Record<string, unknown>; body: Record<string, unknown>; headers: IncomingMessage['headers']; raw: string; signed: boolean }

/** A receiver on 127.0.0.1: records every request; `down` answers 503; `delayMs` holds each answer; counts concurrent requests per event id. */
class Receiver {
  hits: Hit[] = []
  down = false
  delayMs = 0
  overlaps = 0
  private inFlight = new Map<string, number>()
  server: Server
  secret = ''
  constructor() {
    this.server = createServer((req, res) => {
      let raw = ''
      req.on('data', (c: Buffer) => { raw += c.toString() })
      req.on('end', () => {
        const body = JSON.parse(raw) as { id: string; type: string; data: Record<string, unknown> }
        const n = (this.inFlight.get(body.id) ?? 0) + 1
        this.inFlight.set(body.id, n)
        if (n > 1) this.overlaps++
        const answer = () => {
          this.inFlight.set(body.id, this.inFlight.get(body.id)! - 1)
          if (this.down) { res.writeHead(503).end(); return }
          this.hits.push({ id: body.id, type: body.type, data: body.data, body, headers: req.headers, raw,
            signed: verify(this.secret, req.headers['mot-cua-signature'] as string, raw) })
          res.writeHead(204).end()
        }
        if (this.delayMs) setTimeout(answer, this.delayMs); else answer()
      })
    })
  }
  async listen() { await new Promise<void>((r) => this.server.listen(0, '127.0.0.1', r)); return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/hook` }
  close() { return new Promise<void>((r) => { this.server.closeAllConnections(); this.server.close(() => r()) }) }
}

async function until(cond: () => boolean | Promise<boolean>, ms = 8_000) {
  const end = Date.now() + ms
  while (!(await cond())) {
    if (Date.now() > end) throw new Error('condition not met in time')
    await new Promise((r) => setTimeout(r, 20))
  }
}

describe.each(backends)('webhooks on %s', (kind) => {
  let h: Harness
  let manager: Agent
  let rx: Receiver
  let procedureId: string

  beforeAll(async () => {
    h = await startHarness(kind, { outbox: FAST })
    manager = await h.login('quanly')
    rx = new Receiver()
    const url = await rx.listen()
    // a receiver on this host is a private address (SSRF rule): an admin allows it for this webhook
    const res = await (await h.login('quantri')).post('/api/centers/na-sang/webhooks').send({ url, events: WEBHOOK_EVENTS, allowPrivate: true }).expect(201)
    rx.secret = res.body.secret
    expect(rx.secret).toMatch(/^whsec_/)
    procedureId = (await h.handle.db.selectFrom('procedure').select('id').where('code', '=', 'khai-sinh').executeTakeFirstOrThrow()).id
    h.app.outbox.start()
  }, 60_000)
  afterAll(async () => { await h?.close(); await rx?.close() })

  it('signs every delivery over timestamp and body, keyed by its event id, with no personal data unless allowed', async () => {
    const line = await openLine(h)
    const t = await issued(h, line.serviceId)
    await line.clerk.post(`/api/counters/${line.counterId}/call-next`).send({}).expect(200)
    await line.clerk.post(`/api/tickets/${t.id}/start`).send({}).expect(200)
    await line.clerk.post(`/api/tickets/${t.id}/complete`).send({}).expect(200)
    const d = (await line.clerk.post('/api/dossiers').send({ procedureId, applicant, documents: [], sets: 1, delivery: 'center' }).expect(201)).body.dossier
    await until(() => rx.hits.some((x) => x.data.dossierId === d.id))
    const mine = rx.hits.filter((x) => x.data.ticketId === t.id)
    expect(mine.map((x) => x.type)).toEqual(['ticket.issued', 'ticket.called', 'ticket.finished'])
    expect(mine[0]!.data).toMatchObject({ code: t.code, serviceId: line.serviceId, change: 'issued', to: 'waiting' })
    expect(mine[2]!.data).toMatchObject({ to: 'done', counterNumber: line.counterNumber })
    expect(rx.hits.some((x) => x.type === 'counter.opened' && x.data.counterId === line.counterId)).toBe(true)
    for (const x of rx.hits) {
      expect(x.signed).toBe(true)
      expect(x.headers['idempotency-key']).toBe(x.id)
      expect(x.headers['mot-cua-event']).toBe(x.type)
      expect(verify('whsec_wrong', x.headers['mot-cua-signature'] as string, x.raw)).toBe(false)
      expect(verify(rx.secret, x.headers['mot-cua-signature'] as string, x.raw.replace('}', ' }'))).toBe(false)
    }
    const received = rx.hits.find((x) => x.data.dossierId === d.id)!
    expect(received.type).toBe('dossier.received')
    expect(received.data.code).toBe(d.code)
    expect(received.raw).not.toContain('Webhook') // the applicant's name
  })

  it('sends personal data only to a webhook that allows it, and nothing to a paused one', async () => {
    const rx2 = new Receiver()
    try {
      const res = await (await h.login('quantri')).post('/api/centers/na-sang/webhooks').send({ url: await rx2.listen(), events: ['dossier.received'], personalData: true, allowPrivate: true }).expect(201)
      rx2.secret = res.body.secret
      const clerk = await h.login('canbo1')
      const file = async () => (await clerk.post('/api/dossiers').send({ procedureId, applicant, documents: [], sets: 1, delivery: 'center' }).expect(201)).body.dossier.id as string
      const a = await file()
      await until(() => rx2.hits.some((x) => x.data.dossierId === a) && rx.hits.some((x) => x.data.dossierId === a))
      expect(rx2.hits.find((x) => x.data.dossierId === a)!.data).toMatchObject({ applicantName: 'Lò Thị Webhook', applicantPhone: '0912345678' /* stored normalised (issue 22) */, applicantAddress: 'Bản Na Sang' })
      expect(rx2.hits.every((x) => x.signed && x.type === 'dossier.received')).toBe(true)
      expect(rx.hits.find((x) => x.data.dossierId === a)!.data).not.toHaveProperty('applicantName')
      await manager.patch(`/api/webhooks/${res.body.webhook.id}`).send({ active: false }).expect(200)
      const b = await file()
      await until(() => rx.hits.some((x) => x.data.dossierId === b))
      await new Promise((r) => setTimeout(r, 100))
      expect(rx2.hits.some((x) => x.data.dossierId === b)).toBe(false)
      await manager.delete(`/api/webhooks/${res.body.webhook.id}`).expect(200)
    } finally { await rx2.close() }
  })

  it('after the receiver was down, delivers every event in order per dossier, duplicates only under the same id', async () => {
    const clerk = await h.login('canbo1')
    rx.down = true
    const before = rx.hits.length
    const ids: string[] = []
    for (let i = 0; i < 3; i++) ids.push((await clerk.post('/api/dossiers').send({ procedureId, applicant, documents: [], sets: 1, delivery: 'center' }).expect(201)).body.dossier.id)
    for (const status of ['processing', 'ready']) {
      for (const id of ids) await clerk.post(`/api/dossiers/${id}/status`).send({ status }).expect(200)
    }
    for (const id of ids) {
      await clerk.post(`/api/dossiers/${id}/early-notice`).send({ channel: 'sms' }).expect(200) // ready before its due day (Art. 22.5)
      await clerk.post(`/api/dossiers/${id}/status`).send({ status: 'returned', handover: { to: 'applicant' } }).expect(200)
    }
    // the worker keeps trying (backoff) while the receiver answers 503
    await until(async () => Number((await h.handle.db.selectFrom('outbox_delivery').select((e) => e.fn.max('attempts').as('a')).executeTakeFirstOrThrow()).a) >= 2)
    expect(rx.hits.length).toBe(before)
    rx.down = false
    await until(() => ids.every((id) => rx.hits.some((x) => x.data.dossierId === id && x.type === 'dossier.returned')))
    for (const id of ids) {
      const seen = rx.hits.filter((x) => x.data.dossierId === id)
      const firsts = seen.filter((x, i) => seen.findIndex((y) => y.id === x.id) === i)
      expect(firsts.map((x) => x.type)).toEqual(['dossier.received', 'dossier.status_changed', 'dossier.ready', 'dossier.status_changed', 'dossier.returned'])
      expect(firsts.map((x) => x.body.sequence as number)).toEqual([...firsts.map((x) => x.body.sequence as number)].sort((a, b) => a - b))
      // a duplicate carries the same event id and the same body
      for (const x of seen) expect(x.raw).toBe(firsts.find((y) => y.id === x.id)!.raw)
    }
    const list = await manager.get('/api/centers/na-sang/webhooks').expect(200)
    expect(list.body.webhooks[0].counts.delivered).toBeGreaterThanOrEqual(rx.hits.length - before)
    expect(list.body.webhooks[0]).not.toHaveProperty('secret')
  })

  it('marks a delivery failed after its last attempt, shows it, and replays it under the same event id', async () => {
    const w = (await manager.get('/api/centers/na-sang/webhooks').expect(200)).body.webhooks[0]
    const opts = h.app.outbox.options
    const saved = opts.maxAttempts
    opts.maxAttempts = 2
    rx.down = true
    const line = await openLine(h)
    await until(async () => (await manager.get(`/api/webhooks/${w.id}/deliveries`)).body.deliveries.some((x: { status: string }) => x.status === 'failed'))
    const failed = (await manager.get(`/api/webhooks/${w.id}/deliveries`).expect(200)).body.deliveries.find((x: { status: string }) => x.status === 'failed')
    expect(failed).toMatchObject({ event: 'counter.opened', attempts: 2, lastStatus: 503, lastError: 'HTTP 503' })
    opts.maxAttempts = saved
    rx.down = false
    const clerk = await h.login('canbo1')
    await clerk.post(`/api/webhook-deliveries/${failed.id}/replay`).send({}).expect(403)
    await manager.post(`/api/webhook-deliveries/${failed.id}/replay`).send({}).expect(200)
    await until(() => rx.hits.some((x) => x.id === failed.eventId))
    expect(rx.hits.find((x) => x.id === failed.eventId)!.data.counterId).toBe(line.counterId)
    const audit = await h.handle.db.selectFrom('audit_log').select('action').where('entity', '=', 'webhook').execute()
    expect(audit.map((a) => a.action)).toEqual(expect.arrayContaining(['create', 'replay']))
    // the change log names the webhook by its URL
    const log = await manager.get('/api/centers/na-sang/audit?entity=settings&limit=50').expect(200)
    expect(log.body.entries.find((e: { entity: string; action: string }) => e.entity === 'webhook' && e.action === 'replay')).toMatchObject({ entityLabel: w.url })
  })

  it('refuses http:// outside this host unless an admin allows it, a bad body, and other centers', async () => {
    await manager.post('/api/centers/na-sang/webhooks').send({ url: 'http://example.org/hook', events: ['ticket.issued'] }).expect(422)
    await manager.post('/api/centers/na-sang/webhooks').send({ url: 'http://example.org/hook', events: ['ticket.issued'], allowHttp: true }).expect(403)
    const admin = await h.login('quantri')
    // a LAN address also needs the admin's allowPrivate (tests/webhook-ssrf.test.ts covers the address rule)
    expect((await admin.post('/api/centers/na-sang/webhooks').send({ url: 'http://192.168.1.20/hook', events: ['ticket.issued'], allowHttp: true }).expect(422)).body.error.code).toBe('WEBHOOK_URL_PRIVATE')
    const ok = await admin.post('/api/centers/na-sang/webhooks').send({ url: 'http://192.168.1.20/hook', events: ['ticket.issued'], allowHttp: true, allowPrivate: true }).expect(201)
    await admin.patch(`/api/webhooks/${ok.body.webhook.id}`).send({ active: false }).expect(200)
    await admin.delete(`/api/webhooks/${ok.body.webhook.id}`).expect(200)
    await manager.post('/api/centers/na-sang/webhooks').send({ url: 'ftp://x/y', events: ['nope'], extra: 1 }).expect(400)
    const clerk = await h.login('canbo1')
    await clerk.get('/api/centers/na-sang/webhooks').expect(403)
    await h.http.get('/api/centers/na-sang/webhooks').expect(401)
  })

  it('loses nothing when the app closes between commit and delivery: a new app on the same database sends it', async () => {
    await h.app.outbox.stop()
    const clerk = await h.login('canbo1')
    const d = (await clerk.post('/api/dossiers').send({ procedureId, applicant, documents: [], sets: 1, delivery: 'center' }).expect(201)).body.dossier
    await h.app.close()
    await new Promise((r) => setTimeout(r, 100))
    expect(rx.hits.some((x) => x.data.dossierId === d.id)).toBe(false)
    const next: App = createApp({ dbHandle: h.handle, outbox: FAST })
    next.outbox.start()
    try {
      await until(() => rx.hits.some((x) => x.data.dossierId === d.id))
    } finally { await next.close() }
  })
})

// Two app instances on one PostgreSQL: the lease keeps one event from being sent twice at once.
const onPostgres = backends.includes('postgres') ? describe : describe.skip
onPostgres('webhooks across two instances on PostgreSQL', () => {
  const kind = 'postgres' as const
  let h: Harness
  let second: App
  let secondHandle: Awaited<ReturnType<typeof createDb>>
  let rx: Receiver
  beforeAll(async () => {
    h = await startHarness(kind, { outbox: FAST })
    const url = (h.handle.pool as unknown as { options: { connectionString: string } }).options.connectionString
    secondHandle = await createDb({ databaseUrl: url, poolMax: 4 })
    second = createApp({ dbHandle: secondHandle, outbox: FAST })
    rx = new Receiver()
    const admin = await h.login('quantri')
    rx.secret = (await admin.post('/api/centers/na-sang/webhooks').send({ url: await rx.listen(), events: ['ticket.issued'], allowPrivate: true }).expect(201)).body.secret
  }, 60_000)
  afterAll(async () => { await second?.close(); await secondHandle?.close(); await h?.close(); await rx?.close() })

  it('delivers each event once, never twice at the same time', async () => {
    rx.delayMs = 30
    const line = await openLine(h)
    const tickets = []
    for (let i = 0; i < 40; i++) tickets.push(await issued(h, line.serviceId))
    h.app.outbox.start()
    second.outbox.start()
    await until(() => new Set(rx.hits.map((x) => x.id)).size >= 40, 15_000)
    await new Promise((r) => setTimeout(r, 200))
    expect(rx.overlaps).toBe(0)
    expect(rx.hits.length).toBe(40)
    expect(new Set(rx.hits.map((x) => x.data.ticketId))).toEqual(new Set(tickets.map((t) => t.id)))
    await until(async () => (await h.handle.db.selectFrom('outbox_delivery').select('status').where('status', '!=', 'delivered').execute()).length === 0)
    const rows = await h.handle.db.selectFrom('outbox_delivery').select(['status', 'attempts']).execute()
    expect(rows.map((r) => `${r.status} ${r.attempts}`)).toEqual(rows.map(() => 'delivered 1'))
  })
})
