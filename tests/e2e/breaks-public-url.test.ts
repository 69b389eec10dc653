import { createRequire } from 'node:module'
import { afterAll, beforeAll, expect, it } from '@jest/globals'
import type { Browser, BrowserContext, Page } from 'playwright-core'
import { startHarness, TEST_PASSWORD, type Harness } from '../helpers/harness.js'
import { describeBrowser, ensurePagesBuilt, launch, newPage, pageErrors, shot, VIEWPORTS } from './browser.js'

/**
 * Issue 24 as a citizen sees it: in the lunch break the kiosk, the phone page and the wall display say
 * when calls resume and count the break in the estimate; a closed day says when the center opens next
 * (in English too, without "nghỉ"); every QR drawn carries PUBLIC_URL, and a page on the server's own
 * PC without PUBLIC_URL says its QR cannot be opened by phones. QRs are read back with jsQR.
 */

// pngjs comes with qrcode (no types of its own): decode a screenshot into RGBA pixels for jsQR
const require = createRequire(import.meta.url)
const { PNG } = require('pngjs') as { PNG: { sync: { read(b: Buffer): { width: number; height: number; data: Buffer } } } }
type JsQr = (data: Uint8ClampedArray, width: number, height: number) => { data: string } | null
const jsqrModule = require('jsqr') as JsQr & { default?: JsQr }
const jsQR: JsQr = jsqrModule.default ?? jsqrModule

/** What the QR inside `selector` says, read from a screenshot of it with a white margin around. */
async function readQr(page: Page, selector: string): Promise<string | null> {
  const box = (await page.locator(selector).first().boundingBox())!
  const png = await page.screenshot({ clip: { x: Math.max(0, box.x - 16), y: Math.max(0, box.y - 16), width: box.width + 32, height: box.height + 32 } })
  const img = PNG.sync.read(png)
  return jsQR(new Uint8ClampedArray(img.data.buffer, img.data.byteOffset, img.data.length), img.width, img.height)?.data ?? null
}

const PUBLIC = 'https://motcua.nasang.example'
const local = (day: string, hm: string) => `${day}T${hm}:00+07:00`
const applicant = { fullName: 'Lò Thị Xuân', phone: '0912345679', address: 'Bản Na Sang 2, xã Na Sang' }

describeBrowser('breaks and PUBLIC_URL in Chromium', () => {
  let h: Harness, bare: Harness
  let browser: Browser
  let kioskCtx: BrowserContext, clerkCtx: BrowserContext
  let kiosk: Page

  beforeAll(async () => {
    ensurePagesBuilt()
    ;[h, bare, browser] = await Promise.all([
      startHarness('pglite', { publicUrl: PUBLIC, clockStart: local('2026-11-23', '12:00') }),
      startHarness('pglite', { clockStart: local('2026-11-23', '09:00') }),
      launch(),
    ])
    ;({ ctx: kioskCtx, page: kiosk } = await newPage(browser, VIEWPORTS.kioskPortrait))
    ;({ ctx: clerkCtx } = await newPage(browser, { width: 1366, height: 768 }))
    kioskCtx.setDefaultTimeout(8000)
    clerkCtx.setDefaultTimeout(8000)
  }, 60_000)

  afterAll(async () => {
    await browser?.close()
    await Promise.all([h?.close(), bare?.close()])
  })

  it('at 12:00 in the lunch break the kiosk says calls resume at 13:30, counts the break, and its QRs carry PUBLIC_URL', async () => {
    const errors = pageErrors(kiosk)
    await kiosk.goto(`${h.url}/kiosk?center=na-sang`)
    await kiosk.waitForSelector('#calls-resume')
    expect(await kiosk.textContent('#calls-resume')).toBe('Đang nghỉ giữa giờ: gọi số lại lúc 13:30')
    // nobody waits for Hộ tịch, but nobody is called before 13:30 either
    expect(await kiosk.textContent('.tile[data-service="A"] .tile-eta')).toBe('khoảng 1 giờ 30 phút')
    await shot(kiosk, 'kiosk-lunch-break.png')
    await kiosk.click('.tile[data-service="A"]')
    await kiosk.waitForSelector('#ticket-code')
    expect(await kiosk.textContent('#ticket-resume')).toBe('Đang nghỉ giữa giờ: gọi số lại lúc 13:30')
    expect(await kiosk.textContent('.ticket-eta')).toBe('Thời gian chờ dự kiến: khoảng 1 giờ 30 phút')
    expect(await kiosk.locator('#qr-local').count()).toBe(0) // PUBLIC_URL is set
    const id = (await kiosk.getAttribute('#ticket', 'data-ticket-id'))!
    const { secret } = await h.handle.db.selectFrom('ticket').select('secret').where('id', '=', id).executeTakeFirstOrThrow()
    expect(await readQr(kiosk, '.ticket-qr svg')).toBe(`${PUBLIC}/t/${id}#k=${secret}`)
    await shot(kiosk, 'kiosk-lunch-break-ticket.png')
    await kiosk.click('#done')

    // the procedure's QR too
    await kiosk.click('#procedures')
    await kiosk.click('.proc[data-procedure="khai-sinh"]')
    await kiosk.waitForSelector('.proc-qr svg')
    expect(await readQr(kiosk, '.proc-qr svg')).toBe(`${PUBLIC}/tra-cuu?center=na-sang&thu-tuc=khai-sinh`)
    expect(errors).toEqual([])

    // the phone page of that ticket (opened on this server: the phone reached PUBLIC_URL's proxy)
    const { ctx: phoneCtx, page: phone } = await newPage(browser, VIEWPORTS.phone)
    try {
      await phone.goto(`${h.url}/t/${id}#k=${secret}`)
      await phone.waitForSelector('#calls-resume')
      expect(await phone.textContent('#calls-resume')).toBe('Đang nghỉ giữa giờ: gọi số lại lúc 13:30')
      expect(await phone.textContent('.eta')).toBe('Thời gian chờ dự kiến: khoảng 1 giờ 30 phút')
      await shot(phone, 'phone-lunch-break.png')
    } finally {
      await phoneCtx.close()
    }

    // the wall display
    const { ctx: displayCtx, page: display } = await newPage(browser, VIEWPORTS.display, { lockedAudio: true })
    try {
      await display.goto(`${h.url}/display?center=na-sang`)
      await display.waitForSelector('#calls-resume')
      expect(await display.textContent('#calls-resume')).toBe('Đang nghỉ giữa giờ: gọi số lại lúc 13:30')
      // one waits now: 90 minutes to 13:30, then 8 minutes shared by the three counters that serve Hộ tịch
      expect(await display.textContent('#queue tr[data-service="A"] td:last-child')).toBe('khoảng 1 giờ 33 phút')
      await shot(display, 'display-lunch-break.png')
    } finally {
      await displayCtx.close()
    }
  })

  it('on a Saturday the closed screen says when the center opens next, in Vietnamese and in English (never "nghỉ")', async () => {
    h.clock.set(local('2026-11-28', '09:00'))
    await kiosk.goto(`${h.url}/kiosk?center=na-sang`)
    await kiosk.waitForSelector('#closed-next')
    expect(await kiosk.textContent('#closed-next')).toBe('Trung tâm mở cửa lại lúc 07:00, Thứ Hai, ngày 30 tháng 11 năm 2026.')
    await shot(kiosk, 'kiosk-closed-next-open.png')
    await kiosk.goto(`${h.url}/kiosk?center=na-sang&lang=en`)
    await kiosk.waitForSelector('#closed-next')
    const text = (await kiosk.textContent('#closed'))!
    expect(text).toContain('The center is closed today.')
    expect(text).toContain('The center opens again at 07:00, Monday, 30/11/2026.')
    expect(text).not.toContain('nghỉ')
    await shot(kiosk, 'kiosk-closed-next-open-en.png')
  })

  it('the dossier slip’s QR carries PUBLIC_URL; without PUBLIC_URL on the server’s own PC the kiosk and the slip say phones cannot open it', async () => {
    h.clock.set(local('2026-11-23', '09:00'))
    const received = async (server: Harness) => {
      const procedureId = (await server.handle.db.selectFrom('procedure').select('id').where('code', '=', 'khai-sinh').executeTakeFirstOrThrow()).id
      const clerk = await server.login('canbo1')
      return (await clerk.post('/api/dossiers').send({ procedureId, applicant, documents: [{ name: 'Tờ khai', received: true }], sets: 1, delivery: 'center' })
        .expect(201)).body.dossier as { id: string; lookupPath: string }
    }
    const d = await received(h)
    expect((await clerkCtx.request.post(`${h.url}/api/auth/login`, { data: { username: 'canbo1', password: TEST_PASSWORD } })).status()).toBe(200)
    const slip = await clerkCtx.newPage()
    await slip.goto(`${h.url}/staff/phieu/${d.id}`)
    await slip.waitForSelector('body[data-ready="yes"]')
    expect(await readQr(slip, '.qr svg')).toBe(`${PUBLIC}${d.lookupPath}`)
    expect(await slip.locator('#qr-local').count()).toBe(0)
    expect(await slip.locator('.lookup-row').first().textContent()).toContain('motcua.nasang.example/tra-cuu')

    // the install without PUBLIC_URL, its pages opened at 127.0.0.1: the QR is this machine's, and the page says so
    const d2 = await received(bare)
    expect((await clerkCtx.request.post(`${bare.url}/api/auth/login`, { data: { username: 'canbo1', password: TEST_PASSWORD } })).status()).toBe(200)
    const bareSlip = await clerkCtx.newPage()
    await bareSlip.goto(`${bare.url}/staff/phieu/${d2.id}`)
    await bareSlip.waitForSelector('#qr-local')
    expect(await bareSlip.textContent('#qr-local')).toContain(`trỏ tới ${new URL(bare.url).host}`)
    expect(await readQr(bareSlip, '.qr svg')).toBe(`${bare.url}${d2.lookupPath}`)
    await shot(bareSlip, 'slip-qr-local-notice.png')

    await kiosk.goto(`${bare.url}/kiosk?center=na-sang`)
    await kiosk.click('.tile[data-service="B"]')
    await kiosk.waitForSelector('#qr-local')
    expect(await kiosk.textContent('#qr-local')).toContain('PUBLIC_URL')
    expect((await readQr(kiosk, '.ticket-qr svg'))!.startsWith(`${bare.url}/t/`)).toBe(true)
    await shot(kiosk, 'kiosk-qr-local-notice.png')
  })
})
