// The kiosk and the phone speak with the shipped clips (issue 23), in Chromium with no system voice: the kiosk's
// speaker button reads the services and the issued ticket ("Số của bạn là A không không ba, có 2 người trước
// bạn"); the phone's called screen plays the announcement as the waiting room hears it.
import { afterAll, beforeAll, expect, it } from '@jest/globals'
import type { Browser, Page } from 'playwright-core'
import { DEFAULT_ANNOUNCEMENT_TEMPLATE } from '../../common/announce.js'
import { announcementPlan, planClips, textClipId } from '../../common/voice.js'
import { startHarness, type Harness } from '../helpers/harness.js'
import { describeBrowser, ensurePagesBuilt, launch, newPage, pageErrors, shot, VIEWPORTS } from './browser.js'

declare const window: { __voiceLog?: { clips: string[]; lang: string }[] }

describeBrowser('the kiosk and the phone read aloud (issue 23)', () => {
  let h: Harness
  let browser: Browser
  let kiosk: Page

  const log = (page: Page) => page.evaluate(() => window.__voiceLog ?? [])
  const spoken = async (page: Page, n: number) => {
    await page.waitForFunction((k) => (window.__voiceLog?.length ?? 0) >= k, n, { timeout: 20_000 })
    return (await log(page))[n - 1]!
  }

  beforeAll(async () => {
    ensurePagesBuilt()
    // the kiosk's flag (README "Kiosk browser flags"): audio plays without a touch first
    ;[h, browser] = await Promise.all([startHarness('pglite'), launch(['--autoplay-policy=no-user-gesture-required'])])
    ;({ page: kiosk } = await newPage(browser, VIEWPORTS.kioskPortrait))
    kiosk.context().setDefaultTimeout(10_000)
    await kiosk.goto(`${h.url}/kiosk?center=na-sang`)
    await kiosk.waitForSelector('.tile[data-service="A"]')
  }, 60_000)

  afterAll(async () => {
    await browser?.close()
    await h?.close()
  })

  it('reads the services on the kiosk\'s home screen: "Mời chọn lĩnh vực", then each letter and name', async () => {
    await kiosk.waitForSelector('#speak:not([hidden])')
    expect(await kiosk.textContent('#speak')).toContain('Đọc to')
    await kiosk.click('#speak')
    const said = await spoken(kiosk, 1)
    expect(said.lang).toBe('vi')
    expect(said.clips[0]).toBe(textClipId('mời chọn lĩnh vực'))
    // "A, Hộ tịch" and "G, Trả kết quả": the demo's names are read in full, word by word
    const a = said.clips.indexOf('l-a')
    expect(said.clips.slice(a, a + 3)).toEqual(['l-a', textClipId('hộ'), textClipId('tịch')])
    const g = said.clips.indexOf('l-g')
    expect(said.clips.slice(g)).toEqual(['l-g', textClipId('trả'), textClipId('kết'), textClipId('quả')])
    // every active service's letter, in the tiles' order
    expect(said.clips.filter((c) => c.startsWith('l-'))).toEqual(['l-a', 'l-b', 'l-c', 'l-d', 'l-e', 'l-f', 'l-g'])
    await shot(kiosk, 'kiosk-speak-home.png')
  }, 40_000)

  it('reads the issued ticket: "Số của bạn là A không không ba, có 2 người trước bạn"', async () => {
    for (let i = 0; i < 2; i++) await h.http.post('/api/centers/na-sang/tickets').send({ serviceId: h.demo.services.A }).expect(201)
    await kiosk.click('.tile[data-service="A"]')
    await kiosk.waitForSelector('#ticket-code')
    expect(await kiosk.textContent('#ticket-code')).toBe('A003')
    const before = (await log(kiosk)).length
    await kiosk.click('#speak')
    const said = await spoken(kiosk, before + 1)
    expect(said.clips).toEqual([textClipId('số của bạn là'), 'l-a', 'd-0', 'd-0', 'd-3', textClipId('có'), 'd-2', textClipId('người trước bạn')])
    await shot(kiosk, 'kiosk-speak-ticket.png')
    expect(pageErrors(kiosk)).toEqual([])
  }, 40_000)

  it('a kiosk with no system voice says the issued ticket by itself, with the clips', async () => {
    const { ctx, page } = await newPage(browser, VIEWPORTS.kioskPortrait, { fakes: false })
    await ctx.addInitScript('window.print = () => {}')
    page.context().setDefaultTimeout(10_000)
    await page.goto(`${h.url}/kiosk?center=na-sang`)
    await page.click('.tile[data-service="C"]')
    await page.waitForSelector('#ticket-code')
    const said = await spoken(page, 1)
    // nobody waits for Đất đai: "…, sắp đến lượt bạn"
    expect(said.clips).toEqual([textClipId('số của bạn là'), 'l-c', 'd-0', 'd-0', 'd-1', textClipId('sắp đến lượt bạn')])
    expect(pageErrors(page)).toEqual([])
    await ctx.close()
  }, 40_000)

  it('the phone\'s called screen plays the announcement, as the display says it', async () => {
    const issued = await h.http.post('/api/centers/na-sang/tickets').send({ serviceId: h.demo.services.B }).expect(201)
    const { page: phone } = await newPage(browser, VIEWPORTS.phone)
    phone.context().setDefaultTimeout(10_000)
    await phone.goto(`${h.url}${issued.body.ticket.phonePath}`)
    await phone.waitForSelector('#position')
    const clerk = await h.login('canbo2')
    await clerk.post(`/api/counters/${h.demo.counters[2]}/open`).send({}).expect(200)
    await clerk.post(`/api/counters/${h.demo.counters[2]}/call`).send({ ticketId: issued.body.ticket.id }).expect(200)
    await phone.waitForSelector('#called-play')
    expect(await phone.textContent('#called-play')).toBe('Nghe thông báo gọi số')
    await shot(phone, 'phone-called-play.png')
    await phone.click('#called-play')
    const said = await spoken(phone, 1)
    expect(said.clips).toEqual(planClips(announcementPlan(DEFAULT_ANNOUNCEMENT_TEMPLATE, 'B001', 2).steps))
    expect(pageErrors(phone)).toEqual([])
  }, 40_000)
})
