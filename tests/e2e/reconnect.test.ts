import { afterAll, beforeAll, expect, it } from '@jest/globals'
import type { Browser, Page } from 'playwright-core'
import { createApp, type App } from '../../server/app.js'
import { startHarness, type Harness } from '../helpers/harness.js'
import { describeBrowser, ensurePagesBuilt, launch, newPage, shot, VIEWPORTS } from './browser.js'

/** Browser globals inside page.evaluate/waitForFunction callbacks (the root tsconfig has no DOM lib). */
declare const window: { __prints: number; __spoken: string[]; __sameDocument?: number }
declare const document: { querySelector(s: string): { textContent: string | null } | null; querySelectorAll(s: string): { length: number } }

describeBrowser('pages survive a server restart (Chromium)', () => {
  let h: Harness
  let browser: Browser
  let kiosk: Page, display: Page
  let restarted: App | undefined

  beforeAll(async () => {
    ensurePagesBuilt()
    // the wall display's kiosk flag (docs/pages.md): audio without a touch, so no "Bật âm thanh" overlay
    ;[h, browser] = await Promise.all([startHarness('pglite'), launch(['--autoplay-policy=no-user-gesture-required'])])
    ;({ page: kiosk } = await newPage(browser, VIEWPORTS.kioskPortrait))
    ;({ page: display } = await newPage(browser, VIEWPORTS.display))
    for (const p of [kiosk, display]) p.context().setDefaultTimeout(8000)
  }, 60_000)

  afterAll(async () => {
    await browser?.close()
    await restarted?.close()
    await h?.close()
  })

  it('stopped server: banner and disabled tiles on the kiosk, "Mất kết nối" on the display; both recover by themselves', async () => {
    await kiosk.goto(`${h.url}/kiosk?center=na-sang`)
    await display.goto(`${h.url}/display?center=na-sang`)
    await kiosk.waitForSelector('.tile[data-service="A"]:not([disabled])')
    await display.waitForSelector('.counter[data-counter="1"]')
    await display.waitForTimeout(1500) // longer than the display waits before offering the overlay
    expect(await display.isHidden('#sound-overlay')).toBe(true)
    await kiosk.evaluate(() => { window.__sameDocument = 1 })
    await display.evaluate(() => { window.__sameDocument = 1 })

    const port = Number(new URL(h.url).port)
    await h.app.close()

    await kiosk.waitForSelector('#offline', { state: 'visible' })
    expect(await kiosk.textContent('#offline')).toContain('Mất kết nối với máy chủ')
    expect(await kiosk.locator('.tile:not([disabled])').count()).toBe(0)
    await display.waitForSelector('.conn.down')
    expect(await display.textContent('#conn')).toBe('Mất kết nối')
    await shot(kiosk, 'kiosk-offline-portrait.png')
    await shot(display, 'display-offline-1920x1080.png')

    // the same database behind a new server on the same port; things happen while the pages reconnect
    restarted = createApp({ dbHandle: h.handle, clock: h.clock, publicRateLimitPerMinute: 100_000, failedLoginsPer15Min: 1000 })
    await new Promise<void>((r) => restarted!.httpServer.listen(port, '127.0.0.1', r))
    const clerk = await h.login('canbo1')
    await clerk.post(`/api/counters/${h.demo.counters[1]}/open`).send({}).expect(200)
    await h.http.post('/api/centers/na-sang/tickets').send({ serviceId: h.demo.services.A }).expect(201)
    await h.http.post('/api/centers/na-sang/tickets').send({ serviceId: h.demo.services.A }).expect(201)
    await clerk.post(`/api/counters/${h.demo.counters[1]}/call-next`).send({}).expect(200)

    // recovered without a reload: the board is the server's, not the one from before the restart
    await kiosk.waitForSelector('#offline', { state: 'hidden', timeout: 15_000 })
    await kiosk.waitForSelector('.tile[data-service="A"]:not([disabled]) .tile-waiting[data-waiting="1"]')
    await display.waitForSelector('.conn.up', { timeout: 15_000 })
    await display.waitForFunction(() => document.querySelector('.counter[data-counter="1"] .counter-code')?.textContent === 'A001')
    await display.waitForFunction(() => document.querySelector('#queue tr[data-service="A"] .waiting')?.textContent === '1')
    await display.waitForFunction(() => document.querySelector('#hero-code')?.textContent === 'A001')
    expect(await kiosk.evaluate(() => window.__sameDocument)).toBe(1)
    expect(await display.evaluate(() => window.__sameDocument)).toBe(1)
    await shot(display, 'display-after-restart-1920x1080.png')
  }, 60_000)
})
