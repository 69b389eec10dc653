// The manager's settings sections in Chromium: staff accounts, procedures, priority groups, the pause-alert
// limit and the holiday calendar, each seen where it matters (a login, the kiosk, the floor view).
import { afterAll, beforeAll, expect, it } from '@jest/globals'
import type { Browser, Page } from 'playwright-core'
import { startHarness, type Harness, TEST_PASSWORD } from '../helpers/harness.js'
import { describeBrowser, ensurePagesBuilt, launch, newPage, pageErrors, shot, VIEWPORTS } from './browser.js'

/** Browser globals inside page callbacks (the root tsconfig has no DOM lib). */
declare const document: { querySelector(s: string): { textContent: string | null } | null }

/** A counter PC / the manager's office screen. */
const OFFICE_PC = { width: 1366, height: 768 }

describeBrowser('manager settings in Chromium', () => {
  let h: Harness
  let browser: Browser
  let manager: Page, kiosk: Page

  async function logIn(page: Page, username: string, password = TEST_PASSWORD) {
    await page.fill('#username', username)
    await page.fill('#password', password)
    await page.click('#login-submit')
  }

  /** The change log's newest row says `text` (it is refetched after each save, a moment later). */
  async function lastChange(text: string) {
    await manager.waitForFunction((t) => document.querySelector('#audit tbody tr:first-child')?.textContent?.includes(t), text)
  }

  async function section(name: 'general' | 'procedures' | 'groups' | 'staff' | 'calendar') {
    await manager.click('#tab-settings')
    await manager.click(`#set-${name}`)
  }

  beforeAll(async () => {
    ensurePagesBuilt()
    ;[h, browser] = await Promise.all([startHarness('pglite'), launch()])
    ;({ page: manager } = await newPage(browser, OFFICE_PC))
    ;({ page: kiosk } = await newPage(browser, VIEWPORTS.kioskPortrait))
    for (const p of [manager, kiosk]) p.context().setDefaultTimeout(8000)
    await manager.goto(`${h.url}/staff?center=na-sang`)
    await logIn(manager, 'quanly')
    await manager.waitForSelector('#floor')
  }, 60_000)

  afterAll(async () => {
    await browser?.close()
    await h?.close()
  })

  it('a manager creates a clerk account (a bad username is refused first); the clerk logs in with the one-time password', async () => {
    await section('staff')
    await manager.waitForSelector('#staff-table tr[data-username="canbo1"]')
    // a manager is offered clerks only, and cannot act on their own account
    expect(await manager.$$eval('#new-staff-role option', (os) => os.map((o) => o.getAttribute('value')))).toEqual(['clerk'])
    expect(await manager.$$('#staff-table tr[data-username="quanly"] button')).toHaveLength(0)
    await manager.fill('#new-staff-username', 'can bo 7')
    await manager.fill('#new-staff-fullName', 'Lò Thị Bảy')
    await manager.click('#new-staff-save')
    await manager.waitForSelector('#staff-form .field.invalid #new-staff-username')
    expect(await manager.inputValue('#new-staff-fullName')).toBe('Lò Thị Bảy') // what was typed stays
    await shot(manager, 'staff-settings-account-invalid.png')
    await manager.fill('#new-staff-username', 'canbo7')
    await manager.click('#new-staff-save')
    await manager.waitForSelector('#one-time-password')
    expect(await manager.textContent('#one-time-password strong')).toBe('Đã tạo Lò Thị Bảy (canbo7).')
    const otp = (await manager.textContent('#otp-value'))!
    await manager.waitForSelector('#staff-table tr[data-username="canbo7"]')
    await lastChange('Tài khoản: Lò Thị Bảy (canbo7)')
    await shot(manager, 'staff-settings-accounts.png')

    const { ctx, page: clerk } = await newPage(browser, OFFICE_PC)
    clerk.context().setDefaultTimeout(8000)
    await clerk.goto(`${h.url}/staff?center=na-sang`)
    await logIn(clerk, 'canbo7', otp)
    await clerk.waitForSelector('#first-login')
    await clerk.fill('#pw-currentPassword', otp)
    await clerk.fill('#pw-newPassword', 'bảy sắc cầu vồng')
    await clerk.fill('#pw-confirm', 'bảy sắc cầu vồng')
    await clerk.click('#pw-save')
    await clerk.waitForSelector('#chooser')
    expect(await clerk.textContent('#who')).toBe('Lò Thị Bảy · Cán bộ')

    // deactivated (asked first): the clerk's open page loses its session at its next request
    await manager.click('#staff-table tr[data-username="canbo7"] .deactivate')
    await manager.waitForSelector('#confirm-deactivate')
    await shot(manager, 'staff-settings-account-deactivate.png')
    await manager.click('#confirm-deactivate')
    await manager.waitForSelector('#staff-table tr[data-username="canbo7"] .reactivate')
    expect(await manager.textContent('#staff-accounts > .notice.ok')).toBe('Đã khóa tài khoản Lò Thị Bảy (canbo7).')
    // its next request is its own (the server dropped its socket: the page reconnects 1-3 s later and
    // refreshes) or the clerk's click, whichever comes first: either ends at the login form
    const open = clerk.locator('.counter-card[data-counter="3"] .open-counter')
    if (await open.isVisible()) await open.click({ timeout: 3000 }).catch(() => { /* the reconnect came first */ })
    await clerk.waitForSelector('#login-error:not([hidden])')
    expect(await clerk.textContent('#login-error')).toBe('Vui lòng đăng nhập.')
    expect(pageErrors(clerk)).toEqual([])
    await ctx.close()
  })

  it('a manager edits a procedure (days, fee, documents); the kiosk’s lookup shows it', async () => {
    await section('procedures')
    await manager.click('#proc-table tr[data-procedure="khai-sinh"] [data-edit]')
    await manager.waitForSelector('#proc-form[data-procedure="khai-sinh"]')
    expect(await manager.$$eval('#proc-documents input', (is) => is.map((i) => (i as unknown as { value: string }).value))).toEqual(
      ['Tờ khai đăng ký khai sinh', 'Giấy chứng sinh', 'Giấy tờ tùy thân của người đi đăng ký'])
    await manager.fill('#proc-processingDays', '2')
    await manager.fill('#proc-feeNote', 'Miễn lệ phí; cấp bản sao 8.000 đồng/bản')
    await manager.click('#proc-add-doc')
    await manager.fill('#proc-documents li:last-child input', 'Sổ hộ khẩu hoặc giấy xác nhận cư trú')
    await manager.locator('#proc-form').scrollIntoViewIfNeeded()
    await shot(manager, 'staff-settings-procedure-edit.png')
    await manager.click('#proc-save')
    await manager.waitForSelector('#proc-table .notice-row .notice.ok')
    expect(await manager.textContent('#proc-table .notice-row .notice.ok')).toBe('Đã lưu: khai-sinh · Đăng ký khai sinh.')
    expect(await manager.textContent('#proc-table tr[data-procedure="khai-sinh"]')).toContain('2 ngày làm việc')
    await lastChange('Thành phần hồ sơ: Tờ khai đăng ký khai sinh; Giấy chứng sinh; Giấy tờ tùy thân của người đi đăng ký → ')
    await shot(manager, 'staff-settings-procedures.png')

    await kiosk.goto(`${h.url}/kiosk?center=na-sang`)
    await kiosk.click('#procedures')
    await kiosk.click('.proc[data-procedure="khai-sinh"]')
    await kiosk.waitForSelector('.facts')
    const facts = await kiosk.textContent('main')
    expect(facts).toContain('2 ngày làm việc')
    expect(facts).toContain('Miễn lệ phí; cấp bản sao 8.000 đồng/bản')
    expect(facts).toContain('Sổ hộ khẩu hoặc giấy xác nhận cư trú')
    await shot(kiosk, 'kiosk-procedure-after-edit.png')
  })

  it('a manager changes a priority group’s bonus; the kiosk’s priority screen says so', async () => {
    await kiosk.goto(`${h.url}/kiosk?center=na-sang`)
    await kiosk.click('#priority')
    expect(await kiosk.textContent('#priority-rule')).toBe('Người được ưu tiên được tính như đến sớm hơn 30 phút.')
    // the kiosk stays on the priority screen while the manager saves: it must update without a tap

    await section('groups')
    await manager.fill('#grp-nguoi-cao-tuoi-bonusMinutes', '601')
    await manager.click('#grp-nguoi-cao-tuoi-save')
    await manager.waitForSelector('.grp-form[data-group="nguoi-cao-tuoi"] .field.invalid #grp-nguoi-cao-tuoi-bonusMinutes')
    expect(await manager.textContent('#grp-nguoi-cao-tuoi-bonusMinutes-error')).toBe('Nhập số phút, từ 0 đến 600.')
    await manager.fill('#grp-nguoi-cao-tuoi-bonusMinutes', '60')
    await manager.click('#grp-nguoi-cao-tuoi-save')
    await manager.waitForSelector('.grp-form[data-group="nguoi-cao-tuoi"] .notice.ok')
    await shot(manager, 'staff-settings-groups.png')

    await kiosk.waitForSelector('.group[data-group="nguoi-cao-tuoi"] .group-rule')
    expect(await kiosk.textContent('.group[data-group="nguoi-cao-tuoi"] .group-rule')).toBe('Được tính như đến sớm hơn 60 phút')
    expect(await kiosk.textContent('.group[data-group="tre-em-duoi-6"] .group-rule')).toBe('Được tính như đến sớm hơn 30 phút')
    await shot(kiosk, 'kiosk-priority-after-bonus.png')
    expect(pageErrors(kiosk)).toEqual([])
  })

  it('a manager sets the pause-alert limit; the floor view alerts from it', async () => {
    await section('general')
    await manager.waitForSelector('#pauseAlertMinutes')
    expect(await manager.inputValue('#pauseAlertMinutes')).toBe('30')
    await manager.fill('#pauseAlertMinutes', '5')
    await manager.click('#hours-save')
    await manager.waitForSelector('#hours-form .notice.ok')
    await manager.locator('#hours-form').scrollIntoViewIfNeeded()
    await shot(manager, 'staff-settings-pause-limit.png')

    const clerk = await h.login('canbo3')
    await clerk.post(`/api/counters/${h.demo.counters[3]}/open`).send({}).expect(200)
    await clerk.post(`/api/counters/${h.demo.counters[3]}/pause`).send({ reason: 'meeting' }).expect(200)
    h.clock.advance(6 * 60_000)
    await manager.click('#tab-floor')
    await manager.waitForSelector('#floor .alert.pause')
    expect(await manager.textContent('#floor .alert.pause')).toBe('Quầy số 3 tạm nghỉ đã 6 phút (giới hạn 5 phút).')
    expect(await manager.textContent('#floor')).toContain('Cảnh báo khi quầy tạm nghỉ từ 5 phút trở lên')
    await shot(manager, 'staff-floor-pause-limit.png')
  })

  it('a manager adds a holiday and a make-up Saturday (a weekday make-up day is refused) and removes one', async () => {
    await section('calendar')
    await manager.waitForSelector('#cal-form')
    await manager.fill('#cal-date', '2026-12-31')
    await manager.selectOption('#cal-kind', 'workday')
    await manager.fill('#cal-name', 'Làm bù')
    await manager.click('#cal-save')
    await manager.waitForSelector('#cal-form .field.invalid #cal-kind')
    expect(await manager.textContent('#cal-kind-error')).toBe('Ngày làm bù phải là thứ Bảy hoặc Chủ nhật.')
    await manager.selectOption('#cal-kind', 'holiday')
    await manager.fill('#cal-name', 'Nghỉ cuối năm')
    await manager.click('#cal-save')
    await manager.waitForSelector('#cal-table tr[data-date="2026-12-31"]')
    await manager.fill('#cal-date', '2026-12-26')
    await manager.selectOption('#cal-kind', 'workday')
    await manager.fill('#cal-name', 'Làm bù cho ngày 31/12')
    await manager.click('#cal-save')
    await manager.waitForSelector('#cal-table tr[data-date="2026-12-26"][data-kind="workday"]')
    expect(await manager.textContent('#cal-table tr[data-date="2026-12-26"]')).toContain('Thứ Bảy')
    expect(await manager.textContent('#cal-table tr[data-date="2026-12-31"]')).toContain('Thứ Năm')
    await shot(manager, 'staff-settings-calendar.png')
    await manager.click('#cal-table tr[data-date="2026-12-26"] .cal-remove')
    await manager.click('#confirm-remove')
    await manager.waitForSelector('#cal-table tr[data-date="2026-12-26"]', { state: 'detached' })
    await lastChange('Lịch nghỉ: 26/12/2026')
    const days = (await (await h.login('quanly')).get('/api/centers/na-sang/calendar?year=2026').expect(200)).body.days as { date: string }[]
    expect(days.map((d) => d.date)).toContain('2026-12-31')
    expect(days.map((d) => d.date)).not.toContain('2026-12-26')

    // in English too
    await manager.click('#lang')
    await section('procedures')
    await manager.waitForSelector('#proc-table')
    expect(await manager.textContent('#procedures h1')).toBe('Administrative procedures')
    expect(await manager.textContent('#proc-table tr[data-procedure="ket-hon"] th')).toContain('Marriage registration')
    await shot(manager, 'staff-settings-procedures-en.png')
    await manager.click('#lang')
    expect(pageErrors(manager)).toEqual([])
  })
})
