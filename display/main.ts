import '../web/base.css'
import './display.css'
import type { BoardSnapshot, CallView, PublicCounterView } from '../common/types.js'
import { AnnouncementQueue, announcementText } from '../common/announce.js'
import { parseCounterFilter } from '../common/board-sync.js'
import { resolveCenter } from '../web/api.js'
import { byId, fill, h, param } from '../web/dom.js'
import { fmt, t, waitText } from '../web/i18n.js'
import { connectBoard } from '../web/live.js'
import { audioAllowedSoon, chime, onAudioRunning, speakVietnamese, unlockAudio, vietnameseVoice } from '../web/sound.js'
import { dateLong, hm } from '../web/time.js'

/** How long the hero flashes after a call; how long a call holds the hero without a voice. */
const FLASH_MS = 6000
const SILENT_HOLD_MS = 3500
const LAST_CALLS_SHOWN = 6

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

function renderHero(): void {
  const d = t().display
  const el = byId('hero')
  el.classList.toggle('flash', flashing)
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
  const status = c.status === 'closed' ? d.counterClosed : c.status === 'paused' ? d.counterPaused : ''
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

  const calls = board.recentCalls.filter((c) => shownCounter(c.counterNumber)).slice(0, LAST_CALLS_SHOWN)
  fill(byId('calls'), calls.length
    ? calls.map((c) => h('li', { 'data-code': c.code },
      h('span', { class: 'call-code' }, c.code),
      h('span', { class: 'call-arrow', 'aria-hidden': 'true' }, '→'),
      h('span', { class: 'call-counter' }, fmt(t().pages.counterN, { n: c.counterNumber })),
      h('span', { class: 'call-time' }, hm(c.calledAt))))
    : [h('li', { class: 'none' }, t().display.noCalls)])

  // with ?counters=…, only the services those counters serve
  const served = filter ? new Set(counters.flatMap((c) => c.services.map((s) => s.id))) : null
  const services = board.services.filter((s) => s.active && (!served || served.has(s.id)))
  const d = t().display
  fill(byId('queue'),
    h('thead', null, h('tr', null, h('th', null, d.colService), h('th', { class: 'num' }, d.colWaiting), h('th', { class: 'num' }, d.colEstimate))),
    h('tbody', null, services.map((s) => h('tr', { 'data-service': s.prefix },
      h('td', null, h('span', { class: 'prefix' }, s.prefix), ' ', s.nameVi),
      h('td', { class: 'num waiting' }, String(s.waiting)),
      h('td', { class: 'num' }, s.waiting ? waitText(s.estimatedWaitMinutes) : '—')))))

  const ready = byId('ready')
  ready.hidden = board.readyDossiers.length === 0
  fill(ready, h('span', { class: 'ready-title' }, d.readyDossiers), board.readyDossiers.map((c) => h('span', { class: 'ready-code' }, c)))

  if (!hero) {
    const latest = board.recentCalls.find((c) => shownCounter(c.counterNumber))
    if (latest) { hero = latest; renderHero() }
  }
}

// ---------- announcements ----------

function flash(): void {
  flashing = true
  clearTimeout(flashTimer)
  flashTimer = setTimeout(() => { flashing = false; renderHero(); renderBoard() }, FLASH_MS)
}

async function play(item: { key: string; call: CallView }): Promise<void> {
  hero = item.call
  flash()
  renderHero()
  renderBoard()
  await chime()
  const text = announcementText(board?.announcementTemplate, item.call.code, item.call.counterNumber)
  if (vietnameseVoice()) {
    await speakVietnamese(text)
    await sleep(600)
    await speakVietnamese(text)
    await sleep(800)
  } else {
    // no Vietnamese voice: the chime and the flashing hero carry the call
    await sleep(SILENT_HOLD_MS)
  }
}

const announcements = new AnnouncementQueue(play, { maxPending: 8, remember: 200 })

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

resolveCenter().then((center) => {
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
      if (shownCounter(call.counterNumber)) announcements.push({ key: keyOf(call), call })
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
