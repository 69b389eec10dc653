// A clerk in Chromium through Decree 118/2025's lifecycle (issue 21): receive, ask for a supplement once,
// complete it (the new due date on the reprinted receipt and on the public lookup agree), extend once, be
// refused a second extension with the rule, hand the result to an authorised person; each form at A4.
import { join } from 'node:path'
import { afterAll, beforeAll, expect, it } from '@jest/globals'
import type { Browser, BrowserContext, Page } from 'playwright-core'
import type { DossierView } from '../../common/dossier-types.js'
import { startHarness, TEST_PASSWORD, type Harness } from '../helpers/harness.js'
import { describeBrowser, ensurePagesBuilt, launch, newPage, pageErrors, SCREENSHOTS, shot, VIEWPORTS } from './browser.js'

declare const document: { body: { innerText: string } }

const COUNTER_PC = { width: 1366, height: 768 }
/** A4 less the slip's @page margins, at 96 dpi */
const A4_PRINTABLE = { width: 624, height: 990 }
const local = (day: string, hm: string) => `${day}T${hm}:00+07:00`

describeBrowser('a dossier through Decree 118/2025 in Chromium: supplement once, restart, one extension, authorised handover, the forms', () => {
  let h: Harness
  let browser: Browser
  let clerkCtx: BrowserContext
  let clerk: Page, phone: Page
  let api: Awaited<ReturnType<Harness['login']>>

  /** The slip tab the console opens (window.open) while `act` runs. */
  async function slipFrom(act: () => Promise<unknown>): Promise<Page> {
    const [page] = await Promise.all([clerkCtx.waitForEvent('page'), act()])
    await page.waitForSelector('body[data-ready]')
    return page
  }

  /** The form as printed on A4: print media, the printable width, every sheet. */
  async function printA4(dossierId: string, kind: string, name: string): Promise<string> {
    const page = await clerkCtx.newPage()
    await page.goto(`${h.url}/staff/phieu/${dossierId}?loai=${kind}&kho=a4`)
    await page.waitForSelector('body[data-ready="yes"]')
    await page.emulateMedia({ media: 'print' })
    await page.setViewportSize(A4_PRINTABLE)
    await page.screenshot({ path: join(SCREENSHOTS, name), fullPage: true })
    const text = await page.evaluate(() => document.body.innerText)
    expect(pageErrors(page)).toEqual([])
    await page.close()
    return text
  }

  const dossier = async (id: string): Promise<DossierView> => (await api.get(`/api/dossiers/${id}`).expect(200)).body.dossier

  beforeAll(async () => {
    ensurePagesBuilt()
    // the clerk's session outlives the days this dossier takes
    ;[h, browser] = await Promise.all([startHarness('pglite', { sessionHours: 24 * 60 }), launch()])
    ;({ ctx: clerkCtx, page: clerk } = await newPage(browser, COUNTER_PC))
    ;({ page: phone } = await newPage(browser, VIEWPORTS.phone))
    for (const p of [clerk, phone]) p.context().setDefaultTimeout(8000)
    api = await h.login('canbo1')
  }, 60_000)

  afterAll(async () => {
    await browser?.close()
    await h?.close()
  })

  it('receive → supplement once → complete (receipt and lookup agree) → extend once, refused twice → authorised handover', async () => {
    // Monday 23/11/2026 09:00: a ticket called at counter 1, a birth registration received with 2 of its 3 documents
    h.clock.set(local('2026-11-23', '09:00'))
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
    await clerk.fill('#proc-filter', 'khai sinh')
    await clerk.keyboard.press('Enter')
    const boxes = clerk.locator('#docs-check input[name=doc]')
    await boxes.nth(0).check()
    await boxes.nth(1).check()
    await clerk.fill('#f-fullName', 'Lò Thị Xuân')
    await clerk.fill('#f-phone', '0912 345 679')
    await clerk.fill('#f-address', 'Bản Na Sang 2, xã Na Sang, tỉnh Điện Biên')
    const receiptSlip = await slipFrom(() => clerk.click('#intake-submit'))
    await receiptSlip.close()
    const id = (await api.get('/api/dossiers?center=na-sang').expect(200)).body.dossiers[0].id as string
    const d0 = await dossier(id)
    expect(d0).toMatchObject({ status: 'received', dueAt: new Date(local('2026-11-24', '17:00')).toISOString() })

    // the Hồ sơ tab: the supplement request lists the missing document (ticked) and another item
    await clerk.click('#tab-dossiers')
    await clerk.click(`.ds-row[data-code="${d0.code}"] button`)
    await clerk.waitForSelector('#ds-title')
    await clerk.click('#ds-actions [data-move="needs_supplement"]')
    await clerk.waitForSelector('#supplement-form')
    expect(await clerk.textContent('#supplement-once')).toContain('một lần')
    expect(await clerk.isChecked('#sup-doc-0')).toBe(true)
    await clerk.fill('#sup-other', 'Giấy xác nhận cư trú của mẹ')
    await shot(clerk, 'lifecycle-supplement-dialog.png')
    const supSlip = await slipFrom(() => clerk.click('#move-submit'))
    const supText = await supSlip.evaluate(() => document.body.innerText)
    await supSlip.close()
    const d1 = await dossier(id)
    expect(d1.status).toBe('needs_supplement')
    expect(d1.supplement!.items).toEqual([d0.documents[2]!.name, 'Giấy xác nhận cư trú của mẹ'])
    for (const s of ['PHIẾU YÊU CẦU BỔ SUNG, HOÀN THIỆN HỒ SƠ', 'Giấy xác nhận cư trú của mẹ', d0.documents[2]!.name,
      'thời hạn giải quyết được tính lại từ đầu: 1 ngày làm việc kể từ thời điểm nhận đủ hồ sơ', 'hết ngày 08 tháng 12 năm 2026']) expect(supText).toContain(s)

    // Wednesday 25/11 10:00, after the first due date: the citizen brings everything; the time restarts from now
    h.clock.set(local('2026-11-25', '10:00'))
    await clerk.click('#ds-actions [data-move="processing"]')
    expect(await clerk.textContent('#ds-actions [data-move="processing"]')).toBe('Đã nhận đủ hồ sơ bổ sung')
    expect(await clerk.textContent('#complete-explain')).toContain('1 ngày làm việc kể từ bây giờ')
    const newReceipt = await slipFrom(() => clerk.click('#move-submit'))
    const d2 = await dossier(id)
    expect(d2).toMatchObject({ status: 'processing', dueAt: new Date(local('2026-11-26', '17:00')).toISOString() })
    expect(d2.documents.every((x) => x.received)).toBe(true)
    const dueOnSlip = await newReceipt.locator('.sheet.receipt').first().locator('.due-line').textContent()
    expect(dueOnSlip).toBe('5. Thời gian trả kết quả giải quyết hồ sơ: 17 giờ 00 phút, ngày 26 tháng 11 năm 2026.')
    expect(await newReceipt.locator('.sheet.receipt').first().locator('.restarted').textContent()).toContain('10 giờ 00 phút, ngày 25 tháng 11 năm 2026')
    await newReceipt.close()
    // asked once: its button is gone, the rule is said instead (the server refuses a second one: tests/dossier-lifecycle.test.ts)
    await clerk.waitForSelector('#ds-title + .pill[data-status="processing"]')
    expect(await clerk.locator('#ds-actions [data-move="needs_supplement"]').count()).toBe(0)
    expect(await clerk.textContent('#ds-supplement-once')).toContain('một lần')
    // the citizen's lookup says the same date
    await phone.goto(`${h.url}/tra-cuu?center=na-sang&code=${d2.code}&lookupCode=${d2.lookupCode}`)
    await phone.waitForSelector('#dossier-status[data-status="processing"]')
    const lookupText = await phone.evaluate(() => document.body.innerText)
    expect(lookupText).toContain('17:00, 26/11/2026')
    await shot(phone, 'lifecycle-lookup-restarted-360.png')

    // extend once (the day before the due day), to Monday 30/11: the apology prints, the lookup shows the new date
    h.clock.set(local('2026-11-25', '10:05'))
    await clerk.click('#ds-extend')
    expect(await clerk.textContent('#extend-rule')).toContain('khoản 6 Điều 19')
    await clerk.fill('#extend-dialog input[type=date]', '2026-11-30')
    await clerk.fill('#extend-dialog textarea', 'Cần xác minh thông tin khai sinh với xã Mường Pồn')
    const apology = await slipFrom(() => clerk.click('#extend-submit'))
    expect(await apology.evaluate(() => document.body.innerText)).toContain('17 giờ 00 phút, ngày 30 tháng 11 năm 2026')
    await apology.close()
    await phone.waitForFunction(() => document.body.innerText.includes('17:00, 30/11/2026'))
    expect(await phone.evaluate(() => document.body.innerText)).toContain('đã gia hạn; hẹn cũ 17:00, 26/11/2026')
    await shot(phone, 'lifecycle-lookup-extended-360.png')

    // a second extension is refused with the rule and its article; nothing changes
    await clerk.click('#ds-extend')
    await clerk.fill('#extend-dialog input[type=date]', '2026-12-01')
    await clerk.fill('#extend-dialog textarea', 'Chưa xác minh xong')
    await clerk.click('#extend-submit')
    await clerk.waitForSelector('#extend-dialog .form-error:not([hidden])')
    expect(await clerk.textContent('#extend-dialog .form-error')).toBe('Hồ sơ này đã được gia hạn một lần. Việc hẹn lại ngày trả kết quả được thực hiện không quá một lần (khoản 6 Điều 19 Nghị định 118/2025/NĐ-CP).')
    await shot(clerk, 'lifecycle-extend-refused.png')
    await clerk.keyboard.press('Escape')
    expect((await dossier(id)).extensions).toHaveLength(1)

    // ready, then handed to an authorised person: name, ID number and power of attorney written down
    h.clock.set(local('2026-11-27', '15:00'))
    await clerk.click('#ds-actions [data-move="ready"]')
    await clerk.click('#move-submit')
    await clerk.waitForSelector('#ds-actions [data-move="returned"]')
    // ready before Monday's due date: the citizen is told first (Art. 22.5; tests/e2e/early-return.test.ts)
    await clerk.click('#ds-early-notice')
    await clerk.check('#early-phone')
    await clerk.click('#early-submit')
    await clerk.waitForSelector('#ds-early-notices li[data-channel="phone"]')
    await clerk.click('#ds-actions [data-move="returned"]')
    await clerk.check('#handover-authorised')
    await clerk.fill('#f-name', 'Lò Văn Sơn')
    await clerk.fill('#f-idNumber', '01109876543')
    await clerk.fill('#f-authorisation', 'Giấy ủy quyền số 15/UQ ngày 20/11/2026, chứng thực tại UBND xã Na Sang')
    await clerk.click('#handover-submit')
    await clerk.waitForSelector('#handover-form [data-field="idNumber"].invalid') // 11 digits: checked before sending
    await clerk.fill('#f-idNumber', '011098765432')
    await shot(clerk, 'lifecycle-handover-dialog.png')
    await clerk.click('#handover-submit')
    await clerk.waitForSelector('#ds-detail .pill[data-status="returned"]')
    expect(await clerk.textContent('#ds-detail .ds-facts')).toContain('Lò Văn Sơn (ủy quyền), số giấy tờ 011098765432')
    expect((await dossier(id))).toMatchObject({ status: 'returned', outcome: 'early',
      handover: { to: 'authorised', name: 'Lò Văn Sơn', idNumber: '011098765432', authorisation: 'Giấy ủy quyền số 15/UQ ngày 20/11/2026, chứng thực tại UBND xã Na Sang' } })
    await shot(clerk, 'lifecycle-returned.png')

    // each form at A4 as printed
    expect(await printA4(id, 'tiep-nhan', 'form-a4-receipt.png')).toContain('GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ')
    expect(await printA4(id, 'bo-sung', 'form-a4-supplement.png')).toContain('Đã nhận đủ hồ sơ bổ sung lúc 10 giờ 00 phút, ngày 25 tháng 11 năm 2026')
    expect(await printA4(id, 'xin-loi', 'form-a4-apology.png')).toContain('Cần xác minh thông tin khai sinh với xã Mường Pồn')
    // a refusal and a stop, of two other dossiers
    const other = async () => (await api.post('/api/dossiers').send({ procedureId: d0.procedure.id, applicant: { fullName: 'Quàng Văn Sinh', phone: '0912000111', address: 'Bản Co Muông, xã Na Sang' },
      documents: [{ name: 'Tờ khai', received: true }], sets: 1, delivery: 'center' }).expect(201)).body.dossier as DossierView
    const refused = await other()
    await api.post(`/api/dossiers/${refused.id}/status`).send({ status: 'rejected', note: 'Người đề nghị không thuộc trường hợp đăng ký khai sinh tại cấp xã theo Luật Hộ tịch.' }).expect(200)
    expect(await printA4(refused.id, 'tu-choi', 'form-a4-refusal.png')).toContain('Người đề nghị không thuộc trường hợp đăng ký khai sinh')
    const stopped = await other()
    await api.post(`/api/dossiers/${stopped.id}/status`).send({ status: 'stopped', note: 'đơn đề nghị dừng ngày 27/11/2026' }).expect(200)
    expect(await printA4(stopped.id, 'dung', 'form-a4-stop.png')).toContain('THÔNG BÁO DỪNG GIẢI QUYẾT HỒ SƠ')
    expect(pageErrors(clerk)).toEqual([])
    expect(pageErrors(phone)).toEqual([])
  }, 90_000) // ~25 s alone; more beside other browser tests on 2 cores
})
