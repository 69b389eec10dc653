import { afterAll, beforeAll, expect, it } from '@jest/globals'
import type { Browser, BrowserContext, Page } from 'playwright-core'
import { startHarness, type Harness, TEST_PASSWORD } from '../helpers/harness.js'
import { describeBrowser, ensurePagesBuilt, launch, newPage, pageErrors, shot } from './browser.js'

const COUNTER_PC = { width: 1366, height: 768 }

/**
 * Issue 22 (W2) as a clerk would: after the kiosk's cut-off a citizen comes; the clerk issues a ticket at
 * the counter, it is serving at once, a dossier is received for it with its fee, and the manager's report
 * of the day shows the walk-in, the after-hours work and the fee collected.
 */
describeBrowser('counter work in Chromium: a walk-in after the cut-off, its dossier and fee, the day\'s report', () => {
  let h: Harness
  let browser: Browser
  let clerkCtx: BrowserContext
  let clerk: Page

  beforeAll(async () => {
    ensurePagesBuilt()
    // Monday 16:45 in Na Sang: the kiosk stopped issuing at 16:30
    ;[h, browser] = await Promise.all([startHarness('pglite', { clockStart: '2026-11-23T16:45:00+07:00' }), launch()])
    ;({ ctx: clerkCtx, page: clerk } = await newPage(browser, COUNTER_PC))
    clerk.context().setDefaultTimeout(8000)
  }, 60_000)

  afterAll(async () => {
    await browser?.close()
    await h?.close()
  })

  it('after the cut-off: a walk-in issued at the counter is serving, receives a dossier with its fee, and the fee is in the day\'s report', async () => {
    const kiosk = await h.http.post('/api/centers/na-sang/tickets').send({ serviceId: h.demo.services.A })
    expect(kiosk.body.error.code).toBe('AFTER_CUTOFF')

    await clerk.goto(`${h.url}/staff?center=na-sang`)
    await clerk.fill('#username', 'canbo1')
    await clerk.fill('#password', TEST_PASSWORD)
    await clerk.click('#login-submit')
    await clerk.click('.counter-card[data-counter="1"] .open-counter')
    await clerk.click('#walk-in-open')
    await clerk.waitForSelector('#walk-in-dialog .btn-service[data-service="A"]')
    await shot(clerk, 'walk-in-dialog.png')
    await clerk.keyboard.press('a') // the service's letter
    await clerk.waitForSelector('#current[data-status="serving"] #counter-issued')
    expect(await clerk.textContent('#current-code')).toBe('A001')
    expect(await clerk.textContent('.notice')).toContain('Đã cấp số A001 tại quầy, đang phục vụ.')
    await shot(clerk, 'walk-in-serving.png')

    // the dossier for it: a contract to certify (another service's procedure), paid in cash with a receipt
    await clerk.keyboard.press('F2')
    await clerk.waitForSelector('#intake-dialog .proc-option[data-procedure="ct-hop-dong"]')
    await clerk.fill('#proc-filter', 'hop dong')
    await clerk.keyboard.press('Enter')
    expect(await clerk.textContent('#fee-due')).toBe('50.000 đ')
    await clerk.check('#docs-check input[name=doc] >> nth=0')
    // typed at a person's pace (a burst of keys is what an ID-card scanner sends)
    const type = (sel: string, text: string) => clerk.locator(sel).pressSequentially(text, { delay: 60 })
    await type('#f-fullName', 'Lò Thị Tuyết')
    await type('#f-phone', '0912 345 678')
    await type('#f-address', 'Bản Na Sang 1, xã Na Sang')
    await type('#fee-paid', '50000')
    await clerk.selectOption('#fee-method', 'cash')
    await type('#fee-receipt', 'BL-0042')
    expect(await clerk.inputValue('#fee-paid')).toBe('50000')
    await shot(clerk, 'walk-in-intake-fee.png')
    const [slip] = await Promise.all([clerkCtx.waitForEvent('page'), clerk.click('#intake-submit')])
    await slip.close()
    await clerk.waitForSelector('.just-received')
    await clerk.click('#act-complete')
    await clerk.waitForSelector('#walk-in-open')

    const api = await h.login('canbo1')
    const [row] = (await api.get('/api/dossiers?center=na-sang').expect(200)).body.dossiers
    const d = (await api.get(`/api/dossiers/${row.id}`).expect(200)).body.dossier
    expect(d.fee).toMatchObject({ dueVnd: 50000, paidVnd: 50000, method: 'cash', receiptNumber: 'BL-0042', collectedByName: expect.any(String) })
    expect(d.ticketId).toBeTruthy()

    // the dossier's detail shows the fee; a correction (the receipt's number was mistyped) goes in its history
    await clerk.click('#tab-dossiers')
    await clerk.click(`.ds-row[data-code="${d.code}"] .linkish`)
    await clerk.waitForSelector('#ds-fee')
    expect(await clerk.locator('.ds-facts').textContent()).toContain('Phải nộp 50.000 đ · Đã thu 50.000 đ · Tiền mặt · biên lai BL-0042')
    await clerk.click('#ds-fee')
    await clerk.locator('#fee-paid').pressSequentially('50000', { delay: 60 })
    await clerk.selectOption('#fee-method', 'bank_transfer')
    await clerk.locator('#fee-receipt').pressSequentially('BL-0043', { delay: 60 })
    await clerk.click('#fee-submit')
    await clerk.waitForSelector('#ds-notice')
    expect(await clerk.textContent('#ds-notice')).toBe(`Đã ghi nhận lệ phí của hồ sơ ${d.code}.`)
    expect(await clerk.locator('.ds-facts').textContent()).toContain('Chuyển khoản · biên lai BL-0043')
    expect(await clerk.locator('#ds-history').textContent()).toContain('Thu phí, lệ phí')
    await shot(clerk, 'dossier-fee-detail.png')

    // the manager's report of the day: the walk-in, work after hours? (16:45 is before the 17:00 closing: none), the fee
    h.clock.set('2026-11-23T17:10:00+07:00')
    const { page: manager } = await newPage(browser, COUNTER_PC)
    manager.context().setDefaultTimeout(8000)
    await manager.goto(`${h.url}/staff?center=na-sang`)
    await manager.fill('#username', 'quanly')
    await manager.fill('#password', TEST_PASSWORD)
    await manager.click('#login-submit')
    await manager.waitForSelector('.counter-card, #floor, nav')
    await manager.goto(`${h.url}/staff#reports`)
    await manager.waitForSelector('#rep-table')
    await manager.fill('#rep-from', '2026-11-23')
    await manager.fill('#rep-to', '2026-11-23')
    await manager.selectOption('#rep-group', 'staff')
    await manager.click('#rep-show')
    await manager.waitForSelector('#rep-table tbody tr[data-key]')
    const total = manager.locator('#rep-table tfoot tr.total')
    expect(await total.locator('td[data-col="feesCollectedVnd"]').textContent()).toBe('50.000 đ')
    expect(await total.locator('td[data-col="counterIssued"]').textContent()).toBe('1')
    const mine = manager.locator(`#rep-table tbody tr[data-key="${h.demo.staff.canbo1}"]`)
    expect(await mine.locator('td[data-col="feePayments"]').textContent()).toBe('1')
    await manager.locator('#rep-table td[data-col="feesCollectedVnd"]').first().scrollIntoViewIfNeeded()
    await shot(manager, 'report-fees-by-clerk.png')
    expect(pageErrors(clerk)).toEqual([])
  }, 90_000)
})
