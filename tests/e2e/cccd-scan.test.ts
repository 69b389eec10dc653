// The chip ID card's QR at the counter, in Chromium (issue 22): a keyboard-wedge scanner typing at scanner
// speed while the focus is in another field, a garbled payload's Vietnamese reason, the webcam fed a fake
// QR video (Chromium's fake capture device playing a .y4m made here from a QR drawn by the qrcode package),
// the ID check shown in the dossier's detail, and a scan in the dossier search.
import { writeFileSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, expect, it } from '@jest/globals'
import type { Browser, Page } from 'playwright-core'
import { startHarness, type Harness, TEST_PASSWORD } from '../helpers/harness.js'
import { describeBrowser, ensurePagesBuilt, launch, newPage, pageErrors, qrY4m, shot } from './browser.js'

declare const window: Record<string, unknown>

// FAKE payloads (province code 000 does not exist)
const CARD = '000090000001|000000001|NGUYỄN VĂN MẪU|01011990|Nam|Số 1 Đường Thử, Phường Mẫu, Tỉnh Giả Định|15062021'
const CAMERA_CARD = '000190000002||TRẦN THỊ THỬ|31121990|Nữ|Thôn Giả, Xã Mẫu, Tỉnh Giả Định|20072022'
const TELEX = '000090000001|000000001|NGUYEENX VAWN MAAUX|01011990|Nam|Soos 1 DDuowngf Thuwr, Tinhr Gia Ddinhj|15062021'

describeBrowser('the ID card scan in Chromium: scanner keystrokes, a garbled code, the webcam, the ID check', () => {
  let h: Harness
  let browser: Browser
  let clerk: Page
  let dir: string

  const value = (sel: string) => clerk.inputValue(sel)
  /**
   * A 2D scanner in keyboard mode: the payload and its Enter, a key every 5 ms by the keyboard's own clock.
   * Through the DevTools protocol with each key's timestamp, as a real keyboard's events carry the time the
   * key was sent: page.keyboard.type({ delay: 5 }) on this shared 2-core machine delivers keys 20–240 ms
   * apart (measured), slower than a person's rolled keys, so it cannot stand for a scanner here. The
   * commands go out back to back (not awaited one by one), as a scanner's keys arrive.
   */
  async function scan(payload: string): Promise<void> {
    const cdp = await clerk.context().newCDPSession(clerk)
    const t0 = Date.now() / 1000
    const sent: Promise<unknown>[] = []
    let i = 0
    for (const ch of [...payload, 'Enter']) {
      const timestamp = t0 + (i++) * 0.005
      const key = ch === 'Enter' ? { key: 'Enter', code: 'Enter', windowsVirtualKeyCode: 13, text: '\r' } : { key: ch, text: ch, unmodifiedText: ch }
      sent.push(cdp.send('Input.dispatchKeyEvent', { type: 'keyDown', ...key, timestamp }))
      sent.push(cdp.send('Input.dispatchKeyEvent', { type: 'keyUp', key: key.key, timestamp: timestamp + 0.002 }))
    }
    await Promise.all(sent)
    await cdp.detach()
  }

  beforeAll(async () => {
    ensurePagesBuilt()
    dir = mkdtempSync(join(tmpdir(), 'cccd-cam-'))
    const video = join(dir, 'card.y4m')
    writeFileSync(video, qrY4m(CAMERA_CARD))
    ;[h, browser] = await Promise.all([startHarness('pglite'), launch(['--use-fake-ui-for-media-stream', '--use-fake-device-for-media-stream', `--use-file-for-fake-video-capture=${video}`])])
    const { ctx, page } = await newPage(browser, { width: 1366, height: 768 })
    await ctx.grantPermissions(['camera'])
    clerk = page
    clerk.context().setDefaultTimeout(8000)
  }, 60_000)

  afterAll(async () => {
    await browser?.close()
    await h?.close()
    if (dir) rmSync(dir, { recursive: true, force: true })
  })

  it('a scan typed at scanner speed while the phone field has the focus fills the applicant, and nothing lands in the phone', async () => {
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

    // the clerk has begun the phone number, by hand, when the citizen's card goes under the scanner
    await clerk.click('#f-phone')
    await clerk.keyboard.type('0912', { delay: 80 })
    await scan(CARD)
    await clerk.waitForSelector('#scan-note.ok:not([hidden])')
    expect(await value('#f-fullName')).toBe('NGUYỄN VĂN MẪU')
    expect(await value('#f-idNumber')).toBe('000090000001')
    expect(await value('#f-birthDate')).toBe('1990-01-01')
    expect(await value('#f-sex')).toBe('male')
    expect(await value('#f-address')).toBe('Số 1 Đường Thử, Phường Mẫu, Tỉnh Giả Định')
    expect(await value('#f-phone')).toBe('0912')
    expect(await clerk.evaluate(() => (globalThis as unknown as { document: { activeElement: { id: string } } }).document.activeElement.id)).toBe('f-phone')
    expect(await clerk.textContent('#scan-note')).toContain('Đã điền từ thẻ căn cước: NGUYỄN VĂN MẪU, số 000090000001')
    // the Enter that ended the scan sent nothing
    expect(await clerk.locator('#intake-form .form-error:not([hidden])').count()).toBe(0)
    await clerk.keyboard.type(' 345 678', { delay: 60 })
    expect(await value('#f-phone')).toBe('0912 345 678')
    await shot(clerk, 'cccd-scan-filled.png')

    // a person typing fast (two keys 10 ms apart) still types into the field
    await clerk.fill('#f-note', '')
    await clerk.click('#f-note')
    await clerk.keyboard.type('12', { delay: 10 })
    await clerk.waitForTimeout(200)
    expect(await value('#f-note')).toBe('12')
    await clerk.fill('#f-note', '')

    await clerk.fill('#proc-filter', 'khai sinh')
    await clerk.press('#proc-filter', 'Enter')
    await clerk.check('#docs-check input[name=doc] >> nth=0')
    const [slip] = await Promise.all([clerk.context().waitForEvent('page'), clerk.click('#intake-submit')])
    await slip.close()
    await clerk.waitForSelector('.just-received')
    const api = await h.login('canbo1')
    const list = (await api.get('/api/dossiers?center=na-sang').expect(200)).body.dossiers
    const d = (await api.get(`/api/dossiers/${list[0].id}`).expect(200)).body.dossier
    expect(d.applicant).toMatchObject({ fullName: 'NGUYỄN VĂN MẪU', idNumber: '000090000001', birthDate: '1990-01-01', sex: 'male', idCheck: 'card_scan', phone: '0912345678' })

    // the dossier's detail says how the ID was checked
    await clerk.click('#tab-dossiers')
    await clerk.click(`.ds-row[data-code="${d.code}"] button`)
    await clerk.waitForSelector('#ds-title')
    const detail = await clerk.textContent('#ds-detail')
    expect(detail).toContain('Đã quét mã QR thẻ căn cước bằng máy quét · 000090000001')
    expect(detail).toContain('01/01/1990 · Nam')
    await shot(clerk, 'cccd-dossier-detail.png')

    // a card scanned on the dossier tab, focus in the search box: its holder's dossiers by the number
    await clerk.fill('#ds-search', '')
    await clerk.click('#ds-search')
    await scan(CARD)
    await clerk.waitForFunction(() => (globalThis as unknown as { document: { querySelector(s: string): { value: string } | null } }).document.querySelector('#ds-search')?.value === '000090000001')
    await clerk.waitForSelector(`#ds-list tr[data-code="${d.code}"]`)
    expect(pageErrors(clerk)).toEqual([])
  })

  it('a card scanned on the counter tab opens the intake form; a garbled code (Telex) fills nothing and says why in Vietnamese', async () => {
    await clerk.click('#tab-counter')
    await clerk.waitForSelector('#current #intake-open')
    // no dialog open, no field focused: the scan opens the form for the ticket at the desk
    await scan(TELEX)
    await clerk.waitForSelector('#intake-dialog #scan-note.error:not([hidden])')
    await clerk.click('#f-address')
    await scan(TELEX)
    await clerk.waitForSelector('#scan-note.error:not([hidden])')
    expect(await clerk.textContent('#scan-note')).toBe('Mã QR không dùng được: chữ bị gõ theo kiểu Telex/VNI; hãy tắt bộ gõ tiếng Việt (Unikey, EVKey) trước khi quét. Chưa điền gì vào biểu mẫu.')
    for (const f of ['#f-fullName', '#f-idNumber', '#f-birthDate', '#f-address', '#f-sex']) expect(await value(f)).toBe('')
    await shot(clerk, 'cccd-scan-garbled.png')
  })

  it('"Quét bằng camera" reads the card from the webcam (jsQR where the browser has no BarcodeDetector)', async () => {
    const detector = await clerk.evaluate(() => 'BarcodeDetector' in window)
    await clerk.click('#scan-camera')
    await clerk.waitForSelector('#scan-note.ok:not([hidden])', { timeout: 15_000 })
    expect(await value('#f-fullName')).toBe('TRẦN THỊ THỬ')
    expect(await value('#f-idNumber')).toBe('000190000002')
    expect(await value('#f-birthDate')).toBe('1990-12-31')
    expect(await value('#f-sex')).toBe('female')
    expect(await clerk.locator('#cam-panel').isHidden()).toBe(true)
    await shot(clerk, 'cccd-camera-filled.png')
    // the camera stopped once the card was read
    expect(await clerk.evaluate(() => (globalThis as unknown as { document: { querySelector(s: string): { srcObject: { active: boolean } | null } } }).document.querySelector('#cam-panel video').srcObject?.active ?? false)).toBe(false)
    console.log(`webcam decoder: ${detector ? 'BarcodeDetector' : 'jsQR'}`)
  })
})
