// The SMS and Zalo gateways of issue 24 against a local HTTP server (no database): Zalo ZNS's template API,
// the generic template (JSON, form, GET), the environment's rules for them, phone numbers, message texts.
import { mkdtempSync, rmSync, statSync } from 'node:fs'
import { createServer, type IncomingMessage, type Server } from 'node:http'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { TemplateTransport, ZnsTransport } from '../server/notify/gateways.js'
import { parseNotifyEnv } from '../server/notify/notify.config.js'
import { loadVapidKeys, pushEndpointAllowed } from '../server/notify/push.js'
import { maskPhone, messageText, type NotifyMessage } from '../server/notify/transport.js'
import { mobileOf } from '../common/fold.js'
import { loadConfig, ConfigError } from '../server/config.js'
import { notifySetup } from '../server/notify/notify.setup.js'
import { pino } from 'pino'

const msg: NotifyMessage = { kind: 'ticket.called', code: 'A012', center: 'Trung tâm xã Na Sang', counterNumber: 3, ahead: null, lang: 'vi', stream: 'ticket:x', key: 'k1' }
const target = { phone: '0912345678', endpoint: null, p256dh: null, auth: null }
const signal = () => AbortSignal.timeout(2000)

describe('SMS and Zalo gateways', () => {
  let server: Server
  let base = ''
  const got: { method: string; url: string; headers: IncomingMessage['headers']; body: string }[] = []
  let answers: [number, string][] = []
  beforeAll(async () => {
    server = createServer((req, res) => {
      let body = ''
      req.on('data', (c: Buffer) => { body += c.toString() })
      req.on('end', () => {
        got.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body })
        const [status, answer] = answers.shift() ?? [200, '{"error":0,"message":"Success","data":{"msg_id":"m1"}}']
        res.writeHead(status, { 'content-type': 'application/json' }).end(answer)
      })
    })
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  })
  afterAll(() => new Promise<void>((r) => { server.closeAllConnections(); server.close(() => r()) }))

  it('sends a ZNS template with the number in 84… form, the code, the center and the text, and the key as tracking_id', async () => {
    const zns = new ZnsTransport({ provider: 'zns', url: `${base}/message/template`, accessToken: 'tok', templateId: '231456' })
    expect(await zns.send(target, msg, signal())).toEqual({ ok: true, status: 200 })
    const r = got.at(-1)!
    expect(r.headers.access_token).toBe('tok')
    expect(JSON.parse(r.body)).toEqual({ phone: '84912345678', template_id: '231456', tracking_id: 'k1',
      template_data: { code: 'A012', center: 'Trung tâm xã Na Sang', status: 'Trung tâm xã Na Sang: mời số A012 đến quầy 3.' } })
    answers = [[200, '{"error":-124,"message":"Access token is invalid"}']]
    expect(await zns.send(target, msg, signal())).toEqual({ ok: false, status: 200, error: 'ZNS -124: Access token is invalid' })
  })

  it('fills a generic template: JSON-escaped in a JSON body, URL-encoded in a form body or a GET URL; a success pattern is required when set', async () => {
    const json = new TemplateTransport('sms', { url: `${base}/send`, method: 'POST', headers: { 'x-api-key': 'abc' },
      body: '{"to":"{{phone}}","msg":"{{text}}","id":"{{key}}","ascii":"{{textAscii}}"}', format: 'json', success: /"error":0/ })
    const quoted = { ...msg, center: 'Trung tâm "Na Sang"' }
    expect(await json.send(target, quoted, signal())).toMatchObject({ ok: true })
    const j = got.at(-1)!
    expect(j.headers['x-api-key']).toBe('abc')
    expect(JSON.parse(j.body)).toEqual({ to: '0912345678', msg: 'Trung tâm "Na Sang": mời số A012 đến quầy 3.', id: 'k1', ascii: 'Trung tam "Na Sang": moi so A012 den quay 3.' })
    answers = [[200, '{"error":5}']]
    expect(await json.send(target, msg, signal())).toMatchObject({ ok: false, status: 200, error: 'answer: {"error":5}' })
    answers = [[502, '']]
    expect(await json.send(target, msg, signal())).toEqual({ ok: false, status: 502, error: 'HTTP 502' })
    const form = new TemplateTransport('zalo', { url: `${base}/form`, method: 'POST', headers: {}, body: 'phone={{phone84}}&text={{text}}', format: 'form', success: null })
    await form.send(target, msg, signal())
    expect(got.at(-1)!.headers['content-type']).toBe('application/x-www-form-urlencoded')
    expect(Object.fromEntries(new URLSearchParams(got.at(-1)!.body))).toEqual({ phone: '84912345678', text: 'Trung tâm xã Na Sang: mời số A012 đến quầy 3.' })
    const get = new TemplateTransport('sms', { url: `${base}/get?to={{phone}}&m={{textAscii}}`, method: 'GET', headers: {}, body: '', format: 'form', success: null })
    await get.send(target, msg, signal())
    expect(got.at(-1)!.method).toBe('GET')
    expect(new URL(got.at(-1)!.url, base).searchParams.get('m')).toBe('Trung tam xa Na Sang: moi so A012 den quay 3.')
    const closed = createServer()
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r))
    const port = (closed.address() as AddressInfo).port
    await new Promise((r) => closed.close(r))
    const down = new TemplateTransport('sms', { url: `http://127.0.0.1:${port}/x`, method: 'POST', headers: {}, body: '{}', format: 'json', success: null })
    expect(await down.send(target, msg, signal())).toEqual({ ok: false, status: null, error: 'ECONNREFUSED' })
  })
})

describe('notification settings and rules', () => {
  it('reads eSMS, ZNS and the generic template from the environment, and says what is missing', () => {
    const ok = parseNotifyEnv({ SMS_PROVIDER: 'esms', ESMS_API_KEY: 'a', ESMS_SECRET_KEY: 's', ESMS_BRANDNAME: 'NASANG', ZALO_PROVIDER: 'http',
      ZALO_HTTP_URL: 'https://gw.example.vn/zalo', ZALO_HTTP_BODY: '{"p":"{{phone84}}"}', ZALO_HTTP_HEADERS: '{"Authorization":"Bearer x"}', PUSH_ENABLED: '0' })
    expect(ok.issues).toEqual([])
    expect(ok.config.sms).toMatchObject({ provider: 'esms', smsType: '2', unicode: false, url: 'https://rest.esms.vn/MainService.svc/json/SendMultipleMessage_V4_post_json/' })
    expect(ok.config.zalo).toMatchObject({ provider: 'http', template: { headers: { Authorization: 'Bearer x' }, method: 'POST', format: 'json' } })
    expect(ok.config.push.enabled).toBe(false)
    const bad = parseNotifyEnv({ SMS_PROVIDER: 'esms', ZALO_PROVIDER: 'zns', VAPID_PUBLIC_KEY: 'short', SMS_HTTP_HEADERS: 'not json' })
    expect(bad.issues.join('\n')).toMatch(/VAPID_PUBLIC_KEY/)
    const missing = parseNotifyEnv({ SMS_PROVIDER: 'esms', ZALO_PROVIDER: 'zns' })
    expect(missing.issues).toEqual(expect.arrayContaining(['  ESMS_API_KEY: required when SMS_PROVIDER=esms', '  ZNS_ACCESS_TOKEN: required when ZALO_PROVIDER=zns']))
    expect(() => loadConfig({ SMS_PROVIDER: 'http' })).toThrow(ConfigError)
    expect(loadConfig({}).notify).toMatchObject({ push: { enabled: true }, sms: null, zalo: null })
  })

  it('takes Vietnamese mobile numbers in their usual forms, masks them, and words the messages with only code and center', () => {
    expect(['0912 345 678', '+84912345678', '84-912-345-678', '0912.345.678', '0084 912 345 678'].map(mobileOf)).toEqual(Array(5).fill('0912345678'))
    expect(['0212345678', '091234567', '12345', '+1 415 555 0100'].map(mobileOf)).toEqual([null, null, null, null])
    expect(maskPhone('0912345678')).toBe('0912•••678')
    expect(messageText({ ...msg, kind: 'ticket.ahead', ahead: 3 })).toBe('Trung tâm xã Na Sang: số A012 còn 3 người phía trước. Mời quay lại phòng chờ.')
    expect(messageText({ ...msg, kind: 'dossier.extended', code: 'NS-261207-0001', lang: 'en' })).toBe('Trung tâm xã Na Sang: the result date of dossier NS-261207-0001 was extended. See the new date on the lookup page.')
  })

  it('lets web push go only to the browsers\' push services, or to a host the operator added', () => {
    expect(pushEndpointAllowed('https://fcm.googleapis.com/fcm/send/abc', [])).toBe(true)
    expect(pushEndpointAllowed('https://updates.push.services.mozilla.com/wpush/v2/x', [])).toBe(true)
    expect(pushEndpointAllowed('https://wns2-par02p.notify.windows.com/w/?token=x', [])).toBe(true)
    expect(pushEndpointAllowed('https://web.push.apple.com/Q', [])).toBe(true)
    for (const bad of ['http://fcm.googleapis.com/x', 'https://fcm.googleapis.com:8443/x', 'https://evil.fcm.googleapis.com.example/x',
      'https://169.254.169.254/latest', 'https://u:p@fcm.googleapis.com/x', 'http://127.0.0.1:9/x', 'not a url']) expect(pushEndpointAllowed(bad, [])).toBe(false)
    expect(pushEndpointAllowed('http://127.0.0.1:9/x', ['127.0.0.1:9'])).toBe(true)
  })

  it('makes the VAPID keys once and keeps them in DATA_DIR (0600), unless the environment gives them', () => {
    const dir = mkdtempSync(join(tmpdir(), 'vapid-'))
    try {
      const first = loadVapidKeys(dir, {}, 'http://localhost:3000')
      expect(first).toMatchObject({ generated: true, subject: 'mailto:mot-cua@localhost.invalid' })
      expect(statSync(join(dir, 'vapid.json')).mode & 0o777).toBe(0o600)
      const again = loadVapidKeys(dir, {}, 'https://motcua.nasang.gov.vn')
      expect(again).toEqual({ publicKey: first.publicKey, privateKey: first.privateKey, subject: 'https://motcua.nasang.gov.vn', generated: false })
      const given = loadVapidKeys(dir, { publicKey: 'P', privateKey: 'Q', subject: 'mailto:it@nasang.gov.vn' }, 'http://x')
      expect(given).toEqual({ publicKey: 'P', privateKey: 'Q', subject: 'mailto:it@nasang.gov.vn', generated: false })
    } finally { rmSync(dir, { recursive: true, force: true }) }
  })

  it('turns web push on with keys it can keep, and off on PostgreSQL without shared keys or with an unwritable DATA_DIR', () => {
    const dir = mkdtempSync(join(tmpdir(), 'notify-setup-'))
    const log = pino({ level: 'silent' })
    try {
      const embedded = notifySetup(loadConfig({ DATA_DIR: dir, SMS_PROVIDER: 'esms', ESMS_API_KEY: 'a', ESMS_SECRET_KEY: 's', ESMS_BRANDNAME: 'B' }), log, 'pglite')
      expect(embedded.transports.map((t) => `${t.channel}:${t.provider}`)).toEqual(['push:web-push', 'sms:esms'])
      expect(embedded.vapidPublicKey).toMatch(/^[A-Za-z0-9_-]{87}$/)
      const pg = notifySetup(loadConfig({ DATA_DIR: dir, DATABASE_URL: 'postgres://db/motcua' }), log, 'postgres')
      expect(pg).toEqual({ transports: [], vapidPublicKey: null, extraPushHosts: [] })
      const shared = notifySetup(loadConfig({ DATABASE_URL: 'postgres://db/motcua', VAPID_PUBLIC_KEY: embedded.vapidPublicKey!,
        VAPID_PRIVATE_KEY: 'x'.repeat(43) }), log, 'postgres')
      expect(shared.vapidPublicKey).toBe(embedded.vapidPublicKey)
      const unwritable = notifySetup(loadConfig({ DATA_DIR: join(dir, 'vapid.json', 'below-a-file') }), log, 'pglite')
      expect(unwritable.transports).toEqual([])
    } finally { rmSync(dir, { recursive: true, force: true }) }
  })
})
