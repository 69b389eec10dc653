// An empty install set up in Chromium, as a province's admin would: the link the server printed, the form
// (a weak password and a taken slug refused with what was typed kept), then the staff console, logged in;
// the same link again is refused.
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, expect, it } from '@jest/globals'
import type { Browser, Page } from 'playwright-core'
import type { DbHandle } from '../../db/create-db.js'
import { createApp, type App } from '../../server/app.js'
import { systemClock } from '../../server/clock.js'
import { SetupService } from '../../server/setup/setup.service.js'
import { freshDb } from '../helpers/db.js'
import { describeBrowser, ensurePagesBuilt, launch, newPage, pageErrors, shot } from './browser.js'

/** Browser globals inside page callbacks (the root tsconfig has no DOM lib). */
declare const document: { querySelector(s: string): { textContent: string | null } | null }

/** the admin's PC */
const OFFICE_PC = { width: 1366, height: 768 }

describeBrowser('set-up of an empty install in Chromium', () => {
  let handle: DbHandle
  let app: App
  let url: string
  let browser: Browser
  let page: Page
  let token: string

  beforeAll(async () => {
    ensurePagesBuilt()
    ;[handle, browser] = await Promise.all([freshDb('pglite'), launch()])
    app = createApp({ dbHandle: handle })
    await new Promise<void>((r) => app.httpServer.listen(0, '127.0.0.1', r))
    url = `http://127.0.0.1:${(app.httpServer.address() as AddressInfo).port}`
    token = (await new SetupService(handle.db, systemClock).prepare())!
    ;({ page } = await newPage(browser, OFFICE_PC))
    page.context().setDefaultTimeout(10_000)
  }, 60_000)

  afterAll(async () => {
    await browser?.close()
    await app?.close()
    await handle?.close()
  })

  const value = (id: string) => page.inputValue(`#${id}`)
  const fieldError = (id: string) => page.textContent(`#${id}-error`)

  it('opens the link, refuses a weak password and a taken slug keeping what was typed, then lands logged in', async () => {
    // a center made by hand before set-up already holds the slug the page will suggest
    await handle.db.insertInto('center').values({ slug: 'muong-cha', name: 'Trung tâm thử', opening_hours: '{}' }).execute()
    await page.goto(`${url}/thiet-lap#${token}`)
    await page.waitForSelector('#setup')
    expect(await page.textContent('h1')).toBe('Thiết lập hệ thống')
    // Monday to Friday filled in, the weekend closed, Vietnam's time zone chosen
    expect(await value('day1')).toBe('07:00-11:30, 13:30-17:00')
    expect(await value('day7')).toBe('')
    expect(await page.inputValue('#timeZone')).toBe('Asia/Ho_Chi_Minh')
    await page.fill('#fullName', 'Lò Văn Chà')
    await page.fill('#username', 'quantri.muongcha')
    await page.fill('#password', 'ngắn quá')
    await page.fill('#passwordConfirm', 'ngắn quá')
    await page.fill('#name', 'Trung tâm Phục vụ hành chính công xã Mường Chà')
    expect(await value('slug')).toBe('muong-cha') // suggested from the name, without marks
    await page.fill('#address', 'Bản Na Pheo, xã Mường Chà')
    await page.fill('#province', 'Điện Biên')
    await page.fill('#day6', '07:30-11:30')
    // English and back: what was typed stays
    await page.click('#lang')
    expect(await page.textContent('h1')).toBe('Set up this install')
    expect(await value('address')).toBe('Bản Na Pheo, xã Mường Chà')
    await page.click('#lang')
    expect(await page.textContent('h1')).toBe('Thiết lập hệ thống')
    expect(await value('slug')).toBe('muong-cha')
    await page.locator('h1').scrollIntoViewIfNeeded()
    await shot(page, 'setup-form.png')
    await page.click('#setup-submit')
    await page.waitForSelector('#password-error')
    expect(await fieldError('password')).toBe('Mật khẩu phải có ít nhất 12 ký tự.')
    expect(await page.getAttribute('.f-password', 'class')).toContain('invalid')
    // everything typed is still there
    expect(await value('fullName')).toBe('Lò Văn Chà')
    expect(await value('address')).toBe('Bản Na Pheo, xã Mường Chà')
    expect(await value('day6')).toBe('07:30-11:30')

    await page.fill('#password', 'núi cao suối sâu 2026')
    await page.fill('#passwordConfirm', 'núi cao suối sâu 2025')
    await page.click('#setup-submit')
    await page.waitForSelector('#passwordConfirm-error')
    expect(await fieldError('passwordConfirm')).toBe('Hai mật khẩu không giống nhau.')
    await page.fill('#passwordConfirm', 'núi cao suối sâu 2026')
    await page.click('#setup-submit')
    await page.waitForSelector('#slug-error')
    expect(await fieldError('slug')).toBe('Mã trung tâm (slug) "muong-cha" đã được dùng cho một trung tâm khác.')
    expect(await page.$('#password-error')).toBeNull()
    expect(await value('name')).toBe('Trung tâm Phục vụ hành chính công xã Mường Chà')
    await shot(page, 'setup-refused.png')

    await page.fill('#slug', 'muong-cha-dien-bien')
    await Promise.all([page.waitForURL(/\/staff\?center=muong-cha-dien-bien/), page.click('#setup-submit')])
    await page.waitForSelector('#who')
    expect(await page.textContent('#who')).toContain('Lò Văn Chà')
    await page.waitForFunction(() => !!document.querySelector('#view')?.textContent?.trim())
    await shot(page, 'setup-done-staff.png')
    expect(pageErrors(page)).toEqual([])
    const center = await handle.db.selectFrom('center').select(['name', 'province', 'opening_hours']).where('slug', '=', 'muong-cha-dien-bien').executeTakeFirstOrThrow()
    expect(center).toMatchObject({ name: 'Trung tâm Phục vụ hành chính công xã Mường Chà', province: 'Điện Biên' })
    expect(center.opening_hours['6']).toEqual([['07:30', '11:30']])
  })

  it('refuses the same link a second time, and says where to log in', async () => {
    const { page: again } = await newPage(browser, OFFICE_PC)
    await again.goto(`${url}/thiet-lap#${token}`)
    await again.waitForSelector('#setup-refused')
    expect(await again.textContent('#setup-refused .notice')).toBe('Liên kết thiết lập này đã được dùng. Hãy đăng nhập ở trang cán bộ.')
    expect(await again.getAttribute('#go-login', 'href')).toBe('/staff')
    await shot(again, 'setup-link-used.png')
    await again.goto(`${url}/thiet-lap#${'x'.repeat(43)}`)
    await again.reload()
    await again.waitForSelector('#setup-refused')
    expect(await again.textContent('#setup-refused .notice')).toContain('Liên kết thiết lập không đúng.')
    await again.close()
  })
})
