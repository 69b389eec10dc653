import '../web/base.css'
import './portal.css'
import { io } from 'socket.io-client'
import type { ProcedureView, TicketView } from '../common/types.js'
import { ApiError, apiGet, resolveCenter } from '../web/api.js'
import { byId, fill, h, param } from '../web/dom.js'
import { aheadText, daysText, estimateText, feeText, fmt, getLang, setLang, t } from '../web/i18n.js'
import { onPublicFacts } from '../web/facts.js'
import type { PageSocket } from '../web/live.js'
import { chime, unlockAudio, vibrate } from '../web/sound.js'
import { dmy, hm } from '../web/time.js'

// The citizen's phone pages: /t/:ticketId (live ticket) here; /tra-cuu (lookup.ts), /danh-gia (rating.ts)
// and /nop-ho-so (filing.ts) are loaded on demand, so the ticket page stays light.

const main = byId('main')
const offline = byId('offline')
const calledEl = byId('called')
let rerender: () => void = () => {}

function header(): void {
  byId('app-name').textContent = t().pages.appName
  const lang = byId<HTMLButtonElement>('lang')
  lang.textContent = t().pages.switchLang
  lang.setAttribute('aria-label', t().pages.switchLangLabel)
}

byId('lang').addEventListener('click', () => {
  setLang(getLang() === 'vi' ? 'en' : 'vi')
  header()
  rerender()
})

// ---------- /t/:ticketId ----------

const TERMINAL = new Set(['done', 'no_show', 'transferred', 'cancelled', 'expired'])

function ticketPage(id: string): void {
  let ticket: TicketView | null = null
  let error: 'notFound' | 'load' | null = null
  let updatedAt: Date | null = null
  let connected = true
  let soundOn = false
  /** the call the citizen already saw full-screen */
  let acknowledged = ''
  /** the call that already rang */
  let rang = ''
  /** bumps on each pushed update, so an older HTTP answer never overwrites a newer push */
  let pushes = 0

  const callKey = (tk: TicketView, recall = 0) => `${tk.calledAt ?? ''}#${tk.counterNumber ?? ''}#${recall}`
  let recalls = 0

  function take(next: TicketView): void {
    ticket = next
    error = null
    updatedAt = new Date()
    render()
  }

  async function load(): Promise<void> {
    const gen = pushes
    try {
      const r = await apiGet<{ ticket: TicketView }>(`/api/tickets/${encodeURIComponent(id)}`)
      if (gen === pushes) take(r.ticket)
    } catch (e) {
      if (e instanceof ApiError && (e.status === 404 || e.status === 400)) { error = 'notFound'; render(); return }
      if (!ticket) { error = 'load'; render() }
      throw e
    }
  }

  let refetchTimer: ReturnType<typeof setTimeout> | undefined
  let lastFetch = 0
  /** at most one GET per 1.5 s however busy the center is */
  function scheduleRefetch(): void {
    if (!ticket || TERMINAL.has(ticket.status) || refetchTimer) return
    const wait = Math.max(0, lastFetch + 1500 - Date.now())
    refetchTimer = setTimeout(() => {
      refetchTimer = undefined
      lastFetch = Date.now()
      load().catch(() => {})
    }, wait)
  }

  function ring(): void {
    vibrate([400, 200, 400, 200, 800])
    void chime().then(() => chime())
  }

  function renderCalled(): void {
    const tk = ticket
    const show = !!tk && tk.status === 'called' && acknowledged !== callKey(tk, recalls)
    calledEl.hidden = !show
    document.body.classList.toggle('is-called', show)
    if (!show || !tk) return
    const key = callKey(tk, recalls)
    if (rang !== key) { rang = key; ring() }
    const [before, after] = t().portal.calledTitle.split('{n}')
    fill(calledEl,
      h('div', { class: 'called-code' }, tk.code),
      h('h1', { class: 'called-title', id: 'called-title' }, before ?? '', h('b', { class: 'called-counter' }, String(tk.counterNumber ?? '')), after ?? ''),
      h('button', { type: 'button', class: 'btn btn-light', id: 'called-ok', onclick: () => { acknowledged = key; renderCalled() } }, t().portal.calledOk))
  }

  function statusLine(tk: TicketView): HTMLElement {
    const p = t().portal
    const n = tk.counterNumber ?? ''
    switch (tk.status) {
      case 'waiting': return h('p', { class: 'status waiting' }, p.waiting)
      case 'called': return h('p', { class: 'status called' }, fmt(p.calledShort, { n }))
      case 'serving': return h('p', { class: 'status serving' }, fmt(p.serving, { n }))
      case 'done': return h('p', { class: 'status done' }, p.done)
      case 'no_show': return h('p', { class: 'status bad' }, p.noShow)
      case 'held': return h('p', { class: 'status' }, p.held)
      case 'transferred': return h('p', { class: 'status' }, p.transferred)
      case 'cancelled': return h('p', { class: 'status bad' }, p.cancelled)
      case 'expired': return h('p', { class: 'status bad' }, p.expired)
    }
  }

  function render(): void {
    const p = t().portal
    document.title = `${ticket ? ticket.code + ' · ' : ''}${p.title} · ${t().pages.appName}`
    offline.textContent = t().pages.connectionLost
    offline.hidden = connected || !ticket
    if (error === 'notFound') { fill(main, h('section', { class: 'card' }, h('h1', null, p.title), h('p', { class: 'status bad', id: 'not-found' }, p.notFound))); return }
    if (!ticket) { fill(main, h('p', { class: 'loading' }, error === 'load' ? p.loadError : t().pages.loading)); return }
    const tk = ticket
    const names = getLang() === 'en' ? [tk.serviceNameEn, tk.serviceNameVi] : [tk.serviceNameVi, tk.serviceNameEn]
    const waiting = tk.status === 'waiting'
    fill(main,
      h('section', { class: `card ticket st-${tk.status}`, id: 'ticket', 'data-status': tk.status },
        h('div', { class: 'label' }, p.yourNumber),
        h('div', { class: 'code', id: 'code' }, tk.code),
        h('div', { class: 'service' }, names[0], h('span', { class: 'service-sub' }, names[1])),
        statusLine(tk),
        waiting && tk.position !== null ? h('p', { class: 'position', id: 'position', 'data-position': tk.position }, fmt(p.position, { n: tk.position })) : null,
        waiting ? h('p', { class: 'ahead' }, aheadText(tk.ahead)) : null,
        waiting ? h('p', { class: 'eta' }, estimateText(tk.estimatedWaitMinutes)) : null,
        h('p', { class: 'issued' }, fmt(p.issuedAt, { time: `${hm(tk.issuedAt)}, ${dmy(tk.issuedAt)}` }))),
      tk.status === 'done' ? h('a', { class: 'btn btn-primary', id: 'rate', href: `/danh-gia/${encodeURIComponent(tk.id)}` }, p.rate) : null,
      tk.status === 'transferred' && tk.transferredToId ? h('a', { class: 'btn btn-primary', href: `/t/${encodeURIComponent(tk.transferredToId)}` }, p.followNew) : null,
      !TERMINAL.has(tk.status)
        ? h('button', {
          type: 'button', class: `btn notify${soundOn ? ' on' : ''}`, id: 'notify', 'aria-pressed': String(soundOn),
          onclick: async () => { await unlockAudio(); soundOn = true; vibrate([60]); render() },
        }, soundOn ? p.notifyOn : p.notify)
        : null,
      !TERMINAL.has(tk.status) ? h('p', { class: 'hint' }, p.keepOpen) : null,
      updatedAt ? h('p', { class: 'updated' }, fmt(p.updatedAt, { time: hm(updatedAt) })) : null)
    renderCalled()
  }
  rerender = render
  render()

  const start = async (): Promise<void> => {
    for (let attempt = 0; !ticket; attempt++) {
      try { await load() } catch {
        if (error === 'notFound') return
        await new Promise((r) => setTimeout(r, Math.min(15_000, 1000 * 2 ** attempt)))
      }
    }
    // one socket: this ticket's room (ticket:updated) and its center's room (the queue moving ahead of it)
    const socket: PageSocket = io({ auth: { ticket: id, center: ticket.centerSlug }, transports: ['websocket', 'polling'] })
    socket.on('ticket:updated', (tk) => {
      if (tk.id !== id) return
      pushes++
      take(tk)
    })
    // the center's facts: the queue moving ahead of this ticket, or this ticket recalled (order does not matter here)
    onPublicFacts(socket, (f) => {
      if (f.name === 'queue:changed' || f.name === 'ticket:called') scheduleRefetch()
      else if (f.name === 'ticket:recalled' && f.payload.ticketId === id) { recalls++; renderCalled() }
    })
    socket.on('connect', () => { connected = true; render() })
    socket.on('disconnect', (reason) => {
      connected = false
      render()
      if (reason === 'io server disconnect') setTimeout(() => socket.connect(), 1000 + Math.random() * 2000)
    })
    socket.on('connect_error', () => {
      connected = false
      render()
      if (!socket.active) setTimeout(() => socket.connect(), 5000)
    })
  }
  void start()
}

// ---------- /tra-cuu (procedure information from the kiosk's QR; dossier lookup is another issue) ----------

async function lookupPage(): Promise<void> {
  const code = param('thu-tuc')
  // the dossier lookup (portal/lookup.ts) is loaded only here, so /t/:id stays light
  const dossierLookup = code ? null : new (await import('./lookup.js')).DossierLookup()
  let procs: ProcedureView[] | null = null
  let failed = false
  let center = ''
  rerender = () => {
    const p = t().portal
    const proc = code && procs ? procs.find((x) => x.code === code) : null
    document.title = `${proc ? (getLang() === 'en' ? proc.nameEn : proc.nameVi) : p.lookupTitle} · ${t().pages.appName}`
    if (proc) {
      fill(main, h('section', { class: 'card procedure', id: 'procedure' },
        h('h1', null, getLang() === 'en' ? proc.nameEn : proc.nameVi),
        h('p', { class: 'proc-service' }, `${t().pages.service}: ${getLang() === 'en' ? proc.serviceNameEn : proc.serviceNameVi}`),
        h('dl', { class: 'facts' },
          h('dt', null, t().pages.processing), h('dd', null, daysText(proc.processingDays)),
          h('dt', null, t().pages.fee), h('dd', null, feeText(proc.feeVnd, getLang() === 'vi' ? proc.feeNote : ''))),
        h('h2', null, t().pages.documents),
        h('ol', { class: 'docs' }, proc.documents.map((d) => h('li', { lang: 'vi' }, d)))))
      return
    }
    fill(main,
      code && (procs || failed) ? h('p', { class: 'status bad' }, p.procedureNotFound) : null,
      dossierLookup ? (dossierLookup.render(), dossierLookup.el) : null,
      procs ? h('section', { class: 'card' }, h('h2', null, t().kiosk.proceduresTitle),
        h('ul', { class: 'proc-links' }, procs.map((x) => h('li', null,
          h('a', { href: `/tra-cuu?center=${encodeURIComponent(center)}&thu-tuc=${encodeURIComponent(x.code)}` }, getLang() === 'en' ? x.nameEn : x.nameVi))))) : null)
  }
  rerender()
  try {
    center = await resolveCenter()
    procs = (await apiGet<{ procedures: ProcedureView[] }>(`/api/centers/${encodeURIComponent(center)}/procedures`)).procedures
  } catch { failed = true }
  rerender()
}

// ---------- routing ----------

header()
const path = location.pathname.replace(/\/+$/, '')
const ticketMatch = /^\/t\/([^/]+)$/.exec(path)
const ratingMatch = /^\/danh-gia\/([^/]+)$/.exec(path)
if (ticketMatch) ticketPage(decodeURIComponent(ticketMatch[1]!))
else if (ratingMatch || path === '/danh-gia') {
  // the rating pages (portal/rating.ts): a phone with a ticket id, or the tablet at a counter (?counter=N)
  void import('./rating.js').then((m) => { rerender = (ratingMatch ? m.ratingPage(main, decodeURIComponent(ratingMatch[1]!)) : m.counterRatingPage(main)).render })
}
else if (path === '/nop-ho-so') void import('./filing.js').then((m) => { rerender = m.filingPage(main).render })
else void lookupPage()
byId('app-name').setAttribute('href', location.pathname + location.search)
