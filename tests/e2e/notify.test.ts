// "Notify me" in Chromium at 360 px (issue 24). Chromium's push service cannot be reached here, so the page's
// PushManager.subscribe is stubbed to answer a subscription whose endpoint is a local push service (keys made
// by this test); everything else is real: the service worker /sw.js, the server's encrypted web push to that
// endpoint (decrypted here), then the same message delivered to the service worker through DevTools'
// ServiceWorker.deliverPushMessage and shown as a notification. SMS goes to a local gateway through the
// generic template transport. The manager's panel lists what was sent.
import { createECDH, randomBytes } from 'node:crypto'
import { createRequire } from 'node:module'
import { createServer, type IncomingMessage } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, expect, it } from '@jest/globals'
import type { Browser, Page } from 'playwright-core'
import webpush from 'web-push'
import { startHarness, type Harness, TEST_PASSWORD } from '../helpers/harness.js'
import { issued, openLine, type Line } from '../queue-fixtures.js'
import { PushTransport } from '../../server/notify/push.js'
import { TemplateTransport } from '../../server/notify/gateways.js'
import { describeBrowser, ensurePagesBuilt, launch, newPage, pageErrors, SCREENSHOTS, signInAtCounter, shot, VIEWPORTS } from './browser.js'

const ece = createRequire(import.meta.url)('http_ece') as { decrypt(b: Buffer, p: Record<string, unknown>): Buffer }
/** The service worker's shown notifications, as a page reads them (the tests' tsconfig has no DOM types). */
type Sw = { navigator: { serviceWorker: { ready: Promise<{ getNotifications(): Promise<{ title: string; body: string; tag: string }[]> }> } } }
type Got = { url: string; headers: IncomingMessage['headers']; body: Buffer }

describeBrowser('notify me in Chromium', () => {
  let h: Harness
  let browser: Browser
  const got: Got[] = []
  /** numbers the SMS gateway refuses (HTTP 500) */
  const refused = new Set<string>()
  const local = createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => {
      const body = Buffer.concat(chunks)
      got.push({ url: req.url ?? '', headers: req.headers, body })
      if (req.url === '/sms' && refused.has(String(JSON.parse(body.toString()).to))) res.writeHead(500).end('{"error":"gateway down"}')
      else res.writeHead(201).end('{"ok":true}')
    })
  })
  const ecdh = createECDH('prime256v1')
  ecdh.generateKeys()
  const auth = randomBytes(16).toString('base64url')
  const vapid = { ...webpush.generateVAPIDKeys(), subject: 'mailto:test@na-sang.invalid' }
  let host = ''

  beforeAll(async () => {
    ensurePagesBuilt()
    await new Promise<void>((r) => local.listen(0, '127.0.0.1', r))
    host = `127.0.0.1:${(local.address() as AddressInfo).port}`
    const sms = new TemplateTransport('sms', { url: `http://${host}/sms`, method: 'POST', headers: { authorization: 'Bearer test' },
      body: '{"to":"{{phone84}}","text":"{{text}}","ref":"{{key}}"}', format: 'json', success: /"ok":true/ })
    ;[h, browser] = await Promise.all([startHarness('pglite', {
      outbox: { pollMs: 50, backoffBaseMs: 50, backoffMaxMs: 100 },
      notify: { transports: [new PushTransport(vapid, [host]), sms], vapidPublicKey: vapid.publicKey, extraPushHosts: [host] },
    }), launch()])
    h.app.outbox.start()
  }, 60_000)

  afterAll(async () => {
    await browser?.close()
    await h?.close()
    local.closeAllConnections()
    await new Promise((r) => local.close(r))
  })

  async function phonePage(): Promise<Page> {
    const { ctx, page } = await newPage(browser, VIEWPORTS.phone)
    page.context().setDefaultTimeout(8000)
    await ctx.grantPermissions(['notifications'], { origin: h.url })
    // the one stand-in: Chromium's own push service is out of reach, so subscribe() answers a local endpoint
    const fake = { endpoint: `http://${host}/push/phone1`, expirationTime: null, keys: { p256dh: ecdh.getPublicKey().toString('base64url'), auth } }
    await ctx.addInitScript(`(() => {
      const fake = ${JSON.stringify(fake)};
      PushManager.prototype.getSubscription = async function () { return null };
      PushManager.prototype.subscribe = async function (o) {
        window.__subscribed = { userVisibleOnly: o.userVisibleOnly, key: btoa(String.fromCharCode(...new Uint8Array(o.applicationServerKey))) };
        return { endpoint: fake.endpoint, toJSON: () => fake, unsubscribe: async () => true };
      };
    })()`)
    return page
  }

  const pushes = () => got.filter((g) => g.url === '/push/phone1')
  const texts = () => got.filter((g) => g.url === '/sms').map((g) => JSON.parse(g.body.toString()) as { to: string; text: string; ref: string })

  it('a citizen turns on push and SMS on the ticket page; "3 ahead" and "called" arrive, and the service worker shows them', async () => {
    const line: Line = await openLine(h)
    const ahead = []
    for (let i = 0; i < 5; i++) ahead.push(await issued(h, line.serviceId))
    const mine = await issued(h, line.serviceId)
    const page = await phonePage()
    await page.goto(`${h.url}/t/${mine.id}#k=${encodeURIComponent(mine.secret)}`)
    await page.waitForSelector('#notify-push')
    await shot(page, 'notify-ticket-offer.png')
    await page.click('#notify-push')
    await page.waitForSelector('#notify-push-on')
    const subscribed = await page.evaluate(() => (globalThis as unknown as { __subscribed: { userVisibleOnly: boolean; key: string } }).__subscribed)
    expect(subscribed.userVisibleOnly).toBe(true)
    expect(Buffer.from(subscribed.key, 'base64').toString('base64url')).toBe(vapid.publicKey)
    // the phone: refused without the consent box, taken with it
    await page.fill('#notify-phone', '0912 345 678')
    await page.click('#notify-phone-submit')
    await page.waitForSelector('#notify-phone-error')
    expect(await page.textContent('#notify-phone-error')).toContain('đồng ý')
    await shot(page, 'notify-ticket-consent-missing.png')
    await page.check('#notify-consent')
    await page.click('#notify-phone-submit')
    await page.waitForSelector('#notify-phone-on')
    await shot(page, 'notify-ticket-on.png')
    const subs = await h.handle.db.selectFrom('notify_subscription').select(['channel', 'endpoint', 'phone', 'consent_source']).where('ticket_id', '=', mine.id).orderBy('channel').execute()
    expect(subs).toEqual([
      { channel: 'push', endpoint: `http://${host}/push/phone1`, phone: null, consent_source: 'ticket_page' },
      { channel: 'sms', endpoint: null, phone: '0912345678', consent_source: 'ticket_page' },
    ])

    for (const t of ahead.slice(0, 2)) {
      await line.clerk.post(`/api/counters/${line.counterId}/call-next`).send({}).expect(200)
      await line.clerk.post(`/api/tickets/${t.id}/start`).send({}).expect(200)
      await line.clerk.post(`/api/tickets/${t.id}/complete`).send({}).expect(200)
    }
    await page.waitForFunction(() => (globalThis as unknown as { document: { querySelector(s: string): { getAttribute(n: string): string | null } | null } })
      .document.querySelector('#position')?.getAttribute('data-position') === '4')
    const deadline = Date.now() + 8000
    while ((pushes().length < 1 || texts().length < 1) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50))
    expect(texts()).toEqual([expect.objectContaining({ to: '84912345678', text: `Trung tâm Phục vụ hành chính công xã Na Sang: số ${mine.code} còn 3 người phía trước. Mời quay lại phòng chờ.` })])
    const push = pushes()[0]!
    expect(String(push.headers.authorization)).toMatch(new RegExp(`^vapid t=[^,]+, k=${vapid.publicKey}$`))
    const payload = ece.decrypt(push.body, { version: 'aes128gcm', privateKey: ecdh, authSecret: auth }).toString()
    expect(JSON.parse(payload)).toMatchObject({ title: 'Trung tâm Phục vụ hành chính công xã Na Sang', tag: `ticket:${mine.code}`, kind: 'ticket.ahead' })

    // then "called to counter N", once, by both channels
    for (const t of ahead.slice(2)) {
      await line.clerk.post(`/api/counters/${line.counterId}/call-next`).send({}).expect(200)
      await line.clerk.post(`/api/tickets/${t.id}/start`).send({}).expect(200)
      await line.clerk.post(`/api/tickets/${t.id}/complete`).send({}).expect(200)
    }
    await line.clerk.post(`/api/counters/${line.counterId}/call-next`).send({}).expect(200)
    await page.waitForSelector('#called-title')
    while ((pushes().length < 2 || texts().length < 2) && Date.now() < deadline + 8000) await new Promise((r) => setTimeout(r, 50))
    expect(texts().map((x) => x.text)).toEqual([texts()[0]!.text, `Trung tâm Phục vụ hành chính công xã Na Sang: mời số ${mine.code} đến quầy ${line.counterNumber}.`])
    expect(pushes()).toHaveLength(2)
    // the service worker gets that very message as a push, with the page still open or not, and shows it
    const back = await page.context().newPage()
    await page.close() // the ticket page closed: the service worker alone shows the message
    await back.goto(`${h.url}/tra-cuu`)
    const cdp = await back.context().newCDPSession(back)
    const registered = new Promise<string>((resolve) => cdp.on('ServiceWorker.workerRegistrationUpdated', (e: { registrations: { registrationId: string; scopeURL: string; isDeleted: boolean }[] }) => {
      const r = e.registrations.find((x) => x.scopeURL === `${h.url}/` && !x.isDeleted)
      if (r) resolve(r.registrationId)
    }))
    await cdp.send('ServiceWorker.enable')
    const registrationId = await registered
    await cdp.send('ServiceWorker.deliverPushMessage', { origin: h.url, registrationId, data: payload })
    await back.waitForFunction(async () => (await (await (globalThis as unknown as Sw).navigator.serviceWorker.ready).getNotifications()).length > 0)
    const shown = await back.evaluate(async () => (await (await (globalThis as unknown as Sw).navigator.serviceWorker.ready).getNotifications())
      .map((n) => ({ title: n.title, body: n.body, tag: n.tag })))
    expect(shown).toEqual([{ title: 'Trung tâm Phục vụ hành chính công xã Na Sang', tag: `ticket:${mine.code}`,
      body: `Trung tâm Phục vụ hành chính công xã Na Sang: số ${mine.code} còn 3 người phía trước. Mời quay lại phòng chờ.` }])
  })

  it('the lookup page offers it for a dossier, and the manager sees every message sent', async () => {
    const clerk = await h.login('canbo1')
    const procedureId = (await h.handle.db.selectFrom('procedure').select('id').where('code', '=', 'khai-sinh').executeTakeFirstOrThrow()).id
    const d = (await clerk.post('/api/dossiers').send({ procedureId, applicant: { fullName: 'Lò Văn Tra', phone: '0987654321', address: 'Bản Na Sang', idNumber: null },
      documents: [], sets: 1, delivery: 'center' }).expect(201)).body.dossier
    const page = await phonePage()
    await page.goto(`${h.url}/tra-cuu?code=${encodeURIComponent(d.code)}&lookupCode=${d.lookupCode}`)
    await page.waitForSelector('#notify-card #notify-phone')
    await page.fill('#notify-phone', '0987 654 321')
    await page.check('#notify-consent')
    await page.click('#notify-phone-submit')
    await page.waitForSelector('#notify-phone-on')
    // the page reads the dossier again: the number just signed up shows, masked, with its stop
    await page.waitForSelector('#messages-stop .messages-to')
    expect(await page.textContent('#messages-stop .messages-to')).toBe('Tin nhắn SMS về hồ sơ này được gửi tới 0987•••321.')
    await shot(page, 'notify-lookup-on.png')
    await clerk.post(`/api/dossiers/${d.id}/status`).send({ status: 'processing' }).expect(200)
    await clerk.post(`/api/dossiers/${d.id}/status`).send({ status: 'ready' }).expect(200)
    const deadline = Date.now() + 8000
    while (!texts().some((x) => x.text.includes(d.code)) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50))
    expect(texts().find((x) => x.text.includes(d.code))).toMatchObject({ to: '84987654321' })

    const { page: manager } = await newPage(browser, { width: 1366, height: 768 })
    manager.context().setDefaultTimeout(8000)
    await manager.goto(`${h.url}/staff?center=na-sang`)
    await manager.fill('#username', 'quanly')
    await manager.fill('#password', TEST_PASSWORD)
    await manager.click('#login-submit')
    await manager.waitForSelector('#floor')
    await manager.click('#tab-settings')
    await manager.click('#set-notifications')
    await manager.waitForSelector('#nt-table')
    const rows = await manager.$$eval('#nt-table tbody tr', (trs) => trs.map((tr) => [...tr.querySelectorAll('td')].slice(1, 6).map((td) => td.textContent)))
    expect(rows).toEqual(expect.arrayContaining([
      ['SMS', 'Có kết quả sớm', d.code, '0987•••321', 'Đã gửi'],
      ['Thông báo đẩy', 'Còn 3 người', expect.stringMatching(/^[A-Z]{2}\d{3}$/), host, 'Đã gửi'],
    ]))
    expect(await manager.textContent('#nt-channels')).toContain('SMS (http)')
    await shot(manager, 'notify-manager-panel.png')
  })

  it('the manager is offered "Gửi lại" for a gateway\'s failure, and for a message the citizen stopped reads why instead', async () => {
    const clerk = await h.login('canbo1')
    const procedureId = (await h.handle.db.selectFrom('procedure').select('id').where('code', '=', 'khai-sinh').executeTakeFirstOrThrow()).id
    const d = (await clerk.post('/api/dossiers').send({ procedureId, applicant: { fullName: 'Lò Thị Ngừng', phone: '0966 123 456', address: 'Bản Na Sang', idNumber: null },
      documents: [], sets: 1, delivery: 'center', notify: { consent: true, channel: 'sms' } }).expect(201)).body.dossier
    // the result is ready while the outbox is held; the citizen stops the messages before it is sent: dropped (STOPPED)
    await h.app.outbox.stop()
    try {
      await clerk.post(`/api/dossiers/${d.id}/status`).send({ status: 'processing' }).expect(200)
      await clerk.post(`/api/dossiers/${d.id}/status`).send({ status: 'ready' }).expect(200)
      await h.http.post(`/api/public/dossiers/${d.code}/notify/stop`).send({ lookupCode: d.lookupCode }).expect(200)
    } finally { h.app.outbox.start() }
    // a ticket's "called" to a number the gateway refuses: failed after its last attempt, its ticket still called
    const line: Line = await openLine(h)
    const t = await issued(h, line.serviceId)
    await h.http.post(`/api/tickets/${t.id}/notify`).send({ key: t.secret, phone: '0977 000 111', consent: true }).expect(201)
    refused.add('84977000111')
    await line.clerk.post(`/api/counters/${line.counterId}/call-next`).send({}).expect(200)
    const deliveryOf = (stream: string) => h.handle.db.selectFrom('outbox_delivery').select(['id', 'status', 'last_error'])
      .where('stream', '=', stream).where('notify_id', 'is not', null).executeTakeFirstOrThrow()
    const deadline = Date.now() + 15_000
    while ((await deliveryOf(`ticket:${t.id}`)).status !== 'failed' && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50))
    const failed = await deliveryOf(`ticket:${t.id}`)
    const stopped = await deliveryOf(`dossier:${d.id}`)
    expect([failed.status, stopped]).toEqual(['failed', { id: stopped.id, status: 'failed', last_error: 'STOPPED' }])

    const { page: manager } = await newPage(browser, { width: 1366, height: 768 })
    manager.context().setDefaultTimeout(8000)
    await manager.goto(`${h.url}/staff?center=na-sang`)
    await manager.fill('#username', 'quanly')
    await manager.fill('#password', TEST_PASSWORD)
    await manager.click('#login-submit')
    await manager.waitForSelector('#floor')
    await manager.click('#tab-settings')
    await manager.click('#set-notifications')
    await manager.waitForSelector('#nt-table')
    const row = (id: string) => manager.locator(`#nt-table tr[data-notification="${id}"]`)
    // the stopped one: why, in words (its code kept in the tooltip), and nothing to press
    expect(await row(String(stopped.id)).locator('td').allTextContents()).toEqual(
      [expect.any(String), 'SMS', 'Có kết quả sớm', d.code, '0966•••456', 'Thất bại', '0', 'Công dân đã ngừng nhận tin', ''])
    expect(await row(String(stopped.id)).locator('.wh-error').getAttribute('title')).toBe('STOPPED')
    expect(await row(String(stopped.id)).locator('button').count()).toBe(0)
    // the gateway's failure: its error as the gateway gave it, and "Gửi lại"
    expect(await row(String(failed.id)).locator('.wh-error').textContent()).toBe(failed.last_error)
    expect(await manager.textContent(`#nt-replay-${failed.id}`)).toBe('Gửi lại')
    await row(String(stopped.id)).scrollIntoViewIfNeeded()
    await shot(manager, 'notify-manager-stopped.png')
    // the ticket is served: its sign-up ends, so the failure is not sent again either, and the row says so
    await line.clerk.post(`/api/tickets/${t.id}/start`).send({}).expect(200)
    await line.clerk.post(`/api/tickets/${t.id}/complete`).send({}).expect(200)
    await manager.click('#nt-refresh')
    await row(String(failed.id)).locator('.nt-ended').waitFor()
    expect(await row(String(failed.id)).locator('.nt-action').textContent()).toBe('Đăng ký nhận tin đã kết thúc')
    expect(await row(String(failed.id)).locator('button').count()).toBe(0)
    await shot(manager, 'notify-manager-ended.png')
    expect(pageErrors(manager)).toEqual([])
    refused.delete('84977000111')
  })

  it('at the counter, the clerk ticks the citizen\'s consent next to the phone: the dossier\'s messages go to it, and the console says so', async () => {
    const ticket = await issued(h, h.demo.services.A!)
    const { ctx, page: clerk } = await newPage(browser, { width: 1366, height: 768 })
    clerk.context().setDefaultTimeout(8000)
    await signInAtCounter(clerk, h.url, 'canbo1', TEST_PASSWORD, 1)
    await clerk.waitForSelector(`#queue .qrow[data-ticket="${ticket.code}"]`)
    await clerk.keyboard.press('F1')
    await clerk.waitForSelector('#current[data-status="called"] #intake-open')
    await clerk.keyboard.press('F2')
    await clerk.waitForSelector('#intake-dialog .proc-option[data-procedure="khai-sinh"]')
    await clerk.fill('#proc-filter', 'khai sinh')
    await clerk.keyboard.press('Enter')
    await clerk.keyboard.press('Space')
    await clerk.fill('#f-fullName', 'Quàng Văn Đồng')
    await clerk.fill('#f-phone', '0988 777 666')
    // the box is there because SMS is on, unticked; one channel on: no choice to make
    await clerk.waitForSelector('#intake-notify-consent', { state: 'visible' })
    expect(await clerk.isChecked('#intake-notify-consent')).toBe(false)
    expect(await clerk.isVisible('#intake-notify-channel')).toBe(false)
    expect(await clerk.textContent('#intake-notify')).toContain('Công dân đồng ý nhận tin nhắn về hồ sơ này qua số điện thoại này')
    await clerk.check('#intake-notify-consent')
    await clerk.fill('#f-address', 'Bản Co Muông, xã Na Sang')
    await shot(clerk, 'notify-counter-consent.png')
    const [slip] = await Promise.all([ctx.waitForEvent('page'), clerk.click('#intake-submit')])
    // the receipt slip (both copies) says which number consented and how to stop (Decree 13/2023): the staff, or the lookup page
    await slip.waitForSelector('body[data-ready]')
    expect(await slip.locator('.sheet.receipt .notify-consent').allTextContents()).toEqual(Array(2).fill(
      'Đồng ý nhận tin nhắn SMS về hồ sơ tới 0988•••666; để ngừng nhận, báo cán bộ hoặc vào trang tra cứu hồ sơ.'))
    await slip.locator('.sheet.receipt').first().screenshot({ path: `${SCREENSHOTS}/notify-counter-slip.png` })
    await slip.close()
    await clerk.waitForSelector('.just-received .intake-notify-on')
    expect(await clerk.textContent('.just-received .intake-notify-on')).toBe('Sẽ nhắn tin SMS về hồ sơ tới 0988•••666.')
    await shot(clerk, 'notify-counter-received.png')
    const d = await h.handle.db.selectFrom('dossier').innerJoin('notify_subscription', 'notify_subscription.dossier_id', 'dossier.id')
      .select(['dossier.id', 'dossier.code', 'notify_subscription.phone', 'notify_subscription.consent_source']).where('dossier.ticket_id', '=', ticket.id).executeTakeFirstOrThrow()
    expect(d).toMatchObject({ phone: '0988777666', consent_source: 'counter' })
    const api = await h.login('canbo1')
    await api.post(`/api/dossiers/${d.id}/status`).send({ status: 'processing' }).expect(200)
    await api.post(`/api/dossiers/${d.id}/status`).send({ status: 'ready' }).expect(200)
    const deadline = Date.now() + 8000
    while (!texts().some((x) => x.text.includes(d.code)) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50))
    expect(texts().find((x) => x.text.includes(d.code))).toMatchObject({ to: '84988777666' })

    // the citizen asks to stop the messages (the slip says to ask the staff): the clerk stops them, after a question
    await clerk.click('#tab-dossiers')
    await clerk.click(`.ds-row[data-code="${d.code}"] button`)
    await clerk.waitForSelector('#ds-messages')
    expect(await clerk.textContent('#ds-messages')).toContain('Đang nhắn tin cho công dân: 1 đăng ký.')
    await clerk.click('#ds-notify-stop')
    expect(await clerk.textContent('#ds-notify-ask')).toContain('Công dân yêu cầu ngừng nhận tin nhắn về hồ sơ này?')
    await shot(clerk, 'notify-counter-stop-ask.png')
    await clerk.click('#ds-notify-stop')
    await clerk.waitForSelector('#ds-notice')
    expect(await clerk.textContent('#ds-notice')).toBe(`Đã ngừng nhắn tin về hồ sơ ${d.code}.`)
    expect(await clerk.locator('#ds-messages').count()).toBe(0)
    expect(await clerk.locator('#ds-history li').first().textContent()).toContain('Ngừng nhắn tin theo yêu cầu của công dân')
    await shot(clerk, 'notify-counter-stopped.png')
    expect((await h.handle.db.selectFrom('notify_subscription').select('active').where('dossier_id', '=', d.id).executeTakeFirstOrThrow()).active).toBe(false)
    expect(pageErrors(clerk)).toEqual([])
  })

  it('the citizen stops the SMS about their dossier on the lookup page, and about their booking on its own link, after a question (Decree 13/2023)', async () => {
    const clerk = await h.login('canbo1')
    const procedureId = (await h.handle.db.selectFrom('procedure').select('id').where('code', '=', 'khai-sinh').executeTakeFirstOrThrow()).id
    const d = (await clerk.post('/api/dossiers').send({ procedureId, applicant: { fullName: 'Lò Văn Dừng', phone: '0912 345 678', address: 'Bản Na Sang', idNumber: null },
      documents: [], sets: 1, delivery: 'center', notify: { consent: true, channel: 'sms' } }).expect(201)).body.dossier
    const { page } = await newPage(browser, VIEWPORTS.phone)
    page.context().setDefaultTimeout(8000)
    await page.goto(`${h.url}/tra-cuu?code=${encodeURIComponent(d.code)}&lookupCode=${d.lookupCode}`)
    await page.waitForSelector('#messages-stop .messages-to')
    expect(await page.textContent('#messages-stop .messages-to')).toBe('Tin nhắn SMS về hồ sơ này được gửi tới 0912•••678.')
    expect(await page.evaluate(() => (globalThis as unknown as { document: { body: { innerText: string } } }).document.body.innerText)).not.toMatch(/0912 ?345 ?678/)
    await page.locator('#messages-stop').scrollIntoViewIfNeeded()
    await shot(page, 'notify-lookup-stop-offer.png')
    await page.click('#messages-stop-button')
    expect(await page.textContent('#messages-stop-ask')).toBe('Ngừng nhận tin nhắn về hồ sơ này? Trung tâm sẽ không nhắn tin về hồ sơ tới số điện thoại trên nữa.')
    await shot(page, 'notify-lookup-stop-ask.png')
    await page.click('#messages-stop-confirm')
    await page.waitForSelector('#messages-stopped')
    expect(await page.textContent('#messages-stopped')).toBe('Đã ngừng nhận tin nhắn về hồ sơ này.')
    expect(await page.locator('#messages-stop .messages-to').count()).toBe(0)
    await page.waitForSelector('#notify-card #notify-phone') // "notify me" is offered afresh
    await shot(page, 'notify-lookup-stopped.png')
    expect((await h.handle.db.selectFrom('notify_subscription').select('active').where('dossier_id', '=', d.id).executeTakeFirstOrThrow()).active).toBe(false)
    expect((await clerk.get(`/api/dossiers/${d.id}`).expect(200)).body.dossier.history.at(-1)).toMatchObject({ type: 'notify_stopped', staffName: null, byCitizen: true })
    // nothing is texted after: the result is ready, the outbox runs
    await clerk.post(`/api/dossiers/${d.id}/status`).send({ status: 'processing' }).expect(200)
    await clerk.post(`/api/dossiers/${d.id}/status`).send({ status: 'ready' }).expect(200)
    await h.app.outbox.runOnce()
    expect(texts().filter((x) => x.text.includes(d.code))).toEqual([])
    expect(pageErrors(page)).toEqual([])

    // a booking with a phone: its own link says where its SMS goes and stops it; "no" keeps it
    const manager = await h.login('quanly')
    const serviceA = h.demo.services.A!
    await manager.put(`/api/centers/na-sang/appointment-rules/${serviceA}`).send({ rules: [1, 2, 3, 4, 5].map((weekday) => ({ weekday, slotMinutes: 30, capacity: 3 })) }).expect(200)
    const a = (await h.http.post('/api/centers/na-sang/appointments').send({ serviceId: serviceA, day: '2026-11-23', time: '10:30', phone: '0912 000 777', consent: true })
      .expect(201)).body.appointment
    const { page: own } = await newPage(browser, VIEWPORTS.phone)
    own.context().setDefaultTimeout(8000)
    await own.goto(`${h.url}${a.ownPath.replace('#', '?center=na-sang#')}`)
    await own.waitForSelector('#messages-stop .messages-to')
    expect(await own.textContent('#messages-stop .messages-to')).toBe('Tin nhắn SMS về lịch hẹn này được gửi tới 0912•••777.')
    await own.click('#messages-stop-button')
    expect(await own.textContent('#messages-stop-ask')).toContain('Ngừng nhận tin nhắn về lịch hẹn này?')
    await own.click('#messages-stop-keep')
    expect(await own.locator('#messages-stop-ask').count()).toBe(0)
    await own.click('#messages-stop-button')
    await shot(own, 'notify-booking-stop-ask.png')
    await own.click('#messages-stop-confirm')
    await own.waitForSelector('#messages-stopped')
    expect(await own.textContent('#messages-stopped')).toBe('Đã ngừng nhận tin nhắn về lịch hẹn này. Lịch hẹn vẫn giữ nguyên.')
    expect(await own.getAttribute('#appointment', 'data-status')).toBe('booked')
    expect(await own.isVisible('#appt-cancel')).toBe(true)
    expect(await own.evaluate(() => (globalThis as unknown as { document: { documentElement: { scrollWidth: number } } }).document.documentElement.scrollWidth)).toBeLessThanOrEqual(360)
    await shot(own, 'notify-booking-stopped.png')
    // the QR's link (no secret) never shows where messages go
    await own.goto(`${h.url}/dat-lich/${a.id}?center=na-sang`)
    await own.waitForSelector('#appt-code')
    expect(await own.locator('#messages-stop').count()).toBe(0)
    // at the kiosk, its ticket is told nothing
    h.clock.set('2026-11-23T10:25:00+07:00')
    const ticket = (await h.http.post('/api/centers/na-sang/appointments/check-in').send({ code: a.code }).expect(201)).body.ticket
    expect(await h.handle.db.selectFrom('notify_subscription').select('id').where('ticket_id', '=', ticket.id).execute()).toEqual([])
    expect(pageErrors(own)).toEqual([])
  })

  it('the online filing takes the phone for messages only with its consent box ticked', async () => {
    const page = await phonePage()
    const file = async (tick: boolean) => {
      await page.goto(`${h.url}/nop-ho-so?center=na-sang`)
      await page.fill('#filing-search', 'ket hon')
      await page.click('.pick[data-procedure="ket-hon"]')
      await page.fill('#filing-fullName', 'Lò Thị Mai')
      await page.fill('#filing-phone', '0977 111 222')
      await page.fill('#filing-address', 'Bản Huổi Sáy, xã Na Sang')
      await page.waitForSelector('#filing-notify-consent', { state: 'visible' })
      expect(await page.isChecked('#filing-notify-consent')).toBe(false)
      if (tick) { await page.check('#filing-notify-consent'); await shot(page, 'notify-filing-consent.png') }
      await page.click('#filing-submit')
      await page.waitForSelector('#filed-code')
      return (await page.textContent('#filed-code'))!.trim()
    }
    const subscribed = async (code: string) => h.handle.db.selectFrom('notify_subscription').innerJoin('dossier', 'dossier.id', 'notify_subscription.dossier_id')
      .select(['notify_subscription.phone', 'notify_subscription.consent_source']).where('dossier.code', '=', code).execute()
    const without = await file(false)
    const withConsent = await file(true)
    const deadline = Date.now() + 8000
    while ((await subscribed(withConsent)).length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50))
    expect(await subscribed(withConsent)).toEqual([{ phone: '0977111222', consent_source: 'filing' }])
    expect(await subscribed(without)).toEqual([])
  })
})
