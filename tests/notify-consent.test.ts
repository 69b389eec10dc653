// Consent to messages given away from the "notify me" pages (issue 24), on both backends, against a real
// local HTTP gateway answering as eSMS (SMS) and ZNS (Zalo): the consent box of the counter's intake (written
// with the dossier, or not at all) and a booking's phone (its confirmation; at check-in, its ticket's messages).
import { createServer, type IncomingMessage, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { backends } from './helpers/db.js'
import { addOtherCenter, startHarness, type Harness } from './helpers/harness.js'
import { issued, openLine, type Agent, type Line } from './queue-fixtures.js'
import { EsmsTransport, ZnsTransport } from '../server/notify/gateways.js'
import { claimDueNotifications } from '../server/notify/notify.repository.js'
import { markFailed } from '../server/outbox/outbox.repository.js'
import { auditDetails, auditWho } from '../common/audit-text.js'
import type { AuditEntry } from '../common/staff-types.js'
import { catalogs } from '../common/i18n/index.js'

const FAST = { pollMs: 20, backoffBaseMs: 30, backoffMaxMs: 120, leaseMs: 5_000, timeoutMs: 2_000 }
const at = (day: string, hm: string) => `${day}T${hm}:00+07:00`
const MON = '2026-11-23'
const NEXT_MON = '2026-11-30'

interface Req { url: string; headers: IncomingMessage['headers']; json: Record<string, unknown> }

/** One local gateway for both channels: /sms answers as eSMS, /zns as Zalo's ZNS. */
class Gateway {
  reqs: Req[] = []
  server: Server = createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => {
      this.reqs.push({ url: req.url ?? '', headers: req.headers, json: JSON.parse(Buffer.concat(chunks).toString()) as Record<string, unknown> })
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(req.url === '/sms' ? { CodeResult: '100' } : { error: 0, message: 'Success' }))
    })
  })
  async listen() { await new Promise<void>((r) => this.server.listen(0, '127.0.0.1', r)); return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}` }
  close() { return new Promise<void>((r) => { this.server.closeAllConnections(); this.server.close(() => r()) }) }
  /** the SMS texts (eSMS Content) and Zalo texts (ZNS template_data.status) that mention `code` */
  sms(code: string) { return this.reqs.filter((r) => r.url === '/sms' && String(r.json.Content).includes(code)) }
  zalo(code: string) { return this.reqs.filter((r) => r.url === '/zns' && (r.json.template_data as { code: string }).code === code) }
}

async function until(cond: () => boolean | Promise<boolean>, ms = 8_000) {
  const end = Date.now() + ms
  while (!(await cond())) {
    if (Date.now() > end) throw new Error('condition not met in time')
    await new Promise((r) => setTimeout(r, 20))
  }
}

describe.each(backends)('consent at the counter and at booking on %s', (kind) => {
  let h: Harness
  let gw: Gateway
  let manager: Agent
  let procedureId: string

  beforeAll(async () => {
    gw = new Gateway()
    const base = await gw.listen()
    const transports = [
      new EsmsTransport({ provider: 'esms', url: `${base}/sms`, apiKey: 'AK', secretKey: 'SK', brandname: 'NASANG', smsType: '2', unicode: true, sandbox: false }),
      new ZnsTransport({ provider: 'zns', url: `${base}/zns`, accessToken: 'TOKEN', templateId: '1234' }),
    ]
    h = await startHarness(kind, { outbox: FAST, notify: { transports, vapidPublicKey: null, extraPushHosts: [] }, bookingsPerMinute: 100_000 })
    manager = await h.login('quanly')
    procedureId = (await h.handle.db.selectFrom('procedure').select('id').where('code', '=', 'khai-sinh').executeTakeFirstOrThrow()).id
    h.app.outbox.start()
  }, 60_000)
  afterAll(async () => { await h?.close(); await gw?.close() })

  const intake = (clerk: Agent, extra: Record<string, unknown>, phone = '0912 345 678') => clerk.post('/api/dossiers').send({
    procedureId, applicant: { fullName: 'Lò Thị Đồng Ý', phone, address: 'Bản Na Sang', idNumber: null },
    documents: [{ name: 'Tờ khai', received: true }], sets: 1, delivery: 'center', ...extra })
  const subscriptions = (column: 'dossier_id' | 'ticket_id' | 'appointment_id', id: string) => h.handle.db.selectFrom('notify_subscription')
    .select(['channel', 'phone', 'consent_source', 'lang']).where(column, '=', id).execute()
  const ready = async (clerk: Agent, id: string) => {
    await clerk.post(`/api/dossiers/${id}/status`).send({ status: 'processing' }).expect(200)
    await clerk.post(`/api/dossiers/${id}/status`).send({ status: 'ready' }).expect(200)
  }

  it('tells the pages both phone channels, Zalo first (the default)', async () => {
    expect((await h.http.get('/api/notify/options').expect(200)).body).toEqual({ push: null, phone: 'zalo', phones: ['zalo', 'sms'] })
  })

  it('with the box ticked and SMS chosen, subscribes the applicant\'s phone with the dossier, says so, and texts only code and center', async () => {
    const clerk = await h.login('canbo1')
    const res = await intake(clerk, { notify: { consent: true, channel: 'sms' } }).expect(201)
    expect(res.body.notify).toEqual({ channel: 'sms', to: '0912•••678' })
    const d = res.body.dossier
    expect(await subscriptions('dossier_id', d.id)).toEqual([{ channel: 'sms', phone: '0912345678', consent_source: 'counter', lang: 'vi' }])
    await ready(clerk, d.id)
    await until(() => gw.sms(d.code).length === 1)
    expect(gw.sms(d.code)[0]!.json).toMatchObject({ Phone: '0912345678', IsUnicode: '1',
      Content: `Trung tâm Phục vụ hành chính công xã Na Sang: hồ sơ ${d.code} đã có kết quả sớm hơn ngày hẹn. Mời đến nhận.` })
    expect(JSON.stringify(gw.sms(d.code))).not.toMatch(/Lò Thị|Bản Na Sang/)
    expect(gw.zalo(d.code)).toEqual([])
  })

  it('records in the receipt\'s event which clerk attested the consent, with the number masked; the dossier and its history say so', async () => {
    const clerk = await h.login('canbo1')
    const d = (await intake(clerk, { notify: { consent: true, channel: 'sms' } }).expect(201)).body.dossier
    const ev = await h.handle.db.selectFrom('dossier_event').innerJoin('staff', 'staff.id', 'dossier_event.staff_id')
      .select(['dossier_event.data', 'staff.username']).where('dossier_id', '=', d.id).where('type', '=', 'received').executeTakeFirstOrThrow()
    expect(ev.username).toBe('canbo1')
    expect(typeof ev.data === 'string' ? JSON.parse(ev.data) : ev.data).toMatchObject({ notifyConsent: { channel: 'sms', to: '0912•••678' } })
    const view = (await clerk.get(`/api/dossiers/${d.id}`).expect(200)).body.dossier
    expect(view.notifyConsent).toEqual({ channel: 'sms', to: '0912•••678' })
    expect(view.history.find((e: { type: string }) => e.type === 'received')).toMatchObject({ notifyConsent: { channel: 'sms', to: '0912•••678' } })
    expect(JSON.stringify(view.history)).not.toContain('0912345678')
    const plain = (await intake(clerk, {}).expect(201)).body.dossier
    expect((await clerk.get(`/api/dossiers/${plain.id}`).expect(200)).body.dossier.notifyConsent).toBeNull()
    // the audit log's words for it, in both languages
    const entry = { id: 'd1', at: '', staffId: null, staffName: 'Cán bộ 1', entity: 'dossier' as const, entityId: d.id, entityLabel: d.code, action: 'received',
      changes: { status: { from: null, to: 'received' }, notifyConsent: { from: null, to: { channel: 'sms', to: '0912•••678' } } } }
    expect(auditDetails(catalogs.vi, entry, String)).toBe('Đã tiếp nhận · Đồng ý nhận tin SMS tới 0912•••678')
    expect(auditDetails(catalogs.en, entry, String)).toBe('Received · Consent to SMS messages at 0912•••678')
  })

  it('stops every message about a dossier when the citizen asks a clerk (Decree 13/2023): its history says who; nothing is sent after; twice is refused', async () => {
    const clerk = await h.login('canbo1')
    const d = (await intake(clerk, { notify: { consent: true, channel: 'sms' } }).expect(201)).body.dossier
    // the citizen also asked on the lookup page (by Zalo, the default): both end
    await h.http.post(`/api/public/dossiers/${d.code}/notify`).send({ lookupCode: d.lookupCode, phone: '0987 111 222', consent: true }).expect(201)
    expect((await clerk.get(`/api/dossiers/${d.id}`).expect(200)).body.dossier).toMatchObject({ messagesActive: 2, notifyConsent: { channel: 'sms' } })
    if (!(await h.handle.db.selectFrom('center').select('id').where('slug', '=', 'muong-pon').executeTakeFirst())) await addOtherCenter(h)
    await (await h.login('canbo.muongpon')).post(`/api/dossiers/${d.id}/notify/stop`).send({}).expect(403) // another center's clerk
    await h.http.post(`/api/dossiers/${d.id}/notify/stop`).send({}).expect(401)
    const stopped = (await clerk.post(`/api/dossiers/${d.id}/notify/stop`).send({}).expect(200)).body.dossier
    expect(stopped).toMatchObject({ messagesActive: 0, notifyConsent: null }) // the slip no longer prints the consent
    expect(stopped.history.at(-1)).toMatchObject({ type: 'notify_stopped', toStatus: 'received', staffName: expect.any(String) })
    expect(await h.handle.db.selectFrom('notify_subscription').select('active').where('dossier_id', '=', d.id).execute()).toEqual([{ active: false }, { active: false }])
    const again = await clerk.post(`/api/dossiers/${d.id}/notify/stop`).send({}).expect(409)
    expect(again.body.error).toMatchObject({ code: 'NOTIFY_NOTHING_TO_STOP', message: 'Hồ sơ hoặc lịch hẹn này không còn đăng ký nhận tin nhắn nào.' })
    await ready(clerk, d.id)
    await new Promise((r) => setTimeout(r, 200))
    await h.app.outbox.runOnce()
    expect(gw.sms(d.code)).toEqual([])
    expect(gw.zalo(d.code)).toEqual([])
    const log = (await manager.get('/api/centers/na-sang/audit?entity=dossier').expect(200)).body.entries as { entityLabel: string; action: string }[]
    expect(log.filter((e) => e.entityLabel === d.code).map((e) => e.action)).toEqual(['ready', 'processing', 'notify_stopped', 'received'])
  })

  const outcomes = (column: 'dossier_id' | 'appointment_id', id: string) => h.handle.db.selectFrom('outbox_delivery')
    .innerJoin('notify_subscription as s', 's.id', 'outbox_delivery.notify_id')
    .select(['s.channel', 'outbox_delivery.status', 'outbox_delivery.last_error']).where(`s.${column}`, '=', id).orderBy('s.channel').execute()

  it('lets the citizen stop the SMS and Zalo about their dossier on the lookup page (Decree 13/2023): nothing is sent after, the history and the log name the citizen, twice is refused', async () => {
    const clerk = await h.login('canbo1')
    const d = (await intake(clerk, { notify: { consent: true, channel: 'sms' } }).expect(201)).body.dossier
    await h.http.post(`/api/public/dossiers/${d.code}/notify`).send({ lookupCode: d.lookupCode, phone: '0987 111 222', consent: true }).expect(201)
    // a browser's web push sign-up (this harness sends none; the row as the lookup page writes it): the citizen's stop leaves it
    const { center_id } = await h.handle.db.selectFrom('dossier').select('center_id').where('id', '=', d.id).executeTakeFirstOrThrow()
    await h.handle.db.insertInto('notify_subscription').values({ center_id, ticket_id: null, dossier_id: d.id, channel: 'push', endpoint: 'https://fcm.googleapis.com/fcm/send/abc', p256dh: 'k'.repeat(87), auth: 'a'.repeat(22),
      consent_at: new Date(), consent_source: 'lookup' }).execute()
    const lookup = (await h.http.get(`/api/public/dossiers/${d.code}?lookupCode=${d.lookupCode}`).expect(200)).body.dossier
    expect(lookup.phoneSignUps).toEqual([{ channel: 'sms', to: '0912•••678' }, { channel: 'zalo', to: '0987•••222' }])
    expect(JSON.stringify(lookup)).not.toMatch(/0912345678|0987111222|fcm/)
    // the result is ready while the outbox is held: its messages wait, then the citizen stops them
    await h.app.outbox.stop()
    try {
      await ready(clerk, d.id)
      expect((await outcomes('dossier_id', d.id)).map((o) => o.status)).toEqual(['pending', 'pending', 'pending'])
      const stopped = await h.http.post(`/api/public/dossiers/${d.code}/notify/stop`).send({ lookupCode: d.lookupCode.toLowerCase() }).expect(200)
      expect(stopped.body.dossier).toMatchObject({ code: d.code, status: 'ready', phoneSignUps: [] })
      await h.app.outbox.runOnce()
      expect([...gw.sms(d.code), ...gw.zalo(d.code)]).toEqual([])
      expect(await outcomes('dossier_id', d.id)).toEqual([
        { channel: 'push', status: 'pending', last_error: null }, // no push transport here; the browser's own sign-up stands
        { channel: 'sms', status: 'failed', last_error: 'STOPPED' }, { channel: 'zalo', status: 'failed', last_error: 'STOPPED' }])
    } finally {
      h.app.outbox.start()
    }
    const view = (await clerk.get(`/api/dossiers/${d.id}`).expect(200)).body.dossier
    expect(view).toMatchObject({ messagesActive: 1, notifyConsent: null })
    expect(view.history.at(-1)).toEqual(expect.objectContaining({ type: 'notify_stopped', toStatus: 'ready', staffName: null, byCitizen: true }))
    const again = await h.http.post(`/api/public/dossiers/${d.code}/notify/stop`).send({ lookupCode: d.lookupCode }).expect(409)
    expect(again.body.error.code).toBe('NOTIFY_NOTHING_TO_STOP')
    // the log (Nhật ký) lists it, done by the citizen, in both languages
    const log = (await manager.get('/api/centers/na-sang/audit?entity=dossier').expect(200)).body.entries as AuditEntry[]
    const entry = log.find((e) => e.entityLabel === d.code && e.action === 'notify_stopped')!
    expect(entry).toMatchObject({ staffId: null, staffName: null })
    expect([auditWho(catalogs.vi, entry), auditDetails(catalogs.vi, entry, String)]).toEqual(['Công dân', 'Công dân tự ngừng trên trang tra cứu'])
    expect([auditWho(catalogs.en, entry), auditDetails(catalogs.en, entry, String)]).toEqual(['Citizen', 'Stopped by the citizen on the lookup page'])
    // a clerk's stop ends the rest (the browser's too)
    expect((await clerk.post(`/api/dossiers/${d.id}/notify/stop`).send({}).expect(200)).body.dossier.messagesActive).toBe(0)
  })

  it('a message a sender holds when the citizen stops it is not retried after the gateway fails it: the stop takes its lease', async () => {
    const clerk = await h.login('canbo1')
    const d = (await intake(clerk, { notify: { consent: true, channel: 'sms' } }).expect(201)).body.dossier
    await h.app.outbox.stop()
    try {
      await ready(clerk, d.id)
      // a sender has claimed it and is talking to the gateway when the stop comes
      const claimed = (await claimDueNotifications(h.handle.db, 'sender-x', ['sms'], 50, 60_000)).filter((c) => c.data.code === d.code)
      expect(claimed).toHaveLength(1)
      await h.http.post(`/api/public/dossiers/${d.code}/notify/stop`).send({ lookupCode: d.lookupCode }).expect(200)
      // the gateway answers 503: the sender writes a retry, which must change nothing
      await markFailed(h.handle.db, claimed[0]!.id, 'sender-x', { status: 503, error: 'busy', retryMs: 0, giveUp: false })
      expect(await outcomes('dossier_id', d.id)).toEqual([{ channel: 'sms', status: 'failed', last_error: 'STOPPED' }])
      await h.app.outbox.runOnce()
      expect(gw.sms(d.code)).toEqual([])
    } finally {
      h.app.outbox.start()
    }
  })

  it('refuses a citizen\'s stop with a wrong lookup code as the lookup does, and counts it as a guess of that code', async () => {
    const clerk = await h.login('canbo1')
    const d = (await intake(clerk, { notify: { consent: true, channel: 'sms' } }).expect(201)).body.dossier
    const wrong = d.lookupCode === 'ZZZZ' ? 'YYYY' : 'ZZZZ'
    const lookupRefusal = await h.http.get(`/api/public/dossiers/${d.code}?lookupCode=${wrong}`).expect(404)
    const stopRefusal = await h.http.post(`/api/public/dossiers/${d.code}/notify/stop`).send({ lookupCode: wrong }).expect(404)
    expect(stopRefusal.body).toEqual(lookupRefusal.body)
    expect(stopRefusal.body.error.code).toBe('DOSSIER_NOT_FOUND')
    await h.http.post(`/api/public/dossiers/${d.code}/notify/stop`).send({}).expect(400)
    // two failures counted, then three more reach the lookup's cap for this code: even the right one is refused
    const guesses = await h.handle.db.selectFrom('lookup_guess').select('failures').where('key', 'like', `c:% ${d.code}`).executeTakeFirstOrThrow()
    expect(guesses.failures).toBe(2)
    for (let i = 0; i < 3; i++) await h.http.post(`/api/public/dossiers/${d.code}/notify/stop`).send({ lookupCode: wrong }).expect(404)
    expect((await h.http.post(`/api/public/dossiers/${d.code}/notify/stop`).send({ lookupCode: d.lookupCode }).expect(429)).body.error.code).toBe('RATE_LIMITED')
    await h.http.get(`/api/public/dossiers/${d.code}?lookupCode=${d.lookupCode}`).expect(429)
    expect(await subscriptions('dossier_id', d.id)).toHaveLength(1)
    expect((await clerk.get(`/api/dossiers/${d.id}`).expect(200)).body.dossier.messagesActive).toBe(1)
  })

  it('without the box, stores no subscription, answers notify: null, and sends nothing', async () => {
    const clerk = await h.login('canbo1')
    const res = await intake(clerk, {}).expect(201)
    expect(res.body.notify).toBeNull()
    expect(await subscriptions('dossier_id', res.body.dossier.id)).toEqual([])
    await ready(clerk, res.body.dossier.id)
    await new Promise((r) => setTimeout(r, 200))
    expect([...gw.sms(res.body.dossier.code), ...gw.zalo(res.body.dossier.code)]).toEqual([])
  })

  it('goes by Zalo, the install\'s default, when no channel is chosen', async () => {
    const clerk = await h.login('canbo1')
    const res = await intake(clerk, { notify: { consent: true } }, '+84 987 654 321').expect(201)
    expect(res.body.notify).toEqual({ channel: 'zalo', to: '0987•••321' })
    await ready(clerk, res.body.dossier.id)
    await until(() => gw.zalo(res.body.dossier.code).length === 1)
    expect(gw.zalo(res.body.dossier.code)[0]!.json).toMatchObject({ phone: '84987654321', template_id: '1234' })
  })

  it('refuses a ticked box with a number that takes no SMS (and writes no dossier), a false consent, and a push channel', async () => {
    const clerk = await h.login('canbo1')
    const before = (await h.handle.db.selectFrom('dossier').select(({ fn }) => fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n
    const landline = await intake(clerk, { notify: { consent: true } }, '024 3825 1234')
    expect([landline.status, landline.body.error.code]).toEqual([422, 'NOTIFY_PHONE_INVALID'])
    expect(landline.body.error.message).toMatch(/di động/)
    expect((await intake(clerk, { notify: { consent: false } })).status).toBe(400)
    expect((await intake(clerk, { notify: { consent: true, channel: 'push' } })).status).toBe(400)
    const after = (await h.handle.db.selectFrom('dossier').select(({ fn }) => fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n
    expect(Number(after)).toBe(Number(before))
  })

  it('gives two racing retries of one intake one dossier and one subscription, and both answers say where messages go', async () => {
    const clerk = await h.login('canbo1')
    const body = { notify: { consent: true, channel: 'sms' }, requestId: `race-consent-${kind}` }
    const [a, b] = await Promise.all([intake(clerk, body), intake(clerk, body)])
    expect([a.status, b.status]).toEqual([201, 201])
    expect(a.body.dossier.id).toBe(b.body.dossier.id)
    expect(a.body.notify).toEqual({ channel: 'sms', to: '0912•••678' })
    expect(b.body.notify).toEqual(a.body.notify)
    expect(await subscriptions('dossier_id', a.body.dossier.id)).toHaveLength(1)
  })

  describe('a booking with a phone', () => {
    let line: Line
    beforeAll(async () => {
      h.clock.set(at(MON, '07:30'))
      line = await openLine(h)
      const rules = [1, 2, 3, 4, 5].map((weekday) => ({ weekday, slotMinutes: 30, capacity: 5 }))
      await manager.put(`/api/centers/na-sang/appointment-rules/${line.serviceId}`).send({ rules }).expect(200)
    })
    const book = (day: string, time: string, extra: Record<string, unknown> = {}) =>
      h.http.post('/api/centers/na-sang/appointments').send({ serviceId: line.serviceId, day, time, ...extra }).expect(201).then((r) => r.body.appointment)

    it('queues one confirmation with the code, the center and the slot time, in the page\'s language; none without a phone', async () => {
      h.clock.set(at(MON, '08:00'))
      const a = await book(NEXT_MON, '09:00', { phone: '0912 111 222', consent: true, lang: 'en', requestId: `book-en-${kind}` })
      expect(await subscriptions('appointment_id', a.id)).toEqual([{ channel: 'zalo', phone: '0912111222', consent_source: 'booking', lang: 'en' }])
      await until(() => gw.zalo(a.code).length === 1)
      const sent = gw.zalo(a.code)[0]!.json
      expect(sent).toMatchObject({ phone: '84912111222', template_data: { code: a.code, center: 'Na Sang Commune Public Administration Service Center',
        status: `Na Sang Commune Public Administration Service Center: appointment ${a.code} booked for 09:00 30/11/2026. At the center, type this code at the kiosk.` } })
      // the same request again: the same booking, no second message
      await book(NEXT_MON, '09:00', { phone: '0912 111 222', consent: true, lang: 'en', requestId: `book-en-${kind}` })
      await h.app.outbox.runOnce()
      expect(gw.zalo(a.code)).toHaveLength(1)
      const none = await book(NEXT_MON, '09:30')
      expect(await subscriptions('appointment_id', none.id)).toEqual([])
    })

    it('at check-in gives the ticket the booking\'s phone: "3 ahead" and "called" reach it; a booking without a phone gets none', async () => {
      h.clock.set(at(MON, '07:40'))
      const withPhone = await book(MON, '09:00', { phone: '0933 444 555', consent: true })
      const without = await book(MON, '09:00')
      h.clock.set(at(MON, '08:50'))
      const walkIns = []
      for (let i = 0; i < 5; i++) walkIns.push(await issued(h, line.serviceId))
      const ticket = (await h.http.post('/api/centers/na-sang/appointments/check-in').send({ code: withPhone.code }).expect(201)).body.ticket
      const other = (await h.http.post('/api/centers/na-sang/appointments/check-in').send({ code: without.code }).expect(201)).body.ticket
      expect(await subscriptions('ticket_id', ticket.id)).toEqual([{ channel: 'zalo', phone: '0933444555', consent_source: 'booking', lang: 'vi' }])
      expect(await subscriptions('ticket_id', other.id)).toEqual([])
      // the walk-ins came before the slot's start: they go first, and the booking's phone hears of its turn
      for (let i = 0; i < 5; i++) {
        const called = (await line.clerk.post(`/api/counters/${line.counterId}/call-next`).send({}).expect(200)).body.ticket
        await line.clerk.post(`/api/tickets/${called.id}/complete`).send({}).expect(200)
      }
      const called = (await line.clerk.post(`/api/counters/${line.counterId}/call-next`).send({}).expect(200)).body.ticket
      expect(called.id).toBe(ticket.id)
      await until(() => gw.zalo(ticket.code).length === 2)
      expect(gw.zalo(ticket.code).map((r) => (r.json.template_data as { status: string }).status)).toEqual([
        `Trung tâm Phục vụ hành chính công xã Na Sang: số ${ticket.code} còn 3 người phía trước. Mời quay lại phòng chờ.`,
        `Trung tâm Phục vụ hành chính công xã Na Sang: mời số ${ticket.code} đến quầy ${line.counterNumber}.`,
      ])
      expect(gw.zalo(other.code)).toEqual([])
    })

    const active = async (appointmentId: string) => (await h.handle.db.selectFrom('notify_subscription').select('active')
      .where('appointment_id', '=', appointmentId).execute()).map((s) => s.active)

    it('ends the booking\'s own subscription when it is checked in, cancelled or missed (Decree 13/2023)', async () => {
      h.clock.set(at(MON, '09:20'))
      const kept = await book(MON, '10:00', { phone: '0912 000 001', consent: true })
      const cancelled = await book(MON, '10:30', { phone: '0912 000 002', consent: true })
      const missed = await book(MON, '11:00', { phone: '0912 000 003', consent: true })
      expect([await active(kept.id), await active(cancelled.id), await active(missed.id)]).toEqual([[true], [true], [true]])
      h.clock.set(at(MON, '09:55'))
      const ticket = (await h.http.post('/api/centers/na-sang/appointments/check-in').send({ code: kept.code }).expect(201)).body.ticket
      expect(await active(kept.id)).toEqual([false])
      // the ticket has its own, with the booking's consent
      expect((await h.handle.db.selectFrom('notify_subscription').select('active').where('ticket_id', '=', ticket.id).execute()).map((s) => s.active)).toEqual([true])
      await h.http.post(`/api/appointments/${cancelled.id}/cancel`).send({ key: cancelled.secret }).expect(200)
      expect(await active(cancelled.id)).toEqual([false])
      expect(await active(missed.id)).toEqual([true])
      h.clock.set(at(MON, '11:16'))
      await h.app.appointments.markNoShows()
      expect(await active(missed.id)).toEqual([false])
    })

    it('drops a confirmation still unsent once its booking was cancelled or its slot has started', async () => {
      const TUE = '2026-11-24'
      await h.app.outbox.stop()
      try {
        h.clock.set(at(MON, '15:00'))
        const cancelled = await book(TUE, '09:00', { phone: '0912 000 004', consent: true })
        const started = await book(TUE, '09:30', { phone: '0912 000 005', consent: true })
        await h.http.post(`/api/appointments/${cancelled.id}/cancel`).send({ key: cancelled.secret }).expect(200)
        h.clock.set(at(TUE, '09:31'))
        await h.app.outbox.runOnce()
        const outcome = (id: string) => h.handle.db.selectFrom('outbox_delivery').innerJoin('notify_subscription as s', 's.id', 'outbox_delivery.notify_id')
          .select(['outbox_delivery.status', 'outbox_delivery.last_error']).where('s.appointment_id', '=', id).execute()
        expect(await outcome(cancelled.id)).toEqual([{ status: 'failed', last_error: 'CANCELLED' }])
        expect(await outcome(started.id)).toEqual([{ status: 'failed', last_error: 'STALE' }])
        expect([...gw.zalo(cancelled.code), ...gw.zalo(started.code)]).toEqual([])
      } finally {
        h.app.outbox.start()
      }
    })

    it('lets the citizen stop the booking\'s messages from its own link: the unsent confirmation is dropped, the number forgotten, its ticket gets none; twice is refused', async () => {
      const TUE = '2026-11-24'
      await h.app.outbox.stop()
      try {
        h.clock.set(at(TUE, '13:00'))
        const a = await book(TUE, '14:00', { phone: '0912 000 006', consent: true })
        expect(a.phoneSignUps).toEqual([{ channel: 'zalo', to: '0912•••006' }]) // the booking's answer carries its secret
        // the QR's link (no secret) never says where messages go; a wrong secret is refused as an unknown booking
        expect((await h.http.get(`/api/appointments/${a.id}`).expect(200)).body.appointment.phoneSignUps).toBeUndefined()
        await h.http.get(`/api/appointments/${a.id}?key=wrong`).expect(404)
        expect((await h.http.get(`/api/appointments/${a.id}?key=${encodeURIComponent(a.secret)}`).expect(200)).body.appointment.phoneSignUps)
          .toEqual([{ channel: 'zalo', to: '0912•••006' }])
        expect((await h.http.post(`/api/appointments/${a.id}/notify/stop`).send({ key: 'wrong' }).expect(404)).body.error.code).toBe('APPOINTMENT_NOT_FOUND')
        await h.http.post(`/api/appointments/${a.id}/notify/stop`).send({}).expect(400)
        const stopped = (await h.http.post(`/api/appointments/${a.id}/notify/stop`).send({ key: a.secret }).expect(200)).body.appointment
        expect(stopped).toMatchObject({ status: 'booked', phoneGiven: false, phoneSignUps: [] })
        expect(await active(a.id)).toEqual([false])
        expect((await h.handle.db.selectFrom('appointment').select('phone').where('id', '=', a.id).executeTakeFirstOrThrow()).phone).toBeNull()
        await h.app.outbox.runOnce()
        expect(gw.zalo(a.code)).toEqual([])
        expect(await outcomes('appointment_id', a.id)).toEqual([{ channel: 'zalo', status: 'failed', last_error: 'STOPPED' }])
        const again = await h.http.post(`/api/appointments/${a.id}/notify/stop`).send({ key: a.secret }).expect(409)
        expect(again.body.error).toMatchObject({ code: 'NOTIFY_NOTHING_TO_STOP', message: 'Hồ sơ hoặc lịch hẹn này không còn đăng ký nhận tin nhắn nào.' })
        // at the kiosk the booking still holds its place; its ticket is told nothing
        h.clock.set(at(TUE, '13:55'))
        const ticket = (await h.http.post('/api/centers/na-sang/appointments/check-in').send({ code: a.code }).expect(201)).body.ticket
        expect(await subscriptions('ticket_id', ticket.id)).toEqual([])
      } finally {
        h.app.outbox.start()
      }
    })

    it('forgets a booking\'s number kept without a sign-up (its channel off when it was booked) when the citizen stops', async () => {
      const TUE = '2026-11-24'
      h.clock.set(at(TUE, '13:00'))
      const a = await book(TUE, '14:30', { phone: '0912 000 007', consent: true })
      // as if no channel had been on at booking: the number kept with its consent, no sign-up
      await h.handle.db.deleteFrom('outbox_delivery').where('notify_id', 'in', h.handle.db.selectFrom('notify_subscription').select('id').where('appointment_id', '=', a.id)).execute()
      await h.handle.db.deleteFrom('notify_subscription').where('appointment_id', '=', a.id).execute()
      await h.http.post(`/api/appointments/${a.id}/notify/stop`).send({ key: a.secret }).expect(200)
      expect((await h.handle.db.selectFrom('appointment').select('phone').where('id', '=', a.id).executeTakeFirstOrThrow()).phone).toBeNull()
      expect((await h.http.post(`/api/appointments/${a.id}/notify/stop`).send({ key: a.secret }).expect(409)).body.error.code).toBe('NOTIFY_NOTHING_TO_STOP')
    })
  })
})
