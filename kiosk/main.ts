import '../web/base.css'
import './kiosk.css'
import type { BoardService, BoardSnapshot, PriorityGroupView, ProcedureView, IssuedTicket } from '../common/types.js'
import { spellTicketCode } from '../common/ticket-code.js'
import { catalogs, format } from '../common/i18n/index.js'
import { apiGet, resolveCenter } from '../web/api.js'
import { byId, fill } from '../web/dom.js'
import { getLang, setLang, t } from '../web/i18n.js'
import { connectBoard } from '../web/live.js'
import { publicBase } from '../web/qr.js'
import { speakVietnamese } from '../web/sound.js'
import { dmy, hm } from '../web/time.js'
import { watchCamera } from './camera.js'
import { KioskCheckin } from './checkin.js'
import { watchIdle } from './idle.js'
import { TicketIssuer } from './issue.js'
import { mountSpeaker, speakTicket } from './speak.js'
import {
  qrSvg, renderHome, renderIssueError, renderIssuing, renderPriority, renderPriorityServices, renderPrint, renderProcedure,
  renderProcedures, renderTicket, type KioskView, type Screen,
} from './screens.js'

// The touch kiosk: its state, the live board, the header and which screen shows. The screens are drawn
// by kiosk/screens.ts, a tap is issued by kiosk/issue.ts, the idle return is kiosk/idle.ts.

let center = ''
let board: BoardSnapshot | null = null
let connected = false
let fatal: string | undefined
let screen: Screen = { name: 'home' }
let groups: PriorityGroupView[] = []
let procedures: ProcedureView[] | null = null
/** services whose daily cap was reached (by service day) */
const capped = new Map<string, string>()
/** tickets already printed and read aloud (a language switch re-renders without printing again) */
const printed = new Set<string>()
/** the device has a camera: "Quét mã bằng camera" shows on the home and check-in screens (kiosk/camera.ts) */
let cameraPresent = false

const screenEl = byId('screen')
const offlineEl = byId('offline')

function go(next: Screen): void {
  screen = next
  render()
  window.scrollTo(0, 0)
}

/** The phone page's link printed in the ticket's QR: it carries the ticket's secret (the tap's answer only). */
// the address phones reach: PUBLIC_URL when set (web/qr.ts), never the kiosk's own localhost when it is
function ticketUrl(ticket: IssuedTicket): string {
  return `${publicBase(board?.publicUrl)}${ticket.phonePath}`
}

function procedureUrl(p: ProcedureView): string {
  return `${publicBase(board?.publicUrl)}/tra-cuu?center=${encodeURIComponent(center)}&thu-tuc=${encodeURIComponent(p.code)}`
}

const issuer = new TicketIssuer({
  center: () => center,
  go,
  showTicket,
  capReached: (serviceId) => { if (board) capped.set(serviceId, board.serviceDay) },
  closed: () => void live?.refetch(),
})

/** The dossier lookup and check-in screen (kiosk/checkin.ts). */
const checkin = new KioskCheckin({
  center: () => center,
  rerender: () => { if (screen.name === 'checkin') render() },
  showTicket: (ticket, note) => showTicket(ticket, null, note),
  back: () => goHome(),
  active: () => screen.name === 'checkin',
  // a booking's or a dossier slip's QR checks in from these screens (issue 24)
  scannable: () => ['home', 'checkin', 'ticket', 'procedure', 'procedures'].includes(screen.name),
  open: () => go({ name: 'checkin' }),
  hasCamera: () => cameraPresent,
})

const view: KioskView = {
  get board() { return board },
  get groups() { return groups },
  get procedures() { return procedures },
  canIssue: () => connected && !!board?.acceptingTickets,
  isCapped: (s: BoardService) => s.capReached || (!!board && capped.get(s.id) === board.serviceDay),
  go,
  goHome,
  issue: (serviceId, group) => issuer.start(serviceId, group),
  retryIssue: () => void issuer.attempt(),
  openPriority: () => void openPriority(),
  openProcedures: () => void openProcedures(),
  openProcedure: (p) => void openProcedure(p),
  openCheckin: () => { checkin.reset(); go({ name: 'checkin' }) },
  hasCamera: () => cameraPresent,
  openCamera: () => checkin.openCamera(),
}

// ---------- header ----------

function renderHeader(): void {
  const k = t().kiosk
  byId('center-name').textContent = board?.centerName ?? ''
  byId('page-name').textContent = k.title
  const lang = byId<HTMLButtonElement>('lang')
  lang.textContent = t().pages.switchLang
  lang.setAttribute('aria-label', t().pages.switchLangLabel)
  lang.lang = getLang() === 'vi' ? 'en' : 'vi'
  document.title = `${k.title} · ${t().pages.appName}`
  renderClock()
}

function renderClock(): void {
  const now = new Date()
  byId('clock').textContent = `${hm(now)} · ${dmy(now)}`
}

function renderBanner(): void {
  offlineEl.textContent = fatal ? t().pages.centerNotFound : t().kiosk.offline
  offlineEl.hidden = !fatal && !showOffline
}
/** the banner waits a moment: a blip of the connection does not flash it */
let showOffline = false
let offlineTimer: ReturnType<typeof setTimeout> | undefined
function watchOffline(delay: number): void {
  clearTimeout(offlineTimer)
  offlineTimer = setTimeout(() => { showOffline = !connected; renderBanner() }, delay)
}

// ---------- screens ----------

function render(): void {
  renderHeader()
  renderBanner()
  let content: (HTMLElement | null)[]
  switch (screen.name) {
    case 'home': content = renderHome(view); break
    case 'priority': content = renderPriority(view); break
    case 'priorityServices': content = renderPriorityServices(view, screen.group); break
    case 'issuing': content = renderIssuing(screen.retrying); break
    case 'ticket': content = renderTicket(view, screen); break
    case 'issueError': content = renderIssueError(view, screen); break
    case 'procedures': content = renderProcedures(view, screen); break
    case 'procedure': content = renderProcedure(view, screen); break
    case 'checkin': content = checkin.render(); break
  }
  screenEl.dataset.screen = screen.name
  fill(screenEl, content)
}

/** Live updates re-render only the screens that show live figures (never a search in progress). */
function renderLive(): void {
  renderHeader()
  renderBanner()
  if (screen.name === 'home' || screen.name === 'priority' || screen.name === 'priorityServices') render()
}

// ---------- actions ----------

function goHome(): void {
  issuer.forget()
  if (getLang() !== 'vi') setLang('vi')
  go({ name: 'home' })
}

async function loadPriorityGroups(): Promise<void> {
  try {
    const r = await apiGet<{ priorityGroups: PriorityGroupView[] }>(`/api/centers/${encodeURIComponent(center)}/priority-groups`)
    groups = r.priorityGroups
  } catch { /* keep the groups we had */ }
}

async function openPriority(): Promise<void> {
  await loadPriorityGroups()
  go({ name: 'priority' })
}

async function openProcedures(): Promise<void> {
  go({ name: 'procedures', query: '', serviceId: null })
  await loadProcedures()
}

/** The list says "loading" until it arrives; it is fetched again when the connection comes back. */
async function loadProcedures(): Promise<void> {
  try {
    const r = await apiGet<{ procedures: ProcedureView[] }>(`/api/centers/${encodeURIComponent(center)}/procedures`)
    procedures = r.procedures
    if (screen.name === 'procedures') render()
  } catch { /* retried on reconnect */ }
}

async function openProcedure(p: ProcedureView): Promise<void> {
  go({ name: 'procedure', procedure: p, qr: await qrSvg(procedureUrl(p)) })
}

async function showTicket(ticket: IssuedTicket, group: PriorityGroupView | null, note?: string): Promise<void> {
  const s: Extract<Screen, { name: 'ticket' }> = { name: 'ticket', ticket, qr: await qrSvg(ticketUrl(ticket)), group, note }
  go(s)
  if (printed.has(ticket.id)) return
  printed.add(ticket.id)
  if (printed.size > 50) printed.delete(printed.values().next().value!)
  renderPrint(view, s)
  // one print per ticket; with Chromium's --kiosk-printing it goes to the default printer silently
  requestAnimationFrame(() => setTimeout(() => {
    window.print()
    // no system voice (most kiosk PCs): the shipped clips say it (issue 23)
    void speakVietnamese(format(catalogs.vi.kiosk.readAloud, { code: spellTicketCode(ticket.code) })).then((ok) => { if (!ok) void speakTicket(ticket.code, ticket.ahead) })
  }, 30))
}

// ---------- start ----------

// the speaker button reads the screen aloud with the shipped clips (issue 23)
mountSpeaker(() => ({ screen, board }))

const touched = watchIdle({
  // the camera view closes itself after 60 s; the idle return does not cut it short at 30
  issuing: () => screen.name === 'issuing' || checkin.cameraOpen,
  atRest: () => screen.name === 'home' && getLang() === 'vi',
  goHome,
})

let live: ReturnType<typeof connectBoard> | null = null

byId('lang').addEventListener('click', () => {
  setLang(getLang() === 'vi' ? 'en' : 'vi')
  render()
  if (screen.name === 'ticket') renderPrint(view, screen)
})
setInterval(renderClock, 10_000)
render()
watchCamera((has) => {
  if (has === cameraPresent) return
  cameraPresent = has
  if (screen.name === 'home' || screen.name === 'checkin') render()
})

resolveCenter().then((slug) => {
  center = slug
  watchOffline(2500)
  live = connectBoard(center, {
    onBoard(b) {
      const before = board
      board = b
      if (!before || before.acceptingTickets !== b.acceptingTickets) {
        if (screen.name !== 'ticket' && screen.name !== 'issuing' && screen.name !== 'procedures') render()
        else renderHeader()
      } else renderLive()
    },
    onResync() {
      // a settings change pushes a fresh snapshot: a kiosk showing the priority choices takes the new groups
      if (screen.name === 'priority') void loadPriorityGroups().then(() => { if (screen.name === 'priority') render() })
    },
    onStatus(ok, why) {
      fatal = why
      const changed = connected !== ok
      connected = ok
      if (ok) { showOffline = false; clearTimeout(offlineTimer) } else if (changed) watchOffline(1000)
      if (ok && changed && !procedures && screen.name === 'procedures') void loadProcedures()
      // back online with a tap still unanswered: send it again, with the same requestId
      if (ok && changed && issuer.unanswered && screen.name === 'issueError' && screen.canRetry) void issuer.attempt()
      if (changed) renderLive()
      else renderBanner()
    },
  })
  void loadPriorityGroups()
  touched()
}).catch(() => {
  fatal = 'CENTER_NOT_FOUND'
  renderBanner()
})
