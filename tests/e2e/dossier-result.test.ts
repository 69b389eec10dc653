// The electronic result in Chromium (issue 21, Decree 118 Art. 22): the clerk attaches the PDF in the dossier view
// (a file that is not a PDF refused with the rule), the citizen downloads it from the lookup page on a phone with the
// last 4 digits of their phone (wrong digits refused); the file is saved, never shown inside the page.
import { readFileSync } from 'node:fs'
import { afterAll, beforeAll, expect, it } from '@jest/globals'
import type { Browser, Page } from 'playwright-core'
import { startHarness, TEST_PASSWORD, type Harness } from '../helpers/harness.js'
import { describeBrowser, ensurePagesBuilt, launch, newPage, pageErrors, shot, VIEWPORTS } from './browser.js'

const COUNTER_PC = { width: 1366, height: 768 }
const PDF = Buffer.from('%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n')

describeBrowser('the electronic result: the clerk attaches it, the citizen downloads it from the lookup page', () => {
  let h: Harness
  let browser: Browser
  let clerk: Page, phone: Page
  let api: Awaited<ReturnType<Harness['login']>>

  beforeAll(async () => {
    ensurePagesBuilt()
    ;[h, browser] = await Promise.all([startHarness('pglite'), launch()])
    ;({ page: clerk } = await newPage(browser, COUNTER_PC))
    ;({ page: phone } = await newPage(browser, VIEWPORTS.phone))
    for (const p of [clerk, phone]) p.context().setDefaultTimeout(8000)
    api = await h.login('canbo1')
  }, 60_000)

  afterAll(async () => {
    await browser?.close()
    await h?.close()
  })

  it('attach in the dossier view, mark ready, download on the phone with the right 4 digits only', async () => {
    const procedureId = (await h.handle.db.selectFrom('procedure').select('id').where('code', '=', 'khai-sinh').executeTakeFirstOrThrow()).id
    const d = (await api.post('/api/dossiers').send({ procedureId, applicant: { fullName: 'Lò Thị Xuân', phone: '0912 345 679', address: 'Bản Na Sang 2' },
      documents: [], sets: 1, delivery: 'center' }).expect(201)).body.dossier as { id: string; code: string; lookupCode: string }
    await api.post(`/api/dossiers/${d.id}/status`).send({ status: 'processing' }).expect(200)

    await clerk.goto(`${h.url}/staff?center=na-sang`)
    await clerk.fill('#username', 'canbo1')
    await clerk.fill('#password', TEST_PASSWORD)
    await clerk.click('#login-submit')
    await clerk.click('#tab-dossiers')
    await clerk.click(`.ds-row[data-code="${d.code}"] button`)
    await clerk.waitForSelector('#ds-result-none')
    // a page saved as .pdf is refused by its bytes, with the rule
    await clerk.setInputFiles('#ds-result-file', { name: 'ket-qua.pdf', mimeType: 'application/pdf', buffer: Buffer.from('<html>not a pdf</html>') })
    await clerk.waitForSelector('#ds-result-error:not([hidden])')
    expect(await clerk.textContent('#ds-result-error')).toContain('Tệp kết quả phải là tệp PDF, tối đa 10 MB')
    await clerk.setInputFiles('#ds-result-file', { name: 'Giấy khai sinh.pdf', mimeType: 'application/pdf', buffer: PDF })
    await clerk.waitForSelector('#ds-result-info')
    expect(await clerk.textContent('#ds-result-info')).toContain('Giấy khai sinh.pdf')
    expect(await clerk.textContent('#ds-notice')).toContain(`Đã đính kèm kết quả điện tử cho hồ sơ ${d.code}`)
    expect(await clerk.textContent('#ds-result-downloads')).toBe('Công dân chưa tải về.')
    expect(await clerk.textContent('#ds-history')).toContain('Đính kèm kết quả điện tử')
    await shot(clerk, 'result-attached-1366.png')
    await api.post(`/api/dossiers/${d.id}/status`).send({ status: 'ready' }).expect(200)

    await phone.goto(`${h.url}/tra-cuu?center=na-sang&code=${d.code}&lookupCode=${d.lookupCode}`)
    await phone.waitForSelector('#dossier-status[data-status="ready"]')
    await phone.waitForSelector('#dossier-result')
    const before = phone.url()
    await phone.fill('#result-phone4', '1111')
    await phone.click('#result-download')
    await phone.waitForSelector('#result-status.bad')
    expect(await phone.textContent('#result-status')).toContain('Bốn số cuối số điện thoại không khớp')
    await shot(phone, 'result-wrong-digits-360.png')
    await phone.fill('#result-phone4', '5679')
    const [download] = await Promise.all([phone.waitForEvent('download'), phone.click('#result-download')])
    expect(download.suggestedFilename()).toBe('Giấy khai sinh.pdf')
    expect(Buffer.compare(readFileSync((await download.path())!), PDF)).toBe(0)
    await phone.waitForSelector('#result-status.ok')
    expect(await phone.textContent('#result-status')).toContain('Đã tải tệp "Giấy khai sinh.pdf" về máy')
    // saved, not opened: the page stays the lookup, and one page is open
    expect(phone.url()).toBe(before)
    expect(phone.context().pages()).toHaveLength(1)
    await shot(phone, 'result-downloaded-360.png')

    // the clerk sees the download
    await clerk.click(`.ds-row[data-code="${d.code}"] button`)
    await clerk.waitForFunction(() => (globalThis as unknown as { document: { getElementById(id: string): { textContent: string } | null } })
      .document.getElementById('ds-result-downloads')?.textContent.includes('1 lần') ?? false)
    await shot(clerk, 'result-downloaded-clerk-1366.png')
    // the process control slip names both steps
    const slip = await clerk.context().newPage()
    await slip.goto(`${h.url}/staff/phieu/${d.id}?loai=kiem-soat`)
    await slip.waitForSelector('body[data-ready]')
    const slipText = await slip.evaluate(() => (globalThis as unknown as { document: { body: { innerText: string } } }).document.body.innerText)
    expect(slipText).toContain('Đính kèm kết quả điện tử (PDF)')
    expect(slipText).toContain('Công dân tải kết quả điện tử')
    // only the move into ready is judged (Trước hạn here), not the download after it
    expect(await slip.locator('table tr', { hasText: 'Công dân tải kết quả điện tử' }).textContent()).not.toContain('Trước')
    expect(await slip.locator('table tr', { hasText: 'Chuyển: Đã có kết quả' }).textContent()).toContain('Trước hạn')
    await shot(slip, 'result-control-slip.png')
    await slip.close()
    expect(pageErrors(clerk)).toEqual([])
    expect(pageErrors(phone)).toEqual([])
  })
})
