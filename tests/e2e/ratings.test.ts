import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, expect, it } from '@jest/globals'
import Papa from 'papaparse'
import type { Browser, Page } from 'playwright-core'
import { startHarness, TEST_PASSWORD, type Harness } from '../helpers/harness.js'
import { describeBrowser, ensurePagesBuilt, launch, newPage, pageErrors, SCREENSHOTS, shot, VIEWPORTS } from './browser.js'

const TABLET = { width: 1024, height: 768 }
const DESKTOP = { width: 1440, height: 1000 }

describeBrowser('ratings and reports in Chromium', () => {
  let h: Harness
  let browser: Browser
  let clerk: Awaited<ReturnType<Harness['login']>>
  const counter = () => h.demo.counters[1]!

  beforeAll(async () => {
    ensurePagesBuilt()
    ;[h, browser] = await Promise.all([startHarness('pglite'), launch()])
    clerk = await h.login('canbo1')
    await clerk.post(`/api/counters/${counter()}/open`).send({}).expect(200)
  }, 60_000)
  afterAll(async () => {
    await browser?.close()
    await h?.close()
  })

  /** A ticket of Hộ tịch served to the end at counter 1; returns its id and code. */
  async function serve(minutes = 4) {
    const t = (await h.http.post('/api/centers/na-sang/tickets').send({ serviceId: h.demo.services.A }).expect(201)).body.ticket
    h.clock.advance(60_000)
    expect((await clerk.post(`/api/counters/${counter()}/call-next`).send({}).expect(200)).body.ticket.id).toBe(t.id)
    await clerk.post(`/api/tickets/${t.id}/start`).send({}).expect(200)
    h.clock.advance(minutes * 60_000)
    return { id: t.id as string, code: t.code as string, phonePath: t.phonePath as string, secret: t.secret as string,
      complete: () => clerk.post(`/api/tickets/${t.id}/complete`).send({}).expect(200) }
  }

  it('a citizen rates on the phone: from the ticket page, a low face, reasons and a comment, then thanks', async () => {
    const { page } = await newPage(browser, VIEWPORTS.phone)
    page.context().setDefaultTimeout(8000)
    const t = await serve()
    await t.complete()
    await page.goto(`${h.url}${t.phonePath}`) // the QR printed on the ticket
    await page.click('#rate')
    await page.waitForURL((u) => u.pathname === `/danh-gia/${t.id}` && u.hash === `#k=${t.secret}`)
    await page.waitForSelector('#rating[data-scale="5"]')
    expect(await page.textContent('#rating-ticket')).toBe(`Số ${t.code} · Hộ tịch · Quầy số 1`)
    expect(await page.$$eval('.face .face-word', (els) => els.map((e) => e.textContent))).toEqual(
      ['Rất hài lòng', 'Hài lòng', 'Bình thường', 'Không hài lòng', 'Rất không hài lòng'])
    await shot(page, 'rating-phone-faces-360.png')
    await page.click('.face[data-level="2"]')
    await page.waitForSelector('#rating-details')
    await page.check('input[name="reason"][value="wait_time"]')
    await page.check('input[name="reason"][value="unclear_guidance"]')
    await page.fill('#rating-comment', 'Chờ lâu quá, cán bộ hướng dẫn chưa rõ giấy tờ cần mang.')
    await shot(page, 'rating-phone-low-360.png')
    await page.click('#rating-send')
    await page.waitForSelector('#rating-thanks')
    expect(await page.textContent('#rating-thanks h1')).toBe('Cảm ơn bạn đã đánh giá!')
    await shot(page, 'rating-phone-thanks-360.png')
    const row = await h.handle.db.selectFrom('rating').selectAll().where('ticket_id', '=', t.id).executeTakeFirstOrThrow()
    expect(row).toMatchObject({ score: 2, level: 2, channel: 'phone', reasons: ['wait_time', 'unclear_guidance'],
      comment: 'Chờ lâu quá, cán bộ hướng dẫn chưa rõ giấy tờ cần mang.', staff_id: h.demo.staff.canbo1, counter_id: counter() })
    // coming back says it was rated
    await page.reload()
    await page.waitForSelector('#rating-closed[data-reason="rated"]')
    expect(await page.textContent('#rating-closed .status')).toBe('Số này đã được đánh giá: Không hài lòng. Cảm ơn bạn!')

    // on the 3-level scale the manager may choose: three faces
    const manager = await h.login('quanly')
    await manager.patch('/api/centers/na-sang/settings/rating').send({ scale: 3 }).expect(200)
    const three = await serve()
    await three.complete()
    await page.goto(`${h.url}/danh-gia/${three.id}#k=${three.secret}`)
    await page.waitForSelector('#rating[data-scale="3"]')
    expect(await page.$$eval('.face .face-word', (els) => els.map((e) => e.textContent))).toEqual(['Hài lòng', 'Bình thường', 'Không hài lòng'])
    await shot(page, 'rating-phone-3-levels-360.png')
    await manager.patch('/api/centers/na-sang/settings/rating').send({ scale: 5 }).expect(200)
    expect(pageErrors(page)).toEqual([])
    await page.context().close()
  })

  it('the counter tablet, opened from the link the manager copies on the floor view, shows the ticket just completed there, takes a tap, and goes back to idle', async () => {
    // the manager's floor view gives counter 1's tablet link (it carries the counter's key)
    const { page: staff } = await newPage(browser, { width: 1366, height: 768 })
    staff.context().setDefaultTimeout(10_000)
    await staff.goto(`${h.url}/staff?center=na-sang`)
    await staff.fill('#username', 'quanly')
    await staff.fill('#password', TEST_PASSWORD)
    await staff.click('#login-submit')
    await staff.click('#floor-counters button[data-tablet="1"]')
    await staff.waitForSelector('#tablet-link[data-counter="1"]')
    const link = await staff.inputValue('#tablet-link-url')
    expect(link).toMatch(new RegExp(`^${h.url}/danh-gia\\?center=na-sang&counter=1#k=[A-Za-z0-9_-]{32}$`))
    await shot(staff, 'floor-tablet-link-1366.png')
    expect(pageErrors(staff)).toEqual([])
    await staff.context().close()

    // the same page without the key (or with another) says its link is wrong, and rates nothing
    const { page } = await newPage(browser, TABLET)
    page.context().setDefaultTimeout(8000)
    await page.goto(`${h.url}/danh-gia?counter=1&center=na-sang&timeout=3#k=not-the-key-0123456789`)
    await page.waitForSelector('#tablet-error')
    expect(await page.textContent('#tablet-error')).toContain('Liên kết của máy tính bảng này không đúng')

    await page.goto(link.replace('#k=', '&timeout=3#k='))
    await page.reload()
    await page.waitForSelector('#tablet-idle')
    await shot(page, 'rating-tablet-idle.png')

    // completed at counter 1: the tablet offers it at once
    const t = await serve()
    await t.complete()
    await page.waitForSelector('#rating')
    expect(await page.textContent('#rating-ticket')).toBe(`Số ${t.code} · Hộ tịch · Quầy số 1`)
    await shot(page, 'rating-tablet-faces.png')
    await page.click('.face[data-level="5"]')
    await page.waitForSelector('#rating-thanks')
    await shot(page, 'rating-tablet-thanks.png')
    expect(await h.handle.db.selectFrom('rating').select(['score', 'channel']).where('ticket_id', '=', t.id).executeTakeFirst()).toEqual({ score: 5, channel: 'counter' })
    await page.waitForSelector('#tablet-idle', { timeout: 6000 })

    // a ticket finished at another counter is not shown here; one nobody rates goes away by itself
    const other = await h.login('canbo2')
    await other.post(`/api/counters/${h.demo.counters[2]}/open`).send({}).expect(200)
    const b = (await h.http.post('/api/centers/na-sang/tickets').send({ serviceId: h.demo.services.B }).expect(201)).body.ticket
    await other.post(`/api/counters/${h.demo.counters[2]}/call-next`).send({}).expect(200)
    await other.post(`/api/tickets/${b.id}/start`).send({}).expect(200)
    await other.post(`/api/tickets/${b.id}/complete`).send({}).expect(200)
    const u = await serve()
    await u.complete()
    await page.waitForSelector('#rating')
    expect(await page.textContent('#rating-ticket')).toContain(u.code)
    await page.waitForSelector('#tablet-idle', { timeout: 6000 })
    expect(await h.handle.db.selectFrom('rating').select('id').where('ticket_id', 'in', [u.id, b.id]).execute()).toEqual([])
    expect(pageErrors(page)).toEqual([])
    await page.context().close()
  })

  it('the manager’s report shows the ratings in a chart and a table, downloads CSV that parses, and prints', async () => {
    const { page } = await newPage(browser, DESKTOP)
    page.context().setDefaultTimeout(10_000)
    await page.goto(`${h.url}/staff#reports`)
    await page.fill('#username', 'quanly')
    await page.fill('#password', TEST_PASSWORD)
    await page.click('#login-submit')
    await page.waitForSelector('#rep-table')
    // the two ratings above: canbo1 got level 2 and level 5 → 1 satisfied of 2
    expect(await page.textContent('#kpi-satisfied strong')).toBe('50 % (2)')
    const row = page.locator('#chart-satisfaction-table tbody tr', { hasText: 'Quàng Thị Hoa' })
    expect(await row.locator('td[data-col="ratings"]').textContent()).toBe('2')
    expect(await row.locator('td[data-col="l5"]').textContent()).toBe('1')
    expect(await row.locator('td[data-col="l2"]').textContent()).toBe('1')
    // chart.js drew the satisfaction chart (a canvas with pixels, registered with Chart)
    await page.waitForFunction(() => {
      // runs in the page (this project's Node tsconfig has no DOM types)
      const c = (globalThis as any).document.querySelector('#chart-satisfaction-canvas')
      if (!c || !c.width) return false
      const d: Uint8ClampedArray = c.getContext('2d').getImageData(0, 0, c.width, c.height).data
      for (let i = 3; i < d.length; i += 4) if (d[i]! > 0) return true
      return false
    })
    await shot(page, 'reports-manager.png')
    await page.screenshot({ path: join(SCREENSHOTS, 'reports-manager-full.png'), fullPage: true })

    const [download] = await Promise.all([page.waitForEvent('download'), page.click('#chart-satisfaction-csv')])
    const bytes = readFileSync((await download.path())!)
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf])
    expect(download.suggestedFilename()).toMatch(/^bao-cao-na-sang-\d{4}-\d{2}-\d{2}-\d{4}-\d{2}-\d{2}-staff\.csv$/)
    const parsed = Papa.parse<string[]>(bytes.toString('utf8').slice(1), { delimiter: ';', skipEmptyLines: true })
    expect(parsed.errors).toEqual([])
    const head = parsed.data[0]!
    const hoa = parsed.data.find((r) => r[0] === 'Quàng Thị Hoa')!
    expect([hoa[head.indexOf('Lượt đánh giá')], hoa[head.indexOf('Rất hài lòng')], hoa[head.indexOf('Không hài lòng')], hoa[head.indexOf('Tỷ lệ hài lòng (%)')]])
      .toEqual(['2', '1', '1', '50,0'])

    // another grouping redraws the table
    await page.selectOption('#rep-group', 'service')
    await page.click('#rep-show')
    await page.waitForSelector('#rep-table tbody tr[data-key]')
    expect(await page.locator('#rep-table thead tr:last-child th').first().textContent()).toBe('Lĩnh vực')
    await page.emulateMedia({ media: 'print' })
    await shot(page, 'reports-print.png')
    await page.emulateMedia({ media: 'screen' })
    expect(pageErrors(page)).toEqual([])
    await page.context().close()
  })
})
