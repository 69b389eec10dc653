// Issue 20's "Done when", in one sitting, as a new province admin would on an empty install: the set-up link
// the server printed (first admin, first center Na Sang); a first service at Na Sang; "Mường Chà" from the Na
// Sang template; a service "H · Tư pháp" and a counter 7 serving it; a 20-procedure CSV with one bad row
// (refused with its row number, then fixed); a ticket at Mường Chà's kiosk called at counter 7, on Mường
// Chà's display and not on Na Sang's. Each screen is checked in detail by its own test (setup, center-admin,
// catalog-audit); this one checks that they make one path from nothing to a working second center.
import { mkdtempSync, writeFileSync } from 'node:fs'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, expect, it } from '@jest/globals'
import type { Browser, Page } from 'playwright-core'
import type { DbHandle } from '../../db/create-db.js'
import { createApp, type App } from '../../server/app.js'
import { SetupService } from '../../server/setup/setup.service.js'
import { testClock } from '../helpers/clock.js'
import { freshDb } from '../helpers/db.js'
import { describeBrowser, ensurePagesBuilt, launch, newPage, pageErrors, shot, VIEWPORTS } from './browser.js'

/** Browser globals inside page callbacks (the root tsconfig has no DOM lib). */
declare const document: { querySelector(s: string): { textContent: string | null } | null; querySelectorAll(s: string): { length: number } }

const OFFICE_PC = { width: 1366, height: 768 }
const HEAD = 'Mã thủ tục;Tên thủ tục;Lĩnh vực;Thời hạn giải quyết (ngày làm việc);Lệ phí (đồng);Thành phần hồ sơ;Mức độ dịch vụ công trực tuyến'

/** 20 procedures of services A and H; with `bad`, row 5 of the file (the 4th procedure) has a national code that is not one. */
function catalogCsv(bad: boolean): string {
  const rows = Array.from({ length: 20 }, (_, i) => {
    const code = `1.0011${String(10 + i).padStart(2, '0')}`
    return `${bad && i === 3 ? '1.00X' : code};Thủ tục số ${i + 1};${i % 2 ? 'H' : 'A'};${3 + (i % 5)};0;Tờ khai;${i % 2 ? 'Một phần' : 'Toàn trình'}`
  })
  return '\uFEFF' + [HEAD, ...rows].join('\r\n') + '\r\n'
}

describeBrowser('an empty install to a working second center, in Chromium', () => {
  let handle: DbHandle
  let app: App
  let url: string
  let browser: Browser
  let admin: Page
  // a Monday morning in Na Sang, whenever the test runs: the kiosk is open
  const clock = testClock('2026-11-23T09:00:00+07:00')
  const dir = mkdtempSync(join(tmpdir(), 'motcua-first-install-'))

  beforeAll(async () => {
    ensurePagesBuilt()
    ;[handle, browser] = await Promise.all([freshDb('pglite'), launch()])
    app = createApp({ dbHandle: handle, clock })
    await new Promise<void>((r) => app.httpServer.listen(0, '127.0.0.1', r))
    url = `http://127.0.0.1:${(app.httpServer.address() as AddressInfo).port}`
    ;({ page: admin } = await newPage(browser, OFFICE_PC))
    admin.context().setDefaultTimeout(10_000)
  }, 60_000)

  afterAll(async () => {
    await browser?.close()
    await app?.close()
    await handle?.close()
  })

  it('set-up link → Na Sang → Mường Chà from its template → H · Tư pháp, counter 7, 20 procedures → a ticket called at 7, on Mường Chà\'s display only', async () => {
    // ---- the link `npm start` prints on an empty install
    const token = (await new SetupService(handle.db, clock).prepare())!
    await admin.goto(`${url}/thiet-lap#${token}`)
    await admin.waitForSelector('#setup')
    await admin.fill('#fullName', 'Lò Văn Thành')
    await admin.fill('#username', 'quantri.tinh')
    await admin.fill('#password', 'bản làng mùa lúa chín')
    await admin.fill('#passwordConfirm', 'bản làng mùa lúa chín')
    await admin.fill('#name', 'Trung tâm Phục vụ hành chính công xã Na Sang')
    expect(await admin.inputValue('#slug')).toBe('na-sang')
    await admin.fill('#address', 'Bản Na Sang 1, xã Na Sang')
    await admin.fill('#province', 'Điện Biên')
    await Promise.all([admin.waitForURL(/\/staff\?center=na-sang/), admin.click('#setup-submit')])
    await admin.waitForSelector('#who')
    expect(await admin.textContent('#who')).toContain('Lò Văn Thành')

    // ---- Na Sang's first service (the template Mường Chà will copy)
    await admin.click('#tab-settings')
    await admin.waitForSelector('#svc-new-prefix')
    await admin.fill('#svc-new-prefix', 'A')
    await admin.fill('#svc-new-nameVi', 'Chứng thực')
    await admin.fill('#svc-new-nameEn', 'Certification')
    await admin.click('#svc-new-save')
    await admin.waitForSelector('#svc-list .svc-form[data-service="A"]')

    // ---- Mường Chà from the Na Sang template
    await admin.click('#set-centers')
    await admin.waitForSelector('#centers-list tr[data-center="na-sang"]')
    await admin.selectOption('#center-new-template', 'na-sang')
    await admin.fill('#center-new-name', 'Trung tâm Phục vụ hành chính công xã Mường Chà')
    await admin.fill('#center-new-nameEn', 'Muong Cha Commune Public Administration Service Center')
    await admin.fill('#center-new-address', 'Bản Na Pheo, xã Mường Chà')
    await admin.fill('#center-new-province', 'Điện Biên')
    await admin.fill('#center-new-slug', 'muong-cha')
    await admin.click('#center-new-save')
    await admin.waitForSelector('#go-new-center')
    await admin.click('#go-new-center')
    await admin.waitForSelector('#svc-list .svc-form[data-service="A"]') // copied from Na Sang
    expect(await admin.inputValue('#center-select')).toBe('muong-cha')

    // ---- H · Tư pháp, and counter 7 serving it
    await admin.fill('#svc-new-prefix', 'H')
    await admin.fill('#svc-new-nameVi', 'Tư pháp')
    await admin.fill('#svc-new-nameEn', 'Justice')
    await admin.click('#svc-new-save')
    await admin.waitForSelector('#svc-list .svc-form[data-service="H"]')
    await admin.fill('#ctr-new-number', '7')
    await admin.fill('#ctr-new-name', 'Quầy tư pháp')
    await admin.selectOption('#ctr-new-svc-H', '1')
    await admin.click('#ctr-new-save')
    await admin.waitForSelector('#ctr-list .ctr-form[data-counter="7"]')
    await admin.locator('.ctr-form[data-counter="7"]').scrollIntoViewIfNeeded()
    await shot(admin, 'first-install-counter-7.png')

    // ---- 20 procedures from a CSV: the bad row refused with its row number, nothing written; fixed, all 20
    await admin.click('#set-procedures')
    await admin.waitForSelector('#proc-import')
    const bad = join(dir, 'thu-tuc-loi.csv')
    writeFileSync(bad, catalogCsv(true))
    await admin.setInputFiles('#proc-file', bad)
    await admin.waitForSelector('#proc-problems li')
    expect(await admin.$$eval('#proc-problems li', (ls) => ls.map((l) => l.textContent))).toEqual(['Dòng 5: Mã thủ tục "1.00X" không đúng dạng (ví dụ 1.001193).'])
    expect(await admin.isDisabled('#proc-apply')).toBe(true)
    const good = join(dir, 'thu-tuc.csv')
    writeFileSync(good, catalogCsv(false))
    await admin.setInputFiles('#proc-file', good)
    await admin.waitForFunction(() => document.querySelector('#proc-counts')?.textContent?.startsWith('20 thêm mới') ?? false)
    await admin.click('#proc-apply')
    await admin.waitForSelector('#proc-import-notice.ok')
    await admin.waitForFunction(() => document.querySelectorAll('#proc-table tr[data-national-code^="1.0011"]').length === 20)
    await shot(admin, 'first-install-procedures.png')
    const imported = await handle.db.selectFrom('procedure').innerJoin('center', 'center.id', 'procedure.center_id')
      .select((eb) => eb.fn.countAll<string>().as('n')).where('center.slug', '=', 'muong-cha').where('procedure.national_code', 'like', '1.0011%').executeTakeFirstOrThrow()
    expect(Number(imported.n)).toBe(20)

    // ---- a citizen at Mường Chà's kiosk; both displays on the wall of their own center
    const { page: kiosk } = await newPage(browser, VIEWPORTS.kioskPortrait)
    const { page: mcDisplay } = await newPage(browser, VIEWPORTS.display)
    const { page: nsDisplay } = await newPage(browser, VIEWPORTS.display)
    await mcDisplay.goto(`${url}/display?center=muong-cha`)
    await nsDisplay.goto(`${url}/display?center=na-sang`)
    for (const d of [mcDisplay, nsDisplay]) await d.click('#sound-on')
    await mcDisplay.waitForSelector('.counter[data-counter="7"]')
    await kiosk.goto(`${url}/kiosk?center=muong-cha`)
    await kiosk.click('.tile[data-service="H"]:not([disabled])')
    await kiosk.waitForSelector('#ticket-code')
    expect(await kiosk.textContent('#ticket-code')).toBe('H001')

    // ---- the admin calls it at counter 7
    await admin.click('#tab-counter')
    await admin.click('.counter-card[data-counter="7"] .open-counter')
    await admin.waitForSelector('#queue .qrow[data-ticket="H001"]')
    await admin.keyboard.press('F1')
    await admin.waitForSelector('#current[data-status="called"]')
    expect(await admin.textContent('#current-code')).toBe('H001')
    await mcDisplay.waitForFunction(() => document.querySelector('#hero-code')?.textContent === 'H001'
      && document.querySelector('#hero-counter')?.textContent === '7', undefined, { timeout: 5000 })
    await shot(mcDisplay, 'first-install-display-muong-cha.png')
    expect(await nsDisplay.textContent('body')).not.toContain('H001')
    expect(await nsDisplay.locator('.counter[data-counter="7"]').count()).toBe(0)
    await shot(nsDisplay, 'first-install-display-na-sang.png')
    for (const p of [admin, kiosk, mcDisplay, nsDisplay]) expect(pageErrors(p)).toEqual([])
  }, 120_000)
})
