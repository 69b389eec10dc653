import { execFileSync } from 'node:child_process'
import { existsSync, mkdirSync, rmSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { describe, it } from '@jest/globals'
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core'
import QRCode from 'qrcode'

/** STACK.md "Tests": Debian's Chromium driven by playwright-core; never `playwright install`. */
export const CHROMIUM = '/usr/bin/chromium'
export const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
  '--disable-sync', '--no-first-run', '--disable-quic']

const ROOT = new URL('../../', import.meta.url).pathname
export const SCREENSHOTS = join(ROOT, 'tests/e2e/screenshots')
const PAGES = join(ROOT, 'dist/pages')

export const VIEWPORTS = {
  kioskPortrait: { width: 1080, height: 1920 },
  kioskLandscape: { width: 1920, height: 1080 },
  display: { width: 1920, height: 1080 },
  phone: { width: 360, height: 740 },
}

/**
 * A describe block that needs Chromium. Without /usr/bin/chromium it registers one passing test that
 * says so, unless REQUIRE_BROWSER=1 (CI), where a missing browser fails.
 */
export function describeBrowser(name: string, body: () => void): void {
  if (existsSync(CHROMIUM)) {
    describe(name, body)
  } else if (process.env.REQUIRE_BROWSER === '1') {
    describe(name, () => {
      it('has Chromium', () => { throw new Error(`REQUIRE_BROWSER=1 but ${CHROMIUM} is missing (apt-get install -y chromium)`) })
    })
  } else {
    describe(name, () => {
      it('chromium missing', () => { console.log('chromium missing: browser tests not run') })
    })
  }
}

/**
 * A video for Chromium's fake camera (`--use-fake-device-for-media-stream --use-file-for-fake-video-capture=<file>`):
 * one grey-scale 4:2:0 Y4M frame of the QR, 8 pixels a module, centred on white, which the fake camera plays in a loop.
 */
export function qrY4m(text: string, width = 640, height = 480): Buffer {
  const qr = QRCode.create(text, { errorCorrectionLevel: 'M' })
  const n = qr.modules.size
  const scale = Math.floor(Math.min(width, height) / (n + 8))
  const x0 = Math.floor((width - n * scale) / 2)
  const y0 = Math.floor((height - n * scale) / 2)
  const y = Buffer.alloc(width * height, 235)
  for (let r = 0; r < n; r++) for (let c = 0; c < n; c++) {
    if (!qr.modules.get(r, c)) continue
    for (let dy = 0; dy < scale; dy++) y.fill(16, (y0 + r * scale + dy) * width + x0 + c * scale, (y0 + r * scale + dy) * width + x0 + (c + 1) * scale)
  }
  const chroma = Buffer.alloc((width / 2) * (height / 2) * 2, 128)
  return Buffer.concat([Buffer.from(`YUV4MPEG2 W${width} H${height} F10:1 Ip A1:1 C420jpeg\n`), Buffer.from('FRAME\n'), y, chroma])
}

export function launch(extraArgs: string[] = []): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, args: [...CHROMIUM_ARGS, ...extraArgs] })
}

/** `npm test` builds first (pretest); a bare `npx jest` builds here when there is no build yet. */
export function ensurePagesBuilt(): void {
  const entries = ['kiosk', 'display', 'portal', 'staff'].map((p) => join(PAGES, p, 'index.html'))
  if (entries.every((f) => existsSync(f))) return
  const lock = join(ROOT, 'dist/.e2e-build-lock')
  mkdirSync(join(ROOT, 'dist'), { recursive: true })
  try {
    mkdirSync(lock)
  } catch {
    // another jest worker is building: wait for it (or for a stale lock to age out)
    const deadline = Date.now() + 60_000
    while (Date.now() < deadline && !entries.every((f) => existsSync(f))) {
      if (existsSync(lock) && Date.now() - statSync(lock).mtimeMs > 60_000) break
      execFileSync('sleep', ['0.2'])
    }
    if (entries.every((f) => existsSync(f))) return
    rmSync(lock, { recursive: true, force: true })
    mkdirSync(lock)
  }
  try {
    execFileSync('npx', ['vite', 'build', '--logLevel', 'warn'], { cwd: ROOT, stdio: 'inherit' })
  } finally {
    rmSync(lock, { recursive: true, force: true })
  }
}

export function shot(page: Page, name: string): Promise<Buffer> {
  mkdirSync(SCREENSHOTS, { recursive: true })
  return page.screenshot({ path: join(SCREENSHOTS, name) })
}

/**
 * Stand-ins installed before any page script: `window.print` counts prints, and a fake vi-VN voice
 * records what would be spoken (headless Chromium has no voices), so tests can assert on both.
 */
export const FAKE_PRINT_AND_SPEECH = `
  window.__prints = 0;
  window.__spoken = [];
  window.print = () => { window.__prints++; };
  const voice = { lang: 'vi-VN', name: 'Test Vietnamese', default: true, localService: true, voiceURI: 'test-vi' };
  class FakeUtterance { constructor(text) { this.text = text; this.lang = ''; this.voice = null; this.rate = 1; this.volume = 1; this.onend = null; this.onerror = null; } }
  Object.defineProperty(window, 'SpeechSynthesisUtterance', { value: FakeUtterance, configurable: true, writable: true });
  Object.defineProperty(window, 'speechSynthesis', { configurable: true, value: {
    getVoices: () => [voice],
    speak(u) { if (u.text.trim()) window.__spoken.push(u.text); setTimeout(() => u.onend && u.onend(), 20); },
    cancel() {}, pause() {}, resume() {}, addEventListener() {}, removeEventListener() {},
  } });
`

/**
 * Headless Chromium lets audio play without a touch (like the kiosk flag
 * --autoplay-policy=no-user-gesture-required); this makes it behave like a normal browser instead:
 * audio stays suspended until a click resumes it.
 */
export const LOCKED_AUDIO = `
  (() => {
    const Real = window.AudioContext;
    if (!Real) return;
    window.AudioContext = class extends Real {
      constructor(...a) { super(...a); this.__locked = true; }
      get state() { return this.__locked ? 'suspended' : super.state; }
      async resume() { this.__locked = false; await super.resume(); this.dispatchEvent(new Event('statechange')); }
    };
  })();
`

export async function newPage(browser: Browser, viewport: { width: number; height: number }, opts: { fakes?: boolean; locale?: string; lockedAudio?: boolean } = {}): Promise<{ ctx: BrowserContext; page: Page }> {
  const ctx = await browser.newContext({ viewport, locale: opts.locale ?? 'vi-VN', timezoneId: 'Asia/Ho_Chi_Minh' })
  if (opts.fakes !== false) await ctx.addInitScript(FAKE_PRINT_AND_SPEECH)
  if (opts.lockedAudio) await ctx.addInitScript(LOCKED_AUDIO)
  const page = await ctx.newPage()
  const errors: string[] = []
  page.on('pageerror', (e) => errors.push(String(e)))
  ;(page as Page & { errors: string[] }).errors = errors
  return { ctx, page }
}

/** Uncaught errors a page threw (collected since it opened). */
export function pageErrors(page: Page): string[] {
  return (page as Page & { errors?: string[] }).errors ?? []
}

/** A clerk signs in on the staff console through its form and opens their counter (the console's own buttons). */
export async function signInAtCounter(page: Page, baseUrl: string, username: string, password: string, counter: number): Promise<void> {
  await page.goto(`${baseUrl}/staff?center=na-sang`)
  await page.fill('#username', username)
  await page.fill('#password', password)
  await page.click('#login-submit')
  await page.click(`.counter-card[data-counter="${counter}"] .open-counter`)
}
