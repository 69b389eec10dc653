import '../web/base.css'
import './kiosk.css'
import QRCode from 'qrcode'
import type { BoardService, BoardSnapshot, PriorityGroupView, ProcedureView, TicketView } from '../common/types.js'
import { spellTicketCode } from '../common/ticket-code.js'
import { catalogs, format } from '../common/i18n/index.js'
import { ApiError, apiGet, apiPost, errorMessage, NetworkError, newRequestId, resolveCenter } from '../web/api.js'
import { byId, fill, h, markup } from '../web/dom.js'
import { aheadText, daysText, estimateText, feeText, fmt, fold, getLang, setLang, t, waitingText, waitText } from '../web/i18n.js'
import { icon } from '../web/icons.js'
import { connectBoard } from '../web/live.js'
import { speakVietnamese } from '../web/sound.js'
import { dmy, hm } from '../web/time.js'
import { KioskCheckin } from './checkin.js'

/** Back to the home screen (in Vietnamese) after this long without a touch. */
const IDLE_MS = 30_000
/** Retries of one tap after a network error, with the same requestId, before asking the citizen. */
const AUTO_RETRIES = 2

type Screen =
  | { name: 'home' }
  | { name: 'priority' }
  | { name: 'priorityServices'; group: PriorityGroupView }
  | { name: 'issuing'; retrying: boolean }
  | { name: 'ticket'; ticket: TicketView; qr: string; group: PriorityGroupView | null }
  | { name: 'issueError'; message: string; canRetry: boolean; closed: boolean }
  | { name: 'procedures'; query: string; serviceId: string | null }
  | { name: 'procedure'; procedure: ProcedureView; qr: string }
  | { name: 'checkin' }

let center = ''
let board: BoardSnapshot | null = null
let connected = false
let fatal: string | undefined
let screen: Screen = { name: 'home' }
let groups: PriorityGroupView[] = []
let procedures: ProcedureView[] | null = null
/** services whose daily cap was reached (by service day) */
const capped = new Map<string, string>()
/** the tap being issued: its requestId is reused by every retry */
let pending: { serviceId: string; group: PriorityGroupView | null; requestId: string } | null = null
/** tickets already printed and read aloud (a language switch re-renders without printing again) */
const printed = new Set<string>()

const screenEl = byId('screen')
const offlineEl = byId('offline')

// ---------- helpers ----------

function go(next: Screen): void {
  screen = next
  render()
  window.scrollTo(0, 0)
}

function activeServices(): BoardService[] {
  return (board?.services ?? []).filter((s) => s.active)
}

function serviceNames(s: { nameVi: string; nameEn: string }): { main: string; sub: string } {
  return getLang() === 'en' ? { main: s.nameEn, sub: s.nameVi } : { main: s.nameVi, sub: s.nameEn }
}

function isCapped(s: BoardService): boolean {
  return s.capReached || (!!board && capped.get(s.id) === board.serviceDay)
}

function canIssue(): boolean {
  return connected && !!board?.acceptingTickets
}

function button(label: string, onClick: () => void, cls = 'btn', attrs: Record<string, string> = {}): HTMLButtonElement {
  return h('button', { type: 'button', class: cls, onclick: onClick, ...attrs }, label)
}

function qrSvg(text: string): Promise<string> {
  return QRCode.toString(text, { type: 'svg', margin: 1, errorCorrectionLevel: 'M', color: { dark: '#000000', light: '#ffffff' } })
}

function ticketUrl(id: string): string {
  return `${location.origin}/t/${id}`
}

function procedureUrl(p: ProcedureView): string {
  return `${location.origin}/tra-cuu?center=${encodeURIComponent(center)}&thu-tuc=${encodeURIComponent(p.code)}`
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

function tile(s: BoardService, onTap: (s: BoardService) => void): HTMLButtonElement {
  const names = serviceNames(s)
  const cap = isCapped(s)
  const disabled = !canIssue() || cap
  return h('button', {
    type: 'button', class: 'tile', 'data-service': s.prefix, 'data-service-id': s.id,
    disabled, 'aria-disabled': disabled ? 'true' : null, onclick: () => onTap(s),
  },
  markup('span', 'tile-icon', icon(s.icon, 56)),
  h('span', { class: 'tile-text' },
    h('span', { class: 'tile-name' }, names.main),
    h('span', { class: 'tile-sub', lang: getLang() === 'en' ? 'vi' : 'en' }, names.sub),
    cap
      ? h('span', { class: 'tile-stats cap' }, t().kiosk.capReached)
      : h('span', { class: 'tile-stats' },
        h('span', { class: 'tile-waiting', 'data-waiting': s.waiting }, s.waiting ? waitingText(s.waiting) : t().pages.noWait),
        s.waiting ? h('span', { class: 'tile-eta' }, waitText(s.estimatedWaitMinutes)) : null)),
  h('span', { class: 'tile-prefix', 'aria-hidden': 'true' }, s.prefix))
}

function tiles(onTap: (s: BoardService) => void): HTMLElement {
  return h('div', { class: 'tiles', id: 'tiles' }, activeServices().map((s) => tile(s, onTap)))
}

function closedPanel(withTitle = false): HTMLElement | null {
  if (!board || board.acceptingTickets) return null
  const k = t().kiosk
  const reason = board.closedReason
  const cutoff = board.ticketCutoff ?? board.hoursToday.split('–').pop() ?? ''
  return h('section', { class: 'closed', id: 'closed', role: 'status', 'data-reason': reason },
    withTitle ? h('h2', null, k.closedTitle) : null,
    reason === 'closed_day' ? h('p', { class: 'closed-hours' }, k.closedToday)
      : reason === 'after_cutoff' ? h('p', { class: 'closed-hours' }, fmt(k.afterCutoff, { cutoff }))
        : h('p', { class: 'closed-hours' }, fmt(k.beforeOpen, { hours: board.hoursToday })),
    reason !== 'closed_day' && board.ticketCutoff ? h('p', null, fmt(k.hoursToday, { hours: board.hoursToday }) + ' · ' + fmt(k.cutoff, { cutoff: board.ticketCutoff })) : null,
    h('p', { class: 'closed-hint' }, k.closedHint))
}

function homeActions(showPriority: boolean): HTMLElement {
  const k = t().kiosk
  return h('div', { class: 'actions' },
    showPriority
      ? h('button', { type: 'button', class: 'action action-priority', id: 'priority', disabled: !canIssue(), onclick: openPriority },
        markup('span', 'action-icon', icon('star', 44)),
        h('span', { class: 'action-text' }, h('span', { class: 'action-name' }, k.priority), h('span', { class: 'action-sub' }, k.priorityHint)))
      : null,
    h('button', { type: 'button', class: 'action action-procedures', id: 'procedures', onclick: openProcedures },
      markup('span', 'action-icon', icon('book', 44)),
      h('span', { class: 'action-text' }, h('span', { class: 'action-name' }, k.procedures), h('span', { class: 'action-sub' }, k.proceduresHint))),
    h('button', { type: 'button', class: 'action action-checkin', id: 'checkin', onclick: () => { checkin.reset(); go({ name: 'checkin' }) } },
      markup('span', 'action-icon', icon('inbox', 44)),
      h('span', { class: 'action-text' }, h('span', { class: 'action-name' }, t().dossier.kioskEntry), h('span', { class: 'action-sub' }, t().dossier.kioskEntryHint))))
}

/** The dossier lookup and check-in screen (kiosk/checkin.ts). */
const checkin = new KioskCheckin({
  center: () => center,
  rerender: () => { if (screen.name === 'checkin') render() },
  showTicket: (ticket) => showTicket(ticket, null),
  back: () => goHome(),
  active: () => screen.name === 'checkin',
})

function renderHome(): (HTMLElement | null)[] {
  const k = t().kiosk
  if (!board) return [h('p', { class: 'loading' }, t().pages.loading)]
  const closed = closedPanel()
  return [
    h('h1', { class: 'title' }, closed ? k.closedTitle : k.chooseService),
    closed ?? h('p', { class: 'hint' }, k.chooseHint),
    closed ? null : tiles((s) => startIssue(s.id, null)),
    homeActions(!closed),
  ]
}

function ruleMinutes(): number | null {
  const mins = [...new Set(groups.map((g) => g.bonusMinutes))]
  return mins.length === 1 ? mins[0]! : null
}

function renderPriority(): (HTMLElement | null)[] {
  const k = t().kiosk
  const uniform = ruleMinutes()
  return [
    h('h1', { class: 'title' }, k.priorityTitle),
    uniform !== null ? h('p', { class: 'rule', id: 'priority-rule' }, fmt(k.priorityRule, { minutes: uniform })) : null,
    h('div', { class: 'groups' }, groups.map((g) => {
      const names = serviceNames(g)
      return h('button', { type: 'button', class: 'group', 'data-group': g.code, onclick: () => go({ name: 'priorityServices', group: g }) },
        h('span', { class: 'group-name' }, names.main),
        h('span', { class: 'group-sub' }, names.sub),
        uniform === null ? h('span', { class: 'group-rule' }, fmt(k.priorityGroupRule, { minutes: g.bonusMinutes })) : null)
    })),
    h('p', { class: 'note' }, k.priorityRecorded),
    h('div', { class: 'nav' }, button(k.back, goHome, 'btn btn-back')),
  ]
}

function renderPriorityServices(group: PriorityGroupView): (HTMLElement | null)[] {
  const k = t().kiosk
  const closed = closedPanel(true)
  return [
    h('p', { class: 'chosen' }, fmt(k.priorityChosen, { group: serviceNames(group).main })),
    h('h1', { class: 'title' }, k.priorityChooseService),
    closed ?? tiles((s) => startIssue(s.id, group)),
    h('div', { class: 'nav' }, button(k.back, () => go({ name: 'priority' }), 'btn btn-back')),
  ]
}

function renderIssuing(retrying: boolean): (HTMLElement | null)[] {
  const k = t().kiosk
  return [h('div', { class: 'issuing', role: 'status' },
    h('div', { class: 'spinner', 'aria-hidden': 'true' }),
    h('p', null, retrying ? k.retrying : k.issuing))]
}

function ticketFacts(ticket: TicketView, group: PriorityGroupView | null) {
  const k = t().kiosk
  const names = serviceNames({ nameVi: ticket.serviceNameVi, nameEn: ticket.serviceNameEn })
  return {
    service: names.main,
    serviceSub: names.sub,
    priority: group ? fmt(k.priorityChosen, { group: serviceNames(group).main }) : null,
    ahead: aheadText(ticket.ahead),
    eta: estimateText(ticket.estimatedWaitMinutes),
    time: fmt(k.issuedAt, { time: `${hm(ticket.issuedAt)}, ${dmy(ticket.issuedAt)}` }),
  }
}

function renderTicket(s: Extract<Screen, { name: 'ticket' }>): (HTMLElement | null)[] {
  const k = t().kiosk
  const f = ticketFacts(s.ticket, s.group)
  return [
    h('section', { class: 'ticket', id: 'ticket', 'data-ticket-id': s.ticket.id },
      h('div', { class: 'ticket-center' }, board?.centerName ?? ''),
      h('div', { class: 'ticket-label' }, k.ticketTitle),
      h('div', { class: 'ticket-code', id: 'ticket-code' }, s.ticket.code),
      h('div', { class: 'ticket-service' }, f.service, h('span', { class: 'ticket-service-sub' }, f.serviceSub)),
      f.priority ? h('div', { class: 'ticket-priority' }, f.priority) : null,
      h('div', { class: 'ticket-ahead', id: 'ticket-ahead' }, f.ahead),
      h('div', { class: 'ticket-eta' }, f.eta),
      h('div', { class: 'ticket-time' }, f.time),
      h('div', { class: 'ticket-qr-row' },
        markup('div', 'ticket-qr', s.qr),
        h('p', { class: 'ticket-qr-text' }, k.scanToFollow))),
    h('p', { class: 'after' }, k.takePrinted, ' ', k.listen),
    h('div', { class: 'nav' }, button(k.done, goHome, 'btn btn-primary', { id: 'done' })),
  ]
}

/** The 80 mm slip: black on white, only what a citizen needs, printed once per ticket. */
function renderPrint(s: Extract<Screen, { name: 'ticket' }>): void {
  const k = t().kiosk
  const f = ticketFacts(s.ticket, s.group)
  fill(byId('print'),
    h('div', { class: 'p-center' }, board?.centerName ?? ''),
    h('div', { class: 'p-label' }, k.ticketTitle),
    h('div', { class: 'p-code' }, s.ticket.code),
    h('div', { class: 'p-service' }, f.service),
    f.priority ? h('div', { class: 'p-line' }, f.priority) : null,
    h('div', { class: 'p-line' }, f.ahead),
    h('div', { class: 'p-line' }, f.eta),
    h('div', { class: 'p-line' }, f.time),
    markup('div', 'p-qr', s.qr),
    h('div', { class: 'p-small' }, k.scanToFollow),
    h('div', { class: 'p-small' }, k.listen))
}

function renderIssueError(s: Extract<Screen, { name: 'issueError' }>): (HTMLElement | null)[] {
  const k = t().kiosk
  return [
    h('section', { class: s.closed ? 'closed' : 'error', id: 'issue-error', role: 'alert' },
      h('h2', null, s.closed ? k.closedTitle : k.cannotIssue),
      h('p', null, s.message),
      s.closed ? h('p', { class: 'closed-hint' }, k.closedHint) : null),
    h('div', { class: 'nav' },
      s.canRetry ? button(k.retry, () => void attemptIssue(), 'btn btn-primary', { id: 'retry' }) : null,
      button(k.home, goHome, 'btn btn-back')),
  ]
}

function matches(p: ProcedureView, q: string, serviceId: string | null): boolean {
  if (serviceId && p.serviceId !== serviceId) return false
  if (!q) return true
  const hay = fold(`${p.nameVi} ${p.nameEn} ${p.serviceNameVi} ${p.serviceNameEn}`)
  return fold(q).split(/\s+/).filter(Boolean).every((w) => hay.includes(w))
}

function procedureList(s: Extract<Screen, { name: 'procedures' }>): HTMLElement {
  const k = t().kiosk
  const list = (procedures ?? []).filter((p) => matches(p, s.query, s.serviceId))
  if (!procedures) return h('p', { class: 'loading' }, t().pages.loading)
  if (!list.length) return h('p', { class: 'empty' }, k.noProcedures)
  return h('ul', { class: 'proc-list' }, list.map((p) => {
    const names = serviceNames(p)
    const svc = serviceNames({ nameVi: p.serviceNameVi, nameEn: p.serviceNameEn })
    return h('li', null, h('button', { type: 'button', class: 'proc', 'data-procedure': p.code, onclick: () => void openProcedure(p) },
      h('span', { class: 'proc-name' }, names.main),
      h('span', { class: 'proc-meta' }, `${svc.main} · ${daysText(p.processingDays)} · ${feeText(p.feeVnd, getLang() === 'vi' ? p.feeNote : '')}`)))
  }))
}

function renderProcedures(s: Extract<Screen, { name: 'procedures' }>): (HTMLElement | null)[] {
  const k = t().kiosk
  const listBox = h('div', { class: 'proc-results' }, procedureList(s))
  const input = h('input', {
    type: 'search', id: 'proc-search', class: 'search', value: s.query, placeholder: k.searchPlaceholder,
    autocomplete: 'off', spellcheck: 'false',
  })
  input.addEventListener('input', () => {
    s.query = input.value
    fill(listBox, procedureList(s))
  })
  const services = activeServices()
  return [
    h('h1', { class: 'title' }, k.proceduresTitle),
    h('label', { class: 'search-label', for: 'proc-search' }, k.searchLabel),
    input,
    h('div', { class: 'chips', role: 'group' },
      [{ id: null as string | null, label: k.allServices }, ...services.map((x) => ({ id: x.id as string | null, label: serviceNames(x).main }))].map((c) =>
        h('button', { type: 'button', class: 'chip', 'aria-pressed': String(s.serviceId === c.id), onclick: () => go({ ...s, serviceId: c.id }) }, c.label))),
    listBox,
    h('div', { class: 'nav' }, button(k.back, goHome, 'btn btn-back')),
  ]
}

function renderProcedure(s: Extract<Screen, { name: 'procedure' }>): (HTMLElement | null)[] {
  const k = t().kiosk
  const p = s.procedure
  const names = serviceNames(p)
  const svc = serviceNames({ nameVi: p.serviceNameVi, nameEn: p.serviceNameEn })
  const service = activeServices().find((x) => x.id === p.serviceId)
  const canTake = !!service && canIssue() && !isCapped(service)
  return [
    h('h1', { class: 'title' }, names.main),
    h('p', { class: 'proc-service' }, `${t().pages.service}: ${svc.main}`),
    h('dl', { class: 'facts' },
      h('dt', null, t().pages.processing), h('dd', null, daysText(p.processingDays)),
      h('dt', null, t().pages.fee), h('dd', null, feeText(p.feeVnd, getLang() === 'vi' ? p.feeNote : ''))),
    h('h2', null, t().pages.documents),
    h('ol', { class: 'docs' }, p.documents.map((d) => h('li', { lang: 'vi' }, d))),
    h('div', { class: 'proc-qr-row' }, markup('div', 'proc-qr', s.qr), h('p', null, k.scanProcedure)),
    h('div', { class: 'nav' },
      canTake ? button(fmt(k.takeTicketFor, { service: svc.main }), () => startIssue(p.serviceId, null), 'btn btn-primary', { id: 'take-for-procedure' }) : null,
      button(k.back, () => go({ name: 'procedures', query: '', serviceId: null }), 'btn btn-back')),
  ]
}

function render(): void {
  renderHeader()
  renderBanner()
  let content: (HTMLElement | null)[]
  switch (screen.name) {
    case 'home': content = renderHome(); break
    case 'priority': content = renderPriority(); break
    case 'priorityServices': content = renderPriorityServices(screen.group); break
    case 'issuing': content = renderIssuing(screen.retrying); break
    case 'ticket': content = renderTicket(screen); break
    case 'issueError': content = renderIssueError(screen); break
    case 'procedures': content = renderProcedures(screen); break
    case 'procedure': content = renderProcedure(screen); break
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
  pending = null
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

function startIssue(serviceId: string, group: PriorityGroupView | null): void {
  if (pending) return // one tap at a time
  pending = { serviceId, group, requestId: newRequestId() }
  void attemptIssue()
}

/** Sends the pending tap; network failures are retried with the same requestId, so one tap is one ticket. */
async function attemptIssue(): Promise<void> {
  const p = pending
  if (!p) return
  go({ name: 'issuing', retrying: false })
  for (let attempt = 0; ; attempt++) {
    try {
      const body = { serviceId: p.serviceId, requestId: p.requestId, ...(p.group ? { priorityGroup: p.group.code } : {}) }
      const { ticket } = await apiPost<{ ticket: TicketView }>(`/api/centers/${encodeURIComponent(center)}/tickets`, body, { timeoutMs: 8000 })
      if (pending !== p) return
      pending = null
      await showTicket(ticket, p.group)
      return
    } catch (e) {
      if (pending !== p) return
      const retryable = e instanceof NetworkError || (e instanceof ApiError && e.transient)
      if (retryable && attempt < AUTO_RETRIES) {
        go({ name: 'issuing', retrying: true })
        await new Promise((r) => setTimeout(r, 1000 * (attempt + 1)))
        if (pending !== p) return
        continue
      }
      if (retryable) {
        // keep `pending`: "Thử lại" sends the same requestId
        go({ name: 'issueError', message: t().kiosk.networkError, canRetry: true, closed: false })
        return
      }
      pending = null
      const code = e instanceof ApiError ? e.code : ''
      if (code === 'DAILY_CAP_REACHED' && board) capped.set(p.serviceId, board.serviceDay)
      const closed = code === 'CENTER_CLOSED' || code === 'AFTER_CUTOFF'
      go({ name: 'issueError', message: errorMessage(e), canRetry: false, closed })
      if (closed) void live?.refetch()
      return
    }
  }
}

async function showTicket(ticket: TicketView, group: PriorityGroupView | null): Promise<void> {
  const s: Extract<Screen, { name: 'ticket' }> = { name: 'ticket', ticket, qr: await qrSvg(ticketUrl(ticket.id)), group }
  go(s)
  if (printed.has(ticket.id)) return
  printed.add(ticket.id)
  if (printed.size > 50) printed.delete(printed.values().next().value!)
  renderPrint(s)
  // one print per ticket; with Chromium's --kiosk-printing it goes to the default printer silently
  requestAnimationFrame(() => setTimeout(() => {
    window.print()
    void speakVietnamese(format(catalogs.vi.kiosk.readAloud, { code: spellTicketCode(ticket.code) }))
  }, 30))
}

// ---------- idle ----------

let idleTimer: ReturnType<typeof setTimeout> | undefined
function touched(): void {
  clearTimeout(idleTimer)
  idleTimer = setTimeout(() => {
    if (screen.name === 'issuing') return touched()
    if (screen.name !== 'home' || getLang() !== 'vi') goHome()
  }, IDLE_MS)
}
for (const ev of ['pointerdown', 'keydown', 'touchstart', 'input']) window.addEventListener(ev, touched, { passive: true })

// ---------- start ----------

let live: ReturnType<typeof connectBoard> | null = null

byId('lang').addEventListener('click', () => {
  setLang(getLang() === 'vi' ? 'en' : 'vi')
  render()
  if (screen.name === 'ticket') renderPrint(screen)
})
setInterval(renderClock, 10_000)
render()

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
      if (ok && changed && pending && screen.name === 'issueError' && screen.canRetry) void attemptIssue()
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
