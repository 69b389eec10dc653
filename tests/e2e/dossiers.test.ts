import { createRequire } from 'node:module'
import { afterAll, beforeAll, expect, it } from '@jest/globals'
import type { Browser, BrowserContext, Page } from 'playwright-core'
import { DOSSIER_TRANSITIONS, type DossierView } from '../../common/dossier-types.js'
import { startHarness, type Harness, TEST_PASSWORD } from '../helpers/harness.js'
import { join } from 'node:path'
import { describeBrowser, ensurePagesBuilt, launch, newPage, pageErrors, SCREENSHOTS, signInAtCounter, shot, VIEWPORTS } from './browser.js'

/** Browser globals inside page callbacks (the root tsconfig has no DOM lib). */
declare const window: { __prints: number }
declare const document: { querySelector(s: string): { textContent: string | null } | null; body: { innerText: string } }

// pngjs comes with qrcode (no types of its own): decode a screenshot into RGBA pixels for jsQR
const require = createRequire(import.meta.url)
const { PNG } = require('pngjs') as { PNG: { sync: { read(b: Buffer): { width: number; height: number; data: Buffer } } } }
type JsQr = (data: Uint8ClampedArray, width: number, height: number) => { data: string } | null
const jsqrModule = require('jsqr') as JsQr & { default?: JsQr }
const jsQR: JsQr = jsqrModule.default ?? jsqrModule
function decodeQr(png: Buffer): string | null {
  const img = PNG.sync.read(png)
  return jsQR(new Uint8ClampedArray(img.data.buffer, img.data.byteOffset, img.data.length), img.width, img.height)?.data ?? null
}

const COUNTER_PC = { width: 1366, height: 768 }
/** The printable area at 96 dpi: A5 (148 × 210 mm) and A4 (210 × 297 mm) less the slip's @page margins */
const A5_PRINTABLE = { width: 465, height: 718 }
const A4_PRINTABLE = { width: 624, height: 990 }

describeBrowser('dossiers in Chromium: intake, slip, tab, lookup, online filing, kiosk check-in, display', () => {
  let h: Harness
  let browser: Browser
  let clerkCtx: BrowserContext
  let clerk: Page, phone: Page, kiosk: Page, display: Page
  let api: Awaited<ReturnType<Harness['login']>>
  let received: DossierView

  /** The slip tab the console opens (window.open) while `act` runs. */
  async function slipFrom(act: () => Promise<unknown>): Promise<Page> {
    const [page] = await Promise.all([clerkCtx.waitForEvent('page'), act()])
    await page.waitForSelector('body[data-ready]')
    return page
  }

  beforeAll(async () => {
    ensurePagesBuilt()
    ;[h, browser] = await Promise.all([startHarness('pglite'), launch()])
    ;({ ctx: clerkCtx, page: clerk } = await newPage(browser, COUNTER_PC))
    ;({ page: phone } = await newPage(browser, VIEWPORTS.phone))
    ;({ page: kiosk } = await newPage(browser, VIEWPORTS.kioskPortrait))
    ;({ page: display } = await newPage(browser, VIEWPORTS.display))
    for (const p of [clerk, phone, kiosk, display]) p.context().setDefaultTimeout(8000)
    api = await h.login('canbo1')
  }, 60_000)

  afterAll(async () => {
    await browser?.close()
    await h?.close()
  })

  it('a clerk calls a ticket, receives a dossier from the keyboard, and the slip prints two copies with a QR to the lookup', async () => {
    await h.http.post('/api/centers/na-sang/tickets').send({ serviceId: h.demo.services.A }).expect(201)
    await clerk.goto(`${h.url}/staff?center=na-sang`)
    await clerk.fill('#username', 'canbo1')
    await clerk.fill('#password', TEST_PASSWORD)
    await clerk.click('#login-submit')
    await clerk.click('.counter-card[data-counter="1"] .open-counter')
    await clerk.waitForSelector('#queue .qrow[data-ticket="A001"]')
    await clerk.keyboard.press('F1')
    await clerk.waitForSelector('#current[data-status="called"] #intake-open')

    await clerk.keyboard.press('F2')
    await clerk.waitForSelector('#intake-dialog .proc-option[data-procedure="khai-sinh"]')
    // the ticket's own service comes first
    expect(await clerk.textContent('#proc-pick .proc-group')).toBe('Lĩnh vực của số A001')
    // nothing filled: every problem at once, nothing sent
    await clerk.click('#intake-submit')
    await clerk.waitForSelector('#intake-form .form-error:not([hidden])')
    expect(await clerk.$$eval('#intake-form [data-field].invalid', (els) => els.map((e) => e.getAttribute('data-field')))).toEqual(['procedureId', 'fullName', 'phone', 'address'])
    await clerk.fill('#proc-filter', 'khai sinh')
    await clerk.keyboard.press('Enter') // the first match
    expect(await clerk.isChecked('.proc-option[data-procedure="khai-sinh"] input')).toBe(true)
    expect(await clerk.locator('#docs-check input[name=doc]').count()).toBe(3)
    // from the keyboard: tick the first two documents, then on to the applicant
    await clerk.keyboard.press('Space')
    await clerk.keyboard.press('Tab')
    await clerk.keyboard.press('Space')
    await clerk.keyboard.press('Tab')
    await clerk.keyboard.press('Tab')
    await clerk.keyboard.type('Nguyễn Văn An')
    await clerk.keyboard.press('Tab')
    await clerk.keyboard.type('0912 345 678')
    await clerk.keyboard.press('Tab')
    await clerk.keyboard.type('Bản Na Sang 1, xã Na Sang, tỉnh Điện Biên')
    await shot(clerk, 'dossier-intake-form.png')

    const slip = await slipFrom(() => clerk.keyboard.press('Enter')) // Enter in the address field submits
    await clerk.waitForSelector('.just-received')
    const stored = (await api.get('/api/dossiers?center=na-sang').expect(200)).body.dossiers
    expect(stored).toHaveLength(1)
    received = (await api.get(`/api/dossiers/${stored[0].id}`).expect(200)).body.dossier
    expect(received).toMatchObject({ status: 'received', sets: 1, delivery: 'center', applicant: { fullName: 'Nguyễn Văn An', phone: '0912345678' } })
    expect(received.documents.map((d) => d.received)).toEqual([true, true, false])
    expect(await clerk.textContent('.just-received')).toContain(`Đã tiếp nhận hồ sơ ${received.code}. Hẹn trả kết quả: 17:00 24/11/2026.`)

    // the slip: two copies of the national form, printed once, with a QR that decodes to the lookup URL
    expect(new URL(slip.url()).pathname).toBe(`/staff/phieu/${received.id}`)
    expect(await slip.locator('.sheet.receipt').count()).toBe(2)
    expect(await slip.$$eval('.copy-label', (els) => els.map((e) => e.textContent))).toEqual(['Liên 1: Lưu', 'Liên 2: Giao công dân'])
    const text = await slip.evaluate(() => document.body.innerText)
    for (const s of ['GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ', 'CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM', 'Độc lập - Tự do - Hạnh phúc', received.code, received.lookupCode,
      'Nguyễn Văn An', 'Đăng ký khai sinh', '4. Thời gian nhận hồ sơ: 09 giờ 00 phút, ngày 23 tháng 11 năm 2026.', 'NGƯỜI NỘP HỒ SƠ', 'NGƯỜI TIẾP NHẬN HỒ SƠ',
      '2. Số lượng hồ sơ: 01 bộ.', '3. Thời gian giải quyết hồ sơ theo quy định: 1 ngày làm việc.']) expect(text).toContain(s)
    await slip.waitForFunction(() => window.__prints === 1)
    const url = `${h.url}/tra-cuu?center=na-sang&code=${received.code}&lookupCode=${received.lookupCode}`
    expect(decodeQr(await slip.locator('.sheet.receipt').nth(1).locator('.qr').screenshot())).toBe(url)
    await shot(slip, 'dossier-slip-screen.png')
    await slip.emulateMedia({ media: 'print' })
    await slip.setViewportSize(A5_PRINTABLE)
    await slip.screenshot({ path: join(SCREENSHOTS, 'dossier-slip-print-a5.png'), fullPage: true })
    // each copy fits on its own sheet of A5 (set in Times New Roman's metrics: .ci/run installs Liberation Serif)
    const a5 = await slip.$$eval('.sheet', (els) => els.map((e) => Math.round(e.getBoundingClientRect().height)))
    expect(a5).toHaveLength(2)
    for (const height of a5) expect(height).toBeLessThanOrEqual(A5_PRINTABLE.height)
    await slip.emulateMedia({ media: 'screen' })
    await slip.setViewportSize(COUNTER_PC)
    await slip.click('#paper-a4')
    await slip.emulateMedia({ media: 'print' })
    await slip.setViewportSize(A4_PRINTABLE)
    const a4 = await slip.$$eval('.sheet', (els) => els.map((e) => Math.round(e.getBoundingClientRect().height)))
    expect(a4).toHaveLength(2)
    for (const height of a4) expect(height).toBeLessThanOrEqual(A4_PRINTABLE.height)
    await slip.screenshot({ path: join(SCREENSHOTS, 'dossier-slip-print-a4.png'), fullPage: true })
    await slip.close()
    // the citizen leaves: the ticket is finished as usual
    await clerk.keyboard.press('s')
    await clerk.waitForSelector('#current[data-status="serving"]')
    await clerk.keyboard.press('d')
    await clerk.waitForSelector('#current-code', { state: 'detached' })
    expect(pageErrors(clerk)).toEqual([])
  })

  it('a citizen looks the dossier up on a 360 px phone and follows it live; a wrong lookup code shows only "not found"', async () => {
    await phone.goto(`${h.url}${received.lookupPath}`)
    await phone.waitForSelector('#dossier-status[data-status="received"]')
    expect(await phone.textContent('#dossier-code')).toBe(received.code)
    expect(await phone.textContent('#dossier-status')).toBe('Đã tiếp nhận')
    const page = await phone.evaluate(() => document.body.innerText)
    expect(page).toContain('Nguyễn V. A.')
    expect(page).not.toContain('Nguyễn Văn An')
    expect(page).not.toContain('0912345678')
    expect(page).not.toContain('Bản Na Sang 1')
    await shot(phone, 'dossier-lookup-360.png')
    // no horizontal scrolling at 360 px
    expect(await phone.evaluate(() => (globalThis as unknown as { document: { documentElement: { scrollWidth: number } } }).document.documentElement.scrollWidth)).toBeLessThanOrEqual(360)

    await api.post(`/api/dossiers/${received.id}/status`).send({ status: 'processing' }).expect(200)
    await phone.waitForSelector('#dossier-status[data-status="processing"]', { timeout: 5000 })
    expect(await phone.textContent('#dossier-status')).toBe('Đang giải quyết')

    const wrong = received.lookupCode === 'ZZZZ' ? 'YYYY' : 'ZZZZ'
    await phone.goto(`${h.url}/tra-cuu?center=na-sang&code=${received.code}&lookupCode=${wrong}`)
    await phone.waitForSelector('#dossier-not-found')
    expect(await phone.textContent('#dossier-not-found')).toBe('Không tìm thấy hồ sơ. Vui lòng kiểm tra lại mã hồ sơ và mã tra cứu.')
    expect(await phone.locator('#dossier-code, #dossier-status').count()).toBe(0)
    expect(await phone.evaluate(() => document.body.innerText)).not.toContain('Nguyễn')
    await shot(phone, 'dossier-lookup-not-found-360.png')

    // typed by hand, in lower case and without dashes
    await phone.fill('#lookup-code', received.code.replaceAll('-', '').toLowerCase())
    await phone.fill('#lookup-key', received.lookupCode.toLowerCase())
    await phone.click('#lookup-submit')
    await phone.waitForSelector('#dossier-status[data-status="processing"]')
    await phone.click('#lang')
    expect(await phone.textContent('#dossier-status')).toBe('In progress')
    await phone.click('#lang')

    // the kiosk's procedure QR still opens the procedure, without the lookup form
    await phone.goto(`${h.url}/tra-cuu?center=na-sang&thu-tuc=khai-sinh`)
    await phone.waitForSelector('#procedure')
    expect(await phone.locator('#lookup-form').count()).toBe(0)
    expect(pageErrors(phone)).toEqual([])
  })

  it('the Hồ sơ tab: exactly the allowed moves, supplement and extension dialogs print their slips, ready shows on the display', async () => {
    await display.goto(`${h.url}/display?center=na-sang`)
    await display.click('#sound-on')
    await clerk.click('#tab-dossiers')
    await clerk.waitForSelector(`.ds-row[data-code="${received.code}"]`)
    // the views and the search ask the server; nothing is overdue yet, a search by name finds it
    await clerk.click('#ds-view-overdue')
    await clerk.waitForSelector('#ds-empty')
    await clerk.click('#ds-view-all')
    await clerk.waitForSelector(`.ds-row[data-code="${received.code}"]`)
    await clerk.fill('#ds-search', 'Không Có Ai')
    await clerk.waitForSelector('#ds-empty')
    await clerk.fill('#ds-search', 'Văn An')
    await clerk.waitForSelector(`.ds-row[data-code="${received.code}"]`)
    await clerk.click(`.ds-row[data-code="${received.code}"] .linkish`)
    await clerk.waitForSelector('#ds-detail[data-status], #ds-title')
    const moves = async () => clerk.$$eval('#ds-actions [data-move]', (els) => els.map((e) => e.getAttribute('data-move')))
    expect(await moves()).toEqual([...DOSSIER_TRANSITIONS.processing])

    await clerk.click('#ds-actions [data-move="needs_supplement"]')
    // the document not handed in comes ticked; with nothing listed the request is not sent
    await clerk.uncheck('#sup-doc-0')
    await clerk.click('#move-submit')
    await clerk.waitForSelector('#move-dialog [data-field="items"].invalid')
    await clerk.fill('#sup-other', 'Bản sao giấy tờ tùy thân của người đi đăng ký')
    const guide = await slipFrom(() => clerk.click('#move-submit'))
    expect(await guide.textContent('#supplement-items')).toBe('Bản sao giấy tờ tùy thân của người đi đăng ký')
    expect(await guide.textContent('h1')).toBe('PHIẾU YÊU CẦU BỔ SUNG, HOÀN THIỆN HỒ SƠ')
    await shot(guide, 'dossier-slip-supplement.png')
    await guide.close()
    await clerk.waitForSelector('#ds-title + .pill[data-status="needs_supplement"]')
    // the citizen's phone says what to bring
    await phone.goto(`${h.url}${received.lookupPath}`)
    await phone.waitForSelector('#dossier-supplement')
    expect(await phone.textContent('#dossier-supplement-items')).toBe('Bản sao giấy tờ tùy thân của người đi đăng ký')
    await shot(phone, 'dossier-lookup-supplement-360.png')
    expect(await moves()).toEqual([...DOSSIER_TRANSITIONS.needs_supplement])

    await clerk.click('#ds-actions [data-move="processing"]')
    // the supplement complete: the time restarts and the console reprints the receipt
    const again = await slipFrom(() => clerk.click('#move-submit'))
    await again.close()
    await clerk.waitForSelector('#ds-title + .pill[data-status="processing"]')
    await clerk.click('#ds-extend')
    await clerk.fill('#f-dueAt', '2026-11-27')
    await clerk.fill('#f-reason', 'Chờ xác minh thông tin tại Ủy ban nhân dân xã cũ')
    await shot(clerk, 'dossier-extend-dialog.png')
    const apology = await slipFrom(() => clerk.click('#extend-submit'))
    expect(await apology.textContent('h1')).toBe('VĂN BẢN XIN LỖI VÀ ĐỀ NGHỊ GIA HẠN THỜI GIAN GIẢI QUYẾT')
    expect(await apology.textContent('#apology-reason')).toBe('Lý do: Chờ xác minh thông tin tại Ủy ban nhân dân xã cũ')
    expect(await apology.evaluate(() => document.body.innerText)).toContain('ngày 27 tháng 11 năm 2026')
    await shot(apology, 'dossier-slip-apology.png')
    await apology.close()

    await clerk.click('#ds-actions [data-move="ready"]')
    await clerk.click('#move-submit')
    await clerk.waitForSelector('#ds-title + .pill[data-status="ready"]')
    expect(await clerk.textContent('#ds-outcome')).toBe('Trước hạn')
    await clerk.evaluate(() => (globalThis as unknown as { scrollTo(x: number, y: number): void }).scrollTo(0, 0))
    await shot(clerk, 'dossier-tab-1366.png')

    // the display's band: the code, never the name
    await display.waitForFunction((code) => [...(globalThis as unknown as { document: { querySelectorAll(s: string): { textContent: string }[] } }).document.querySelectorAll('#ready .ready-code')].some((e) => e.textContent === code), received.code, { timeout: 5000 })
    const band = await display.textContent('#ready')
    expect(band).not.toContain('Nguyễn')
    // the band takes room from the services table, yet every service's row stays inside its panel
    const fits = await display.evaluate(() => {
      const d = (globalThis as unknown as { document: { querySelector(s: string): { getBoundingClientRect(): { bottom: number } } | null } }).document
      return d.querySelector('#queue tr[data-service="G"]')!.getBoundingClientRect().bottom <= d.querySelector('.queue-panel')!.getBoundingClientRect().bottom
    })
    expect(fits).toBe(true)
    await shot(display, 'dossier-display-ready.png')
    expect(pageErrors(clerk)).toEqual([])
    expect(pageErrors(display)).toEqual([])
  })

  it('online filing on a phone → check-in at the kiosk → the clerk who calls the ticket receives it; pickup drops the code from the display', async () => {
    await phone.goto(`${h.url}/nop-ho-so?center=na-sang`)
    await phone.fill('#filing-search', 'ket hon')
    await phone.click('.pick[data-procedure="ket-hon"]')
    await phone.waitForSelector('#filing-procedure')
    await shot(phone, 'dossier-filing-form-360.png')
    await phone.click('#filing-submit')
    await phone.waitForSelector('#filing-error')
    expect(await phone.$$eval('.fld.invalid', (els) => els.map((e) => e.getAttribute('data-field')))).toEqual(['fullName', 'phone', 'address'])
    await phone.fill('#filing-fullName', 'Lò Thị Mai')
    // a phone as people write it: the page takes what the server takes (issue 22), and the server stores one form
    await phone.fill('#filing-phone', '+84 987-654-321')
    await phone.fill('#filing-address', 'Bản Huổi Sáy, xã Na Sang')
    // checked before upload: too big and wrong type are refused on the phone
    await phone.setInputFiles('#filing-files', [
      { name: 'to-khai.pdf', mimeType: 'application/pdf', buffer: Buffer.alloc(3 * 1024 * 1024, 1) },
      { name: 'ghi-chu.txt', mimeType: 'text/plain', buffer: Buffer.from('x') },
      { name: 'cccd.png', mimeType: 'image/png', buffer: Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==', 'base64') },
    ])
    await phone.waitForSelector('#file-problems')
    expect(await phone.$$eval('#file-problems li', (els) => els.map((e) => e.textContent))).toEqual([
      'to-khai.pdf: tệp lớn hơn 2 MB.', 'ghi-chu.txt: chỉ nhận tệp PDF, JPG hoặc PNG.'])
    expect(await phone.$$eval('#filing-file-list .file-name', (els) => els.map((e) => e.textContent))).toEqual(['cccd.png'])
    await phone.click('#filing-submit')
    await phone.waitForSelector('#filed-code')
    const code = (await phone.textContent('#filed-code'))!
    const lookupCode = (await phone.textContent('#filed-lookup'))!
    expect(lookupCode).toMatch(/^[A-Z2-9]{4}$/)
    expect((await h.handle.db.selectFrom('dossier').select('applicant_phone').where('code', '=', code).executeTakeFirstOrThrow()).applicant_phone).toBe('0987654321')
    await shot(phone, 'dossier-filed-360.png')
    expect(await phone.evaluate(() => (globalThis as unknown as { document: { documentElement: { scrollWidth: number } } }).document.documentElement.scrollWidth)).toBeLessThanOrEqual(360)

    // the kiosk: on-screen keyboard, the state, then a ticket linked to the dossier
    await kiosk.goto(`${h.url}/kiosk?center=na-sang`)
    await kiosk.click('#checkin')
    await kiosk.waitForSelector('#osk')
    for (const c of code.replaceAll('-', '')) await kiosk.click(`#osk .key[data-key="${c}"]`)
    await kiosk.click('#entry-lookup')
    for (const c of lookupCode) await kiosk.click(`#osk .key[data-key="${c}"]`)
    await shot(kiosk, 'dossier-kiosk-keyboard.png')
    await kiosk.click('#checkin-find')
    await kiosk.waitForSelector('#checkin-dossier[data-status="submitted_online"]')
    expect(await kiosk.textContent('#checkin-code')).toBe(code)
    expect(await kiosk.evaluate(() => document.body.innerText)).not.toContain('0987654321')
    await shot(kiosk, 'dossier-kiosk-found.png')
    await kiosk.click('#checkin-take')
    await kiosk.waitForSelector('#ticket-code')
    const ticketCode = (await kiosk.textContent('#ticket-code'))!
    expect(ticketCode).toMatch(/^A\d{3}$/)
    await kiosk.waitForFunction(() => window.__prints === 1)

    // the clerk calls it and sees the online filing, receives it with the checklist
    await clerk.click('#tab-counter')
    await clerk.waitForSelector(`#queue .qrow[data-ticket="${ticketCode}"]`)
    await clerk.keyboard.press('F1')
    await clerk.waitForSelector(`#current[data-ticket="${ticketCode}"] #linked-dossier[data-status="submitted_online"]`)
    expect(await clerk.textContent('#linked-dossier .linked-code')).toBe(code)
    await shot(clerk, 'dossier-console-linked.png')
    await clerk.click('#linked-receive')
    await clerk.locator('#receive-form input[name=doc]').first().check()
    const slip = await slipFrom(() => clerk.click('#receive-submit'))
    expect(await slip.locator('.sheet.receipt').count()).toBe(2)
    await slip.close()
    await clerk.waitForSelector('#linked-dossier[data-status="received"]')

    // pickup of the first dossier: a check-in ticket in "Trả kết quả" (counter 6), whose clerk hands the result over
    const pickup = (await h.http.post('/api/centers/na-sang/check-in').send({ code: received.code, lookupCode: received.lookupCode }).expect(201)).body.ticket
    expect(pickup.dossierCode).toBe(received.code)
    const { page: clerk6 } = await newPage(browser, COUNTER_PC)
    clerk6.context().setDefaultTimeout(8000)
    await signInAtCounter(clerk6, h.url, 'canbo6', TEST_PASSWORD, 6)
    await clerk6.waitForSelector(`#queue .qrow[data-ticket="${pickup.code}"]`)
    await clerk6.keyboard.press('F1')
    await clerk6.waitForSelector(`#current[data-ticket="${pickup.code}"] #linked-dossier[data-status="ready"]`)
    await shot(clerk6, 'dossier-console-pickup.png')
    await clerk6.click('#linked-return')
    await clerk6.click('#handover-submit') // the applicant takes it (ticked by default)
    await clerk6.waitForSelector('#linked-dossier[data-status="returned"]')
    expect(await clerk6.textContent('#intake .notice.ok')).toBe(`Đã trả kết quả hồ sơ ${received.code}.`)
    expect((await api.get(`/api/dossiers/${received.id}`).expect(200)).body.dossier).toMatchObject({ status: 'returned', returnedByName: expect.any(String) })
    expect(pageErrors(clerk6)).toEqual([])
    await display.waitForFunction((c) => !(globalThis as unknown as { document: { querySelector(s: string): { textContent: string } | null } }).document.querySelector('#ready')?.textContent.includes(c), received.code, { timeout: 5000 })
    expect(pageErrors(phone)).toEqual([])
    expect(pageErrors(kiosk)).toEqual([])
    expect(pageErrors(clerk)).toEqual([])
  }, 90_000) // one citizen's whole story (phone, kiosk, clerk, display): 18-75 s on a loaded machine
})
