// Issue 24 in Chromium, as a citizen would: book a time on a 360 px phone (/dat-lich), cancel one from its own
// link, check in at the kiosk by the booking's QR (the scanner types its payload like a keyboard, at scanner
// speed) and by the six digits typed on screen, and collect a dossier with one scan of its slip's QR.
import { createRequire } from 'node:module'
import { afterAll, beforeAll, expect, it } from '@jest/globals'
import type { Browser, Page } from 'playwright-core'
import { startHarness, TEST_PASSWORD, type Harness } from '../helpers/harness.js'
import { describeBrowser, ensurePagesBuilt, launch, newPage, pageErrors, shot, VIEWPORTS } from './browser.js'

/** Browser globals inside page callbacks (the root tsconfig has no DOM lib). */
declare const window: { __prints: number }
declare const document: { documentElement: { scrollWidth: number }; body: { innerText: string } }

const require = createRequire(import.meta.url)
const { PNG } = require('pngjs') as { PNG: { sync: { read(b: Buffer): { width: number; height: number; data: Buffer } } } }
type JsQr = (data: Uint8ClampedArray, width: number, height: number) => { data: string } | null
const jsqrModule = require('jsqr') as JsQr & { default?: JsQr }
const jsQR: JsQr = jsqrModule.default ?? jsqrModule
function decodeQr(png: Buffer): string | null {
  const img = PNG.sync.read(png)
  return jsQR(new Uint8ClampedArray(img.data.buffer, img.data.byteOffset, img.data.length), img.width, img.height)?.data ?? null
}

/**
 * A 2D scanner in keyboard mode: the payload and its Enter, a key every 5 ms by the keyboard's own clock,
 * through the DevTools protocol with each key's timestamp (as tests/e2e/cccd-scan.test.ts does: on this
 * shared machine page.keyboard.type delivers keys 20–240 ms apart, slower than a scanner).
 */
async function scan(page: Page, payload: string): Promise<void> {
  const cdp = await page.context().newCDPSession(page)
  const t0 = Date.now() / 1000
  const sent: Promise<unknown>[] = []
  let i = 0
  for (const ch of [...payload, 'Enter']) {
    const timestamp = t0 + (i++) * 0.005
    const key = ch === 'Enter' ? { key: 'Enter', code: 'Enter', windowsVirtualKeyCode: 13, text: '\r' } : { key: ch, text: ch, unmodifiedText: ch }
    sent.push(cdp.send('Input.dispatchKeyEvent', { type: 'keyDown', ...key, timestamp }))
    sent.push(cdp.send('Input.dispatchKeyEvent', { type: 'keyUp', key: key.key, timestamp: timestamp + 0.002 }))
  }
  await Promise.all(sent)
  await cdp.detach()
}

const MON = '2026-11-23'
const local = (hm: string) => `${MON}T${hm}:00+07:00`

describeBrowser('appointments and one-scan check-in in Chromium', () => {
  let h: Harness
  let browser: Browser
  let phone: Page
  let kiosk: Page
  let serviceA: string

  beforeAll(async () => {
    ensurePagesBuilt()
    ;[h, browser] = await Promise.all([startHarness('pglite', { clockStart: local('08:00'), sessionHours: 24 }), launch()])
    ;({ page: phone } = await newPage(browser, VIEWPORTS.phone))
    ;({ page: kiosk } = await newPage(browser, VIEWPORTS.kioskPortrait))
    for (const p of [phone, kiosk]) p.context().setDefaultTimeout(10_000)
    serviceA = h.demo.services.A!
    const manager = await h.login('quanly')
    const rules = [1, 2, 3, 4, 5].map((weekday) => ({ weekday, slotMinutes: 30, capacity: 2 }))
    expect((await manager.put(`/api/centers/na-sang/appointment-rules/${serviceA}`).send({ rules })).status).toBe(200)
  }, 60_000)

  afterAll(async () => {
    await browser?.close()
    await h?.close()
  })

  it('books 09:00 today on a 360 px phone: consent asked for the phone number, then the six digits and a QR of the booking', async () => {
    await phone.goto(`${h.url}/dat-lich?center=na-sang`)
    await phone.click('.appt-service[data-service="A"]')
    // today is chosen (the first day with a free time); slots before 08:00 + are gone
    await phone.waitForSelector(`.appt-day.on[data-day="${MON}"]`)
    expect(await phone.isDisabled('.appt-time[data-time="07:30"]')).toBe(true)
    expect(await phone.isDisabled('.appt-day[data-day="2026-11-28"]')).toBe(true) // Saturday
    await phone.click('.appt-time[data-time="09:00"]')
    await phone.fill('#appt-phone', '0912 345 678')
    await phone.click('#appt-submit')
    await phone.waitForSelector('#appt-consent-error')
    expect(await phone.textContent('#appt-consent-error')).toBe('Để lại số điện thoại thì cần đánh dấu đồng ý; nếu không, hãy xóa số.')
    await phone.check('#appt-consent')
    await phone.waitForSelector('#appt-consent-error', { state: 'detached' })
    await shot(phone, 'appointment-book-360.png')
    await phone.evaluate(() => (globalThis as unknown as { scrollTo(x: number, y: number): void }).scrollTo(0, 0))
    await shot(phone, 'appointment-book-days-360.png')
    expect(await phone.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(360)
    await phone.click('#appt-submit')
    await phone.waitForSelector('#appointment[data-status="booked"]')
    const code = (await phone.textContent('#appt-code'))!
    expect(code).toMatch(/^\d{6}$/)
    const row = await h.handle.db.selectFrom('appointment').selectAll().where('code', '=', code).executeTakeFirstOrThrow()
    expect(row).toMatchObject({ slot: '09:00', day: MON, phone: '0912345678', status: 'booked' })
    expect(row.phone_consent_at).not.toBeNull()
    // the page's address is now the booking's own link (it cancels); the QR carries only the booking's id
    expect(phone.url()).toBe(`${h.url}/dat-lich/${row.id}?center=na-sang#k=${row.secret}`)
    expect(decodeQr(await phone.locator('.appt-qr').screenshot())).toBe(`${h.url}/dat-lich/${row.id}`)
    expect(await phone.textContent('#appt-when')).toBe(`09:00, Thứ Hai 23/11/2026`)
    await shot(phone, 'appointment-booked-360.png')
    expect(await phone.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(360)
    expect(pageErrors(phone)).toEqual([])
  })

  it('cancels from its own link, after asking; the QR link alone shows it but cannot cancel', async () => {
    const booked = await h.http.post('/api/centers/na-sang/appointments').send({ serviceId: serviceA, day: MON, time: '10:00' })
    expect(booked.status).toBe(201)
    const a = booked.body.appointment
    await phone.goto(`${h.url}/dat-lich/${a.id}`)
    await phone.waitForSelector('#appointment[data-status="booked"]')
    expect(await phone.locator('#appt-cancel').count()).toBe(0)
    // the own link opened afresh (the same page with only a new #fragment would not load again)
    await phone.goto('about:blank')
    await phone.goto(`${h.url}${a.ownPath}`)
    await phone.click('#appt-cancel')
    await phone.waitForSelector('#appt-cancel-yes')
    await shot(phone, 'appointment-cancel-confirm-360.png')
    await phone.click('#appt-cancel-yes')
    await phone.waitForSelector('#appointment[data-status="cancelled"] #appt-cancelled')
    expect(await phone.textContent('#appt-status')).toBe('Đã hủy')
    await shot(phone, 'appointment-cancelled-360.png')
    expect((await h.handle.db.selectFrom('appointment').select('status').where('id', '=', a.id).executeTakeFirstOrThrow()).status).toBe('cancelled')
    expect(pageErrors(phone)).toEqual([])
  })

  it('checks in at the kiosk with one scan of the booking\'s QR (typed at scanner speed): its ticket queues at 09:00', async () => {
    const a = await h.handle.db.selectFrom('appointment').selectAll().where('slot', '=', '09:00').where('day', '=', MON).executeTakeFirstOrThrow()
    h.clock.set(local('09:05'))
    await kiosk.goto(`${h.url}/kiosk?center=na-sang`)
    await kiosk.waitForSelector('.tile[data-service="A"]:not([disabled])')
    // the scanner: the QR's payload, 5 ms a key by its own clock, then Enter; from the home screen, nothing tapped
    await scan(kiosk, `${h.url}/dat-lich/${a.id}`)
    await kiosk.waitForSelector('#ticket-code')
    expect(await kiosk.textContent('#ticket-note')).toBe('Lịch hẹn 09:00: bạn được xếp hàng như đã đến lúc 09:00.')
    await kiosk.waitForFunction(() => window.__prints === 1)
    const after = await h.handle.db.selectFrom('appointment').selectAll().where('id', '=', a.id).executeTakeFirstOrThrow()
    expect(after.status).toBe('kept')
    const ticket = await h.handle.db.selectFrom('ticket').selectAll().where('id', '=', after.ticket_id!).executeTakeFirstOrThrow()
    expect(new Date(ticket.queue_at).toISOString()).toBe(new Date(local('09:00')).toISOString())
    expect(await kiosk.textContent('#ticket-code')).toBe(ticket.code)
    await shot(kiosk, 'appointment-kiosk-checked-in.png')
    expect(pageErrors(kiosk)).toEqual([])

    // the clerk at counter 1 (A) sees the booked ticket marked with its slot ("Hẹn 09:00"); a walk-in is not
    const walkIn = (await h.http.post('/api/centers/na-sang/tickets').send({ serviceId: serviceA })).body.ticket
    const { ctx, page: clerk } = await newPage(browser, { width: 1366, height: 768 })
    clerk.context().setDefaultTimeout(10_000)
    expect((await ctx.request.post(`${h.url}/api/auth/login`, { data: { username: 'canbo1', password: TEST_PASSWORD } })).status()).toBe(200)
    await clerk.goto(`${h.url}/staff?center=na-sang`)
    await clerk.click('.counter-card[data-counter="1"] .open-counter')
    const row = clerk.locator(`#queue .qrow[data-ticket="${ticket.code}"]`)
    await row.locator('.badge.appt').waitFor()
    expect(await row.locator('.badge.appt').textContent()).toBe('Hẹn 09:00')
    expect(await clerk.locator(`#queue .qrow[data-ticket="${walkIn.code}"] .badge.appt`).count()).toBe(0)
    const order = await clerk.locator('#queue .qrow').evaluateAll((rows) => rows.map((r) => (r as unknown as { dataset: { ticket: string } }).dataset.ticket))
    expect(order.indexOf(ticket.code)).toBeLessThan(order.indexOf(walkIn.code))
    await shot(clerk, 'appointment-console-queue.png')
    expect(pageErrors(clerk)).toEqual([])
    await ctx.close()
  })

  it('checks in by the six digits on the on-screen keyboard: 8 taps; the rule is one sentence on the screen', async () => {
    const b = (await h.http.post('/api/centers/na-sang/appointments').send({ serviceId: serviceA, day: MON, time: '10:30' })).body.appointment
    h.clock.set(local('10:40'))
    await kiosk.click('#done')
    await kiosk.click('#checkin') // tap 1
    await kiosk.waitForSelector('#osk')
    expect(await kiosk.textContent('#checkin-rule')).toBe('Người có lịch hẹn được xếp hàng như đã đến đúng giờ hẹn; đến muộn quá 15 phút thì xếp như người mới đến.')
    for (const c of b.code as string) await kiosk.click(`#osk .key[data-key="${c}"]`) // taps 2–7
    await shot(kiosk, 'appointment-kiosk-code.png')
    await kiosk.click('#checkin-find') // tap 8
    await kiosk.waitForSelector('#ticket-code')
    expect(await kiosk.textContent('#ticket-note')).toBe('Lịch hẹn 10:30: bạn được xếp hàng như đã đến lúc 10:30.')
    expect((await h.handle.db.selectFrom('appointment').select('status').where('id', '=', b.id).executeTakeFirstOrThrow()).status).toBe('kept')
    expect(pageErrors(kiosk)).toEqual([])
  })

  it('collects a ready dossier with one scan of its slip\'s QR (was 20 taps of codes)', async () => {
    const clerk = await h.login('canbo1')
    const procedureId = (await h.handle.db.selectFrom('procedure').select('id').where('code', '=', 'khai-sinh').executeTakeFirstOrThrow()).id
    const made = await clerk.post('/api/dossiers').send({ procedureId, applicant: { fullName: 'Lò Thị Mai', phone: '0912 000 111', address: 'Bản Na Sang 2' }, documents: [{ name: 'Tờ khai', received: true }], sets: 1, delivery: 'center' })
    expect([made.status, made.body.error]).toEqual([201, undefined])
    const d = made.body.dossier
    for (const status of ['processing', 'ready']) expect((await clerk.post(`/api/dossiers/${d.id}/status`).send({ status })).status).toBe(200)
    await kiosk.click('#done')
    await kiosk.waitForSelector('.tile[data-service="A"]')
    // the slip's QR: the lookup link with both codes (staff/slip.ts draws location.origin + lookupPath)
    await scan(kiosk, `${h.url}${d.lookupPath}`)
    await kiosk.waitForSelector('#ticket-code')
    await kiosk.waitForFunction(() => window.__prints === 3)
    const ticket = await h.handle.db.selectFrom('ticket').selectAll().where('dossier_id', '=', d.id).executeTakeFirstOrThrow()
    expect(await kiosk.textContent('#ticket-code')).toBe(ticket.code)
    expect(ticket.code.startsWith('G')).toBe(true) // the pickup service
    await shot(kiosk, 'dossier-kiosk-one-scan.png')
    // a QR of something else says so, on the check-in screen
    await kiosk.click('#done')
    await kiosk.waitForSelector('.tile[data-service="A"]')
    await scan(kiosk, 'https://example.org/not-ours')
    await kiosk.waitForSelector('#checkin-message')
    expect(await kiosk.textContent('#checkin-message')).toBe('Mã QR này không phải lịch hẹn hay giấy tiếp nhận hồ sơ của trung tâm.')
    expect(pageErrors(kiosk)).toEqual([])
  })

  it('books a later day at the kiosk: service, day, time in large buttons; a slip with the six digits and the own link\'s QR prints', async () => {
    await kiosk.goto(`${h.url}/kiosk?center=na-sang`)
    await kiosk.click('#checkin')
    await kiosk.click('#kbook-open')
    await kiosk.click('.kbook-service[data-service="A"]')
    // today is not offered (a ticket is); tomorrow is chosen
    await kiosk.waitForSelector('.appt-day.on[data-day="2026-11-24"]')
    expect(await kiosk.locator(`.appt-day[data-day="${MON}"]`).count()).toBe(0)
    await kiosk.click('.appt-time[data-time="08:30"]')
    await shot(kiosk, 'appointment-kiosk-book.png')
    await kiosk.click('#kbook-submit')
    await kiosk.waitForSelector('#kbook-done')
    const code = (await kiosk.textContent('#kbook-code'))!
    const row = await h.handle.db.selectFrom('appointment').selectAll().where('code', '=', code).where('day', '=', '2026-11-24').executeTakeFirstOrThrow()
    expect(row).toMatchObject({ slot: '08:30', phone: null, status: 'booked' })
    expect(decodeQr(await kiosk.locator('.kbook-qr').screenshot())).toBe(`${h.url}/dat-lich/${row.id}?center=na-sang#k=${row.secret}`)
    await kiosk.waitForFunction(() => window.__prints === 1)
    await shot(kiosk, 'appointment-kiosk-booked.png')
    await kiosk.click('#kbook-finish')
    await kiosk.waitForSelector('#osk')
    expect(pageErrors(kiosk)).toEqual([])
  })

  it('the manager sets slots per weekday in Cài đặt › Lịch hẹn, and reads booked, on time, late and no-show in Báo cáo', async () => {
    const { ctx, page } = await newPage(browser, { width: 1366, height: 768 })
    page.context().setDefaultTimeout(10_000)
    expect((await ctx.request.post(`${h.url}/api/auth/login`, { data: { username: 'quanly', password: TEST_PASSWORD } })).status()).toBe(200)
    await page.goto(`${h.url}/staff?center=na-sang#settings`)
    await page.click('#set-appointments')
    const form = page.locator('#appt-B-form')
    await form.waitFor()
    // B (Chứng thực): Tuesday and Thursday, 20-minute slots of 3 people; 2 minutes is refused with the rule
    await page.check('#appt-B-on-2')
    await page.fill('#appt-B-min-2', '2')
    await page.click('#appt-B-save')
    await page.waitForSelector('#appt-B-form .notice.error')
    expect(await page.textContent('#appt-B-form .notice.error')).toContain('Từ 5 đến 240 phút.')
    await page.check('#appt-B-on-2')
    await page.fill('#appt-B-min-2', '20')
    await page.fill('#appt-B-cap-2', '3')
    await page.check('#appt-B-on-4')
    await page.fill('#appt-B-min-4', '20')
    await page.fill('#appt-B-cap-4', '3')
    await page.click('#appt-B-save')
    await page.waitForSelector('#appt-B-form .notice.ok')
    await form.scrollIntoViewIfNeeded()
    await shot(page, 'appointment-settings-1366.png')
    const rules = await h.handle.db.selectFrom('appointment_rule').select(['weekday', 'slot_minutes', 'capacity']).where('service_id', '=', h.demo.services.B!).orderBy('weekday').execute()
    expect(rules).toEqual([{ weekday: 2, slot_minutes: 20, capacity: 3 }, { weekday: 4, slot_minutes: 20, capacity: 3 }])
    // the report: the day's bookings of A (09:00 and 10:30 kept, 10:00 cancelled) with one left unused at 11:00
    expect((await h.http.post('/api/centers/na-sang/appointments').send({ serviceId: serviceA, day: MON, time: '11:00' })).status).toBe(201)
    h.clock.set(local('11:20'))
    await page.click('#tab-reports')
    await page.click('#rep-mode-appointments')
    const row = page.locator(`#appt-rep-table tr[data-day="${MON}"][data-service="${serviceA}"]`)
    await row.waitFor()
    const cells = await row.locator('td.num').allTextContents()
    expect(cells).toEqual(['3', '2', '0', '1', '1']) // booked, on time, late, no-show, cancelled
    await shot(page, 'appointment-report-1366.png')
    expect(pageErrors(page)).toEqual([])
    await ctx.close()
  })
})

