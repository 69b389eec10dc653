import '../web/base.css'
import './staff.css'
import { io } from 'socket.io-client'
import type { CenterSummary, StaffView } from '../common/types.js'
import { ApiError, apiGet, apiPost, resolveCenter } from '../web/api.js'
import { byId, fill, h, param } from '../web/dom.js'
import { getLang, setLang, t } from '../web/i18n.js'
import { onPublicFacts } from '../web/facts.js'
import type { PageSocket } from '../web/live.js'
import { CounterConsole } from './console.js'
import { FloorView } from './floor.js'
import { SettingsView } from './settings.js'
import { ActivityView } from './activity.js'
import { DossiersView } from './dossiers.js'
import { listenForScans } from './intake-scan.js'
import { ReportsView } from './reports.js'
import { debounce, errorText, tickDurations } from './util.js'
import { openPasswordDialog, renderForcedChange } from './account.js'

/**
 * The staff console at /staff: log in, then the clerk's counter and, for managers and admins, the
 * floor view. Reads over HTTP; the session's socket (center room + staff room) only says "something
 * changed", and the view refetches (debounced), so it never shows a half-applied state.
 */
type Tab = 'counter' | 'floor' | 'settings' | 'log' | 'dossiers' | 'reports'
const TABS: Tab[] = ['counter', 'dossiers', 'floor', 'reports', 'settings', 'log']
/** the tabs a clerk sees (managers and admins see them all) */
const CLERK_TABS: Tab[] = ['counter', 'dossiers']

interface Session { staff: StaffView; center: string; centers: CenterSummary[]; socket: PageSocket | null; tab: Tab; console: CounterConsole; floor: FloorView | null; settings: SettingsView | null; log: ActivityView | null; dossiers: DossiersView; reports: ReportsView | null; online: boolean }
let session: Session | null = null

const app = byId('app')

function langButton(onSwitch: () => void) {
  return h('button', { type: 'button', class: 'btn-lang', id: 'lang', 'aria-label': t().pages.switchLangLabel, onclick: () => {
    setLang(getLang() === 'vi' ? 'en' : 'vi')
    onSwitch()
  } }, t().pages.switchLang)
}

// ---------- login ----------

function renderLogin(message?: string) {
  const s = t().staff
  document.title = `${s.loginTitle} · ${t().pages.appName}`
  const error = h('p', { class: 'login-error', id: 'login-error', role: 'alert', hidden: !message }, message ?? '')
  const username = h('input', { id: 'username', name: 'username', autocomplete: 'username', required: true, autocapitalize: 'none', spellcheck: 'false' })
  const password = h('input', { id: 'password', name: 'password', type: 'password', autocomplete: 'current-password', required: true })
  const submit = h('button', { type: 'submit', class: 'btn btn-primary btn-block', id: 'login-submit' }, s.login)
  const form = h('form', { class: 'login', id: 'login', novalidate: true },
    h('div', { class: 'login-head' },
      h('div', null, h('p', { class: 'brand' }, t().pages.appName), h('h1', null, s.title)),
      langButton(() => renderLogin())),
    h('p', { class: 'muted' }, s.loginIntro),
    h('label', { for: 'username' }, s.username), username,
    h('label', { for: 'password' }, s.password), password,
    error, submit)
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault()
    const show = (text: string) => { error.textContent = text; error.hidden = false }
    if (!username.value.trim() || !password.value) return show(s.fillBoth)
    submit.disabled = true
    submit.textContent = s.loggingIn
    try {
      const { staff } = await apiPost<{ staff: StaffView }>('/api/auth/login', { username: username.value, password: password.value })
      await start(staff)
    } catch (e) {
      submit.disabled = false
      submit.textContent = s.login
      show(errorText(e))
      password.select()
    }
  })
  fill(app, h('main', { class: 'login-wrap' }, form))
  username.focus()
}

// ---------- the signed-in shell ----------

async function start(staff: StaffView) {
  // a password someone else set: choosing one's own is the only thing to do (every other route answers 403)
  if (staff.firstLogin) return firstLogin(staff)
  const center = staff.centerSlug ?? param('center') ?? await resolveCenter()
  const isManager = staff.role !== 'clerk'
  const hash = location.hash.slice(1)
  const wanted = (TABS as string[]).includes(hash) ? hash as Tab : null
  const tab: Tab = isManager ? (wanted ?? 'floor') : (wanted && CLERK_TABS.includes(wanted) ? wanted : 'counter')
  // an admin belongs to no center and may look at any: a switch in the header
  const centers = staff.role === 'admin' ? await apiGet<{ centers: CenterSummary[] }>('/api/centers').then((r) => r.centers).catch(() => []) : []
  const s: Session = {
    staff, center, centers, socket: null, tab, online: true,
    console: new CounterConsole({ center, onSessionEnded: sessionEnded }),
    floor: isManager ? new FloorView({ center, onSessionEnded: sessionEnded }) : null,
    settings: isManager ? new SettingsView({ center, me: staff, onSessionEnded: sessionEnded }) : null,
    log: isManager ? new ActivityView({ center, onSessionEnded: sessionEnded }) : null,
    dossiers: new DossiersView({ center, onSessionEnded: sessionEnded }),
    reports: isManager ? new ReportsView({ center, onSessionEnded: sessionEnded }) : null,
  }
  session = s
  renderShell()
  connect(s)
}

/** The first login's screen, alone: then the console, saying the password was changed. */
function firstLogin(staff: StaffView) {
  const header = h('div', { class: 'login-head' },
    h('div', null, h('p', { class: 'brand' }, t().pages.appName), h('p', { class: 'who', id: 'who' }, `${staff.fullName} (${staff.username}) · ${t().staff.role[staff.role]}`)),
    h('div', { class: 'head-actions' }, langButton(() => firstLogin(staff)), h('button', { type: 'button', class: 'btn-link', id: 'logout', onclick: logout }, t().staff.logout)))
  renderForcedChange(app, { staff, header, onSessionEnded: sessionEnded, onDone: (fresh) => { accountNotice = t().account.changedOk; void start(fresh) } })
}

/** said once above the view after one's own password change */
let accountNotice: string | null = null

function changePassword() {
  const s = session
  if (!s) return
  openPasswordDialog({ staff: s.staff, onSessionEnded: sessionEnded, onDone: (staff) => { s.staff = staff; accountNotice = t().account.changedOk; renderShell() } })
}

function renderShell() {
  const s = session
  if (!s) return
  const w = t().staff
  const titles: Record<Tab, string> = { counter: w.title, floor: w.floorTitle, settings: w.settingsTitle, log: w.logTitle, dossiers: t().dossier.listTitle, reports: t().reports.title }
  document.title = `${titles[s.tab]} · ${t().pages.appName}`
  const tabs = h('nav', { class: 'tabs', 'aria-label': w.title },
    ...TABS.filter((id) => s.floor || CLERK_TABS.includes(id)).map((id) => h('button', {
      type: 'button', class: `tab${s.tab === id ? ' active' : ''}`, id: `tab-${id}`, 'aria-current': s.tab === id ? 'page' : null,
      onclick: () => { s.tab = id; history.replaceState(null, '', `${location.pathname}${location.search}#${id}`); renderShell() },
    }, { counter: w.tabCounter, floor: w.tabFloor, settings: w.tabSettings, log: w.tabLog, dossiers: t().dossier.tab, reports: t().reports.tab }[id])))
  const header = h('header', { class: 'top' },
    h('div', { class: 'top-brand' }, h('strong', null, t().pages.appName), h('span', null, w.title)),
    tabs,
    h('div', { class: 'top-user' },
      s.centers.length > 1 ? centerSwitch(s) : null,
      h('span', { class: 'who', id: 'who' }, `${s.staff.fullName} · ${w.role[s.staff.role]}`),
      langButton(renderShell),
      h('button', { type: 'button', class: 'btn-link', id: 'my-password', onclick: changePassword }, t().account.myAccount),
      h('button', { type: 'button', class: 'btn-link', id: 'logout', onclick: logout }, w.logout)))
  const offline = h('div', { class: 'banner', id: 'offline', role: 'alert', hidden: s.online }, w.offline)
  const view = h('main', { id: 'view', class: 'view' })
  const notice = accountNotice ? h('p', { class: 'banner ok', id: 'account-notice', role: 'status' }, accountNotice) : null
  accountNotice = null
  fill(app, header, offline, notice, view)
  if (s.tab === 'floor' && s.floor) s.floor.mount(view)
  else if (s.tab === 'settings' && s.settings) s.settings.mount(view)
  else if (s.tab === 'log' && s.log) s.log.mount(view)
  else if (s.tab === 'dossiers') s.dossiers.mount(view)
  else if (s.tab === 'reports' && s.reports) s.reports.mount(view)
  else s.console.mount(view)
}

function centerSwitch(s: Session) {
  const select = h('select', { id: 'center-select', class: 'center-select', 'aria-label': t().staff.center },
    ...s.centers.map((c) => h('option', { value: c.slug, selected: c.slug === s.center }, getLang() === 'en' && c.nameEn ? c.nameEn : c.name)))
  select.addEventListener('change', () => { location.href = `${location.pathname}?center=${encodeURIComponent(select.value)}${location.hash}` })
  return select
}

function connect(s: Session) {
  // the session cookie goes with the handshake: the server adds the staff room to the center's
  const socket: PageSocket = io({ auth: { center: s.center }, transports: ['websocket', 'polling'] })
  s.socket = socket
  const refresh = debounce(() => { void current()?.refresh() }, 250)
  // the settings form is not redrawn by live facts (it may be half typed)
  const current = () => (session === s ? (s.tab === 'floor' ? s.floor : s.tab === 'counter' ? s.console : s.tab === 'log' ? s.log : s.tab === 'dossiers' ? s.dossiers : null) : null)
  onPublicFacts(socket, refresh) // each public fact; the debounce makes one refresh of a change's facts
  socket.on('ticket:updated', refresh)
  socket.on('board:snapshot', refresh) // a setting changed (service names, active) or a reconnect
  const setOnline = (on: boolean) => {
    s.online = on
    const el = document.getElementById('offline')
    if (el) el.hidden = on
  }
  socket.on('connect', () => { setOnline(true); refresh() })
  socket.on('disconnect', (reason) => {
    setOnline(false)
    if (reason === 'io server disconnect') setTimeout(() => socket.connect(), 1000 + Math.random() * 2000)
  })
  socket.on('connect_error', () => {
    setOnline(false)
    if (!socket.active) setTimeout(() => socket.connect(), 3000)
  })
}

/** The session expired or was ended elsewhere: back to the login form, saying why. */
function sessionEnded(message: string) {
  session?.socket?.disconnect()
  session = null
  document.querySelectorAll('dialog').forEach((d) => d.remove())
  renderLogin(message)
}

async function logout() {
  try { await apiPost('/api/auth/logout', {}) } catch { /* the session may already be gone: the login form is what matters */ }
  session?.socket?.disconnect()
  session = null
  renderLogin()
}

// every keyboard shortcut goes to the counter console (the floor view has none)
document.addEventListener('keydown', (ev) => {
  if (session && session.tab === 'counter') session.console.onKey(ev)
})
// W1: an ID card's QR typed by a 2D scanner, wherever the focus is: the counter's intake form, or the dossier search
listenForScans((r, source) => {
  if (session?.tab === 'counter') session.console.onScan(r, source)
  else if (session?.tab === 'dossiers') session.dossiers.onScan(r)
})
setInterval(() => tickDurations(), 15_000)

async function boot() {
  setLang(getLang())
  try {
    const { staff } = await apiGet<{ staff: StaffView }>('/api/auth/me')
    await start(staff)
  } catch (e) {
    renderLogin(e instanceof ApiError && e.status === 401 ? undefined : errorText(e))
  }
}
void boot()
