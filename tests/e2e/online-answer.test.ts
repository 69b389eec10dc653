// Issue 21 in Chromium (W3): an online filing's 8 working hours (Art. 17.2) in the clerk's list and on the manager's
// floor, and the agency identifier of dossier codes (Art. 28) edited in the manager's settings.
import { afterAll, beforeAll, expect, it } from '@jest/globals'
import type { Browser, Page } from 'playwright-core'
import { startHarness, TEST_PASSWORD, type Harness } from '../helpers/harness.js'
import { describeBrowser, ensurePagesBuilt, launch, newPage, pageErrors, shot } from './browser.js'

const local = (day: string, hm: string) => `${day}T${hm}:00+07:00`

describeBrowser('online answers and the agency identifier in the console', () => {
  let h: Harness
  let browser: Browser
  let page: Page

  beforeAll(async () => {
    ensurePagesBuilt()
    ;[h, browser] = await Promise.all([startHarness('pglite', { sessionHours: 24 * 30 }), launch()])
    let ctx
    ;({ ctx, page } = await newPage(browser, { width: 1366, height: 768 }))
    page.context().setDefaultTimeout(8000)
    h.clock.set(local('2026-11-23', '10:00'))
    expect((await ctx.request.post(`${h.url}/api/auth/login`, { data: { username: 'quanly', password: TEST_PASSWORD } })).status()).toBe(200)
  }, 60_000)

  afterAll(async () => {
    await browser?.close()
    await h?.close()
  })

  it('a filing with 1 h 30 min of working time left: the floor alerts, the list shows the time left', async () => {
    const procedureId = (await h.handle.db.selectFrom('procedure').select('id').where('code', '=', 'khai-sinh').executeTakeFirstOrThrow()).id
    const filed = await h.http.post('/api/public/dossiers').send({ center: 'na-sang', procedureId, applicant: { fullName: 'Lò Văn Pọm', phone: '0912 345 670', address: 'Bản Na Sang 3' } })
    expect(filed.status).toBe(201)
    // Monday 10:00 + 8 working hours = Tuesday 10:00; at Tuesday 08:30, 1 h 30 min left
    h.clock.set(local('2026-11-24', '08:30'))
    await page.goto(`${h.url}/staff?center=na-sang`)
    await page.click('#tab-floor')
    const alert = page.locator('#alerts li[data-kind="online"]')
    await alert.waitFor()
    expect(await alert.textContent()).toBe(`Hồ sơ trực tuyến ${filed.body.code}: còn 1 giờ 30 phút làm việc để tiếp nhận hoặc yêu cầu bổ sung (08 giờ làm việc, khoản 2 Điều 17 Nghị định 118/2025/NĐ-CP).`)
    await shot(page, 'online-answer-floor-alert-1366.png')
    await page.click('#tab-dossiers')
    const badge = page.locator(`.ds-row[data-code="${filed.body.code}"] .badge.answer`)
    await badge.waitFor()
    expect(await badge.textContent()).toBe('Còn 1 giờ 30 phút làm việc để tiếp nhận hoặc yêu cầu bổ sung')
    expect(await badge.getAttribute('class')).toContain('late')
    await shot(page, 'online-answer-list-1366.png')
    expect(pageErrors(page)).toEqual([])
  })

  it('the manager sets the agency identifier; a malformed one is refused with the rule', async () => {
    await page.click('#tab-settings')
    await page.fill('#dossierPrefix', 'N S')
    await page.click('#hours-save')
    await page.waitForSelector('.f-dossierPrefix.invalid')
    expect(await page.textContent('#dossierPrefix-error')).toContain('000.00.19.H09')
    await page.fill('#dossierPrefix', '000.00.19.h09')
    await page.click('#hours-save')
    await page.waitForSelector('#hours-form .notice.ok')
    await page.locator('#dossierPrefix').scrollIntoViewIfNeeded()
    await shot(page, 'agency-identifier-settings-1366.png')
    const row = await h.handle.db.selectFrom('center').select('dossier_prefix').where('slug', '=', 'na-sang').executeTakeFirstOrThrow()
    expect(row.dossier_prefix).toBe('000.00.19.H09')
    expect(await page.inputValue('#dossierPrefix')).toBe('000.00.19.H09')
    expect(pageErrors(page)).toEqual([])
  })
})
