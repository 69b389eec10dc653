// A province admin in Chromium (issue 20): creates "Mường Chà" from the Na Sang template, switches to it,
// adds a service "H · Tư pháp" and a counter 7 serving it (duplicates refused first, naming the field,
// what was typed kept); Mường Chà's kiosk offers H, its ticket is called at counter 7 and shows on Mường
// Chà's display and not on Na Sang's; deactivated, Mường Chà's kiosk says so and issues nothing.
import { afterAll, beforeAll, expect, it } from '@jest/globals'
import type { Browser, Page } from 'playwright-core'
import { startHarness, type Harness, TEST_PASSWORD } from '../helpers/harness.js'
import { describeBrowser, ensurePagesBuilt, launch, newPage, pageErrors, shot, VIEWPORTS } from './browser.js'

/** Browser globals inside page callbacks (the root tsconfig has no DOM lib). */
declare const document: { querySelector(s: string): { textContent: string | null } | null; querySelectorAll(s: string): { length: number } }

/** The admin's office screen. */
const OFFICE_PC = { width: 1366, height: 768 }

describeBrowser('centers, services and counters administration in Chromium', () => {
  let h: Harness
  let browser: Browser
  let admin: Page

  beforeAll(async () => {
    ensurePagesBuilt()
    ;[h, browser] = await Promise.all([startHarness('pglite'), launch()])
    ;({ page: admin } = await newPage(browser, OFFICE_PC))
    admin.context().setDefaultTimeout(8000)
    await admin.goto(`${h.url}/staff?center=na-sang`)
    await admin.fill('#username', 'quantri')
    await admin.fill('#password', TEST_PASSWORD)
    await admin.click('#login-submit')
    await admin.waitForSelector('#floor')
  }, 60_000)

  afterAll(async () => {
    await browser?.close()
    await h?.close()
  })

  it('an admin creates Mường Chà from the Na Sang template, switches to it, adds H · Tư pháp and counter 7; its kiosk, counter and display work, Na Sang\'s display shows nothing of it', async () => {
    // ---- the centers section: a duplicate slug is refused, naming the field, and what was typed stays
    await admin.click('#tab-settings')
    await admin.click('#set-centers')
    await admin.waitForSelector('#centers-list tr[data-center="na-sang"]')
    await admin.selectOption('#center-new-template', 'na-sang')
    await admin.fill('#center-new-name', 'Trung tâm Phục vụ hành chính công xã Mường Chà')
    await admin.fill('#center-new-nameEn', 'Muong Cha Commune Public Administration Service Center')
    await admin.fill('#center-new-address', 'Bản Na Pheo, xã Mường Chà')
    await admin.fill('#center-new-province', 'Điện Biên')
    await admin.fill('#center-new-slug', 'na-sang')
    await admin.click('#center-new-save')
    await admin.waitForSelector('#center-new .field.invalid #center-new-slug')
    expect(await admin.textContent('#center-new .notice.error')).toBe('Mã trung tâm (slug) "na-sang" đã được dùng cho một trung tâm khác.')
    expect(await admin.inputValue('#center-new-name')).toBe('Trung tâm Phục vụ hành chính công xã Mường Chà')
    expect(await admin.inputValue('#center-new-template')).toBe('na-sang')
    expect(await admin.inputValue('#center-new-province')).toBe('Điện Biên')
    await admin.locator('#center-new').scrollIntoViewIfNeeded()
    await shot(admin, 'staff-centers-duplicate-slug.png')
    await admin.fill('#center-new-slug', 'muong-cha')
    await admin.click('#center-new-save')
    await admin.waitForSelector('#go-new-center')
    expect(await admin.textContent('#center-new .notice.ok')).toContain('Đã tạo Trung tâm Phục vụ hành chính công xã Mường Chà.')
    await admin.waitForSelector('#centers-list tr[data-center="muong-cha"]')
    expect(await admin.textContent('#centers-list tr[data-center="muong-cha"]')).toContain('MC')
    await admin.locator('#centers').scrollIntoViewIfNeeded()
    await shot(admin, 'staff-centers.png')

    // ---- switch to it: the header's center choice says so, the settings are Mường Chà's copy
    await admin.click('#go-new-center')
    await admin.waitForSelector('#svc-list .svc-form[data-service="G"]')
    expect(await admin.inputValue('#center-select')).toBe('muong-cha')
    expect(await admin.locator('#svc-list .svc-form[data-service]').count()).toBe(7)

    // ---- a service: the letter A is taken (409 naming the field), then H
    await admin.fill('#svc-new-prefix', 'A')
    await admin.fill('#svc-new-nameVi', 'Tư pháp')
    await admin.fill('#svc-new-nameEn', 'Justice')
    await admin.selectOption('#svc-new-icon', 'book')
    await admin.click('#svc-new-save')
    await admin.waitForSelector('#svc-new .field.invalid #svc-new-prefix')
    expect(await admin.textContent('#svc-new .notice.error')).toBe('Ký hiệu "A" đã được dùng cho một lĩnh vực đang tiếp nhận khác của trung tâm.')
    expect(await admin.textContent('#svc-new-prefix-error')).toBe('1–2 chữ cái in hoa (A–Z), không trùng lĩnh vực đang tiếp nhận khác của trung tâm.')
    expect(await admin.inputValue('#svc-new-nameVi')).toBe('Tư pháp')
    await admin.locator('#svc-new').scrollIntoViewIfNeeded()
    await shot(admin, 'staff-settings-service-new-invalid.png')
    await admin.fill('#svc-new-prefix', 'h')
    await admin.click('#svc-new-save')
    await admin.waitForSelector('#svc-list .svc-form[data-service="H"]')
    expect(await admin.textContent('#svc-new .notice.ok')).toBe('Đã tạo: H · Tư pháp.')
    expect(await admin.inputValue('#svc-new-nameVi')).toBe('') // saved: the form is empty for the next one
    // nothing names the new service yet: it may be deleted; the copied A may not once a ticket names it, but none does yet
    expect(await admin.locator('#svc-H-delete').count()).toBe(1)
    await admin.locator('.svc-form[data-service="H"]').scrollIntoViewIfNeeded()
    await shot(admin, 'staff-settings-service-new.png')

    // ---- a counter: number 1 is taken (409 naming the field), then 7 with H as its primary service
    await admin.fill('#ctr-new-number', '1')
    await admin.fill('#ctr-new-name', 'Quầy tư pháp')
    await admin.selectOption('#ctr-new-svc-H', '1')
    await admin.click('#ctr-new-save')
    await admin.waitForSelector('#ctr-new .field.invalid #ctr-new-number')
    expect(await admin.textContent('#ctr-new .notice.error')).toBe('Số quầy 1 đã có ở trung tâm này.')
    expect(await admin.inputValue('#ctr-new-name')).toBe('Quầy tư pháp')
    expect(await admin.inputValue('#ctr-new-svc-H')).toBe('1')
    await admin.locator('#ctr-new').scrollIntoViewIfNeeded()
    await shot(admin, 'staff-settings-counter-new-invalid.png')
    await admin.fill('#ctr-new-number', '7')
    await admin.click('#ctr-new-save')
    await admin.waitForSelector('#ctr-list .ctr-form[data-counter="7"]')
    expect(await admin.textContent('#ctr-new .notice.ok')).toBe('Đã tạo: Quầy số 7.')
    expect(await admin.inputValue('#ctr-7-svc-H')).toBe('1')
    await admin.locator('.ctr-form[data-counter="7"]').scrollIntoViewIfNeeded()
    await shot(admin, 'staff-settings-counter-new.png')
    // the change log says it all, in Mường Chà's own log
    await admin.waitForFunction(() => document.querySelector('#audit tbody')?.textContent?.includes('Quầy số 7') ?? false)
    expect(await admin.textContent('#audit tbody')).toContain('H · Tư pháp')

    // ---- Mường Chà's kiosk offers H at once; its ticket is H001
    const { page: kiosk } = await newPage(browser, VIEWPORTS.kioskPortrait)
    kiosk.context().setDefaultTimeout(8000)
    await kiosk.goto(`${h.url}/kiosk?center=muong-cha`)
    await kiosk.waitForSelector('.tile[data-service="H"]:not([disabled])')
    await shot(kiosk, 'kiosk-muong-cha-service-h.png')
    const { page: mcDisplay } = await newPage(browser, VIEWPORTS.display)
    const { page: nsDisplay } = await newPage(browser, VIEWPORTS.display)
    await mcDisplay.goto(`${h.url}/display?center=muong-cha`)
    await nsDisplay.goto(`${h.url}/display?center=na-sang`)
    for (const d of [mcDisplay, nsDisplay]) await d.click('#sound-on') // the one-time "Bật âm thanh" overlay
    await mcDisplay.waitForSelector('.counter[data-counter="7"]')
    await nsDisplay.waitForSelector('.counter[data-counter="1"]')
    expect(await nsDisplay.locator('.counter[data-counter="7"]').count()).toBe(0)
    await kiosk.click('.tile[data-service="H"]')
    await kiosk.waitForSelector('#ticket-code')
    expect(await kiosk.textContent('#ticket-code')).toBe('H001')

    // ---- the admin works counter 7 of Mường Chà and calls it
    await admin.click('#tab-counter')
    await admin.click('.counter-card[data-counter="7"] .open-counter')
    await admin.waitForSelector('#console[data-counter="7"] #counter-status[data-status="open"]')
    await admin.waitForSelector('#queue .qrow[data-ticket="H001"]')
    await admin.keyboard.press('F1')
    await admin.waitForSelector('#current[data-status="called"]')
    expect(await admin.textContent('#current-code')).toBe('H001')
    await mcDisplay.waitForFunction(() => document.querySelector('#hero-code')?.textContent === 'H001'
      && document.querySelector('#hero-counter')?.textContent === '7', undefined, { timeout: 5000 })
    await shot(mcDisplay, 'display-muong-cha-h001.png')
    // Na Sang's display: nothing of Mường Chà (it was open all along, on the same server)
    expect(await nsDisplay.evaluate(() => document.querySelector('#hero-code')?.textContent ?? '')).not.toBe('H001')
    expect(await nsDisplay.textContent('body')).not.toContain('H001')

    // ---- deactivated by the admin (asked first): Mường Chà's kiosk says so at once and offers nothing
    await admin.keyboard.press('S') // start serving, then finish: the citizen is not left at the desk
    await admin.waitForSelector('#current[data-status="serving"]')
    await admin.keyboard.press('D')
    await admin.waitForSelector('#current[data-status="serving"]', { state: 'detached' })
    await admin.click('#tab-settings')
    await admin.click('#set-centers')
    await admin.click('#centers-list tr[data-center="muong-cha"] .deactivate')
    await admin.waitForSelector('#confirm-center-deactivate')
    await shot(admin, 'staff-centers-deactivate.png')
    await admin.click('#confirm-center-deactivate')
    await admin.waitForSelector('#centers-list tr[data-center="muong-cha"].inactive')
    await kiosk.click('#done')
    await kiosk.waitForSelector('#closed[data-reason="center_inactive"]')
    expect(await kiosk.textContent('#closed')).toContain('Trung tâm đã ngừng hoạt động và không cấp số thứ tự.')
    expect(await kiosk.locator('.tile[data-service="H"]:not([disabled])').count()).toBe(0)
    await shot(kiosk, 'kiosk-center-inactive.png')
    expect((await h.http.get('/api/centers/muong-cha/board').expect(200)).body).toMatchObject({ acceptingTickets: false, closedReason: 'center_inactive' })

    for (const p of [admin, kiosk, mcDisplay, nsDisplay]) expect(pageErrors(p)).toEqual([])
  }, 90_000)
})
