// Citizens' notifications (issue 24) on both backends, against real local HTTP servers: an eSMS-shaped SMS
// gateway (fails, then recovers), a push service receiving web-push's encrypted POST (its VAPID JWT checked
// and its payload decrypted with the subscriber's keys), consent, and a restart between commit and send.
import { createECDH, createPublicKey, randomBytes, verify as verifySig } from 'node:crypto'
import { createRequire } from 'node:module'
import { createServer, type IncomingMessage, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import webpush from 'web-push'
import { backends } from './helpers/db.js'
import { MINUTE } from './helpers/clock.js'
import { startHarness, type Harness } from './helpers/harness.js'
import { issued, openLine, type Agent, type Line } from './queue-fixtures.js'
import { createApp } from '../server/app.js'
import { EsmsTransport } from '../server/notify/gateways.js'
import { PushTransport } from '../server/notify/push.js'
import type { NotifySetup } from '../server/notify/notify.service.js'

const ece = createRequire(import.meta.url)('http_ece') as { decrypt(b: Buffer, p: Record<string, unknown>): Buffer }
const FAST = { pollMs: 20, backoffBaseMs: 30, backoffMaxMs: 120, leaseMs: 5_000, timeoutMs: 2_000 }
const CENTER = 'Trung tâm Phục vụ hành chính công xã Na Sang'
const applicant = { fullName: 'Lò Thị Báo Tin', phone: '0912 345 678', address: 'Bản Na Sang', idNumber: null }

interface Req { url: string; headers: IncomingMessage['headers']; body: Buffer; json: Record<string, unknown> | null }

/** A local HTTP server recording every request; `answers` (status, JSON) are used first, then `ok`. */
class Gateway {
  reqs: Req[] = []
  answers: [number, unknown][] = []
  ok: [number, unknown] = [200, { CodeResult: '100', SMSID: 'x' }]
  /** numbers the gateway keeps refusing (an eSMS error code) until taken out */
  refuse = new Set<string>()
  server: Server = createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => {
      const body = Buffer.concat(chunks)
      let json: Record<string, unknown> | null = null
      try { json = JSON.parse(body.toString()) } catch { /* push bodies are encrypted */ }
      this.reqs.push({ url: req.url ?? '', headers: req.headers, body, json })
      const [status, answer] = this.refuse.has(String(json?.Phone)) ? [200, { CodeResult: '104', ErrorMessage: 'Brandname not registered' }]
        : this.answers.shift() ?? this.ok
      res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(answer))
    })
  })
  async listen() { await new Promise<void>((r) => this.server.listen(0, '127.0.0.1', r)); return `127.0.0.1:${(this.server.address() as AddressInfo).port}` }
  close() { return new Promise<void>((r) => { this.server.closeAllConnections(); this.server.close(() => r()) }) }
}

async function until(cond: () => boolean | Promise<boolean>, ms = 8_000) {
  const end = Date.now() + ms
  while (!(await cond())) {
    if (Date.now() > end) throw new Error('condition not met in time')
    await new Promise((r) => setTimeout(r, 20))
  }
}

/** A browser's side of a push subscription: its P-256 key pair and auth secret. */
function subscriber(endpoint: string) {
  const ecdh = createECDH('prime256v1')
  ecdh.generateKeys()
  const auth = randomBytes(16).toString('base64url')
  return { ecdh, auth, json: { endpoint, expirationTime: null, keys: { p256dh: ecdh.getPublicKey().toString('base64url'), auth } } }
}

describe.each(backends)('citizen notifications on %s', (kind) => {
  let h: Harness
  let sms: Gateway
  let push: Gateway
  let pushHost: string
  let setup: NotifySetup
  let vapid: { publicKey: string; privateKey: string; subject: string }
  let manager: Agent
  let procedureId: string

  beforeAll(async () => {
    sms = new Gateway()
    push = new Gateway()
    const smsHost = await sms.listen()
    pushHost = await push.listen()
    vapid = { ...webpush.generateVAPIDKeys(), subject: 'mailto:test@na-sang.invalid' }
    setup = {
      transports: [new PushTransport(vapid, [pushHost]), new EsmsTransport({ provider: 'esms', url: `http://${smsHost}/MainService.svc/json/SendMultipleMessage_V4_post_json/`,
        apiKey: 'AK', secretKey: 'SK', brandname: 'NASANG', smsType: '2', unicode: false, sandbox: false })],
      vapidPublicKey: vapid.publicKey, extraPushHosts: [pushHost],
    }
    h = await startHarness(kind, { outbox: FAST, notify: setup })
    manager = await h.login('quanly')
    procedureId = (await h.handle.db.selectFrom('procedure').select('id').where('code', '=', 'khai-sinh').executeTakeFirstOrThrow()).id
    h.app.outbox.start()
  }, 60_000)
  afterAll(async () => { await h?.close(); await sms?.close(); await push?.close() })

  const secret = async (id: string) => (await h.handle.db.selectFrom('ticket').select('secret').where('id', '=', id).executeTakeFirstOrThrow()).secret
  const queue = async (line: Line, n: number) => { const out = []; for (let i = 0; i < n; i++) out.push(await issued(h, line.serviceId)); return out }
  const callNext = (line: Line) => line.clerk.post(`/api/counters/${line.counterId}/call-next`).send({}).expect(200)
  const finish = async (line: Line, id: string) => {
    await line.clerk.post(`/api/tickets/${id}/start`).send({}).expect(200)
    await line.clerk.post(`/api/tickets/${id}/complete`).send({}).expect(200)
  }
  const smsTo = (code: string) => sms.reqs.filter((r) => String(r.json?.Content).includes(code))

  it('offers push with its VAPID key and SMS as the phone channel', async () => {
    const res = await h.http.get('/api/notify/options').expect(200)
    expect(res.body).toEqual({ push: { publicKey: vapid.publicKey }, phone: 'sms', phones: ['sms'] })
  })

  it('without the consent box ticked, takes no phone number and sends nothing', async () => {
    const line = await openLine(h)
    const [t] = await queue(line, 1)
    const res = await h.http.post(`/api/tickets/${t!.id}/notify`).send({ key: await secret(t!.id), phone: '0912 345 678' }).expect(422)
    expect(res.body.error.code).toBe('NOTIFY_CONSENT_REQUIRED')
    expect(res.body.error.message).toMatch(/đồng ý/)
    expect(await h.handle.db.selectFrom('notify_subscription').select('id').where('ticket_id', '=', t!.id).execute()).toEqual([])
    await callNext(line)
    await finish(line, t!.id)
    await new Promise((r) => setTimeout(r, 150))
    expect(smsTo(t!.code)).toEqual([])
    expect(await h.handle.db.selectFrom('outbox_delivery').select('id').where('notify_id', 'is not', null).where('stream', '=', `ticket:${t!.id}`).execute()).toEqual([])
  })

  it('texts "3 ahead" once and "called to counter N" through eSMS, with only the code and the center, each once', async () => {
    const line = await openLine(h)
    const tickets = await queue(line, 6)
    const me = tickets[5]!
    const sub = await h.http.post(`/api/tickets/${me.id}/notify`).send({ key: await secret(me.id), phone: '+84 912 345 678', consent: true }).expect(201)
    expect(sub.body.subscription.channel).toBe('sms')
    const row = await h.handle.db.selectFrom('notify_subscription').selectAll().where('id', '=', sub.body.subscription.id).executeTakeFirstOrThrow()
    expect(row).toMatchObject({ phone: '0912345678', consent_source: 'ticket_page', ahead_sent: false })
    for (const t of tickets.slice(0, 5)) { await callNext(line); await finish(line, t.id) }
    await callNext(line)
    await until(() => smsTo(me.code).length >= 2)
    await h.app.outbox.runOnce()
    const got = smsTo(me.code)
    expect(got).toHaveLength(2)
    expect(got[0]!.json).toMatchObject({ ApiKey: 'AK', SecretKey: 'SK', Phone: '0912345678', Brandname: 'NASANG', SmsType: '2', IsUnicode: '0',
      Content: `Trung tam Phuc vu hanh chinh cong xa Na Sang: so ${me.code} con 3 nguoi phia truoc. Moi quay lai phong cho.` })
    expect(got[1]!.json!.Content).toBe(`Trung tam Phuc vu hanh chinh cong xa Na Sang: moi so ${me.code} den quay ${line.counterNumber}.`)
    expect(got[0]!.json!.RequestId).not.toBe(got[1]!.json!.RequestId)
    for (const r of got) expect(JSON.stringify(r.json)).not.toMatch(/Lò|Bản|Báo Tin/)
  })

  it('follows a ticket transferred to another service: "3 ahead" told again in the new queue, "called" with the new number and counter', async () => {
    const from = await openLine(h), to = await openLine(h)
    const earlier = await queue(to, 5) // the new service's queue: five who came before
    const mine = await queue(from, 5)
    const t = mine[4]!
    await h.http.post(`/api/tickets/${t.id}/notify`).send({ key: await secret(t.id), phone: '0912 000 111', consent: true }).expect(201)
    await callNext(from)
    await finish(from, mine[0]!.id)
    await until(() => smsTo(t.code).length === 1) // 3 ahead in the first queue
    const moved = (await from.clerk.post(`/api/tickets/${t.id}/transfer`).send({ serviceId: to.serviceId }).expect(200)).body.ticket
    expect(moved.code).not.toBe(t.code)
    const subs = await h.handle.db.selectFrom('notify_subscription').select(['ticket_id', 'active', 'consent_source']).where('phone', '=', '0912000111').orderBy('created_at').execute()
    expect(subs).toEqual([{ ticket_id: t.id, active: false, consent_source: 'ticket_page' }, { ticket_id: moved.id, active: true, consent_source: 'ticket_page' }])
    for (const x of earlier.slice(0, 2)) { await callNext(to); await finish(to, x.id) }
    await until(() => smsTo(moved.code).length === 1) // 3 ahead in the new queue
    for (const x of earlier.slice(2)) { await callNext(to); await finish(to, x.id) }
    await callNext(to)
    await until(() => smsTo(moved.code).length === 2)
    await h.app.outbox.runOnce()
    const got = smsTo(moved.code).map((r) => r.json!.Content)
    expect(got).toEqual([`Trung tam Phuc vu hanh chinh cong xa Na Sang: so ${moved.code} con 3 nguoi phia truoc. Moi quay lai phong cho.`,
      `Trung tam Phuc vu hanh chinh cong xa Na Sang: moi so ${moved.code} den quay ${to.counterNumber}.`])
    expect(smsTo(t.code)).toHaveLength(1)
  })

  it('retries a gateway that fails (HTTP 503, then an eSMS error code) and sends once it recovers', async () => {
    const line = await openLine(h)
    const [t] = await queue(line, 1)
    await h.http.post(`/api/tickets/${t!.id}/notify`).send({ key: await secret(t!.id), phone: '0987654321', consent: true }).expect(201)
    sms.answers.push([503, {}], [200, { CodeResult: '99', ErrorMessage: 'Unknown error' }])
    await callNext(line)
    await until(() => smsTo(t!.code).length === 3)
    const list = await manager.get('/api/centers/na-sang/notifications').expect(200)
    const d = list.body.deliveries.find((x: { code: string }) => x.code === t!.code)
    expect(d).toMatchObject({ channel: 'sms', kind: 'ticket.called', to: '0987•••321', status: 'delivered', attempts: 3, lastStatus: 200, lastError: null })
    expect(new Set(smsTo(t!.code).map((r) => r.json!.RequestId)).size).toBe(1) // one key: the gateway can drop a repeat
    expect(list.body.channels).toEqual([{ channel: 'push', provider: 'web-push' }, { channel: 'sms', provider: 'esms' }])
  })

  it('pushes a dossier that is ready early to a push service, encrypted for the browser and signed with VAPID', async () => {
    const clerk = await h.login('canbo1')
    const d = (await clerk.post('/api/dossiers').send({ procedureId, applicant, documents: [], sets: 1, delivery: 'center' }).expect(201)).body.dossier
    const browser = subscriber(`http://${pushHost}/push/abc123`)
    await h.http.post(`/api/public/dossiers/${d.code}/notify`).send({ lookupCode: 'ZZZZ', push: browser.json }).expect(404)
    const sub = await h.http.post(`/api/public/dossiers/${d.code}/notify`).send({ lookupCode: d.lookupCode, push: browser.json, lang: 'en' }).expect(201)
    expect(sub.body.subscription.channel).toBe('push')
    await clerk.post(`/api/dossiers/${d.id}/status`).send({ status: 'processing' }).expect(200)
    await clerk.post(`/api/dossiers/${d.id}/status`).send({ status: 'ready' }).expect(200)
    await until(() => push.reqs.some((r) => r.url === '/push/abc123'))
    const r = push.reqs.find((x) => x.url === '/push/abc123')!
    expect(r.headers['content-encoding']).toBe('aes128gcm')
    expect(Number(r.headers.ttl)).toBeGreaterThan(0)
    const m = /^vapid t=([^,]+), k=(.+)$/.exec(String(r.headers.authorization))
    expect(m?.[2]).toBe(vapid.publicKey)
    const [head, claims, sig] = m![1]!.split('.')
    const pub = Buffer.from(vapid.publicKey, 'base64url')
    const key = createPublicKey({ key: { kty: 'EC', crv: 'P-256', x: pub.subarray(1, 33).toString('base64url'), y: pub.subarray(33).toString('base64url') }, format: 'jwk' })
    expect(verifySig('sha256', Buffer.from(`${head}.${claims}`), { key, dsaEncoding: 'ieee-p1363' }, Buffer.from(sig!, 'base64url'))).toBe(true)
    const c = JSON.parse(Buffer.from(claims!, 'base64url').toString())
    expect(c).toMatchObject({ aud: `http://${pushHost}`, sub: 'mailto:test@na-sang.invalid' })
    expect(c.exp * 1000).toBeGreaterThan(Date.now())
    const payload = JSON.parse(ece.decrypt(r.body, { version: 'aes128gcm', privateKey: browser.ecdh, authSecret: browser.auth }).toString())
    expect(payload).toMatchObject({ title: 'Na Sang Commune Public Administration Service Center', tag: `dossier:${d.code}`, kind: 'dossier.ready_early' })
    expect(payload.body).toContain(d.code)
    expect(JSON.stringify(payload)).not.toContain('Lò Thị')
  })

  it('ends a push subscription its push service says is gone (410) without retrying', async () => {
    const line = await openLine(h)
    const [t] = await queue(line, 1)
    const browser = subscriber(`http://${pushHost}/push/gone`)
    const sub = await h.http.post(`/api/tickets/${t!.id}/notify`).send({ key: await secret(t!.id), push: browser.json }).expect(201)
    push.answers.push([410, {}])
    await callNext(line)
    await until(async () => (await h.handle.db.selectFrom('notify_subscription').select('active').where('id', '=', sub.body.subscription.id).executeTakeFirstOrThrow()).active === false)
    const list = await manager.get('/api/centers/na-sang/notifications').expect(200)
    // its sign-up ended: never sent again, so not offered
    expect(list.body.deliveries.find((x: { code: string }) => x.code === t!.code)).toMatchObject({ channel: 'push', status: 'failed', attempts: 1, lastStatus: 410, replayable: false })
  })

  it('refuses a push service that is not a browser\'s, a bad number, a wrong key, a bad body, a sixth phone; the panel is for managers', async () => {
    const line = await openLine(h)
    const [t] = await queue(line, 1)
    const key = await secret(t!.id)
    const evil = subscriber('https://169.254.169.254/latest/meta-data')
    expect((await h.http.post(`/api/tickets/${t!.id}/notify`).send({ key, push: evil.json }).expect(422)).body.error.code).toBe('PUSH_ENDPOINT_NOT_ALLOWED')
    expect((await h.http.post(`/api/tickets/${t!.id}/notify`).send({ key, phone: '0212345678', consent: true }).expect(422)).body.error.code).toBe('NOTIFY_PHONE_INVALID')
    await h.http.post(`/api/tickets/${t!.id}/notify`).send({ key: 'wrong', phone: '0912345678', consent: true }).expect(404)
    const bad = await h.http.post(`/api/tickets/${t!.id}/notify`).send({ key, phone: '0912345678', push: evil.json, extra: 1 }).expect(400)
    expect(bad.body.error.code).toBe('VALIDATION_FAILED')
    expect(await h.handle.db.selectFrom('notify_subscription').select('id').where('ticket_id', '=', t!.id).execute()).toEqual([])
    // at most 5 phones or browsers per ticket; asking again for one of them renews it
    for (let i = 1; i <= 5; i++) await h.http.post(`/api/tickets/${t!.id}/notify`).send({ key, phone: `091200000${i}`, consent: true }).expect(201)
    const many = await h.http.post(`/api/tickets/${t!.id}/notify`).send({ key, phone: '0912000006', consent: true }).expect(409)
    expect(many.body.error).toMatchObject({ code: 'NOTIFY_TOO_MANY', params: { max: 5 } })
    await h.http.post(`/api/tickets/${t!.id}/notify`).send({ key, phone: '0912 000 003', consent: true }).expect(201)
    await (await h.login('canbo1')).get('/api/centers/na-sang/notifications').expect(403)
    await h.http.get('/api/centers/na-sang/notifications').expect(401)
    await manager.post('/api/centers/na-sang/notifications/999999/replay').send({}).expect(404)
  })

  it('texts a dossier\'s extension, supplement request and early result, in order, and nothing after it was returned', async () => {
    const clerk = await h.login('canbo1')
    // "Chứng thực hợp đồng": 2 working days; received Monday 23/11 09:00 (the test clock), due Wednesday 25/11
    const ct = (await h.handle.db.selectFrom('procedure').select('id').where('code', '=', 'ct-hop-dong').executeTakeFirstOrThrow()).id
    const d = (await clerk.post('/api/dossiers').send({ procedureId: ct, applicant, documents: [], sets: 1, delivery: 'center' }).expect(201)).body.dossier
    const sub = await h.http.post(`/api/public/dossiers/${d.code}/notify`).send({ lookupCode: d.lookupCode, phone: '0933444555', consent: true }).expect(201)
    expect(sub.body.subscription.channel).toBe('sms')
    await clerk.post(`/api/dossiers/${d.id}/extend`).send({ dueAt: '2026-11-30', reason: 'Cần xác minh thêm tại địa phương' }).expect(200)
    await clerk.post(`/api/dossiers/${d.id}/status`).send({ status: 'needs_supplement', items: ['Bản sao giấy khai sinh'] }).expect(200)
    await clerk.post(`/api/dossiers/${d.id}/status`).send({ status: 'processing' }).expect(200)
    await clerk.post(`/api/dossiers/${d.id}/status`).send({ status: 'ready' }).expect(200)
    await until(() => smsTo(d.code).length >= 3)
    // the early handover needs the notice recorded (Art. 22.5, issue 21): here the SMS above was it
    await clerk.post(`/api/dossiers/${d.id}/early-notice`).send({ channel: 'sms', contact: '0933444555' }).expect(200)
    await clerk.post(`/api/dossiers/${d.id}/status`).send({ status: 'returned', handover: { to: 'applicant' } }).expect(200)
    await h.app.outbox.runOnce()
    const c = 'Trung tam Phuc vu hanh chinh cong xa Na Sang'
    expect(smsTo(d.code).map((r) => r.json!.Content)).toEqual([
      `${c}: ho so ${d.code} duoc gia han ngay tra ket qua. Xem ngay hen moi tai trang tra cuu.`,
      `${c}: ho so ${d.code} can bo sung giay to. Xem chi tiet tai trang tra cuu.`,
      `${c}: ho so ${d.code} da co ket qua som hon ngay hen. Moi den nhan.`,
    ])
    expect(smsTo(d.code).every((r) => r.json!.Phone === '0933444555')).toBe(true)
    expect((await h.handle.db.selectFrom('notify_subscription').select('active').where('id', '=', sub.body.subscription.id).executeTakeFirstOrThrow()).active).toBe(false)
  })

  it('offers to send again only what can be sent: a gateway\'s failure yes, and it goes; a stopped message never, even once the citizen signs up again; a stale one never', async () => {
    const deliveryOf = (code: string) => manager.get('/api/centers/na-sang/notifications').expect(200)
      .then((r) => r.body.deliveries.find((x: { code: string }) => x.code === code))
    const statusOf = async (stream: string) => (await h.handle.db.selectFrom('outbox_delivery').select('status')
      .where('stream', '=', stream).where('notify_id', 'is not', null).executeTakeFirst())?.status
    const replay = (id: string) => manager.post(`/api/centers/na-sang/notifications/${id}/replay`).send({})

    // the gateway refuses this number on every attempt: the "called" fails after its last, its ticket still called
    const line = await openLine(h)
    const [t] = await queue(line, 1)
    await h.http.post(`/api/tickets/${t!.id}/notify`).send({ key: await secret(t!.id), phone: '0977 000 111', consent: true }).expect(201)
    sms.refuse.add('0977000111')
    await callNext(line)
    await until(async () => await statusOf(`ticket:${t!.id}`) === 'failed', 15_000)
    const failed = await deliveryOf(t!.code)
    expect(failed).toMatchObject({ status: 'failed', lastError: 'eSMS 104: Brandname not registered', replayable: true })
    // past a ticket message's lifetime the sender would drop it as stale: not offered, refused
    h.clock.advance(31 * MINUTE)
    try {
      expect(await deliveryOf(t!.code)).toMatchObject({ status: 'failed', replayable: false })
      expect((await replay(failed.id).expect(404)).body.error.code).toBe('NOTIFICATION_NOT_FOUND')
    } finally { h.clock.advance(-31 * MINUTE) }
    // the gateway fixed: "Gửi lại" sends it
    sms.refuse.delete('0977000111')
    await replay(failed.id).expect(200)
    await until(async () => await statusOf(`ticket:${t!.id}`) === 'delivered')
    expect(await deliveryOf(t!.code)).toMatchObject({ status: 'delivered', replayable: false })
    await finish(line, t!.id)

    await h.app.outbox.stop()
    try {
      // a dossier's "ready" waits in the outbox when the citizen stops the messages: dropped as STOPPED
      const clerk = await h.login('canbo1')
      const d = (await clerk.post('/api/dossiers').send({ procedureId, applicant: { ...applicant, phone: '0966 123 456' }, documents: [], sets: 1, delivery: 'center',
        notify: { consent: true, channel: 'sms' } }).expect(201)).body.dossier
      await clerk.post(`/api/dossiers/${d.id}/status`).send({ status: 'processing' }).expect(200)
      await clerk.post(`/api/dossiers/${d.id}/status`).send({ status: 'ready' }).expect(200)
      await h.http.post(`/api/public/dossiers/${d.code}/notify/stop`).send({ lookupCode: d.lookupCode }).expect(200)
      const stopped = await deliveryOf(d.code)
      expect(stopped).toMatchObject({ status: 'failed', lastError: 'STOPPED', replayable: false })
      // the citizen signs up again with the same number (the sign-up is active again): what the stop dropped stays dropped
      await h.http.post(`/api/public/dossiers/${d.code}/notify`).send({ lookupCode: d.lookupCode, phone: '0966123456', consent: true }).expect(201)
      expect(await deliveryOf(d.code)).toMatchObject({ id: stopped.id, lastError: 'STOPPED', replayable: false })
      expect((await replay(stopped.id).expect(404)).body.error.code).toBe('NOTIFICATION_NOT_FOUND')
      expect(await statusOf(`dossier:${d.id}`)).toBe('failed')

      // a ticket's "called" sent 31 minutes late is dropped as STALE, its ticket still called: sent again, it would be dropped again
      const [late] = await queue(line, 1)
      await h.http.post(`/api/tickets/${late!.id}/notify`).send({ key: await secret(late!.id), phone: '0977 000 222', consent: true }).expect(201)
      await callNext(line)
      h.clock.advance(31 * MINUTE)
      try { await h.app.outbox.runOnce() } finally { h.clock.advance(-31 * MINUTE) }
      const stale = await deliveryOf(late!.code)
      expect(stale).toMatchObject({ status: 'failed', lastError: 'STALE', replayable: false })
      expect((await h.handle.db.selectFrom('notify_subscription').select('active').where('ticket_id', '=', late!.id).executeTakeFirstOrThrow()).active).toBe(true)
      expect((await replay(stale.id).expect(404)).body.error.code).toBe('NOTIFICATION_NOT_FOUND')
      expect(await statusOf(`ticket:${late!.id}`)).toBe('failed')
      expect(smsTo(d.code)).toEqual([])
      expect(smsTo(late!.code)).toEqual([])
    } finally {
      h.app.outbox.start()
    }
  })

  it('sends a message committed while no app ran once an app runs again, once', async () => {
    await h.app.outbox.stop()
    const line = await openLine(h)
    const [t] = await queue(line, 1)
    await h.http.post(`/api/tickets/${t!.id}/notify`).send({ key: await secret(t!.id), phone: '0961111222', consent: true }).expect(201)
    await callNext(line)
    await h.app.close()
    expect(smsTo(t!.code)).toEqual([])
    const next = createApp({ dbHandle: h.handle, clock: h.clock, outbox: FAST, notify: setup })
    next.outbox.start()
    try {
      await until(() => smsTo(t!.code).length === 1)
      await next.outbox.runOnce()
      await new Promise((r) => setTimeout(r, 100))
      expect(smsTo(t!.code)).toHaveLength(1)
    } finally { await next.close() }
  })
})
