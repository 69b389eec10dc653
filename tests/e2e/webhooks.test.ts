// The manager's webhooks in Chromium (W6, issue 25): adds one to a local receiver, sees a delivery and a
// failure (the receiver down), replays the failure once the receiver is back.
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, expect, it } from '@jest/globals'
import type { Browser, Page } from 'playwright-core'
import { startHarness, type Harness, TEST_PASSWORD } from '../helpers/harness.js'
import { issued } from '../queue-fixtures.js'
import { WEBHOOK_EVENTS } from '../../common/webhook-schemas.js'
import { describeBrowser, ensurePagesBuilt, launch, newPage, pageErrors, shot } from './browser.js'

const OFFICE_PC = { width: 1366, height: 768 }

describeBrowser('webhooks in Chromium', () => {
  let h: Harness
  let browser: Browser
  let manager: Page
  let down = false
  const got: { id: string; type: string }[] = []
  const receiver = createServer((req, res) => {
    let raw = ''
    req.on('data', (c: Buffer) => { raw += c.toString() })
    req.on('end', () => {
      if (down) { res.writeHead(503).end(); return }
      got.push(JSON.parse(raw) as { id: string; type: string })
      res.writeHead(204).end()
    })
  })

  beforeAll(async () => {
    ensurePagesBuilt()
    await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r))
    ;[h, browser] = await Promise.all([
      startHarness('pglite', { outbox: { pollMs: 50, backoffBaseMs: 50, backoffMaxMs: 100, maxAttempts: 2 } }), launch()])
    h.app.outbox.start()
    ;({ page: manager } = await newPage(browser, OFFICE_PC))
    manager.context().setDefaultTimeout(8000)
    await manager.goto(`${h.url}/staff?center=na-sang`)
    await manager.fill('#username', 'quanly')
    await manager.fill('#password', TEST_PASSWORD)
    await manager.click('#login-submit')
    await manager.waitForSelector('#floor')
  }, 60_000)

  afterAll(async () => {
    await browser?.close()
    await h?.close()
    receiver.closeAllConnections()
    await new Promise((r) => receiver.close(r))
  })

  it('a manager adds a webhook, sees a delivery and a failure, and replays the failure', async () => {
    await manager.click('#tab-settings')
    await manager.click('#set-webhooks')
    await manager.waitForSelector('#wh-none')
    // http:// to another host is refused for a manager
    await manager.fill('#wh-url', 'http://example.org/hook')
    await manager.click('#wh-add')
    await manager.waitForSelector('#wh-new .notice.error')
    expect(await manager.textContent('#wh-new .notice.error')).toContain('https://')
    const url = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`
    await manager.fill('#wh-url', url)
    expect(await manager.inputValue('#wh-url')).toBe(url)
    await manager.click('#wh-add')
    // a receiver on this host is a private address (SSRF rule): refused to a manager, with the rule
    await manager.waitForFunction(() => (globalThis as unknown as { document: { querySelector(s: string): { textContent: string } | null } })
      .document.querySelector('#wh-new .notice.error')?.textContent.includes('mạng nội bộ') ?? false)
    await shot(manager, 'webhooks-private-refused.png')
    // an admin allows it for this one webhook; the manager's panel then lists it
    await (await h.login('quantri')).post('/api/centers/na-sang/webhooks').send({ url, events: [...WEBHOOK_EVENTS], allowPrivate: true }).expect(201)
    await manager.reload()
    await manager.click('#tab-settings')
    await manager.click('#set-webhooks')
    await manager.waitForSelector('.wh-card')
    await shot(manager, 'webhooks-added.png')

    const first = await issued(h, h.demo.services.A!)
    await until(() => got.some((e) => e.type === 'ticket.issued'))
    down = true
    const second = await issued(h, h.demo.services.A!)
    const hook = (await h.handle.db.selectFrom('webhook_subscription').select('id').executeTakeFirstOrThrow()).id
    await until(async () => (await h.handle.db.selectFrom('outbox_delivery').select('id').where('status', '=', 'failed').execute()).length === 1)
    expect(first.id).not.toBe(second.id)

    await manager.click(`#wh-deliveries-${hook}`)
    await manager.waitForSelector('#wh-table tr.wh-failed')
    await manager.waitForSelector('#wh-table tr.wh-delivered')
    expect(await manager.textContent('#wh-table tr.wh-failed .wh-status')).toBe('Thất bại')
    expect(await manager.textContent('#wh-table tr.wh-failed .wh-error')).toBe('HTTP 503')
    await shot(manager, 'webhooks-failure.png')

    down = false
    const failedId = (await manager.getAttribute('#wh-table tr.wh-failed', 'data-delivery'))!
    await manager.click(`#wh-replay-${failedId}`)
    await manager.waitForSelector('.settings-panel .notice.ok')
    await until(() => got.filter((e) => e.type === 'ticket.issued').length === 2)
    await manager.click('#wh-refresh')
    await manager.waitForSelector(`#wh-table tr.wh-delivered[data-delivery="${failedId}"]`)
    expect(await manager.$$('#wh-table tr.wh-failed')).toHaveLength(0)
    await shot(manager, 'webhooks-replayed.png')
    expect(pageErrors(manager)).toEqual([])
  }, 60_000)
})

async function until(cond: () => boolean | Promise<boolean>, ms = 8_000) {
  const end = Date.now() + ms
  while (!(await cond())) {
    if (Date.now() > end) throw new Error('condition not met in time')
    await new Promise((r) => setTimeout(r, 25))
  }
}
