import '../web/base.css'
import './display.css'
import type { BoardSnapshot, CallView, PublicCounterView } from '../common/types.js'
import { AnnouncementQueue, announcementText, sayingPlan, type PlayInfo } from '../common/announce.js'
import { announcementPlan, SHORT_ANNOUNCEMENT_TEMPLATE } from '../common/voice.js'
import { parseCounterFilter } from '../common/board-sync.js'
import { resolveCenter } from '../web/api.js'
import { byId, fill, h, param } from '../web/dom.js'
import { fmt, resumeText, t, waitText } from '../web/i18n.js'
import { connectBoard } from '../web/live.js'
import { audioAllowedSoon, chime, onAudioRunning, speakVietnamese, unlockAudio, vietnameseVoice } from '../web/sound.js'
import { playPlan, preloadClips } from '../web/voice.js'
import { CenterVoices } from '../web/center-voice.js'
import { dateLong, hm, localDay } from '../web/time.js'

/** How long the hero flashes after a call; how long a call holds the hero when nothing could be heard. */
const FLASH_MS = 6000
const SILENT_HOLD_MS = 1500
/** the pause before the repeat, the pause after an announcement (calls waiting / none) */
const REPEAT_GAP_MS = 600
const GAP_MS = { busy: 300, idle: 800 }
/** the board keeps 10; as many as fit the panel are shown */
const LAST_CALLS_DRAWN = 10
/** the hero shows at most this many pending calls at once (issue 23: six clerks calling together) */
const HERO_MAX = 6
/**
 * Issue 23 "No call left behind": an announcement that waited longer than this (s) when its turn comes is
 * dropped (the call stays on screen). `?announceLimit=` sets it (10–600).
 */
const ANNOUNCE_LIMIT_S = clampLimit(param('announceLimit'))
/**
 * Which voice speaks: `?voice=clips` the shipped clips (web/voice/vi), `?voice=browser` the browser's vi-VN
 * voice, default `auto`: the browser's vi-VN voice when it has one (it reads any template naturally), else the clips.
 */
const VOICE_MODE = ((v) => (v === 'clips' || v === 'browser' ? v : 'auto'))(param('voice'))

function clampLimit(v: string | null): number {
  const n = Number(v)
  return v && Number.isFinite(n) ? Math.min(600, Math.max(10, n)) : 60
}

const filter = parseCounterFilter(param('counters'))
let board: BoardSnapshot | null = null
let connected = false
let fatal: string | undefined
/** the call on the hero: the one being announced, else the latest */
let hero: CallView | null = null
let flashing = false
let flashTimer: ReturnType<typeof setTimeout> | undefined

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms))
const shownCounter = (n: number) => !filter || filter.includes(n)
const keyOf = (c: CallView) => `${c.code}@${c.calledAt}`

// ---------- rendering ----------

function renderStatic(): void {
  const d = t().display
  document.title = `${d.title} · ${t().pages.appName}`
  byId('counters-title').textContent = d.counters
  byId('calls-title').textContent = d.lastCalls
  byId('queue-title').textContent = d.waitingTitle
  byId('sound-on').textContent = d.enableSound
  byId('sound-hint').textContent = d.enableSoundHint
}

function renderClock(): void {
  const now = new Date()
  byId('time').textContent = hm(now)
  byId('date').textContent = dateLong(now)
}

function renderConn(): void {
  const el = byId('conn')
  const down = !connected || !!fatal
  el.className = down ? 'conn down' : 'conn up'
  el.textContent = fatal ? t().pages.centerNotFound : down ? t().display.disconnected : ''
  el.setAttribute('aria-label', down ? t().display.disconnected : t().display.connected)
  document.body.classList.toggle('offline', down)
}

/** The calls the hero shows: the one being announced, then those waiting, in call order (at most HERO_MAX, the newest kept). */
function heroCalls(): CallView[] {
  const list = [announcements.current, ...announcements.waiting].filter((x): x is Announcement => !!x).map((x) => x.call)
  return list.slice(-HERO_MAX)
}

function renderHero(): void {
  const d = t().display
  const el = byId('hero')
  el.classList.toggle('flash', flashing)
  const calls = heroCalls()
  el.classList.toggle('multi', calls.length > 1)
  el.dataset.pending = String(calls.length)
  if (calls.length > 1) {
    // several calls at once: every one of them big at once, the one being heard marked
    const speaking = announcements.current?.call
    fill(el, h('div', { class: 'hero-label' }, d.nowCalling),
      h('ol', { class: 'hero-calls', 'data-n': calls.length }, calls.map((c) => {
        const on = !!speaking && keyOf(c) === keyOf(speaking)
        return h('li', { class: on ? 'hero-call speaking' : 'hero-call', 'data-code': c.code, 'data-counter': c.counterNumber },
          h('span', { class: 'hero-code', ...(on ? { id: 'hero-code' } : {}) }, c.code),
          h('span', { class: 'call-arrow', 'aria-hidden': 'true' }, '→'),
          h('span', { class: 'hero-counter', ...(on ? { id: 'hero-counter' } : {}) }, String(c.counterNumber)))
      })))
    return
  }
  if (calls.length === 1) hero = calls[0]!
  if (!hero) {
    fill(el, h('div', { class: 'hero-empty' }, d.noCalls))
    return
  }
  el.dataset.call = keyOf(hero)
  fill(el,
    h('div', { class: 'hero-label' }, d.nowCalling),
    h('div', { class: 'hero-code', id: 'hero-code' }, hero.code),
    h('div', { class: 'hero-to' }, d.toCounter),
    h('div', { class: 'hero-counter', id: 'hero-counter' }, String(hero.counterNumber)))
}

function counterCard(c: PublicCounterView): HTMLElement {
  const d = t().display
  // a time said on another day (a counter left paused overnight) says nothing about today
  const until = c.pauseUntil && localDay(c.pauseUntil) === board?.serviceDay ? c.pauseUntil : null
  const status = c.status === 'closed' ? d.counterClosed
    : c.status === 'paused' ? (until ? fmt(d.counterPausedUntil, { time: hm(until) }) : d.counterPaused) : ''
  const current = c.status !== 'closed' ? c.currentTicket : null
  const active = !!hero && flashing && hero.counterId === c.id
  return h('div', { class: `counter ${c.status}${active ? ' active' : ''}`, 'data-counter': c.number },
    h('div', { class: 'counter-no' }, fmt(t().pages.counterN, { n: c.number })),
    h('div', { class: 'counter-code' }, current ? current.code : '—'),
    status ? h('div', { class: 'counter-status' }, status) : null)
}

function renderBoard(): void {
  if (!board) return
  byId('center-name').textContent = board.centerName
  const counters = board.counters.filter((c) => shownCounter(c.number))
  fill(byId('counters'), counters.map(counterCard))

  const calls = board.recentCalls.filter((c) => shownCounter(c.counterNumber)).slice(0, LAST_CALLS_DRAWN)
  const list = byId('calls')
  fill(list, calls.length
    ? calls.map((c) => h('li', { 'data-code': c.code },
      h('span', { class: 'call-code' }, c.code),
      h('span', { class: 'call-arrow', 'aria-hidden': 'true' }, '→'),
      h('span', { class: 'call-counter' }, fmt(t().pages.counterN, { n: c.counterNumber })),
      h('span', { class: 'call-time' }, hm(c.calledAt))))
    : [h('li', { class: 'none' }, t().display.noCalls)])
  fitCalls(list)

  // with ?counters=…, only the services those counters serve
  const served = filter ? new Set(counters.flatMap((c) => c.services.map((s) => s.id))) : null
  const services = board.services.filter((s) => s.active && (!served || served.has(s.id)))
  const d = t().display
  fill(byId('queue'),
    // the day's break: when the counters call again (issue 24); the estimates count it
    board.callsResumeAt ? h('caption', { class: 'resume', id: 'calls-resume' }, resumeText(board.callsResumeAt)) : null,
    h('thead', null, h('tr', null, h('th', null, d.colService), h('th', { class: 'num' }, d.colWaiting), h('th', { class: 'num' }, d.colEstimate))),
    h('tbody', null, services.map((s) => h('tr', { 'data-service': s.prefix },
      h('td', null, h('span', { class: 'prefix' }, s.prefix), ' ', s.nameVi),
      h('td', { class: 'num waiting' }, String(s.waiting)),
      h('td', { class: 'num' }, s.waiting || board!.callsResumeAt ? waitText(s.estimatedWaitMinutes) : '—')))))

  const ready = byId('ready')
  ready.hidden = board.readyDossiers.length === 0
  fill(ready, h('span', { class: 'ready-title' }, d.readyDossiers), board.readyDossiers.map((c) => h('span', { class: 'ready-code' }, c)))

  if (!hero) {
    const latest = board.recentCalls.find((c) => shownCounter(c.counterNumber))
    if (latest) { hero = latest; renderHero() }
  }
}

/** As many recent calls as the panel holds: rows that would be cut off are removed, never half shown. */
function fitCalls(list: HTMLElement): void {
  const panel = list.parentElement
  if (!panel) return
  const bottom = panel.getBoundingClientRect().bottom - parseFloat(getComputedStyle(panel).paddingBottom || '0')
  const rows = [...list.children] as HTMLElement[]
  for (let i = rows.length - 1; i > 0; i--) {
    if (rows[i]!.getBoundingClientRect().bottom <= bottom + 0.5) break
    rows[i]!.remove()
  }
}

// ---------- announcements ----------

function flash(): void {
  flashing = true
  clearTimeout(flashTimer)
  flashTimer = setTimeout(() => { flashing = false; renderHero(); renderBoard() }, FLASH_MS)
}

type Announcement = { key: string; call: CallView }

/** The browser's vi-VN voice speaks when chosen (or, on `auto`, when there is one); else the clips. */
function useBrowserVoice(): boolean {
  if (VOICE_MODE === 'clips') return false
  return !!vietnameseVoice()
}

/** The center's own recorded languages (issue 23; web/center-voice.ts), once the center is known. */
let voices: CenterVoices | null = null
const OTHER_LANGUAGE_GAP_MS = 500

/**
 * One saying of a call, in the template or its short form; true when something was heard. The full form is
 * the center's recorded Vietnamese when complete (else the browser's or the shipped voice), then each of the
 * center's other complete languages; the short form (calls waiting) is the shipped Vietnamese only.
 */
async function say(call: CallView, short: boolean): Promise<boolean> {
  if (!short) await voices?.refresh()
  const own = short || VOICE_MODE === 'browser' ? undefined : voices?.vietnamese()
  let heard = own ? await voices!.say(own, call.code, call.counterNumber) : await sayShipped(call, short)
  if (short || !voices) return heard
  for (const l of voices.others()) {
    await sleep(OTHER_LANGUAGE_GAP_MS)
    heard = (await voices.say(l, call.code, call.counterNumber)) || heard
  }
  return heard
}

async function sayShipped(call: CallView, short: boolean): Promise<boolean> {
  const template = short ? SHORT_ANNOUNCEMENT_TEMPLATE : board?.announcementTemplate
  if (useBrowserVoice()) return speakVietnamese(announcementText(template, call.code, call.counterNumber))
  const plan = announcementPlan(template, call.code, call.counterNumber)
  if (plan.missing.length) console.warn('voice: no clip for', plan.missing.join(', '), '- the default wording is used')
  return playPlan(plan.steps)
}

/**
 * Issue 23: how a call is said follows how many wait behind it (`sayingPlan`: full and twice when alone,
 * once, or short); the chime opens a run only. So six calls at once are all heard within ~35 s.
 */
async function play(item: Announcement, info: PlayInfo): Promise<void> {
  hero = item.call
  renderHero()
  renderBoard()
  if (info.first) await chime()
  const { short, repeat } = sayingPlan(info.waiting, info.waitedMs)
  logAnnounce(item.key, short ? 'short' : 'full')
  const heard = await say(item.call, short)
  if (!heard) { await sleep(SILENT_HOLD_MS); return }
  if (repeat) {
    await sleep(REPEAT_GAP_MS)
    if (info.waiting === 0) await say(item.call, false)
  }
  await sleep(info.waiting ? GAP_MS.busy : GAP_MS.idle)
}

/** Announcements started, finished and dropped (bounded): read by the browser tests and for diagnosis. */
type AnnounceEvent = 'start' | 'short' | 'full' | 'end' | 'drop'
/** `short`/`full`: the form chosen for the saying that follows `start` (the browser tests check the clips against it). */
const announceLog: { key: string; event: AnnounceEvent; at: number }[] = []
;(window as unknown as { __announceLog: typeof announceLog }).__announceLog = announceLog
function logAnnounce(key: string, event: AnnounceEvent): void {
  announceLog.push({ key, event, at: Date.now() })
  if (announceLog.length > 100) announceLog.shift()
}

async function playLogged(item: Announcement, info: PlayInfo): Promise<void> {
  logAnnounce(item.key, 'start')
  try { await play(item, info) } finally { logAnnounce(item.key, 'end') }
}

const announcements = new AnnouncementQueue<Announcement>(playLogged, {
  maxPending: 50, remember: 200, maxAgeMs: ANNOUNCE_LIMIT_S * 1000,
  onDrop: (item) => logAnnounce(item.key, 'drop'),
})
// every change of the pending calls redraws the hero at once, whatever is being said
announcements.onChange(() => renderHero())

// ---------- audio unlock ----------

function setupSoundOverlay(): void {
  const overlay = byId('sound-overlay')
  const hide = () => { overlay.hidden = true }
  overlay.addEventListener('click', () => {
    hide()
    void unlockAudio()
  })
  // Chromium with --autoplay-policy=no-user-gesture-required starts running: no overlay at all
  void audioAllowedSoon(1200).then((ok) => { if (!ok) overlay.hidden = false })
  onAudioRunning(hide)
}

// ---------- start ----------

renderStatic()
renderClock()
renderConn()
renderHero()
setInterval(renderClock, 1000)
setupSoundOverlay()
// the clips' bytes, once, so the voice survives a network cut (the browser voice needs none)
if (VOICE_MODE !== 'browser') setTimeout(() => { void preloadClips() }, 2000)

resolveCenter().then((center) => {
  voices = new CenterVoices(center)
  void voices.refresh()
  connectBoard(center, {
    onBoard(b) {
      board = b
      renderBoard()
    },
    onResync(b, previous) {
      const calls = b.recentCalls.filter((c) => shownCounter(c.counterNumber))
      if (previous) {
        // calls made while we were away (reconnect or gap) are announced too, oldest first, at most 3
        const missed = calls.filter((c) => !announcements.knows(keyOf(c))).reverse()
        for (const c of missed.slice(-3)) announcements.push({ key: keyOf(c), call: c })
      }
      // the calls on the board when the page opened, and older missed ones, are not announced
      for (const c of calls) announcements.remember(keyOf(c))
    },
    onEvent(e) {
      if (e.name !== 'ticket:called' && e.name !== 'ticket:recalled') return
      const { seq: _seq, ...call } = e.payload
      if (shownCounter(call.counterNumber) && announcements.push({ key: keyOf(call), call })) flash()
    },
    onStatus(ok, why) {
      connected = ok
      fatal = why
      renderConn()
    },
  })
}).catch(() => {
  fatal = 'CENTER_NOT_FOUND'
  renderConn()
})
