import { afterAll, beforeAll, expect, it } from '@jest/globals'
import type { Browser, BrowserContext, Page } from 'playwright-core'
import QRCode from 'qrcode'
import { startHarness, type Harness } from '../helpers/harness.js'
import { holderGet } from '../queue-fixtures.js'
import { describeBrowser, ensurePagesBuilt, launch, newPage, pageErrors, shot, VIEWPORTS } from './browser.js'

/** Browser globals inside page.evaluate/waitForFunction callbacks (the root tsconfig has no DOM lib). */
declare const window: { __prints: number; __spoken: string[]; __sameDocument?: number }
declare const document: { querySelector(s: string): { textContent: string | null } | null; querySelectorAll(s: string): { length: number } }

describeBrowser('kiosk and wall display in Chromium', () => {
  let h: Harness
  let browser: Browser
  let kioskCtx: BrowserContext, displayCtx: BrowserContext
  let kiosk: Page, display: Page
  let clerk: Awaited<ReturnType<Harness['login']>>
  let a001 = ''
  const open = async () => {
    await clerk.post(`/api/counters/${h.demo.counters[1]}/open`).send({}).expect(200)
  }

  beforeAll(async () => {
    ensurePagesBuilt()
    ;[h, browser] = await Promise.all([startHarness('pglite'), launch()])
    ;({ ctx: kioskCtx, page: kiosk } = await newPage(browser, VIEWPORTS.kioskPortrait))
    ;({ ctx: displayCtx, page: display } = await newPage(browser, VIEWPORTS.display, { lockedAudio: true }))
    kioskCtx.setDefaultTimeout(8000)
    displayCtx.setDefaultTimeout(8000)
    clerk = await h.login('canbo1')
    await open()
  }, 60_000)

  afterAll(async () => {
    await browser?.close()
    await h?.close()
  })

  it('a tap on a tile gives A001 with a QR code, printed once; a clerk call shows on the display by itself and is spoken twice', async () => {
    await display.goto(`${h.url}/display?center=na-sang`)
    await display.click('#sound-on') // the one-time "Bật âm thanh" overlay
    await display.waitForSelector('#sound-overlay', { state: 'hidden' })
    await display.waitForSelector('.counter[data-counter="1"]')

    await kiosk.goto(`${h.url}/kiosk?center=na-sang`)
    await kiosk.waitForSelector('.tile[data-service="A"]:not([disabled])')
    await shot(kiosk, 'kiosk-home-portrait.png')
    await kiosk.click('.tile[data-service="A"]')
    await kiosk.waitForSelector('#ticket-code')
    expect(await kiosk.textContent('#ticket-code')).toBe('A001')
    expect(await kiosk.locator('.ticket-qr svg').count()).toBe(1)
    const id = (await kiosk.getAttribute('#ticket', 'data-ticket-id'))!
    a001 = id
    // the QR on the screen and on the slip is the phone page's link with the ticket's secret, and only that opens it
    const { secret } = await h.handle.db.selectFrom('ticket').select('secret').where('id', '=', id).executeTakeFirstOrThrow()
    const qrPaths = async (sel: string) => kiosk.$$eval(`${sel} svg path`, (els) => els.map((e) => e.getAttribute('d')))
    const expected = await QRCode.toString(`${h.url}/t/${id}#k=${secret}`, { type: 'svg', margin: 1, errorCorrectionLevel: 'M', color: { dark: '#000000', light: '#ffffff' } })
    const expectedPaths = [...expected.matchAll(/ d="([^"]+)"/g)].map((m) => m[1])
    expect(expectedPaths.length).toBeGreaterThan(0)
    expect(await qrPaths('.ticket-qr')).toEqual(expectedPaths)
    await kiosk.waitForFunction(() => window.__prints === 1)
    expect(await qrPaths('.p-qr')).toEqual(expectedPaths)
    await h.http.get(`/api/tickets/${id}`).expect(404)
    const stored = await h.http.get(`/api/tickets/${id}?key=${encodeURIComponent(secret)}`).expect(200)
    expect(stored.body.ticket).toMatchObject({ code: 'A001', status: 'waiting', position: 1 })
    await kiosk.waitForFunction(() => window.__prints === 1)
    await kiosk.waitForFunction(() => window.__spoken.some((s) => s.includes('A, không, không, một')))
    await shot(kiosk, 'kiosk-ticket-portrait.png')
    await kiosk.emulateMedia({ media: 'print' })
    await kiosk.setViewportSize({ width: 302, height: 700 }) // 80 mm at 96 dpi
    await shot(kiosk, 'kiosk-print-80mm.png')
    await kiosk.emulateMedia({ media: 'screen' })
    await kiosk.setViewportSize(VIEWPORTS.kioskPortrait)
    expect(await kiosk.evaluate(() => window.__prints)).toBe(1)

    const called = await clerk.post(`/api/counters/${h.demo.counters[1]}/call-next`).send({}).expect(200)
    expect(called.body.ticket.code).toBe('A001')
    // Issue 3 asks for "within 2 s"; speed is measured in bench/ (DEVELOPERS.md), so on a loaded CI
    // machine this waits up to 5 s: the display must show the call by itself, without a reload.
    await display.waitForFunction(() => document.querySelector('#hero-code')?.textContent === 'A001'
      && document.querySelector('#hero-counter')?.textContent === '1', undefined, { timeout: 5000 })
    expect(await display.textContent('.counter[data-counter="1"] .counter-code')).toBe('A001')
    await display.waitForFunction(() => window.__spoken.length >= 2)
    const spoken = await display.evaluate(() => window.__spoken)
    expect(spoken.slice(0, 2)).toEqual([
      'Xin mời công dân có số thứ tự A, không, không, một đến quầy số 1',
      'Xin mời công dân có số thứ tự A, không, không, một đến quầy số 1',
    ])
    await shot(display, 'display-1920x1080.png')
    // back home on "Xong"
    await kiosk.click('#done')
    await kiosk.waitForSelector('.tile[data-service="A"]')
    expect(pageErrors(kiosk)).toEqual([])
    expect(pageErrors(display)).toEqual([])
  })

  it('kiosk tiles update live when another ticket is issued', async () => {
    const waiting = () => kiosk.getAttribute('.tile[data-service="B"] .tile-waiting', 'data-waiting')
    expect(await waiting()).toBe('0')
    await h.http.post('/api/centers/na-sang/tickets').send({ serviceId: h.demo.services.B }).expect(201)
    await kiosk.waitForSelector('.tile[data-service="B"] .tile-waiting[data-waiting="1"]', { timeout: 3000 })
    expect(await kiosk.textContent('.tile[data-service="B"] .tile-waiting')).toBe('1 người đang chờ')
  })

  it('display: two calls in quick succession are both shown and announced, in order', async () => {
    const clerk2 = await h.login('canbo2')
    await clerk2.post(`/api/counters/${h.demo.counters[2]}/open`).send({}).expect(200)
    await h.http.post('/api/centers/na-sang/tickets').send({ serviceId: h.demo.services.A }).expect(201) // A002
    await clerk.post(`/api/tickets/${a001}/start`).send({}).expect(200)
    await clerk.post(`/api/tickets/${a001}/complete`).send({}).expect(200)
    h.clock.advance(60_000)
    const before = await display.evaluate(() => window.__spoken.length)
    const [a, b] = await Promise.all([
      clerk.post(`/api/counters/${h.demo.counters[1]}/call-next`).send({}),
      clerk2.post(`/api/counters/${h.demo.counters[2]}/call-next`).send({}),
    ])
    const codes = [a.body.ticket.code, b.body.ticket.code].sort()
    expect(codes).toEqual(['A002', 'B001'])
    await display.waitForFunction((n) => window.__spoken.length >= n + 3, before, { timeout: 15_000 })
    const spoken = (await display.evaluate(() => window.__spoken)).slice(before)
    // one after the other, never interleaved (issue 23): the first once, since a call waits behind it; the last twice
    expect(spoken[0]).not.toBe(spoken[1])
    expect(spoken[1]).toBe(spoken[2])
    expect(spoken.slice(0, 2).map((s) => s.match(/quầy số (\d)$/)?.[1]).sort()).toEqual(['1', '2'])
    const recent = await display.$$eval('#calls li', (els) => els.map((e) => e.getAttribute('data-code')))
    expect(recent.slice(0, 3).sort()).toEqual(['A001', 'A002', 'B001'])
    expect(recent[2]).toBe('A001')
    await shot(display, 'display-two-calls.png')

    // a second screen for counter 2 only (?counters=2)
    const room2 = await displayCtx.newPage()
    await room2.goto(`${h.url}/display?center=na-sang&counters=2`)
    await room2.waitForSelector('.counter[data-counter="2"]')
    expect(await room2.$$eval('.counter', (els) => els.map((e) => e.getAttribute('data-counter')))).toEqual(['2'])
    expect(await room2.$$eval('#calls li', (els) => els.map((e) => e.getAttribute('data-code')))).toEqual(['B001'])
    await room2.close()
  })

  it('a lost answer is retried with the same requestId: one tap, one ticket', async () => {
    const bodies: { requestId: string }[] = []
    await kiosk.route('**/api/centers/na-sang/tickets', async (route) => {
      bodies.push(route.request().postDataJSON())
      if (bodies.length === 1) {
        await route.fetch() // the server issues the ticket…
        await route.abort('connectionreset') // …but the kiosk never hears back
      } else {
        await route.continue()
      }
    })
    try {
      await kiosk.click('.tile[data-service="E"]')
      await kiosk.waitForSelector('#ticket-code')
      expect(await kiosk.textContent('#ticket-code')).toBe('E001')
    } finally {
      await kiosk.unroute('**/api/centers/na-sang/tickets')
    }
    expect(bodies).toHaveLength(2)
    expect(bodies[1]!.requestId).toBe(bodies[0]!.requestId)
    const board = await h.http.get('/api/centers/na-sang/board').expect(200)
    expect(board.body.services.find((x: { prefix: string }) => x.prefix === 'E').waiting).toBe(1)
    await kiosk.click('#done')
  })

  it('priority: a group, the one-sentence rule, then a service — three taps', async () => {
    await kiosk.click('#priority')
    await kiosk.waitForSelector('#priority-rule')
    expect(await kiosk.textContent('#priority-rule')).toBe('Người được ưu tiên được tính như đến sớm hơn 30 phút.')
    await shot(kiosk, 'kiosk-priority-portrait.png')
    await kiosk.click('.group[data-group="nguoi-cao-tuoi"]')
    await kiosk.click('.tile[data-service="C"]')
    await kiosk.waitForSelector('#ticket-code')
    expect(await kiosk.textContent('#ticket-code')).toBe('C001')
    expect(await kiosk.textContent('.ticket-priority')).toBe('Ưu tiên: Người từ 75 tuổi trở lên')
    const id = (await kiosk.getAttribute('#ticket', 'data-ticket-id'))!
    expect((await holderGet(h, id)).body.ticket.priorityGroup).toBe('nguoi-cao-tuoi')
    await kiosk.click('#done')
  })

  it('procedures: search without diacritics, details with documents, fee and days; English switch', async () => {
    await kiosk.setViewportSize(VIEWPORTS.kioskLandscape)
    await kiosk.click('#procedures')
    await kiosk.waitForSelector('.proc')
    await kiosk.fill('#proc-search', 'khai sinh')
    await kiosk.waitForFunction(() => document.querySelectorAll('.proc').length === 1)
    await kiosk.click('.proc[data-procedure="khai-sinh"]')
    await kiosk.waitForSelector('.docs li')
    expect(await kiosk.$$eval('.docs li', (els) => els.map((e) => e.textContent))).toContain('Giấy chứng sinh')
    expect(await kiosk.textContent('.facts')).toContain('1 ngày làm việc')
    expect(await kiosk.locator('.proc-qr svg').count()).toBe(1)
    await shot(kiosk, 'kiosk-procedure-landscape.png')
    await kiosk.click('#lang')
    expect(await kiosk.textContent('h1.title')).toBe('Birth registration')
    await kiosk.click('#lang')
    await kiosk.click('.btn-back')
    await kiosk.click('.btn-back')
    await kiosk.waitForSelector('.tile[data-service="A"]')
    await shot(kiosk, 'kiosk-home-landscape.png')
    await kiosk.setViewportSize(VIEWPORTS.kioskPortrait)
  })

  it('closed hours: at 20:00 the kiosk says so with the hours, and no tile can be tapped', async () => {
    h.clock.set('2026-11-23T20:00:00+07:00')
    try {
      await kiosk.reload()
      await kiosk.waitForSelector('#closed')
      expect(await kiosk.textContent('h1.title')).toBe('Hiện không cấp số thứ tự')
      const text = await kiosk.textContent('#closed')
      expect(text).toContain('Đã hết giờ cấp số hôm nay (sau 16:30)')
      expect(text).toContain('Giờ làm việc hôm nay: 07:00–11:30, 13:30–17:00')
      expect(text).toContain('Cấp số đến 16:30')
      expect(await kiosk.locator('.tile').count()).toBe(0)
      await shot(kiosk, 'kiosk-closed-portrait.png')
    } finally {
      h.clock.set('2026-11-23T09:30:00+07:00')
    }
  })

  it('after the cut-off the server\'s AFTER_CUTOFF answer is shown in Vietnamese with the hours', async () => {
    h.clock.set('2026-11-23T16:29:00+07:00')
    try {
      await kiosk.reload()
      await kiosk.waitForSelector('.tile[data-service="D"]:not([disabled])')
      h.clock.set('2026-11-23T16:31:00+07:00') // the board still says open: the tap meets the server's refusal
      await kiosk.click('.tile[data-service="D"]')
      await kiosk.waitForSelector('#issue-error')
      expect(await kiosk.textContent('#issue-error')).toContain('Đã hết giờ lấy số hôm nay (sau 16:30)')
    } finally {
      h.clock.set('2026-11-23T09:30:00+07:00')
    }
  })

  it('returns to the home tiles after 30 s without a touch, and not before', async () => {
    const { ctx, page } = await newPage(browser, VIEWPORTS.kioskPortrait)
    try {
      await page.clock.install() // the page's timers, not the server's clock
      await page.goto(`${h.url}/kiosk?center=na-sang`)
      await page.waitForSelector('.tile[data-service="A"]')
      await page.click('#procedures')
      await page.waitForSelector('#proc-search')
      await page.clock.runFor(25_000)
      expect(await page.locator('#proc-search').count()).toBe(1)
      await page.clock.runFor(6_000)
      await page.waitForSelector('#tiles')
      expect(await page.locator('#proc-search').count()).toBe(0)
    } finally {
      await ctx.close()
    }
  })
})
