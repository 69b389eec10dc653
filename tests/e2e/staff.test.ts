import { afterAll, beforeAll, expect, it } from '@jest/globals'
import type { Browser, Page } from 'playwright-core'
import { startHarness, type Harness, TEST_PASSWORD } from '../helpers/harness.js'
import { holderGet } from '../queue-fixtures.js'
import { describeBrowser, ensurePagesBuilt, launch, newPage, pageErrors, shot, VIEWPORTS } from './browser.js'

/** Browser globals inside page callbacks (the root tsconfig has no DOM lib). */
declare const document: { querySelector(s: string): { textContent: string | null } | null }
declare const window: unknown

/** A counter PC: 1366×768 is still the most common office screen. */
const COUNTER_PC = { width: 1366, height: 768 }

describeBrowser('staff console in Chromium', () => {
  let h: Harness
  let browser: Browser
  let clerk: Page, display: Page, manager: Page

  async function logIn(page: Page, username: string, password = TEST_PASSWORD) {
    await page.fill('#username', username)
    await page.fill('#password', password)
    await page.click('#login-submit')
  }

  beforeAll(async () => {
    ensurePagesBuilt()
    ;[h, browser] = await Promise.all([startHarness('pglite'), launch()])
    ;({ page: clerk } = await newPage(browser, COUNTER_PC))
    ;({ page: display } = await newPage(browser, VIEWPORTS.display))
    ;({ page: manager } = await newPage(browser, VIEWPORTS.display))
    for (const p of [clerk, display, manager]) p.context().setDefaultTimeout(8000)
  }, 60_000)

  afterAll(async () => {
    await browser?.close()
    await h?.close()
  })

  it('a clerk logs in, opens counter 1, calls next with F1, starts, completes; the display shows the call', async () => {
    await display.goto(`${h.url}/display?center=na-sang`)
    await display.click('#sound-on')
    await display.waitForSelector('.counter[data-counter="1"]')

    await clerk.goto(`${h.url}/staff?center=na-sang`)
    await logIn(clerk, 'canbo1', 'sai-mat-khau')
    await clerk.waitForSelector('#login-error:not([hidden])')
    expect(await clerk.textContent('#login-error')).toBe('Tên đăng nhập hoặc mật khẩu không đúng.')
    await shot(clerk, 'staff-login-error.png')
    await logIn(clerk, 'canbo1')
    await clerk.waitForSelector('#chooser')
    await shot(clerk, 'staff-choose-counter.png')
    await clerk.click('.counter-card[data-counter="1"] .open-counter')
    await clerk.waitForSelector('#console[data-counter="1"] #counter-status[data-status="open"]')
    expect(await clerk.textContent('#status-pill')).toBe('Đang mở')
    expect(await clerk.textContent('#queue-empty')).toBe('Không có ai đang chờ.')

    // a citizen takes a ticket: the queue shows it live, without a reload
    const a1 = (await h.http.post('/api/centers/na-sang/tickets').send({ serviceId: h.demo.services.A }).expect(201)).body.ticket
    await h.http.post('/api/centers/na-sang/tickets').send({ serviceId: h.demo.services.B, priorityGroup: 'nguoi-cao-tuoi' }).expect(201)
    await clerk.waitForSelector('#queue .qrow[data-ticket="A001"]')
    await clerk.waitForSelector('#queue .qrow[data-ticket="B001"] .badge.prio')
    expect(await clerk.textContent('#waiting-count')).toBe('2 người đang chờ')
    await shot(clerk, 'staff-console-idle.png')

    await clerk.keyboard.press('F1')
    await clerk.waitForSelector('#current[data-status="called"]')
    expect(await clerk.textContent('#current-code')).toBe('A001')
    expect(await clerk.textContent('#notice')).toBe('Đã gọi số A001.')
    // exactly the transitions of a called ticket
    expect(await clerk.$$eval('#console .act', (els) => els.map((e) => e.getAttribute('data-action')))).toEqual(
      ['start', 'complete', 'recall', 'noShow', 'hold', 'transfer', 'cancel']) // D completes a called ticket too (issue 22)
    await display.waitForFunction(() => document.querySelector('#hero-code')?.textContent === 'A001'
      && document.querySelector('#hero-counter')?.textContent === '1', undefined, { timeout: 3000 })
    await shot(clerk, 'staff-console-called.png')

    await clerk.keyboard.press('s')
    await clerk.waitForSelector('#current[data-status="serving"]')
    expect(await clerk.$$eval('#console .act', (els) => els.map((e) => e.getAttribute('data-action')))).toEqual(['complete', 'hold', 'transfer', 'cancel'])
    h.clock.advance(4 * 60_000)
    await shot(clerk, 'staff-console-serving.png')
    await clerk.keyboard.press('d')
    await clerk.waitForSelector('#current-code', { state: 'detached' })
    expect(await clerk.textContent('#notice')).toBe('Đã hoàn thành số A001.')
    expect(await clerk.textContent('#fig-served .fig-value')).toBe('1')
    expect(await clerk.textContent('#fig-avg .fig-value')).toBe('4 phút')
    const stored = await holderGet(h, a1.id)
    expect(stored.status).toBe(200)
    expect(stored.body.ticket.status).toBe('done')
    expect(pageErrors(clerk)).toEqual([])
    expect(pageErrors(display)).toEqual([])
  })

  it('a state changed elsewhere answers 409: the console says so clearly and shows the new state', async () => {
    await clerk.click('.qrow[data-ticket="B001"] .call-this')
    await clerk.waitForSelector('#current[data-status="called"]')
    // the board names tickets by code only (issue 19): the id is the staff's
    const { id } = await h.handle.db.selectFrom('ticket').select('id').where('code', '=', 'B001').where('status', '=', 'called').executeTakeFirstOrThrow()
    // the other tab's refresh is slow to come: this tab still shows "called" when the clerk presses S
    await clerk.route('**/api/counters/*/queue', async (route) => { await new Promise((r) => setTimeout(r, 3000)); await route.continue().catch(() => {}) })
    try {
      const otherTab = await h.login('canbo1')
      await otherTab.post(`/api/tickets/${id}/start`).send({}).expect(200)
      await clerk.keyboard.press('s')
      await clerk.waitForSelector('#notice.error')
      expect(await clerk.textContent('#notice')).toBe('Không thể thực hiện: số đang ở trạng thái "đang phục vụ". Màn hình đã được cập nhật theo trạng thái mới nhất.')
      await clerk.waitForSelector('#current[data-status="serving"]')
      await shot(clerk, 'staff-console-conflict.png')
    } finally {
      await clerk.unrouteAll({ behavior: 'wait' }) // the delayed refetch goes through before the next test
    }
    await clerk.keyboard.press('d')
    await clerk.waitForSelector('#current-code', { state: 'detached' })
  })

  it('hold, call another, transfer it, resume the held one and cancel it — all from the keyboard and the lists', async () => {
    const issue = async () => (await h.http.post('/api/centers/na-sang/tickets').send({ serviceId: h.demo.services.A }).expect(201)).body.ticket.code as string
    const [x, y] = [await issue(), await issue()]
    await clerk.waitForSelector(`#queue .qrow[data-ticket="${y}"]`)
    await clerk.keyboard.press('F1')
    await clerk.waitForSelector(`#current[data-ticket="${x}"][data-status="called"]`)
    await clerk.keyboard.press('h')
    await clerk.waitForSelector(`#held .qrow[data-ticket="${x}"]`)
    expect(await clerk.textContent('#notice')).toBe(`Đã tạm giữ số ${x}.`)
    await clerk.keyboard.press(' ')
    await clerk.waitForSelector(`#current[data-ticket="${y}"]`)
    // held tickets wait for a free counter
    expect(await clerk.isDisabled(`#held .qrow[data-ticket="${x}"] button`)).toBe(true)
    await clerk.keyboard.press('t')
    await clerk.waitForSelector('#transfer-dialog[open]')
    expect(await clerk.$$eval('#transfer-dialog .btn-service', (els) => els.map((e) => e.getAttribute('data-service')))).toEqual(['B', 'C', 'D', 'E', 'F', 'G'])
    await shot(clerk, 'staff-transfer-dialog.png')
    await clerk.keyboard.press('c') // the service's letter
    await clerk.waitForSelector('#current', { state: 'detached' })
    expect(await clerk.textContent('#notice')).toMatch(/^Đã chuyển thành số C\d{3}\.$/)
    await clerk.click(`#held .qrow[data-ticket="${x}"] button`)
    await clerk.waitForSelector(`#current[data-ticket="${x}"][data-status="called"]`)
    expect(await clerk.locator('#held').count()).toBe(0)
    await clerk.keyboard.press('x')
    await clerk.waitForSelector('#cancel-dialog[open]')
    await clerk.keyboard.press('Escape') // closes without cancelling
    await clerk.waitForSelector('#cancel-dialog', { state: 'detached' })
    expect(await clerk.getAttribute('#current', 'data-ticket')).toBe(x)
    await clerk.keyboard.press('x')
    await clerk.click('#confirm-cancel')
    await clerk.waitForSelector('#current', { state: 'detached' })
    expect(await clerk.textContent('#notice')).toBe(`Đã hủy số ${x}.`)
    expect(pageErrors(clerk)).toEqual([])
  })

  it('a clerk pauses with a reason and the manager’s floor view shows it live', async () => {
    await manager.goto(`${h.url}/staff?center=na-sang`)
    await logIn(manager, 'quanly')
    await manager.waitForSelector('#floor-counters tr[data-counter="1"][data-status="open"]')

    await clerk.keyboard.press('p')
    await clerk.waitForSelector('#pause-dialog[open]')
    // back in: not said unless picked; the clerk says 30 minutes, then the reason
    expect(await clerk.isChecked('#pause-back input[value=""]')).toBe(true)
    expect(await clerk.$$eval('#pause-back label', (els) => els.map((e) => e.textContent))).toEqual(['Chưa rõ', '5 phút', '15 phút', '30 phút', '1 giờ'])
    await clerk.click('#pause-back input[value="30"]')
    await shot(clerk, 'staff-pause-dialog.png')
    const backAt = new Intl.DateTimeFormat('en-GB', { timeZone: 'Asia/Ho_Chi_Minh', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' })
      .format(new Date(h.clock().getTime() + 30 * 60_000))
    await clerk.click('#pause-dialog .btn-reason[data-reason="meeting"]')
    await clerk.waitForSelector('#counter-status[data-status="paused"]')
    expect(await clerk.textContent('#status-pill')).toBe(`Tạm nghỉ: Họp · quay lại lúc ${backAt}`)
    // the wall says until when
    const { page: wall } = await newPage(browser, VIEWPORTS.display)
    await wall.goto(`${h.url}/display?center=na-sang`)
    await wall.waitForSelector('.counter[data-counter="1"].paused .counter-status')
    expect(await wall.textContent('.counter[data-counter="1"] .counter-status')).toBe(`Tạm nghỉ đến ${backAt}`)
    await shot(wall, 'display-counter-paused-until.png')
    expect(pageErrors(wall)).toEqual([])
    await wall.context().close()
    // while paused only "reopen" and "close" are offered
    expect(await clerk.$$eval('#console .act', (els) => [...new Set(els.map((e) => e.getAttribute('data-action')))])).toEqual(['resumeCounter', 'closeCounter'])
    await shot(clerk, 'staff-console-paused.png')

    await manager.waitForSelector('#floor-counters tr[data-counter="1"][data-status="paused"]', { timeout: 3000 })
    expect(await manager.textContent('#floor-counters tr[data-counter="1"]')).toContain(`Họp · quay lại lúc ${backAt}`)
    // a service waiting past its target raises an alert on the next refresh
    await h.http.post('/api/centers/na-sang/tickets').send({ serviceId: h.demo.services.C }).expect(201)
    h.clock.advance(35 * 60_000)
    await h.http.post('/api/centers/na-sang/tickets').send({ serviceId: h.demo.services.D }).expect(201) // a fact: the floor refetches
    await manager.waitForSelector('#alerts li.alert.pause')
    await manager.waitForSelector('#alerts li.alert.wait')
    expect(await manager.textContent('#alerts')).toContain('Quầy số 1 tạm nghỉ đã 35 phút (giới hạn 30 phút).')
    await shot(manager, 'staff-floor-1920x1080.png')
    await manager.setViewportSize(COUNTER_PC)
    await shot(manager, 'staff-floor-1366x768.png')
    expect(pageErrors(manager)).toEqual([])

    await clerk.keyboard.press('p')
    await clerk.waitForSelector('#counter-status[data-status="open"]')
  })

  it('a manager changes a service name and the kiosk tile changes without reload; a bad value is shown on its field', async () => {
    const { page: kiosk } = await newPage(browser, VIEWPORTS.kioskPortrait)
    await kiosk.goto(`${h.url}/kiosk?center=na-sang`)
    await kiosk.waitForSelector('.tile[data-service="A"] .tile-name')
    expect(await kiosk.textContent('.tile[data-service="A"] .tile-name')).toBe('Hộ tịch')
    await kiosk.evaluate(() => { (window as unknown as { __sameDocument: number }).__sameDocument = 1 })

    await manager.click('#tab-settings')
    await manager.waitForSelector('#svc-A-nameVi')
    await manager.fill('#svc-A-targetWaitMinutes', '0')
    await manager.click('#svc-A-save')
    await manager.waitForSelector('.svc-form[data-service="A"] .field.invalid #svc-A-targetWaitMinutes')
    expect(await manager.textContent('.svc-form[data-service="A"] [role="alert"]')).toBe('Dữ liệu gửi lên không hợp lệ.')
    expect(await manager.textContent('#svc-A-targetWaitMinutes-error')).toBe('Nhập số phút, từ 1 đến 480.')
    expect(await manager.inputValue('#svc-A-targetWaitMinutes')).toBe('0') // what was typed stays, to be corrected
    await shot(manager, 'staff-settings-invalid.png')

    await manager.fill('#svc-A-targetWaitMinutes', '20')
    await manager.fill('#svc-A-nameVi', 'Hộ tịch – Khai sinh, kết hôn')
    await manager.click('#svc-A-save')
    await manager.waitForSelector('.svc-form[data-service="A"] .notice.ok')
    expect(await manager.textContent('.svc-form[data-service="A"] .notice.ok')).toBe('Đã lưu: A · Hộ tịch – Khai sinh, kết hôn.')
    await kiosk.waitForFunction(() => document.querySelector('.tile[data-service="A"] .tile-name')?.textContent === 'Hộ tịch – Khai sinh, kết hôn', undefined, { timeout: 3000 })
    expect(await kiosk.evaluate(() => (window as unknown as { __sameDocument?: number }).__sameDocument)).toBe(1) // no reload
    expect(await manager.textContent('#audit tbody tr:first-child')).toContain('Thời gian chờ mục tiêu (phút): 15 → 20')
    await shot(manager, 'staff-settings-1366x768.png')
    // the activity log: who did what today, filterable
    await manager.click('#tab-log')
    await manager.waitForSelector('#log-table tr[data-entity="counter"][data-action="pause"]')
    expect(await manager.textContent('#log-table tr[data-action="pause"]')).toContain('Quàng Thị Hoa')
    expect(await manager.textContent('#log-table tr[data-action="pause"]')).toContain('Họp')
    expect(await manager.textContent('#log-table tr[data-entity="service"]')).toContain('Thời gian chờ mục tiêu (phút): 15 → 20')
    await shot(manager, 'staff-log-1366x768.png')
    await manager.selectOption('#log-entity', 'counter')
    await manager.waitForFunction(() => document.querySelector('#log-table tr[data-entity="ticket"]') === null)
    expect(await manager.$$eval('#log-table tbody tr', (els) => [...new Set(els.map((e) => e.getAttribute('data-entity')))])).toEqual(['counter'])
    await shot(kiosk, 'staff-kiosk-renamed.png')
    expect(pageErrors(manager)).toEqual([])
    expect(pageErrors(kiosk)).toEqual([])
    await kiosk.close()
  })

  it('a manager changes counter 1’s backup services and Saturday’s hours; a counter left without a primary service is refused on its field', async () => {
    await manager.click('#tab-settings')
    await manager.waitForSelector('#ctr-1-svc-G')
    expect(await manager.inputValue('#ctr-1-svc-A')).toBe('1')
    expect(await manager.inputValue('#ctr-1-svc-B')).toBe('2')
    // no primary service left: refused, shown on the tiers, what was chosen stays
    await manager.selectOption('#ctr-1-svc-A', '2')
    await manager.click('#ctr-1-save')
    await manager.waitForSelector('.ctr-form[data-counter="1"] .tiers.invalid #ctr-1-primary-error')
    expect(await manager.textContent('#ctr-1-primary-error')).toBe('Chọn ít nhất một lĩnh vực chính.')
    expect(await manager.inputValue('#ctr-1-svc-A')).toBe('2')
    await manager.locator('.ctr-form[data-counter="1"]').scrollIntoViewIfNeeded()
    await shot(manager, 'staff-settings-counter-invalid.png')

    await manager.selectOption('#ctr-1-svc-A', '1')
    await manager.selectOption('#ctr-1-svc-G', '2')
    await manager.click('#ctr-1-save')
    await manager.waitForSelector('.ctr-form[data-counter="1"] .notice.ok')
    expect(await manager.textContent('.ctr-form[data-counter="1"] .notice.ok')).toBe('Đã lưu: Quầy số 1.')
    expect(await manager.inputValue('#ctr-1-svc-G')).toBe('2')
    const board = (await h.http.get('/api/centers/na-sang/board').expect(200)).body
    expect(board.counters.find((c: { number: number }) => c.number === 1).services.map((x: { id: string; tier: number }) => `${x.id}:${x.tier}`).sort())
      .toEqual([`${h.demo.services.A}:1`, `${h.demo.services.B}:2`, `${h.demo.services.G}:2`].sort())
    expect(await manager.textContent('#audit tbody tr:first-child')).toContain('Lĩnh vực hỗ trợ: B → B, G')
    // the clerk’s counter kept working all along
    await clerk.waitForSelector('#counter-status[data-status="open"]')

    // hours: a bad interval is shown on its day; then Saturday morning is saved
    await manager.fill('#day6', '11:00-07:30')
    await manager.click('#hours-save')
    await manager.waitForSelector('.f-day6.invalid #day6-error')
    expect(await manager.textContent('#day6-error')).toBe('Nhập các khoảng giờ dạng 07:00-11:30, cách nhau bởi dấu phẩy, theo thứ tự và không chồng nhau.')
    await manager.fill('#day6', '07:30-11:00')
    await manager.click('#hours-save')
    await manager.waitForSelector('#hours-form .notice.ok')
    expect(await manager.inputValue('#day6')).toBe('07:30-11:00')
    expect((await manager.textContent('#audit tbody tr:first-child'))).toContain('Giờ làm việc thứ Bảy: (trống) → 07:30–11:00')
    await manager.locator('#hours-form').scrollIntoViewIfNeeded()
    await shot(manager, 'staff-settings-hours-1366x768.png')
    expect(pageErrors(manager)).toEqual([])
  })

  it('after closing time the console keeps working and says how many tickets are left; English switch; logout', async () => {
    await h.http.post('/api/centers/na-sang/tickets').send({ serviceId: h.demo.services.A }).expect(201)
    h.clock.set('2026-11-23T17:30:00+07:00') // past closing (17:00) and the cut-off (16:30)
    await clerk.reload()
    await clerk.waitForSelector('#after-hours')
    expect(await clerk.textContent('#after-hours')).toBe('Đã hết giờ làm việc (hôm nay: 07:00–11:30, 13:30–17:00). Còn 1 số đang chờ — quầy vẫn gọi số bình thường.')
    await shot(clerk, 'staff-console-after-hours.png')
    await clerk.click('#lang')
    expect(await clerk.textContent('#act-callNext span')).toBe('Call next')
    await clerk.click('#lang')
    // the session ends server-side (expired, revoked): the next action brings the login form back, saying why
    await h.handle.db.updateTable('staff_session').set({ revoked_at: h.clock() }).where('staff_id', '=', h.demo.staff.canbo1!).execute()
    await clerk.keyboard.press('F1')
    await clerk.waitForSelector('#login-error:not([hidden])')
    expect(await clerk.textContent('#login-error')).toBe('Vui lòng đăng nhập.')
    await logIn(clerk, 'canbo1')
    await clerk.waitForSelector('#console[data-counter="1"]') // straight back to the counter still open
    await clerk.click('#logout')
    await clerk.waitForSelector('#login')
    expect((await h.http.get('/api/auth/me')).status).toBe(401)
    expect(pageErrors(clerk)).toEqual([])
  })
  it('an admin, who belongs to no center, switches between centers from the header', async () => {
    const db = h.handle.db
    const center = await db.insertInto('center').values({ slug: 'muong-pon', name: 'Trung tâm Phục vụ hành chính công xã Mường Pồn', opening_hours: '{}' })
      .returning('id').executeTakeFirstOrThrow()
    await db.insertInto('center_board_seq').values({ center_id: center.id }).execute()
    const { page: admin } = await newPage(browser, COUNTER_PC)
    await admin.goto(`${h.url}/staff?center=muong-pon`)
    await logIn(admin, 'quantri')
    await admin.waitForSelector('#floor')
    expect(await admin.textContent('.floor-head')).toContain('Mường Pồn')
    expect(await admin.locator('#floor-counters tbody tr').count()).toBe(0)
    await admin.selectOption('#center-select', 'na-sang')
    await admin.waitForSelector('#floor-counters tr[data-counter="1"]')
    expect(await admin.textContent('.floor-head')).toContain('Na Sang')
    expect(pageErrors(admin)).toEqual([])
    await admin.close()
  })
})
