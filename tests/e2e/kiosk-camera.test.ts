// Issue 24 in Chromium: the booked citizen checks in by showing the booking's QR to the kiosk's camera. Chromium's
// fake camera plays a .y4m made here from the QR of a real booking's link (`qrY4m`); the kiosk reads it
// (BarcodeDetector where the browser has one for QR codes; headless Chromium on Linux has none, so jsQR, a chunk
// fetched only when the camera opens) and checks in through the scanner's own path. A camera that is refused
// says so; one left open closes itself after 60 s; a device without a camera shows no camera button.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, expect, it } from '@jest/globals'
import type { Browser, Page } from 'playwright-core'
import { startHarness, type Harness } from '../helpers/harness.js'
import { describeBrowser, ensurePagesBuilt, launch, newPage, pageErrors, qrY4m, shot, VIEWPORTS } from './browser.js'

/** Browser globals inside page callbacks (the root tsconfig has no DOM lib). */
declare const window: { __prints: number; __streams: { getTracks(): { readyState: string }[] }[]; BarcodeDetector?: { getSupportedFormats(): Promise<string[]> } }
declare const navigator: { mediaDevices: { enumerateDevices(): Promise<{ kind: string }[]> } }

/** Every stream the page opens, kept so the test can see that its tracks were stopped (the page's code is untouched). */
const RECORD_STREAMS = `
  window.__streams = [];
  const md = navigator.mediaDevices;
  if (md && md.getUserMedia) {
    const real = md.getUserMedia.bind(md);
    md.getUserMedia = async (c) => { const s = await real(c); window.__streams.push(s); return s; };
  }
`
/** [streams opened, tracks not stopped] */
const streams = (page: Page) => page.evaluate(() => [window.__streams.length, window.__streams.flatMap((s) => s.getTracks()).filter((t) => t.readyState !== 'ended').length])
/** BarcodeDetector that reads QR codes: then the kiosk needs no jsQR */
const hasQrDetector = (page: Page) => page.evaluate(async () => !!window.BarcodeDetector && (await window.BarcodeDetector.getSupportedFormats()).includes('qr_code'))

const MON = '2026-11-23'
const local = (hm: string) => `${MON}T${hm}:00+07:00`

describeBrowser('check-in by the kiosk\'s camera in Chromium (fake camera playing a booking\'s QR)', () => {
  let h: Harness
  let dir: string
  const browsers: Browser[] = []
  const start = async (args: string[]) => { const b = await launch(args); browsers.push(b); return b }
  /** Chromium's own fake camera (a moving test pattern, no QR), with no fake UI: the page gets it only when allowed */
  let patternCamera: Promise<Browser> | undefined
  const withPatternCamera = () => (patternCamera ??= start(['--use-fake-device-for-media-stream']))

  beforeAll(async () => {
    ensurePagesBuilt()
    dir = mkdtempSync(join(tmpdir(), 'kiosk-cam-'))
    h = await startHarness('pglite', { clockStart: local('08:00'), sessionHours: 24 })
    const manager = await h.login('quanly')
    const rules = [1, 2, 3, 4, 5].map((weekday) => ({ weekday, slotMinutes: 30, capacity: 2 }))
    expect((await manager.put(`/api/centers/na-sang/appointment-rules/${h.demo.services.A}`).send({ rules })).status).toBe(200)
  }, 60_000)

  afterAll(async () => {
    for (const b of browsers) await b.close()
    await h?.close()
    if (dir) rmSync(dir, { recursive: true, force: true })
  })

  it('one tap on "Quét mã bằng camera" and the booking\'s QR shown: its ticket queues at 09:00; the camera is stopped; the decoder came only then', async () => {
    const booked = await h.http.post('/api/centers/na-sang/appointments').send({ serviceId: h.demo.services.A, day: MON, time: '09:00' })
    expect(booked.status).toBe(201)
    const a = booked.body.appointment
    const video = join(dir, 'booking.y4m')
    writeFileSync(video, qrY4m(`${h.url}/dat-lich/${a.id}`))
    const browser = await start(['--use-fake-ui-for-media-stream', '--use-fake-device-for-media-stream', `--use-file-for-fake-video-capture=${video}`])
    const { ctx, page: kiosk } = await newPage(browser, VIEWPORTS.kioskPortrait)
    ctx.setDefaultTimeout(15_000)
    await ctx.addInitScript(RECORD_STREAMS)
    const fetched: string[] = []
    kiosk.on('request', (r) => fetched.push(new URL(r.url()).pathname))

    h.clock.set(local('09:05'))
    await kiosk.goto(`${h.url}/kiosk?center=na-sang`)
    await kiosk.waitForSelector('.tile[data-service="A"]:not([disabled])')
    await kiosk.waitForSelector('#camera-open')
    expect(await kiosk.textContent('#camera-open .action-name')).toBe('Quét mã bằng camera')
    await shot(kiosk, 'kiosk-camera-home.png')
    // the first load fetched no decoder
    expect(fetched.filter((p) => /\/assets\/jsQR-/.test(p))).toEqual([])
    const detector = await hasQrDetector(kiosk)
    console.log(`kiosk camera: BarcodeDetector for QR ${detector ? 'present' : 'absent (jsQR runs)'}`)

    await kiosk.click('#camera-open') // the one tap; the citizen then holds the code up
    await kiosk.waitForSelector('#ticket-code')
    expect(await kiosk.textContent('#ticket-note')).toBe('Lịch hẹn 09:00: bạn được xếp hàng như đã đến lúc 09:00.')
    await kiosk.waitForFunction(() => window.__prints === 1)
    const after = await h.handle.db.selectFrom('appointment').selectAll().where('id', '=', a.id).executeTakeFirstOrThrow()
    expect(after.status).toBe('kept')
    const ticket = await h.handle.db.selectFrom('ticket').selectAll().where('id', '=', after.ticket_id!).executeTakeFirstOrThrow()
    expect(new Date(ticket.queue_at).toISOString()).toBe(new Date(local('09:00')).toISOString())
    expect(await kiosk.textContent('#ticket-code')).toBe(ticket.code)
    // the view closed and every track it opened has stopped
    expect(await kiosk.locator('#camera').count()).toBe(0)
    expect(await streams(kiosk)).toEqual([1, 0])
    // the decoder's chunk came with the camera, not before (where BarcodeDetector reads QR codes, never)
    expect(fetched.filter((p) => /\/assets\/jsQR-/.test(p))).toHaveLength(detector ? 0 : 1)
    await shot(kiosk, 'kiosk-camera-checked-in.png')
    expect(pageErrors(kiosk)).toEqual([])
    await ctx.close()
  }, 60_000)

  it('a camera that is not allowed says so on the check-in screen, with the scanner and the keypad still there', async () => {
    // a fake camera exists, but nothing answers the permission prompt for the page: getUserMedia is refused
    const browser = await withPatternCamera()
    const { ctx, page: kiosk } = await newPage(browser, VIEWPORTS.kioskPortrait)
    ctx.setDefaultTimeout(15_000)
    await ctx.addInitScript(RECORD_STREAMS)
    await kiosk.goto(`${h.url}/kiosk?center=na-sang`)
    await kiosk.click('#checkin')
    await kiosk.click('#checkin-camera')
    await kiosk.waitForSelector('#checkin-message')
    expect(await kiosk.textContent('#checkin-message')).toBe('Không mở được camera. Hãy dùng máy quét hoặc nhập mã.')
    expect(await kiosk.locator('#camera').count()).toBe(0)
    expect(await kiosk.locator('#osk').count()).toBe(1)
    expect(await streams(kiosk)).toEqual([0, 0])
    await shot(kiosk, 'kiosk-camera-refused.png')

    // the same from the home screen: it lands on the check-in screen, where the keypad is
    await kiosk.click('.nav .btn-back')
    await kiosk.click('#camera-open')
    await kiosk.waitForSelector('#screen[data-screen="checkin"] #checkin-message')
    expect(await kiosk.textContent('#checkin-message')).toBe('Không mở được camera. Hãy dùng máy quét hoặc nhập mã.')
    expect(pageErrors(kiosk)).toEqual([])
    await ctx.close()
  }, 60_000)

  it('shows "Đưa mã QR vào khung" over the camera, is not closed by the 30 s idle return, and closes itself at 60 s, the camera stopped', async () => {
    // Chromium's own fake camera (a moving test pattern, no QR), allowed for the kiosk
    const browser = await withPatternCamera()
    const { ctx, page: kiosk } = await newPage(browser, VIEWPORTS.kioskPortrait)
    ctx.setDefaultTimeout(15_000)
    await ctx.grantPermissions(['camera'], { origin: h.url })
    await ctx.addInitScript(RECORD_STREAMS)
    await kiosk.clock.install() // the page's timers, not the server's clock
    await kiosk.goto(`${h.url}/kiosk?center=na-sang`)
    await kiosk.click('#camera-open')
    await kiosk.waitForSelector('#camera[data-state="reading"]')
    expect(await kiosk.textContent('#camera-prompt')).toBe('Đưa mã QR vào khung')
    expect(await kiosk.textContent('#camera-cancel')).toBe('Hủy')
    expect(await streams(kiosk)).toEqual([1, 1])
    await shot(kiosk, 'kiosk-camera-view.png')
    // "Hủy" closes it at once, the camera stopped
    await kiosk.click('#camera-cancel')
    await kiosk.waitForSelector('#camera', { state: 'detached' })
    expect(await streams(kiosk)).toEqual([1, 0])

    // from the check-in screen, which the idle return would leave after 30 s
    await kiosk.click('#checkin')
    await kiosk.click('#checkin-camera')
    await kiosk.waitForSelector('#camera[data-state="reading"]')
    // jumps of the page's clock (each due timer fires once: not 240 frames decoded on the way)
    await kiosk.clock.fastForward(31_000)
    expect(await kiosk.locator('#camera[data-state="reading"]').count()).toBe(1)
    expect(await kiosk.getAttribute('#screen', 'data-screen')).toBe('checkin')
    await kiosk.clock.fastForward(30_000)
    await kiosk.waitForSelector('#camera', { state: 'detached' })
    expect(await streams(kiosk)).toEqual([2, 0])
    expect(await kiosk.locator('#checkin-message').count()).toBe(0)
    expect(pageErrors(kiosk)).toEqual([])
    await ctx.close()
  }, 60_000)

  it('a device without a camera shows no camera button', async () => {
    const browser = await start([])
    const { ctx, page: kiosk } = await newPage(browser, VIEWPORTS.kioskPortrait)
    await kiosk.goto(`${h.url}/kiosk?center=na-sang`)
    await kiosk.waitForSelector('.tile[data-service="A"]')
    const cameras = await kiosk.evaluate(async () => (await navigator.mediaDevices.enumerateDevices()).filter((d) => d.kind === 'videoinput').length)
    // this machine has none (no /dev/video*); a developer's with a webcam shows the button, as it should
    const shown = cameras > 0 ? 1 : 0
    expect(await kiosk.locator('#camera-open').count()).toBe(shown)
    await kiosk.click('#checkin')
    await kiosk.waitForSelector('#osk')
    expect(await kiosk.locator('#checkin-camera').count()).toBe(shown)
    await ctx.close()
  }, 60_000)
})
