// SSRF (issue 25): a webhook may not reach private, loopback, link-local or metadata addresses unless an admin allowed
// it for that subscription; checked when it is saved and again at each send, after DNS, on the address connected to.
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { backends } from './helpers/db.js'
import { startHarness, type Harness } from './helpers/harness.js'
import { checkWebhookUrl, isPrivateAddress, type Resolver } from '../server/outbox/url-policy.js'
import { postWebhook } from '../server/outbox/webhook-http.js'

const answers = (...addresses: string[]): Resolver => async () => addresses.map((address) => ({ address, family: address.includes(':') ? 6 : 4 }))

describe('the address rule', () => {
  it.each([
    '10.1.2.3', '172.16.0.1', '172.31.255.255', '192.168.1.20', '169.254.169.254', '127.0.0.1', '127.8.9.10', '0.0.0.0', '100.64.0.1',
    '224.0.0.1', '255.255.255.255', '::1', '::', 'fc00::1', 'fd00:ec2::254', 'fe80::1', '::ffff:10.0.0.1', '::ffff:a00:1', '::ffff:127.0.0.1',
    '::127.0.0.1', '64:ff9b::a9fe:a9fe', '2002:c0a8:0101::1', '[fe80::1]',
  ])('%s is private', (a) => { expect(isPrivateAddress(a)).toBe(true) })

  it.each(['8.8.8.8', '1.1.1.1', '172.32.0.1', '192.169.0.1', '100.128.0.1', '2606:4700::1111', '::ffff:8.8.8.8', '2001:4860:4860::8888', 'tinh.example'])(
    '%s is not', (a) => { expect(isPrivateAddress(a)).toBe(false) })

  it('reads the URL as a browser would: numeric, hex and bracketed forms of a private address are refused', async () => {
    for (const url of ['http://2130706433/hook', 'http://0x7f.1/hook', 'https://[::ffff:127.0.0.1]/hook', 'https://[::1]:8443/', 'http://0/']) {
      expect(await checkWebhookUrl(url, { allowHttp: true, allowPrivate: false })).toMatchObject({ ok: false, code: 'WEBHOOK_URL_PRIVATE' })
    }
    expect(await checkWebhookUrl('https://8.8.8.8/hook', { allowHttp: false, allowPrivate: false })).toEqual({ ok: true })
  })

  it('refuses a name whose DNS answers include a private address; accepts one that does not resolve yet (each send checks)', async () => {
    const o = { allowHttp: false, allowPrivate: false }
    expect(await checkWebhookUrl('https://tinh.example/hook', o, answers('203.113.131.1', '10.0.0.5'))).toEqual({ ok: false, code: 'WEBHOOK_URL_PRIVATE', address: '10.0.0.5' })
    expect(await checkWebhookUrl('https://tinh.example/hook', o, answers('203.113.131.1'))).toEqual({ ok: true })
    expect(await checkWebhookUrl('https://tinh.example/hook', o, async () => { throw Object.assign(new Error('nx'), { code: 'ENOTFOUND' }) })).toEqual({ ok: true })
    expect(await checkWebhookUrl('https://tinh.example/hook', { ...o, allowPrivate: true }, answers('10.0.0.5'))).toEqual({ ok: true })
  })
})

describe('the sender', () => {
  let server: Server
  let port = 0
  let hits = 0
  beforeAll(async () => {
    server = createServer((req, res) => { hits++; req.resume(); req.on('end', () => res.writeHead(204).end()) })
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
    port = (server.address() as AddressInfo).port
  })
  afterAll(async () => { server.closeAllConnections(); await new Promise((r) => server.close(r)) })

  it('checks the address after DNS and connects to that very answer, resolved once (no second lookup to rebind)', async () => {
    let lookups = 0
    // a name that answered a public address when saved and now answers loopback: refused before any connection
    const rebound: Resolver = async () => { lookups++; return [{ address: '127.0.0.1', family: 4 }] }
    await expect(postWebhook(`http://hook.tinh.example:${port}/`, '{}', {}, { timeoutMs: 2000, allowPrivate: false, resolve: rebound }))
      .rejects.toMatchObject({ code: 'WEBHOOK_URL_PRIVATE' })
    expect(hits).toBe(0)
    // allowed by the admin: the socket goes to the answer the guard saw, after one lookup
    lookups = 0
    expect(await postWebhook(`http://hook.tinh.example:${port}/`, '{}', {}, { timeoutMs: 2000, allowPrivate: true, resolve: rebound })).toBe(204)
    expect([hits, lookups]).toEqual([1, 1])
    await expect(postWebhook(`http://127.0.0.1:${port}/`, '{}', {}, { timeoutMs: 2000, allowPrivate: false })).rejects.toMatchObject({ code: 'WEBHOOK_URL_PRIVATE' })
    expect(hits).toBe(1)
  })
})

describe.each(backends)('webhook URLs in the API and the worker (%s)', (kind) => {
  let h: Harness
  let receiver: Server
  let hits = 0
  beforeAll(async () => {
    h = await startHarness(kind, { outbox: { pollMs: 20, backoffBaseMs: 40, backoffMaxMs: 160, leaseMs: 5_000, timeoutMs: 2_000 } })
    receiver = createServer((req, res) => { hits++; req.resume(); req.on('end', () => res.writeHead(204).end()) })
    await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r))
  }, 60_000)
  afterAll(async () => { await h?.close(); receiver.closeAllConnections(); await new Promise((r) => receiver.close(r)) })

  it('refuses private addresses at save time to a manager, and to an admin who did not allow them', async () => {
    const manager = await h.login('quanly')
    for (const url of ['https://10.0.0.1/hook', 'https://169.254.169.254/latest/meta-data/', 'http://localhost:9/x', 'https://[::1]/x', 'https://[fd00:ec2::254]/']) {
      const res = await manager.post('/api/centers/na-sang/webhooks').send({ url, events: ['ticket.issued'] })
      expect([url, res.status, res.body.error.code]).toEqual([url, 422, 'WEBHOOK_URL_PRIVATE'])
      expect(res.body.error.message).toContain('mạng nội bộ')
    }
    expect((await manager.post('/api/centers/na-sang/webhooks').send({ url: 'https://10.0.0.1/hook', events: ['ticket.issued'], allowPrivate: true })).body.error.code).toBe('FORBIDDEN')
    const admin = await h.login('quantri')
    expect((await admin.post('/api/centers/na-sang/webhooks').send({ url: 'https://10.0.0.1/hook', events: ['ticket.issued'] })).status).toBe(422)
    const ok = await admin.post('/api/centers/na-sang/webhooks').send({ url: 'https://10.0.0.1/hook', events: ['ticket.issued'], allowPrivate: true }).expect(201)
    expect(ok.body.webhook).toMatchObject({ allowPrivate: true, allowHttp: false })
    const audit = await h.handle.db.selectFrom('audit_log').select('changes').where('entity', '=', 'webhook').where('entity_id', '=', ok.body.webhook.id).executeTakeFirstOrThrow()
    expect(JSON.stringify(audit.changes)).toContain('allowPrivate')
    await admin.delete(`/api/webhooks/${ok.body.webhook.id}`).expect(200)
    expect(await h.handle.db.selectFrom('webhook_subscription').select('id').execute()).toEqual([])
  })

  it('at send time, refuses an address that became private after saving (by its name\'s DNS answer), without retrying', async () => {
    const port = (receiver.address() as AddressInfo).port
    // saved when the name pointed elsewhere (written here directly); now `localhost` resolves to loopback
    for (const url of [`http://localhost:${port}/hook`, `http://127.0.0.1:${port}/hook`]) {
      await h.handle.db.insertInto('webhook_subscription').values({ center_id: h.demo.centerId, url, events: ['ticket.issued'], secret: 'whsec_test' }).execute()
    }
    h.app.outbox.start()
    await h.http.post('/api/centers/na-sang/tickets').send({ serviceId: h.demo.services.A }).expect(201)
    const settled = async () => (await h.handle.db.selectFrom('outbox_delivery').select(['status', 'attempts', 'last_error']).execute())
    const end = Date.now() + 8000
    while ((await settled()).some((d) => d.status === 'pending') && Date.now() < end) await new Promise((r) => setTimeout(r, 20))
    expect(await settled()).toEqual([
      { status: 'failed', attempts: 1, last_error: 'WEBHOOK_URL_PRIVATE' },
      { status: 'failed', attempts: 1, last_error: 'WEBHOOK_URL_PRIVATE' },
    ])
    expect(hits).toBe(0)
    // the admin allows it: a replay goes through
    await h.handle.db.updateTable('webhook_subscription').set({ allow_private: true }).execute()
    const admin = await h.login('quantri')
    for (const d of await h.handle.db.selectFrom('outbox_delivery').select('id').execute()) await admin.post(`/api/webhook-deliveries/${d.id}/replay`).send({}).expect(200)
    const end2 = Date.now() + 8000
    while (hits < 2 && Date.now() < end2) await new Promise((r) => setTimeout(r, 20))
    expect(hits).toBe(2)
  })
})
