// The forms of issue 21, printed from the browser: Chromium prints each one to PDF (page.pdf with the page's own
// @page size) and the test counts the pages. Every copy is one `.sheet`, and every sheet starts a new page
// (break-after: page), so "pages = copies" means no copy ran onto a second sheet: its table and the signature
// block with the clerk's name are on one sheet. Print emulation then checks, copy by copy, that the table and
// the clerk's name lie inside the copy and the copy inside the printable height.
import { join } from 'node:path'
import { afterAll, beforeAll, expect, it } from '@jest/globals'
import type { Browser, BrowserContext } from 'playwright-core'
import type { DossierView } from '../../common/dossier-types.js'
import { startHarness, TEST_PASSWORD, type Harness } from '../helpers/harness.js'
import { describeBrowser, ensurePagesBuilt, launch, newPage, pageErrors, SCREENSHOTS } from './browser.js'

declare const document: { querySelectorAll(s: string): ArrayLike<{ getBoundingClientRect(): { top: number; bottom: number; height: number }; querySelector(s: string): { getBoundingClientRect(): { top: number; bottom: number }; textContent: string | null } | null }> }

const local = (day: string, hm: string) => `${day}T${hm}:00+07:00`
/** the printable area at 96 dpi: A5 (148 × 210 mm) and A4 (210 × 297 mm) less the slip's @page margins */
const PRINTABLE = { a5: { width: 465, height: 718 }, a4: { width: 624, height: 990 } }
const CLERK = 'Quàng Thị Hoa'
const applicant = { fullName: 'Nguyễn Thị Thanh Hương', phone: '0912 345 678', address: 'Tổ dân phố 3, bản Na Sang 1, xã Na Sang, tỉnh Điện Biên', idNumber: '011234567891' }
/** realistic document names, long ones (the worst case a clerk meets) */
const NAMES = [
  'Tờ khai đăng ký khai sinh theo mẫu quy định (bản chính)',
  'Giấy chứng sinh do cơ sở khám bệnh, chữa bệnh cấp (bản chính)',
  'Văn bản ủy quyền có chứng thực, nếu người đi đăng ký không phải cha, mẹ',
  'Giấy tờ tùy thân của người đi đăng ký (Căn cước hoặc Hộ chiếu), để đối chiếu',
  'Giấy chứng nhận kết hôn của cha, mẹ trẻ (bản sao có chứng thực)',
  'Văn bản thỏa thuận của cha, mẹ về việc chọn quốc tịch cho con',
  'Biên bản xác nhận việc trẻ bị bỏ rơi do cơ quan có thẩm quyền lập',
  'Giấy tờ chứng minh nơi cư trú của người đi đăng ký (bản sao)',
]
const docsOf = (n: number) => Array.from({ length: n }, (_, i) => ({ name: i < NAMES.length ? NAMES[i]! : `${NAMES[i % NAMES.length]!.replace(/ \(.*\)$/, '')} (bộ ${i + 1})`, received: i % 5 !== 4 }))

/** PDF pages as Chromium writes them: one `/Type /Page` object each (the tree's `/Type /Pages` is not counted). */
export function pdfPages(pdf: Buffer): number {
  return pdf.toString('latin1').match(/\/Type\s*\/Page(?![s\w])/g)?.length ?? 0
}

describeBrowser('the forms printed to PDF: each copy on one sheet, A5 up to 8 documents, A4 up to 30', () => {
  let h: Harness
  let browser: Browser
  let ctx: BrowserContext
  let api: Awaited<ReturnType<Harness['login']>>
  let procedureId: string

  beforeAll(async () => {
    ensurePagesBuilt()
    ;[h, browser] = await Promise.all([startHarness('pglite', { sessionHours: 24 * 60 }), launch()])
    ;({ ctx } = await newPage(browser, { width: 1366, height: 768 }))
    h.clock.set(local('2026-11-23', '09:00'))
    api = await h.login('canbo1')
    expect((await ctx.request.post(`${h.url}/api/auth/login`, { data: { username: 'canbo1', password: TEST_PASSWORD } })).status()).toBe(200)
    procedureId = (await h.handle.db.selectFrom('procedure').select('id').where('code', '=', 'khai-sinh').executeTakeFirstOrThrow()).id
  }, 60_000)

  afterAll(async () => {
    await browser?.close()
    await h?.close()
  })

  async function receive(n: number): Promise<DossierView> {
    const res = await api.post('/api/dossiers').send({ procedureId, applicant, documents: docsOf(n), sets: 1, delivery: 'center' })
    expect(res.status).toBe(201)
    return res.body.dossier
  }

  /** Prints one form on one paper: its PDF's pages, and per copy whether the table and the clerk's name stay inside it. */
  async function print(id: string, kind: string, paper: 'a5' | 'a4', shotName: string) {
    const page = await ctx.newPage()
    await page.goto(`${h.url}/staff/phieu/${id}?loai=${kind}&kho=${paper}`)
    await page.waitForSelector('body[data-ready="yes"]')
    const pdf = await page.pdf({ preferCSSPageSize: true, printBackground: true })
    await page.emulateMedia({ media: 'print' })
    await page.setViewportSize(PRINTABLE[paper])
    await page.screenshot({ path: join(SCREENSHOTS, shotName), fullPage: true })
    const copies = await page.evaluate(() => Array.from(document.querySelectorAll('.sheet')).map((s) => {
      const r = s.getBoundingClientRect()
      const table = s.querySelector('table, ol.items, .note-box, #apology-reason, #stop-request')?.getBoundingClientRect()
      const name = s.querySelector('.signs')?.getBoundingClientRect()
      return { height: Math.ceil(r.height), tableInside: !!table && table.top >= r.top && table.bottom <= r.bottom,
        signsInside: !!name && name.top >= r.top && name.bottom <= r.bottom, names: s.querySelector('.signs')?.textContent ?? '' }
    }))
    expect(pageErrors(page)).toEqual([])
    await page.close()
    for (const c of copies) {
      expect({ kind, paper, ...c }).toMatchObject({ kind, paper, tableInside: true, signsInside: true })
      expect(c.height).toBeLessThanOrEqual(PRINTABLE[paper].height)
    }
    return { pages: pdfPages(pdf), copies }
  }

  it('the receipt with 8 documents: 2 pages on A5 and on A4 (one per copy), the clerk’s name on each copy’s sheet', async () => {
    const d = await receive(8)
    for (const paper of ['a5', 'a4'] as const) {
      const r = await print(d.id, 'tiep-nhan', paper, `form-${paper}-receipt-8.png`)
      expect(r.pages).toBe(2)
      expect(r.copies.map((c) => c.names.includes(CLERK))).toEqual([true, true])
    }
  }, 60_000)

  it('the receipt with 30 documents on A4: 2 pages', async () => {
    const d = await receive(30)
    const r = await print(d.id, 'tiep-nhan', 'a4', 'form-a4-receipt-30.png')
    expect(r.pages).toBe(2)
    expect(r.copies.map((c) => c.names.includes(CLERK))).toEqual([true, true])
  }, 60_000)

  it('supplement request, apology and extension, refusal, stop notice, process control slip: each copy one sheet on A5 and A4', async () => {
    // a dossier with 8 documents, 8 missing items asked, completed, extended: its supplement request, apology and control slip
    const d = await receive(8)
    h.clock.set(local('2026-11-23', '10:00'))
    const items = NAMES.map((n) => `${n}, còn thiếu`)
    expect((await api.post(`/api/dossiers/${d.id}/status`).send({ status: 'needs_supplement', items })).status).toBe(200)
    h.clock.set(local('2026-11-24', '08:00'))
    expect((await api.post(`/api/dossiers/${d.id}/status`).send({ status: 'processing' })).status).toBe(200)
    expect((await api.post(`/api/dossiers/${d.id}/extend`).send({ dueAt: '2026-11-30', reason: 'Cần xác minh thông tin khai sinh tại Ủy ban nhân dân xã nơi cư trú trước đây' })).status).toBe(200)
    const refused = await receive(8)
    expect((await api.post(`/api/dossiers/${refused.id}/status`).send({ status: 'rejected', note: 'Thủ tục không thuộc thẩm quyền giải quyết của Ủy ban nhân dân xã; đề nghị nộp tại cơ quan có thẩm quyền.' })).status).toBe(200)
    const stopped = await receive(8)
    expect((await api.post(`/api/dossiers/${stopped.id}/status`).send({ status: 'stopped', note: 'Công dân đề nghị dừng để bổ sung giấy tờ ở nơi khác' })).status).toBe(200)
    const forms: [string, string, number][] = [['bo-sung', d.id, 2], ['xin-loi', d.id, 1], ['tu-choi', refused.id, 2], ['dung', stopped.id, 2], ['kiem-soat', d.id, 1]]
    for (const paper of ['a5', 'a4'] as const) {
      for (const [kind, id, copies] of forms) {
        const r = await print(id, kind, paper, `form-${paper}-${kind}.png`)
        expect({ kind, paper, pages: r.pages, copies: r.copies.length }).toEqual({ kind, paper, pages: copies, copies })
      }
    }
  }, 90_000)

  it('the process control slip, printed from the dossier detail: every step with who, when, and whether it was on time', async () => {
    // Monday 23/11 09:00 received (1 working day: due Tuesday 17:00); a supplement asked at 10:00 (on time), completed Tuesday 08:00
    // (due again Wednesday 17:00), ready on Thursday 09:00 (late)
    h.clock.set(local('2026-11-23', '09:00'))
    const d = await receive(3)
    h.clock.set(local('2026-11-23', '10:00'))
    expect((await api.post(`/api/dossiers/${d.id}/status`).send({ status: 'needs_supplement', items: ['Giấy chứng sinh (bản chính)'] })).status).toBe(200)
    h.clock.set(local('2026-11-24', '08:00'))
    expect((await api.post(`/api/dossiers/${d.id}/status`).send({ status: 'processing' })).status).toBe(200)
    h.clock.set(local('2026-11-26', '09:00'))
    api = await h.login('canbo1')
    expect((await api.post(`/api/dossiers/${d.id}/status`).send({ status: 'ready' })).body.dossier.outcome).toBe('late')
    const console = await ctx.newPage()
    await console.goto(`${h.url}/staff?center=na-sang`)
    await console.click('#tab-dossiers')
    await console.click(`.ds-row[data-code="${d.code}"] button`)
    await console.waitForSelector('#ds-title')
    const [slip] = await Promise.all([ctx.waitForEvent('page'), console.click('#ds-print-control')])
    await slip.waitForSelector('body[data-ready="yes"]')
    expect(new URL(slip.url()).searchParams.get('loai')).toBe('kiem-soat')
    await slip.waitForFunction('window.__prints === 1')
    const rows = await slip.$$eval('#control-steps tbody tr', (trs) => trs.map((tr) => [...tr.querySelectorAll('td')].slice(1, 5).map((td) => td.textContent)))
    expect(rows).toEqual([
      ['Tiếp nhận hồ sơ', CLERK, '09:00 23/11/2026', '—'],
      ['Yêu cầu bổ sung hồ sơ', CLERK, '10:00 23/11/2026', 'Đúng hạn'],
      ['Nhận đủ hồ sơ bổ sung (tính lại thời hạn)', CLERK, '08:00 24/11/2026', '—'],
      ['Chuyển: Đã có kết quả', CLERK, '09:00 26/11/2026', 'Quá hạn'],
    ])
    const text = await slip.evaluate(() => (document as unknown as { body: { innerText: string } }).body.innerText)
    for (const s of ['PHIẾU KIỂM SOÁT QUÁ TRÌNH GIẢI QUYẾT HỒ SƠ', d.code, 'Hẹn trả kết quả: 17 giờ 00 phút, ngày 25 tháng 11 năm 2026', 'NGƯỜI LẬP PHIẾU']) expect(text).toContain(s)
    await slip.setViewportSize({ width: 1366, height: 768 })
    await slip.screenshot({ path: join(SCREENSHOTS, 'form-control-slip-1366x768.png') })
    expect(pageErrors(slip)).toEqual([])
    expect(pageErrors(console)).toEqual([])
    await Promise.all([slip.close(), console.close()])
  }, 60_000)
})
