import { afterAll, beforeAll, expect, it } from '@jest/globals'
import type { Browser, Page } from 'playwright-core'
import { startHarness, type Harness } from '../helpers/harness.js'
import { describeBrowser, ensurePagesBuilt, launch, newPage, shot, VIEWPORTS } from './browser.js'

/** Browser globals inside page.waitForFunction callbacks (the root tsconfig has no DOM lib). */
declare const document: { querySelector(s: string): { textContent: string | null } | null }

// A wall display that missed a change (a frame lost on the way) sees the gap at the next fact and
// refetches the board. Facts keep coming meanwhile, so the board it gets is older than the one it shows:
// it must take it with the facts since replayed on top, or the missed call never shows (common/board-sync.ts).
describeBrowser('the wall display recovers a missed call while facts keep coming (Chromium)', () => {
  let h: Harness
  let browser: Browser
  let display: Page

  beforeAll(async () => {
    ensurePagesBuilt()
    ;[h, browser] = await Promise.all([startHarness('pglite'), launch(['--autoplay-policy=no-user-gesture-required'])])
    ;({ page: display } = await newPage(browser, VIEWPORTS.display))
    display.context().setDefaultTimeout(8000)
  }, 60_000)

  afterAll(async () => {
    await browser?.close()
    await h?.close()
  })

  it('shows the call it missed and the call made while it was refetching', async () => {
    const clerk1 = await h.login('canbo1')
    const clerk2 = await h.login('canbo2')
    const c1 = h.demo.counters[1]!, c2 = h.demo.counters[2]!
    for (const [clerk, c] of [[clerk1, c1], [clerk2, c2]] as const) await clerk.post(`/api/counters/${c}/open`).send({}).expect(200)
    for (let i = 0; i < 3; i++) await h.http.post('/api/centers/na-sang/tickets').send({ serviceId: h.demo.services.A }).expect(201)

    // the frame carrying the call of A001 never reaches the page
    let dropped = 0
    await display.routeWebSocket(/socket\.io/, (ws) => {
      const server = ws.connectToServer()
      server.onMessage((m) => {
        if (!dropped && String(m).includes('"ticket:called"') && String(m).includes('"A001"')) { dropped++; return }
        ws.send(m)
      })
    })
    // the refetch reads the board now, and the page gets it only after counter 2 called A002 (shown first)
    let refetches = 0
    await display.route('**/api/centers/na-sang/board', async (route) => {
      if (++refetches > 1) { await route.continue(); return } // only the first is held (a second would mean a second gap)
      const older = await route.fetch()
      await clerk2.post(`/api/counters/${c2}/call-next`).send({}).expect(200)
      await display.waitForFunction(() => document.querySelector('.counter[data-counter="2"] .counter-code')?.textContent === 'A002')
      await route.fulfill({ response: older })
    })

    await display.goto(`${h.url}/display?center=na-sang`)
    await display.waitForFunction(() => document.querySelector('#queue tr[data-service="A"] .waiting')?.textContent === '3')
    await clerk1.post(`/api/counters/${c1}/call-next`).send({}).expect(200) // A001: lost on the way
    await h.http.post('/api/centers/na-sang/tickets').send({ serviceId: h.demo.services.A }).expect(201) // the gap shows

    await display.waitForFunction(() => document.querySelector('.counter[data-counter="1"] .counter-code')?.textContent === 'A001')
    await display.waitForFunction(() => document.querySelector('.counter[data-counter="2"] .counter-code')?.textContent === 'A002')
    await display.waitForFunction(() => document.querySelector('#queue tr[data-service="A"] .waiting')?.textContent === '2')
    expect(dropped).toBe(1)
    expect(refetches).toBe(1)
    await shot(display, 'display-after-gap-1920x1080.png')
  }, 60_000)
})
