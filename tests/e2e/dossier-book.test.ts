// The manager opens the period report and the tracking book (issue 21) in Chromium: figures on screen,
// printed on A4 landscape (pages counted), CSV downloaded; screenshots at 1366x768.
import { afterAll, beforeAll, expect, it } from '@jest/globals'
import { readFileSync } from 'node:fs'
import type { Browser, Page } from 'playwright-core'
import { startHarness, type Harness, TEST_PASSWORD } from '../helpers/harness.js'
import { describeBrowser, ensurePagesBuilt, launch, newPage, pageErrors, shot } from './browser.js'

/** Browser globals inside page callbacks (the root tsconfig has no DOM lib). */
declare const document: any

const OFFICE_PC = { width: 1366, height: 768 }
const local = (s: string) => `2026-11-${s}:00+07:00`

/** PDF pages as Chromium writes them: one `/Type /Page` object each (not the tree's `/Type /Pages`). */
function pdfPages(pdf: Buffer): number {
  return (pdf.toString('latin1').match(/\/Type\s*\/Page(?![s\w])/g) ?? []).length
}

describeBrowser('tracking book and period report in Chromium', () => {
  let h: Harness
  let browser: Browser
  let page: Page

  beforeAll(async () => {
    ensurePagesBuilt()
    ;[h, browser] = await Promise.all([startHarness('pglite', { clockStart: local('16T08:00'), sessionHours: 24 * 20 }), launch()])
    const clerk = await h.login('canbo1')
    const procedureId = (await h.handle.db.selectFrom('procedure').select('id').where('code', '=', 'ct-hop-dong').executeTakeFirstOrThrow()).id
    // 24 dossiers over the week: every 4th made ready at once (early), one refused, one stopped
    for (let i = 0; i < 24; i++) {
      h.clock.set(local(`${16 + (i % 5)}T${String(8 + Math.floor(i / 5)).padStart(2, '0')}:00`))
      const r = await clerk.post('/api/dossiers').send({ procedureId, sets: 1, delivery: 'center', documents: [{ name: 'Dự thảo hợp đồng', received: true }],
        applicant: { fullName: `Nguyễn Văn Thử ${i + 1}`, phone: '0912 345 679', address: 'Bản Na Sang', idNumber: null } })
      expect(r.status).toBe(201)
      const id = r.body.dossier.id as string
      if (i % 4 === 0) {
        await clerk.post(`/api/dossiers/${id}/status`).send({ status: 'processing' }).expect(200)
        await clerk.post(`/api/dossiers/${id}/status`).send({ status: 'ready' }).expect(200)
      }
      if (i === 1) await clerk.post(`/api/dossiers/${id}/status`).send({ status: 'rejected', note: 'Không thuộc thẩm quyền' }).expect(200)
      if (i === 2) await clerk.post(`/api/dossiers/${id}/status`).send({ status: 'stopped', note: 'Người nộp đề nghị dừng' }).expect(200)
    }
    // an online filing of Monday 08:00 refused on Wednesday 09:00: answered after its 8 working hours (due Tuesday 08:00, Art. 17.2)
    h.clock.set(local('16T08:00'))
    const filed = await h.http.post('/api/public/dossiers').send({ center: 'na-sang', procedureId, applicant: { fullName: 'Lò Văn Pọm', phone: '0912 345 670', address: 'Bản Na Sang 3' } })
    expect(filed.status).toBe(201)
    h.clock.set(local('18T09:00'))
    const online = (await h.handle.db.selectFrom('dossier').select('id').where('code', '=', filed.body.code).executeTakeFirstOrThrow()).id
    await (await h.login('canbo1')).post(`/api/dossiers/${online}/status`).send({ status: 'rejected', note: 'Không thuộc thẩm quyền' }).expect(200)
    h.clock.set(local('25T10:00'))
    ;({ page } = await newPage(browser, OFFICE_PC))
    page.context().setDefaultTimeout(8000)
    await page.goto(`${h.url}/staff?center=na-sang`)
    await page.fill('#username', 'quanly')
    await page.fill('#password', TEST_PASSWORD)
    await page.click('#login-submit')
    await page.waitForSelector('#tab-reports')
  }, 90_000)

  afterAll(async () => {
    await browser?.close()
    await h?.close()
  })

  async function period(mode: 'period' | 'book', prefix: 'per' | 'book') {
    await page.click('#tab-reports')
    await page.click(`#rep-mode-${mode}`)
    await page.waitForSelector(`#${prefix}-form`)
    await page.fill(`#${prefix}-from`, '2026-11-16')
    await page.fill(`#${prefix}-to`, '2026-11-20')
    await page.click(`#${prefix}-show`)
    await page.waitForFunction((p) => document.querySelector(`#${p}-meta`)?.textContent?.includes('16/11/2026'), prefix)
  }

  it('the period report: the totals of the week, printed on one A4 landscape page, and its CSV', async () => {
    await period('period', 'per')
    const total = async (col: string) => page.textContent(`#per-table tfoot td[data-col="${col}"]`)
    // 24 received in person; 6 ready at once (early: due in 2 working days), 1 refused, 1 stopped; the rest open
    expect(await total('received')).toBe('24')
    expect(await total('receivedCounter')).toBe('24')
    expect(await total('carriedOver')).toBe('0')
    expect(await total('resolvedEarly')).toBe('6')
    expect(await total('rejected')).toBe('1')
    expect(await total('stopped')).toBe('1')
    expect(Number(await total('inProgress'))).toBe(24 - 6 - 2)
    expect(await page.textContent('#per-meta')).toContain('Tình trạng tính đến 21/11/2026 00:00')
    await page.selectOption('#per-group', 'staff')
    await page.click('#per-show')
    await page.waitForSelector('#per-table tbody tr[data-key] >> text=Quàng Thị Hoa')
    // the online answers in the answering clerk's line (Art. 17.2), under their own heading
    const hoa = page.locator('#per-table tbody tr[data-key]', { hasText: 'Quàng Thị Hoa' })
    expect([await hoa.locator('td[data-col="onlineAnswered"]').textContent(), await hoa.locator('td[data-col="onlineAnsweredLate"]').textContent()]).toEqual(['1', '1'])
    expect(await page.textContent('#per-table thead')).toContain('Trực tuyến đã trả lời')
    await shot(page, 'reports-period.png')
    await page.emulateMedia({ media: 'print' })
    const pdf = await page.pdf({ preferCSSPageSize: true, printBackground: true })
    await page.emulateMedia({ media: 'screen' })
    expect(pdfPages(pdf)).toBe(1)
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('#per-csv')])
    expect(download.suggestedFilename()).toBe('bao-cao-dinh-ky-na-sang-2026-11-16-2026-11-20-staff.csv')
    const text = readFileSync((await download.path())!, 'utf8')
    expect(text.startsWith('\uFEFF')).toBe(true)
    expect(text.slice(1).split('\r\n')[0]).toMatch(/^Cán bộ tiếp nhận;Kỳ trước chuyển sang;/)
    expect(text).toContain('Tổng cộng;0;24;0;0;24;24;6;')
    expect(text.slice(1).split('\r\n')[0]).toMatch(/;Trực tuyến đã trả lời;Trả lời quá 08 giờ$/)
    expect(text).toMatch(/Tổng cộng;[0-9;]*;1;1\r\n/)
  })

  it('the tracking book: every dossier with its dates, printed on A4 landscape (at most 3 sheets), and its CSV', async () => {
    await period('book', 'book')
    await page.waitForSelector('#book-table tbody tr[data-id]')
    expect(await page.$$('#book-table tbody tr[data-id]')).toHaveLength(24)
    expect(await page.textContent('#book-count')).toContain('24 hồ sơ')
    const standings = await page.$$eval('#book-table tbody tr[data-id]', (rows) => rows.map((r) => r.getAttribute('data-standing')))
    expect(standings.filter((s) => s === 'early')).toHaveLength(6)
    expect(standings.filter((s) => s === 'rejected')).toHaveLength(1)
    await shot(page, 'reports-book.png')
    await page.emulateMedia({ media: 'print' })
    const pdf = await page.pdf({ preferCSSPageSize: true, printBackground: true })
    await shot(page, 'reports-book-print.png')
    await page.emulateMedia({ media: 'screen' })
    const pages = pdfPages(pdf)
    // 24 rows of 18 columns: a sheet or two, not a sheet per row
    expect(pages).toBeGreaterThanOrEqual(1)
    expect(pages).toBeLessThanOrEqual(3)
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('#book-csv')])
    expect(download.suggestedFilename()).toBe('so-theo-doi-na-sang-2026-11-16-2026-11-20.csv')
    const lines = readFileSync((await download.path())!, 'utf8').replace(/^\uFEFF/, '').trim().split('\r\n')
    expect(lines).toHaveLength(25)
    expect(lines[0]).toMatch(/^STT;Mã hồ sơ;Thủ tục;Người nộp;Hình thức nộp;/)
    expect(pageErrors(page)).toEqual([])
  })
})
