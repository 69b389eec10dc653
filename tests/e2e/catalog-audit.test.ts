// The manager imports a 20-procedure CSV (one bad row refused with its row number, then fixed), then reads the
// audit log ("Nhật ký"): filters, pages, and its CSV export; and the national code on the dossier slip and lookup.
import { afterAll, beforeAll, expect, it } from '@jest/globals'
import { readFileSync, writeFileSync, mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Browser, Page } from 'playwright-core'
import { startHarness, type Harness, TEST_PASSWORD } from '../helpers/harness.js'
import { describeBrowser, ensurePagesBuilt, launch, newPage, pageErrors, shot } from './browser.js'

const OFFICE_PC = { width: 1366, height: 768 }
const HEAD = 'Mã thủ tục;Tên thủ tục;Lĩnh vực;Thời hạn giải quyết (ngày làm việc);Lệ phí (đồng);Thành phần hồ sơ;Mức độ dịch vụ công trực tuyến'

/** 20 procedures; row 8 of the spreadsheet (the 7th procedure) has a national code that is not one, when `bad`. */
function catalogCsv(bad: boolean): string {
  const rows = Array.from({ length: 20 }, (_, i) => {
    const code = `2.0009${String(10 + i).padStart(2, '0')}`
    const national = bad && i === 6 ? '2.00091' : code
    return `${national};Thủ tục thử số ${i + 1};${'ABCDE'[i % 5]};${i % 10};${i % 3 ? '50.000' : '0'};"Tờ khai số ${i + 1}\nGiấy tờ tùy thân";${['Toàn trình', 'Một phần', ''][i % 3]}`
  })
  return '\uFEFF' + [HEAD, ...rows].join('\r\n') + '\r\n'
}

describeBrowser('procedure catalog import and the audit log in Chromium', () => {
  let h: Harness
  let browser: Browser
  let page: Page
  const dir = mkdtempSync(join(tmpdir(), 'motcua-catalog-'))
  let dossierId = ''

  beforeAll(async () => {
    ensurePagesBuilt()
    ;[h, browser] = await Promise.all([startHarness('pglite', { clockStart: '2026-11-23T02:00:00Z', sessionHours: 24 * 7 }), launch()])
    ;({ page } = await newPage(browser, OFFICE_PC))
    page.context().setDefaultTimeout(8000)
    await page.goto(`${h.url}/staff?center=na-sang`)
    await page.fill('#username', 'quanly')
    await page.fill('#password', TEST_PASSWORD)
    await page.click('#login-submit')
    await page.waitForSelector('#floor')
  }, 60_000)

  afterAll(async () => {
    await browser?.close()
    await h?.close()
  })

  it('imports 20 procedures: the bad row is refused with its row number and nothing is written; fixed, all 20 are added', async () => {
    await page.click('#tab-settings')
    await page.click('#set-procedures')
    await page.waitForSelector('#proc-import')
    const badFile = join(dir, 'danh-muc-loi.csv')
    writeFileSync(badFile, catalogCsv(true))
    await page.setInputFiles('#proc-file', badFile)
    await page.waitForSelector('#proc-problems li')
    expect(await page.$$eval('#proc-problems li', (ls) => ls.map((l) => l.textContent))).toEqual(['Dòng 8: Mã thủ tục "2.00091" không đúng dạng (ví dụ 1.001193).'])
    expect(await page.textContent('#proc-counts')).toBe('19 thêm mới · 0 cập nhật · 0 không đổi · 1 dòng lỗi')
    expect(await page.isDisabled('#proc-apply')).toBe(true)
    expect(await page.getAttribute('#proc-preview tr[data-row="8"]', 'data-action')).toBe('invalid')
    await page.$eval('#proc-problems', (el) => el.scrollIntoView({ block: 'start' }))
    await shot(page, 'staff-catalog-import-refused-1366x768.png')
    expect(await page.$$('#proc-table tr[data-national-code^="2.0009"]')).toHaveLength(0)

    const goodFile = join(dir, 'danh-muc.csv')
    writeFileSync(goodFile, catalogCsv(false))
    await page.setInputFiles('#proc-file', goodFile)
    await page.waitForFunction(() => document.querySelector('#proc-counts')?.textContent?.startsWith('20 thêm mới'))
    expect(await page.$$('#proc-problems')).toHaveLength(0)
    await page.$eval('#proc-preview', (el) => el.scrollIntoView({ block: 'start' }))
    await shot(page, 'staff-catalog-import-preview-1366x768.png')
    await page.click('#proc-apply')
    await page.waitForSelector('#proc-import-notice.ok')
    expect(await page.textContent('#proc-import-notice')).toBe('Đã nhập: 20 thêm mới, 0 cập nhật.')
    await page.waitForFunction(() => document.querySelectorAll('#proc-table tr[data-national-code^="2.0009"]').length === 20)
    await page.$eval('#proc-table tr[data-national-code="2.000916"]', (el) => el.scrollIntoView({ block: 'center' }))
    await shot(page, 'staff-catalog-imported-1366x768.png')

    // the export link downloads what the import reads: BOM and ';'
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('#proc-export-csv')])
    expect(download.suggestedFilename()).toBe('thu-tuc-na-sang.csv')
    const text = readFileSync((await download.path())!, 'utf8')
    expect(text.startsWith('\uFEFFMã thủ tục;Tên thủ tục;')).toBe(true)
    expect(text).toContain('\r\n2.000916;Thủ tục thử số 7;')
  })

  it('the audit log lists the import, pages through it, filters by kind, staff and days, and exports CSV', async () => {
    // another day: a clerk's dossier work, so the log holds more than settings
    h.clock.set('2026-11-24T02:30:00Z')
    const clerk = await h.login('canbo1')
    const proc = (await h.handle.db.selectFrom('procedure').select('id').where('national_code', '=', '2.000916').executeTakeFirstOrThrow()).id
    const d = (await clerk.post('/api/dossiers').send({ procedureId: proc, sets: 1, delivery: 'center', documents: [{ name: 'Tờ khai số 7', received: true }],
      applicant: { fullName: 'Lò Văn Páo', phone: '0912 000 111', address: 'Bản Na Sang 1' } }).expect(201)).body.dossier as { id: string; code: string }
    await clerk.post(`/api/dossiers/${d.id}/status`).send({ status: 'processing' }).expect(200)
    // and 40 setting changes: 62 entries over two days, more than one page of 50
    const manager = await h.login('quanly')
    const ids = (await h.handle.db.selectFrom('procedure').select('id').where('national_code', 'like', '2.0009%').execute()).map((p) => p.id)
    for (let i = 0; i < 40; i++) await manager.patch(`/api/procedures/${ids[i % 20]}`).send({ feeNote: `lần ${i}` }).expect(200)

    await page.click('#tab-log')
    await page.waitForSelector('#log-table')
    await page.fill('#log-from', '2026-11-23')
    await page.dispatchEvent('#log-from', 'change')
    await page.waitForSelector('#log-more')
    expect(await page.$$('#log-table tbody tr')).toHaveLength(50)
    expect(await page.textContent('#log-count')).toBe('Đang hiện 50 mục')
    await shot(page, 'staff-log-page-1366x768.png')
    await page.click('#log-more')
    await page.waitForFunction(() => document.querySelectorAll('#log-table tbody tr').length === 62)
    expect(await page.$$('#log-more')).toHaveLength(0)
    expect(await page.textContent('#log-count')).toBe('Đã hiện hết 62 mục')
    const rowIds = await page.$$eval('#log-table tbody tr', (rs) => rs.map((r) => r.getAttribute('data-id')))
    expect(new Set(rowIds).size).toBe(62)

    // kind: dossiers only; staff: the clerk
    await page.selectOption('#log-entity', 'dossier')
    await page.waitForFunction(() => document.querySelectorAll('#log-table tbody tr').length === 2)
    expect(await page.$$eval('#log-table tbody tr td:nth-child(4)', (ts) => ts.map((t) => t.textContent))).toEqual(['Chuyển giải quyết', 'Tiếp nhận hồ sơ'])
    expect(await page.textContent('#log-table tbody tr:first-child td:nth-child(3)')).toContain(d.code)
    await shot(page, 'staff-log-dossiers-1366x768.png')
    await page.selectOption('#log-entity', '')
    await page.selectOption('#log-staff', h.demo.staff.canbo1!)
    await page.waitForFunction(() => document.querySelectorAll('#log-table tbody tr').length === 2)
    // one day only: the 23rd holds the import
    await page.selectOption('#log-staff', '')
    await page.fill('#log-to', '2026-11-23')
    await page.dispatchEvent('#log-to', 'change')
    await page.waitForFunction(() => document.querySelectorAll('#log-table tbody tr').length === 20)

    // the export: every entry of the filters, the reports' CSV conventions
    await page.fill('#log-to', '2026-11-24')
    await page.dispatchEvent('#log-to', 'change')
    await page.waitForFunction(() => document.querySelectorAll('#log-table tbody tr').length === 50)
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('#log-export')])
    expect(download.suggestedFilename()).toBe('nhat-ky-na-sang-2026-11-23-2026-11-24.csv')
    const text = readFileSync((await download.path())!, 'utf8')
    expect(text.startsWith('\uFEFFThời điểm;Người thực hiện;Loại;Đối tượng;Thao tác;Thay đổi\r\n')).toBe(true)
    expect(text.trimEnd().split('\r\n')).toHaveLength(1 + 62)
    dossierId = d.id
    expect(pageErrors(page)).toEqual([])
  })

  it('the national code is on the receipt slip (each copy still on one A5 sheet) and in the citizen\'s lookup', async () => {
    const slip = await page.context().newPage()
    await slip.goto(`${h.url}/staff/phieu/${dossierId}?loai=tiep-nhan`)
    await slip.waitForSelector('.sheet.receipt')
    const text = await slip.evaluate(() => (globalThis as unknown as { document: { body: { innerText: string } } }).document.body.innerText)
    expect(text).toContain('Thủ tục thử số 7')
    expect(text).toMatch(/Mã thủ tục:\s*2\.000916/)
    await slip.emulateMedia({ media: 'print' })
    await slip.setViewportSize({ width: 465, height: 718 }) // A5's printable area, as tests/e2e/dossiers.test.ts measures it
    const heights = await slip.$$eval('.sheet', (els) => els.map((e) => Math.round(e.getBoundingClientRect().height)))
    expect(heights).toHaveLength(2)
    for (const hgt of heights) expect(hgt).toBeLessThanOrEqual(718)
    await slip.emulateMedia({ media: 'screen' })
    await slip.setViewportSize(OFFICE_PC)
    await shot(slip, 'dossier-slip-national-code-1366x768.png')
    const d = (await (await h.login('canbo1')).get(`/api/dossiers/${dossierId}`).expect(200)).body.dossier as { lookupPath: string }
    const phone = await browser.newPage({ viewport: { width: 360, height: 740 } })
    await phone.goto(`${h.url}${d.lookupPath}`)
    await phone.waitForSelector('#dossier-code')
    expect(await phone.textContent('.facts')).toContain('Mã thủ tục2.000916')
    await shot(phone, 'lookup-national-code-360.png')
    // the procedure page the kiosk's QR opens
    await phone.goto(`${h.url}/tra-cuu?center=na-sang&thu-tuc=2-000916`)
    await phone.waitForSelector('#procedure-national-code')
    expect(await phone.textContent('#procedure-national-code')).toBe('2.000916')
    expect(pageErrors(slip)).toEqual([])
    await phone.close()
    await slip.close()
  })
})

declare const document: { querySelector(s: string): { textContent: string | null } | null; querySelectorAll(s: string): { length: number } }
