// The filing page tells a citizen why the center refused a filing (issue 19, item 5), in Vietnamese.
import { afterAll, beforeAll, expect, it } from '@jest/globals'
import type { Browser, Page } from 'playwright-core'
import { startHarness, type Harness } from '../helpers/harness.js'
import { describeBrowser, ensurePagesBuilt, launch, newPage, pageErrors, VIEWPORTS } from './browser.js'

const PNG_1PX = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==', 'base64')

describeBrowser('the filing page under the center’s filing limits', () => {
  let h: Harness
  let browser: Browser
  let phone: Page

  beforeAll(async () => {
    ensurePagesBuilt()
    ;[h, browser] = await Promise.all([
      startHarness('pglite', { dossierLimits: { filingsPerHour: 2, quota: { pendingFilings: 200, pendingBytes: 10 } } }),
      launch(),
    ])
    ;({ page: phone } = await newPage(browser, VIEWPORTS.phone))
    phone.context().setDefaultTimeout(8000)
  }, 60_000)

  afterAll(async () => {
    await browser?.close()
    await h?.close()
  })

  /** Opens the form of "ket-hon" afresh and fills the applicant. */
  async function form() {
    await phone.goto(`${h.url}/nop-ho-so?center=na-sang`)
    await phone.fill('#filing-search', 'ket hon')
    await phone.click('.pick[data-procedure="ket-hon"]')
    await phone.fill('#filing-fullName', 'Lò Thị Mai')
    await phone.fill('#filing-phone', '0987654321')
    await phone.fill('#filing-address', 'Bản Huổi Sáy, xã Na Sang')
  }

  it('shows the storage quota’s and the hourly limit’s refusals in Vietnamese, and files without files in between', async () => {
    await form()
    await phone.setInputFiles('#filing-files', [{ name: 'cccd.png', mimeType: 'image/png', buffer: PNG_1PX }])
    await phone.click('#filing-submit')
    await phone.waitForSelector('#filing-error')
    expect(await phone.textContent('#filing-error')).toMatch(/^Trung tâm tạm thời không nhận thêm tệp đính kèm/)

    await form()
    await phone.click('#filing-submit')
    await phone.waitForSelector('#filed-code')

    await form()
    await phone.click('#filing-submit')
    await phone.waitForSelector('#filing-error')
    expect(await phone.textContent('#filing-error')).toMatch(/^Bạn đã nộp nhiều hồ sơ trực tuyến trong một giờ qua\. Vui lòng thử lại sau 60 phút/)
    expect(pageErrors(phone)).toEqual([])
  })
})
