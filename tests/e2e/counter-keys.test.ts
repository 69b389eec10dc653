import { afterAll, beforeAll, expect, it } from '@jest/globals'
import type { Browser, Page, Route } from 'playwright-core'
import QRCode from 'qrcode'
import { startHarness, type Harness, TEST_PASSWORD } from '../helpers/harness.js'
import { describeBrowser, ensurePagesBuilt, launch, newPage, pageErrors, shot } from './browser.js'

// the page's globals, for the callbacks that run in the page (the tests' tsconfig has no DOM library)
interface PageEl { textContent: string | null; id: string; dataset: Record<string, string | undefined>; checked: boolean; value: string; complete: boolean; naturalWidth: number }
declare const document: {
  getElementById(id: string): PageEl | null
  querySelector<T = PageEl>(s: string): T | null
  querySelectorAll<T = PageEl>(s: string): ArrayLike<T>
  activeElement: PageEl | null
  body: PageEl
}
type HTMLInputElement = PageEl
type HTMLElement = PageEl
type HTMLImageElement = PageEl

const COUNTER_PC = { width: 1366, height: 768 }
// FAKE payload (province code 000 does not exist)
const CARD = '000090000001|000000001|NGUYỄN VĂN MẪU|01011990|Nam|Số 1 Đường Thử, Phường Mẫu, Tỉnh Giả Định|15062021'

/**
 * Issue 22, keys and speed, as clerks would: a key pressed while the call is in flight waits and runs (a
 * burst of D sends one request); D completes a called ticket; N asks, a second N confirms, U undoes; T sends
 * the ticket to counter 2 with a note its clerk reads; an online filing's image is previewed and its files
 * downloaded from the Hồ sơ tab, found by "tuyet" and by the phone with dashes; and the full serve with a
 * scanned card, counted key by key (docs/staff.md).
 */
describeBrowser('counter keys in Chromium: queued keys, no-show undo, transfer to a counter, files, folded search', () => {
  let h: Harness
  let browser: Browser
  let clerk: Page
  let clerk2: Page
  const keysPressed: string[] = []

  async function login(page: Page, user: string, counter: number) {
    await page.goto(`${h.url}/staff?center=na-sang`, { waitUntil: 'domcontentloaded' })
    await page.fill('#username', user)
    await page.fill('#password', TEST_PASSWORD)
    await page.click('#login-submit')
    await page.click(`.counter-card[data-counter="${counter}"] .open-counter`)
    await page.waitForSelector('#console')
  }
  /** a key the clerk presses on the counter page, counted for the measurement */
  async function key(k: string) {
    keysPressed.push(k)
    await clerk.keyboard.press(k)
  }
  /** A 2D scanner in keyboard mode, a key every 5 ms by the keyboard's clock (as tests/e2e/cccd-scan.test.ts) */
  async function scan(payload: string): Promise<void> {
    const cdp = await clerk.context().newCDPSession(clerk)
    const t0 = Date.now() / 1000
    const sent: Promise<unknown>[] = []
    let i = 0
    for (const ch of [...payload, 'Enter']) {
      const timestamp = t0 + (i++) * 0.005
      const k = ch === 'Enter' ? { key: 'Enter', code: 'Enter', windowsVirtualKeyCode: 13, text: '\r' } : { key: ch, text: ch, unmodifiedText: ch }
      sent.push(cdp.send('Input.dispatchKeyEvent', { type: 'keyDown', ...k, timestamp }))
      sent.push(cdp.send('Input.dispatchKeyEvent', { type: 'keyUp', key: k.key, timestamp: timestamp + 0.002 }))
    }
    await Promise.all(sent)
    await cdp.detach()
  }
  const issueA = async () => (await h.http.post('/api/centers/na-sang/tickets').send({ serviceId: h.demo.services.A })).body.ticket as { id: string; code: string }

  beforeAll(async () => {
    ensurePagesBuilt()
    ;[h, browser] = await Promise.all([startHarness('pglite', { clockStart: '2026-11-23T09:00:00+07:00' }), launch()])
    clerk = (await newPage(browser, COUNTER_PC)).page
    clerk2 = (await newPage(browser, COUNTER_PC)).page
    clerk.context().setDefaultTimeout(15_000)
    clerk2.context().setDefaultTimeout(15_000)
    await login(clerk, 'canbo1', 1)
    await login(clerk2, 'canbo2', 2)
  }, 60_000)

  afterAll(async () => {
    await browser?.close()
    await h?.close()
  })

  it('a key pressed while the call is in flight waits its turn: Space then a burst of D calls and completes with one request each', async () => {
    for (let i = 0; i < 6; i++) await issueA()
    const sent: string[] = []
    clerk.on('request', (r) => { if (r.method() === 'POST' && r.url().includes('/api/')) sent.push(new URL(r.url()).pathname.split('/').pop()!) })
    // the call is held in flight until the keys are in
    let release!: () => void
    const gate = new Promise<void>((r) => { release = r })
    await clerk.route('**/call-next', async (route: Route) => { await gate; await route.continue() }, { times: 1 })
    await clerk.waitForSelector('#act-callNext:not([disabled])')
    await clerk.keyboard.press(' ')
    await clerk.waitForSelector('.busy #act-callNext')
    await clerk.keyboard.press('d')
    await clerk.waitForFunction(() => document.getElementById('key-status')?.textContent?.includes('Phím chờ chạy tiếp: D'))
    await shot(clerk, 'counter-keys-queued.png')
    await clerk.keyboard.press('d')
    await clerk.keyboard.press('d')
    expect(await clerk.textContent('#key-status')).toBe('Phím D đã nhận, đang xử lý.')
    release()
    await clerk.waitForFunction(() => document.querySelector('#fig-served .fig-value')?.textContent === '1')
    await clerk.waitForSelector('#waiting-count')
    expect(sent.filter((p) => p === 'call-next' || p === 'complete' || p === 'start')).toEqual(['call-next', 'complete'])
    expect(await clerk.textContent('.notice')).toContain('Đã hoàn thành số A001')
    clerk.removeAllListeners('request')

    // D with nobody at the desk: the shortcut bar says why
    await clerk.keyboard.press('d')
    await clerk.waitForSelector('#key-status.refused')
    expect(await clerk.textContent('#key-status')).toBe('Phím D (Hoàn thành): chưa có số nào ở quầy; nhấn F1 hoặc Dấu cách để gọi số.')
    await shot(clerk, 'counter-keys-refused.png')
  })

  it('N asks first, a second N confirms the no-show, and U takes it back within 10 seconds', async () => {
    // Space, N, D while the call is in flight: the call, then N's question; D, behind a dialog, is dropped and said so
    let release!: () => void
    const gate = new Promise<void>((r) => { release = r })
    await clerk.route('**/call-next', async (route: Route) => { await gate; await route.continue() }, { times: 1 })
    await clerk.keyboard.press(' ')
    await clerk.waitForSelector('.busy #act-callNext')
    await clerk.keyboard.press('n')
    await clerk.keyboard.press('d')
    release()
    await clerk.waitForSelector('#noshow-dialog[open]')
    expect(await clerk.textContent('#key-status')).toBe('Đã bỏ phím chờ D: hộp thoại đang mở, hãy chọn trong hộp thoại trước.')
    expect(await clerk.getAttribute('#current', 'data-status')).toBe('called')
    const code = await clerk.textContent('#current-code')
    expect(await clerk.textContent('#noshow-dialog h2')).toBe(`Số ${code} vắng mặt?`)
    await shot(clerk, 'counter-noshow-confirm.png')
    await clerk.keyboard.press('n')
    await clerk.waitForSelector('#undo-bar')
    await clerk.waitForSelector('#waiting-count')
    await clerk.waitForFunction(() => document.querySelector('#fig-noshow .fig-value')?.textContent === '1')
    await shot(clerk, 'counter-noshow-undo.png')
    await clerk.keyboard.press('u')
    await clerk.waitForSelector('#current[data-status="called"]')
    expect(await clerk.textContent('#current-code')).toBe(code)
    expect(await clerk.textContent('.notice')).toBe(`Đã hoàn tác: số ${code} được gọi lại ở quầy.`)
    await clerk.waitForFunction(() => document.querySelector('#fig-noshow .fig-value')?.textContent === '0')
    expect(await clerk.$('#undo-bar')).toBeNull()
  })

  it('T sends the ticket to counter 2 with a note: counter 2 lists it first, calls it with Space and reads the note', async () => {
    const code = (await clerk.textContent('#current-code'))!
    await clerk.keyboard.press('t')
    await clerk.waitForSelector('#transfer-dialog .btn-counter[data-counter="2"]')
    await clerk.fill('#transfer-note', 'Công dân cần chứng thực thêm bản sao')
    await shot(clerk, 'counter-transfer-dialog.png')
    // the digit picks the counter (not while typing the note)
    await clerk.focus('#transfer-dialog .btn-counter[data-counter="2"]')
    await clerk.keyboard.press('2')
    await clerk.waitForFunction(() => document.querySelector('.notice')?.textContent === 'Đã chuyển sang quầy 2.')

    // counter 2 (another clerk's screen, live): the ticket first, marked and with the note
    const row = clerk2.locator('#queue .qrow').first()
    await row.locator('.badge.for-me').waitFor()
    expect(await row.locator('.badge.for-me').textContent()).toBe('Quầy 1 chuyển sang')
    expect(await row.locator('.q-note').textContent()).toBe('Công dân cần chứng thực thêm bản sao')
    const newCode = (await row.locator('.q-code').textContent())!
    await shot(clerk2, 'counter-transfer-received.png')
    await clerk2.keyboard.press(' ')
    await clerk2.waitForSelector('#current[data-status="called"] #current-transfer')
    expect(await clerk2.textContent('#current-code')).toBe(newCode)
    expect(await clerk2.textContent('#current-transfer')).toBe(`Chuyển từ quầy 1 (số ${code}): Công dân cần chứng thực thêm bản sao`)
    await shot(clerk2, 'counter-transfer-called.png')
  })

  it('the full serve with a scanned card: Space, F2, "sinh" Enter, +, (scan, phone), Ctrl+Enter, D', async () => {
    keysPressed.length = 0
    await clerk.waitForSelector('#waiting-count')
    await key(' ')
    await clerk.waitForSelector('#current[data-status="called"]')
    await key('F2')
    await clerk.waitForSelector('#intake-dialog .proc-option')
    // the ticket's service's procedures come first, by name: "sinh" ⏎ picks Đăng ký khai sinh (3 documents)
    await clerk.keyboard.type('sinh')
    await key('Enter')
    await clerk.waitForFunction(() => document.querySelectorAll('#intake-dialog input[name=doc]').length === 3)
    await key('+')
    expect(await clerk.$$eval('#intake-dialog input[name=doc]', (els) => els.map((e) => (e as HTMLInputElement).checked))).toEqual([true, true, true])
    await scan(CARD)
    await clerk.waitForFunction(() => (document.getElementById('f-fullName') as HTMLInputElement).value === 'NGUYỄN VĂN MẪU')
    expect(await clerk.evaluate(() => document.activeElement?.id)).toBe('f-phone')
    await clerk.keyboard.type('0912-345-678') // the phone: the one thing the card does not carry
    await shot(clerk, 'counter-keys-intake.png')
    const popup = clerk.waitForEvent('popup')
    await key('Control+Enter')
    const slip = await popup
    await slip.waitForFunction(() => document.body.dataset.ready === 'yes')
    expect(await slip.$('.fee-line')).toBeNull() // khai sinh: free, nothing paid
    await slip.close()
    await clerk.waitForSelector('#intake-dialog', { state: 'detached' })
    await key('d')
    await clerk.waitForSelector('#waiting-count')
    expect(await clerk.textContent('.notice')).toContain('Đã hoàn thành số')
    // 6 keys, and typed: 4 letters of the procedure, the 10 digits of the phone; nothing of the card, no click
    expect(keysPressed).toEqual([' ', 'F2', 'Enter', '+', 'Control+Enter', 'd'])
    const d = await h.handle.db.selectFrom('dossier').select(['applicant_phone', 'applicant_name', 'id_check', 'documents']).orderBy('created_at', 'desc').executeTakeFirstOrThrow()
    expect(d).toMatchObject({ applicant_phone: '0912345678', applicant_name: 'NGUYỄN VĂN MẪU', id_check: 'card_scan' })
    expect(pageErrors(clerk)).toEqual([])
  })

  it('an online filing: found by "tuyet" and by its phone with dashes; its image previewed, its files downloaded, never opened in the page', async () => {
    const png = await QRCode.toBuffer('anh giay chung sinh', { type: 'png', width: 240 })
    const pdf = Buffer.from('%PDF-1.4\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n')
    const proc = await h.handle.db.selectFrom('procedure').select('id').where('code', '=', 'ct-hop-dong').executeTakeFirstOrThrow()
    const filed = await h.http.post('/api/public/dossiers').send({
      center: 'na-sang', procedureId: proc.id, applicant: { fullName: 'Lò Thị Tuyết', phone: '+84 987 654 321', address: 'Bản Na Sang' },
      attachments: [{ name: 'ảnh giấy tờ.png', type: 'image/png', dataBase64: png.toString('base64') }, { name: 'hop-dong.pdf', type: 'application/pdf', dataBase64: pdf.toString('base64') }],
    })
    expect(filed.status).toBe(201)
    // and another, which the search must leave out
    expect((await h.http.post('/api/public/dossiers').send({ center: 'na-sang', procedureId: proc.id, applicant: { fullName: 'Lò Văn Tuấn', phone: '0911 111 222', address: 'Bản Na Sang' } })).status).toBe(201)
    await clerk.click('#tab-dossiers')
    await clerk.waitForSelector('.ds-row')
    const all = await clerk.$$eval('.ds-row', (rows) => rows.length)
    expect(all).toBeGreaterThan(1)
    // the list narrows to the one filing, whose name has marks the search has not
    const only = (code: string) => clerk.waitForFunction((c) => {
      const rows = document.querySelectorAll<HTMLElement>('.ds-row')
      return rows.length === 1 && rows[0]!.dataset.code === c
    }, code)
    await clerk.fill('#ds-search', 'tuyet')
    await only(filed.body.code)
    await shot(clerk, 'dossier-search-folded.png')
    await clerk.fill('#ds-search', '')
    await clerk.waitForFunction((n) => document.querySelectorAll('.ds-row').length === n, all)
    await clerk.fill('#ds-search', '0987-654-321')
    await only(filed.body.code)
    await clerk.click(`.ds-row[data-code="${filed.body.code}"] button.linkish`)
    await clerk.waitForSelector('#ds-attachments')
    await clerk.waitForFunction(() => { const img = document.querySelector<HTMLImageElement>('#ds-attachments img'); return !!img && img.complete && img.naturalWidth > 0 })
    // listed by name, as the server keeps them
    expect(await clerk.$$eval('#ds-attachments .att-name', (els) => els.map((e) => e.textContent))).toEqual(['hop-dong.pdf', 'ảnh giấy tờ.png'])
    await clerk.locator('#ds-attachments').scrollIntoViewIfNeeded()
    await shot(clerk, 'dossier-attachments.png')
    // the download: the citizen's bytes, as an attachment, sandboxed, not sniffed
    const download = clerk.waitForEvent('download')
    await clerk.click('#ds-attachments li[data-attachment="hop-dong.pdf"] .att-download')
    expect((await download).suggestedFilename()).toBe('hop-dong.pdf')
    const href = await clerk.getAttribute('#ds-attachments li[data-attachment="hop-dong.pdf"] .att-download', 'href')
    const res = await clerk.request.get(`${h.url}${href}`)
    expect(res.headers()).toMatchObject({ 'content-type': 'application/pdf', 'x-content-type-options': 'nosniff' })
    expect(res.headers()['content-disposition']).toMatch(/^attachment;/)
    expect(res.headers()['content-security-policy']).toContain('sandbox')
    expect(Buffer.from(await res.body()).equals(pdf)).toBe(true)
    expect(pageErrors(clerk)).toEqual([])
  })

  it('the receipt slip shows the fee: due, paid, how and the receipt number', async () => {
    const api = await h.login('canbo3')
    const proc = await h.handle.db.selectFrom('procedure').select('id').where('code', '=', 'ct-hop-dong').executeTakeFirstOrThrow()
    const made = await api.post('/api/dossiers').send({ procedureId: proc.id, channel: 'post', documents: [{ name: 'Dự thảo hợp đồng', received: true }], sets: 1, delivery: 'center',
      applicant: { fullName: 'Lò Văn Phí', phone: '0912 000 111', address: 'Bản Na Sang' }, fee: { paidVnd: 50000, method: 'cash', receiptNumber: 'BL-0042' } })
    expect(made.status).toBe(201)
    const slip = await clerk.context().newPage()
    await slip.goto(`${h.url}/staff/phieu/${made.body.dossier.id}?loai=tiep-nhan`)
    await slip.waitForFunction(() => document.body.dataset.ready === 'yes')
    expect(await slip.$$eval('.sheet .fee-line', (els) => els.map((e) => e.textContent)))
      .toEqual(Array(2).fill('Phí, lệ phí: 50.000 đồng. Đã thu: 50.000 đồng (tiền mặt), biên lai số BL-0042.'))
    // the phone, stored as 0912000111, printed as people read it
    expect(await slip.locator('.sheet').first().textContent()).toContain('0912 000 111')
    await slip.locator('.fee-line').first().scrollIntoViewIfNeeded()
    await shot(slip, 'slip-fee.png')
    await slip.close()
  })
})
