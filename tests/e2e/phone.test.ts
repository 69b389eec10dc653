import { afterAll, beforeAll, expect, it } from '@jest/globals'
import type { Browser, Page } from 'playwright-core'
import { startHarness, type Harness } from '../helpers/harness.js'
import { describeBrowser, ensurePagesBuilt, launch, newPage, pageErrors, shot, VIEWPORTS } from './browser.js'

describeBrowser('phone ticket page /t/:id#k=<secret> in Chromium (360×740)', () => {
  let h: Harness
  let browser: Browser
  let phone: Page
  let clerk: Awaited<ReturnType<Harness['login']>>
  const counter = () => h.demo.counters[1]!

  beforeAll(async () => {
    ensurePagesBuilt()
    ;[h, browser] = await Promise.all([startHarness('pglite'), launch()])
    ;({ page: phone } = await newPage(browser, VIEWPORTS.phone))
    phone.context().setDefaultTimeout(8000)
    clerk = await h.login('canbo1')
    await clerk.post(`/api/counters/${counter()}/open`).send({}).expect(200)
  }, 60_000)

  afterAll(async () => {
    await browser?.close()
    await h?.close()
  })

  it('shows the position live, then the full-screen call, then the rating link', async () => {
    const issue = () => h.http.post('/api/centers/na-sang/tickets').send({ serviceId: h.demo.services.A }).expect(201)
    const first = (await issue()).body.ticket
    const mine = (await issue()).body.ticket
    expect(mine.code).toBe('A002')

    // the QR's link: the ticket's id and, in the fragment, its secret
    expect(mine.phonePath).toBe(`/t/${mine.id}#k=${mine.secret}`)
    await phone.goto(`${h.url}${mine.phonePath}`)
    await phone.waitForSelector('#position[data-position="2"]')
    expect(await phone.textContent('#code')).toBe('A002')
    expect(await phone.textContent('#position')).toBe('Vị trí trong hàng chờ: thứ 2')
    await phone.click('#notify') // the touch that lets the page ring and vibrate later
    await shot(phone, 'phone-waiting-360.png')

    // the ticket ahead is called: our position moves up without a reload
    await clerk.post(`/api/counters/${counter()}/call-next`).send({}).expect(200)
    await phone.waitForSelector('#position[data-position="1"]', { timeout: 5000 })
    await clerk.post(`/api/tickets/${first.id}/start`).send({}).expect(200)
    await clerk.post(`/api/tickets/${first.id}/complete`).send({}).expect(200)

    // our turn: the full-screen call
    h.clock.advance(5 * 60_000)
    const called = await clerk.post(`/api/counters/${counter()}/call-next`).send({}).expect(200)
    expect(called.body.ticket.id).toBe(mine.id)
    await phone.waitForSelector('#called', { state: 'visible', timeout: 3000 })
    expect((await phone.textContent('#called-title'))!.replace(/\s+/g, ' ').trim()).toBe('Mời bạn đến quầy số 1')
    await shot(phone, 'phone-called-360.png')
    await phone.click('#called-ok')
    await phone.waitForSelector('#called', { state: 'hidden' })
    expect(await phone.getAttribute('#ticket', 'data-status')).toBe('called')

    // a recall shows it again
    h.clock.advance(60_000)
    await clerk.post(`/api/tickets/${mine.id}/recall`).send({}).expect(200)
    await phone.waitForSelector('#called', { state: 'visible', timeout: 3000 })
    await phone.click('#called-ok')

    await clerk.post(`/api/tickets/${mine.id}/start`).send({}).expect(200)
    await phone.waitForSelector('#ticket[data-status="serving"]')
    await clerk.post(`/api/tickets/${mine.id}/complete`).send({}).expect(200)
    await phone.waitForSelector('#rate')
    expect(await phone.getAttribute('#rate', 'href')).toBe(`/danh-gia/${mine.id}#k=${mine.secret}`)
    await shot(phone, 'phone-done-360.png')
    expect(pageErrors(phone)).toEqual([])
  })

  it('an unknown ticket, or a known one without its secret, says so, on the ticket and the rating page; a procedure opens from the kiosk QR', async () => {
    await phone.goto(`${h.url}/t/00000000-0000-4000-8000-000000000000`)
    await phone.waitForSelector('#not-found')
    await phone.goto(`${h.url}/danh-gia/00000000-0000-4000-8000-000000000000`)
    await phone.waitForSelector('#not-found')
    // an id read somewhere, without the secret printed on the ticket: the same "not found", nothing shown
    const t = (await h.http.post('/api/centers/na-sang/tickets').send({ serviceId: h.demo.services.B }).expect(201)).body.ticket
    for (const path of [`/t/${t.id}`, `/t/${t.id}#k=wrong-secret-0123456789`, `/danh-gia/${t.id}`]) {
      await phone.goto(`${h.url}${path}`)
      await phone.reload() // a fragment-only change does not reload the page
      await phone.waitForSelector('#not-found')
      expect(await phone.textContent('body')).not.toContain(t.code)
    }
    expect(await phone.textContent('#not-found')).toBe('Không tìm thấy số thứ tự. Vui lòng quét lại mã QR trên phiếu.')
    await phone.goto(`${h.url}/tra-cuu?center=na-sang&thu-tuc=khai-sinh`)
    await phone.waitForSelector('#procedure')
    expect(await phone.textContent('#procedure h1')).toBe('Đăng ký khai sinh')
    await shot(phone, 'phone-procedure-360.png')
  })
})
