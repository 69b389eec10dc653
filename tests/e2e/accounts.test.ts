// Accounts in Chromium (issue 20): a manager creates a clerk, who logs in with the one-time password, must choose
// their own (a short and a common one refused, in Vietnamese), then works; a reset by the manager; one's own change.
import { afterAll, beforeAll, expect, it } from '@jest/globals'
import type { Browser, Page } from 'playwright-core'
import { startHarness, type Harness, TEST_PASSWORD } from '../helpers/harness.js'
import { describeBrowser, ensurePagesBuilt, launch, newPage, pageErrors, shot } from './browser.js'

/** A counter PC / the manager's office screen. */
const OFFICE_PC = { width: 1366, height: 768 }

describeBrowser('accounts and passwords in Chromium', () => {
  let h: Harness
  let browser: Browser
  let manager: Page

  async function logIn(page: Page, username: string, password: string) {
    await page.fill('#username', username)
    await page.fill('#password', password)
    await page.click('#login-submit')
  }

  async function choose(page: Page, current: string, next: string, again = next) {
    await page.fill('#pw-currentPassword', current)
    await page.fill('#pw-newPassword', next)
    await page.fill('#pw-confirm', again)
    await page.click('#pw-save')
  }

  beforeAll(async () => {
    ensurePagesBuilt()
    ;[h, browser] = await Promise.all([startHarness('pglite'), launch()])
    ;({ page: manager } = await newPage(browser, OFFICE_PC))
    manager.context().setDefaultTimeout(8000)
    await manager.goto(`${h.url}/staff?center=na-sang`)
    await logIn(manager, 'quanly', TEST_PASSWORD)
    await manager.waitForSelector('#floor')
  }, 60_000)

  afterAll(async () => {
    await browser?.close()
    await h?.close()
  })

  it('a manager creates a clerk; the clerk logs in with the one-time password, must choose their own, then works', async () => {
    await manager.click('#tab-settings')
    await manager.click('#set-staff')
    await manager.waitForSelector('#staff-table tr[data-username="canbo1"]')
    // no password is typed: the server makes it
    expect(await manager.$$('#new-staff-password')).toHaveLength(0)
    await manager.fill('#new-staff-username', 'canbo.moi')
    await manager.fill('#new-staff-fullName', 'Lò Văn Mới')
    await manager.click('#new-staff-save')
    await manager.waitForSelector('#one-time-password')
    const otp = (await manager.textContent('#otp-value'))!
    expect(otp).toMatch(/^[a-z2-9]{4}(-[a-z2-9]{4}){3}$/)
    expect(await manager.textContent('#one-time-password')).toContain('Chỉ hiện một lần')
    await manager.waitForSelector('#staff-table tr[data-username="canbo.moi"] [data-first-login]')
    expect(await manager.textContent('#staff-table tr[data-username="canbo.moi"]')).toContain('Chờ đổi mật khẩu')
    await shot(manager, 'accounts-one-time-password.png')

    const { ctx, page: clerk } = await newPage(browser, OFFICE_PC)
    clerk.context().setDefaultTimeout(8000)
    await clerk.goto(`${h.url}/staff?center=na-sang`)
    await logIn(clerk, 'canbo.moi', otp)
    // the change-password screen alone: no tabs, no counters
    await clerk.waitForSelector('#first-login')
    expect(await clerk.$$('#tab-counter, #chooser, .tabs')).toHaveLength(0)
    expect(await clerk.textContent('#first-login h1')).toBe('Đặt mật khẩu của bạn')
    await shot(clerk, 'accounts-first-login.png')

    await choose(clerk, otp, 'ngắn quá')
    await clerk.waitForSelector('#pw-newPassword-error:not([hidden])')
    expect(await clerk.textContent('#pw-newPassword-error')).toBe('Mật khẩu phải có ít nhất 12 ký tự.')
    await clerk.waitForSelector('.field.f-newPassword.invalid')
    await shot(clerk, 'accounts-first-login-too-short.png')

    await choose(clerk, otp, 'qwerty123456')
    await clerk.waitForFunction(() => (globalThis as unknown as { document: { querySelector(s: string): { textContent: string } | null } })
      .document.querySelector('#pw-newPassword-error')?.textContent?.startsWith('Mật khẩu này quá phổ biến'))
    expect(await clerk.textContent('#pw-newPassword-error')).toBe('Mật khẩu này quá phổ biến hoặc dễ đoán. Hãy chọn mật khẩu khác, ví dụ một câu ngắn chỉ bạn biết.')
    await shot(clerk, 'accounts-first-login-too-common.png')

    await choose(clerk, otp, 'hoa ban nở trắng bản', 'hoa ban nở trắng bản!')
    await clerk.waitForFunction(() => (globalThis as unknown as { document: { querySelector(s: string): { textContent: string } | null } })
      .document.querySelector('#pw-confirm-error')?.textContent === 'Hai lần nhập mật khẩu mới không giống nhau.')

    await choose(clerk, otp, 'hoa ban nở trắng bản')
    await clerk.waitForSelector('#chooser')
    expect(await clerk.textContent('#account-notice')).toBe('Đã đổi mật khẩu. Các phiên đăng nhập khác của bạn đã kết thúc.')
    expect(await clerk.textContent('#who')).toBe('Lò Văn Mới · Cán bộ')
    // then works: opens counter 3 and calls a citizen
    await h.http.post('/api/centers/na-sang/tickets').send({ serviceId: h.demo.services.C }).expect(201)
    await clerk.click('.counter-card[data-counter="3"] .open-counter')
    await clerk.waitForSelector('#act-callNext')
    await clerk.click('#act-callNext')
    await clerk.waitForSelector('#current-code')
    expect(await clerk.textContent('#current-code')).toBe('C001')
    await shot(clerk, 'accounts-first-login-then-works.png')
    expect(pageErrors(clerk)).toEqual([])

    // the manager's list no longer says it waits; the change is in the change log
    await manager.click('#set-staff')
    await manager.waitForSelector('#staff-table tr[data-username="canbo.moi"]')
    expect(await manager.$$('#staff-table tr[data-username="canbo.moi"] [data-first-login]')).toHaveLength(0)
    await ctx.close()
  }, 90_000)

  it('a manager resets a clerk’s password (asked first): shown once, the clerk’s open page is signed out', async () => {
    const { ctx, page: clerk } = await newPage(browser, OFFICE_PC)
    clerk.context().setDefaultTimeout(8000)
    await clerk.goto(`${h.url}/staff?center=na-sang`)
    await logIn(clerk, 'canbo2', TEST_PASSWORD)
    await clerk.waitForSelector('#chooser')

    await manager.click('#set-staff')
    await manager.click('#staff-table tr[data-username="canbo2"] .reset-password')
    await manager.waitForSelector('#reset-save')
    expect(await manager.textContent('.edit-row .confirm-box p')).toContain('Đặt lại mật khẩu của Lường Văn Minh (canbo2)?')
    expect(await manager.evaluate(() => (globalThis as unknown as { document: { activeElement: { id: string } } }).document.activeElement.id)).toBe('reset-save')
    await shot(manager, 'accounts-reset-confirm.png')
    await manager.click('#reset-save')
    await manager.waitForSelector('#one-time-password')
    expect(await manager.textContent('#one-time-password strong')).toBe('Đã đặt lại mật khẩu của Lường Văn Minh (canbo2). Các phiên đăng nhập của tài khoản này đã kết thúc.')
    const otp = (await manager.textContent('#otp-value'))!
    await shot(manager, 'accounts-reset-one-time-password.png')

    // the clerk's page: its socket was dropped, it reconnects and refreshes, or the clerk clicks: the login form
    const open = clerk.locator('.counter-card[data-counter="2"] .open-counter')
    if (await open.isVisible()) await open.click({ timeout: 3000 }).catch(() => { /* the reconnect came first */ })
    await clerk.waitForSelector('#login-error:not([hidden])')
    await logIn(clerk, 'canbo2', TEST_PASSWORD)
    expect(await clerk.textContent('#login-error')).not.toBe('')
    await logIn(clerk, 'canbo2', otp)
    await clerk.waitForSelector('#first-login')
    await ctx.close()
 }, 60_000)

  it('anyone changes their own password from the header; their other sessions end, this one goes on', async () => {
    const { ctx, page: other } = await newPage(browser, OFFICE_PC)
    other.context().setDefaultTimeout(8000)
    await other.goto(`${h.url}/staff?center=na-sang`)
    await logIn(other, 'quanly', TEST_PASSWORD)
    await other.waitForSelector('#floor')

    await manager.click('#my-password')
    await manager.waitForSelector('#password-dialog')
    await choose(manager, 'sai mật khẩu hiện tại', 'quản lý trung tâm Na Sang')
    await manager.waitForSelector('#pw-currentPassword-error:not([hidden])')
    expect(await manager.textContent('#pw-currentPassword-error')).toBe('Mật khẩu hiện tại không đúng.')
    await shot(manager, 'accounts-change-own-password.png')
    await choose(manager, TEST_PASSWORD, 'quản lý trung tâm Na Sang')
    await manager.waitForSelector('#account-notice')
    expect(await manager.$$('#password-dialog')).toHaveLength(0)
    await manager.click('#tab-floor')
    await manager.waitForSelector('#floor')

    await other.click('#tab-settings')
    await other.waitForSelector('#login-error:not([hidden])')
    expect(pageErrors(manager)).toEqual([])
    await ctx.close()
 }, 60_000)
})
