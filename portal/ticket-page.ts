import { io } from 'socket.io-client'
import type { TicketView } from '../common/types.js'
import { ticketPhonePath } from '../common/ticket-code.js'
import { ApiError, apiGet } from '../web/api.js'
import { fill, h } from '../web/dom.js'
import { aheadText, estimateText, fmt, getLang, resumeText, t } from '../web/i18n.js'
import { onPublicFacts } from '../web/facts.js'
import type { PageSocket } from '../web/live.js'
import { chime, unlockAudio, vibrate } from '../web/sound.js'
import { dmy, hm } from '../web/time.js'
import { ticketNotifyCard, type NotifyCard } from './notify.js'

// /t/:ticketId#k=<secret>, the citizen's live ticket: its state and drawing, the GET that loads it (retried
// until it answers), and the socket that keeps it current. Every read and the socket carry the ticket's
// secret from the QR's link (the fragment: never sent to the server in the page's own request).

const TERMINAL = new Set(['done', 'no_show', 'transferred', 'cancelled', 'expired'])

/** The page's parts in portal/index.html. */
interface TicketElements { main: HTMLElement; offline: HTMLElement; called: HTMLElement }

/** What the page draws from. */
interface TicketState {
  ticket: TicketView | null
  error: 'notFound' | 'load' | null
  updatedAt: Date | null
  connected: boolean
  soundOn: boolean
  /** the call the citizen already saw full-screen */
  acknowledged: string
  /** the call that already rang */
  rang: string
  /** times this ticket was recalled while the page is open: each recall shows and rings again */
  recalls: number
}

export function ticketPage(id: string, key: string, el: TicketElements): { render: () => void } {
  const s: TicketState = { ticket: null, error: null, updatedAt: null, connected: true, soundOn: false, acknowledged: '', rang: '', recalls: 0 }
  /** bumps on each pushed update, so an older HTTP answer never overwrites a newer push */
  let pushes = 0
  let notifyCard: NotifyCard | null = null

  function take(next: TicketView): void {
    s.ticket = next
    s.error = null
    s.updatedAt = new Date()
    render()
  }

  async function load(): Promise<void> {
    const gen = pushes
    try {
      const r = await apiGet<{ ticket: TicketView }>(`/api/tickets/${encodeURIComponent(id)}?key=${encodeURIComponent(key)}`)
      if (gen === pushes) take(r.ticket)
    } catch (e) {
      if (e instanceof ApiError && (e.status === 404 || e.status === 400)) { s.error = 'notFound'; render(); return }
      if (!s.ticket) { s.error = 'load'; render() }
      throw e
    }
  }

  let refetchTimer: ReturnType<typeof setTimeout> | undefined
  let lastFetch = 0
  /** at most one GET per 1.5 s however busy the center is */
  function scheduleRefetch(): void {
    if (!s.ticket || TERMINAL.has(s.ticket.status) || refetchTimer) return
    const wait = Math.max(0, lastFetch + 1500 - Date.now())
    refetchTimer = setTimeout(() => {
      refetchTimer = undefined
      lastFetch = Date.now()
      load().catch(() => {})
    }, wait)
  }

  function render(): void {
    const p = t().portal
    document.title = `${s.ticket ? s.ticket.code + ' · ' : ''}${p.title} · ${t().pages.appName}`
    el.offline.textContent = t().pages.connectionLost
    el.offline.hidden = s.connected || !s.ticket
    if (s.error === 'notFound') { fill(el.main, h('section', { class: 'card' }, h('h1', null, p.title), h('p', { class: 'status bad', id: 'not-found' }, p.notFound))); return }
    if (!s.ticket) { fill(el.main, h('p', { class: 'loading' }, s.error === 'load' ? p.loadError : t().pages.loading)); return }
    // issue 24: web push or a phone number, while the ticket can still be called
    const live = !TERMINAL.has(s.ticket.status)
    if (live) { notifyCard ??= ticketNotifyCard(id, key, s.ticket.code); notifyCard.render() }
    fill(el.main, ...ticketCard(s.ticket, key, s.updatedAt, s.soundOn, async () => { await unlockAudio(); s.soundOn = true; vibrate([60]); render() }),
      live ? notifyCard?.el : null)
    drawCalled(el.called, s)
  }
  render()

  const start = async (): Promise<void> => {
    for (let attempt = 0; !s.ticket; attempt++) {
      try { await load() } catch {
        if (s.error === 'notFound') return
        await new Promise((r) => setTimeout(r, Math.min(15_000, 1000 * 2 ** attempt)))
      }
    }
    watchTicket(id, key, s.ticket.code, s.ticket.centerSlug, {
      pushed: (tk) => { pushes++; take(tk) },
      queueMoved: scheduleRefetch,
      recalled: () => { s.recalls++; drawCalled(el.called, s) },
      connection: (up) => { s.connected = up; render() },
    })
  }
  void start()
  return { render }
}

const callKey = (tk: TicketView, recall = 0) => `${tk.calledAt ?? ''}#${tk.counterNumber ?? ''}#${recall}`

/** The full-screen "your turn, counter N" over the page: shown and rung once per call, until "OK". */
function drawCalled(called: HTMLElement, s: TicketState): void {
  const tk = s.ticket
  const show = !!tk && tk.status === 'called' && s.acknowledged !== callKey(tk, s.recalls)
  called.hidden = !show
  document.body.classList.toggle('is-called', show)
  if (!show || !tk) return
  const key = callKey(tk, s.recalls)
  if (s.rang !== key) { s.rang = key; ring() }
  const [before, after] = t().portal.calledTitle.split('{n}')
  fill(called,
    h('div', { class: 'called-code' }, tk.code),
    h('h1', { class: 'called-title', id: 'called-title' }, before ?? '', h('b', { class: 'called-counter' }, String(tk.counterNumber ?? '')), after ?? ''),
    // issue 23: the announcement as the waiting room hears it (portal/play-call.ts, loaded on the first tap)
    tk.counterNumber !== null ? h('button', { type: 'button', class: 'btn btn-light', id: 'called-play', onclick: () => {
      void unlockAudio().then(() => import('./play-call.js')).then((m) => m.playCall(tk.centerSlug, tk.code, tk.counterNumber!))
    } }, t().voice.playCall) : null,
    h('button', { type: 'button', class: 'btn btn-light', id: 'called-ok', onclick: () => { s.acknowledged = key; drawCalled(called, s) } }, t().portal.calledOk))
}

function ring(): void {
  vibrate([400, 200, 400, 200, 800])
  void chime().then(() => chime())
}

/**
 * One socket: this ticket's room (ticket:updated) and its center's room (the queue moving ahead of it, or
 * this ticket recalled; order does not matter here). Reconnects after the server drops it.
 */
function watchTicket(id: string, key: string, code: string, center: string, on: {
  pushed: (tk: TicketView) => void; queueMoved: () => void; recalled: () => void; connection: (up: boolean) => void
}): void {
  const socket: PageSocket = io({ auth: { ticket: id, key, center }, transports: ['websocket', 'polling'] })
  socket.on('ticket:updated', (tk) => {
    if (tk.id !== id) return
    on.pushed(tk)
  })
  onPublicFacts(socket, (f) => {
    if (f.name === 'queue:changed' || f.name === 'ticket:called') on.queueMoved()
    // public facts name tickets by code (unique in the center's day), never by id
    else if (f.name === 'ticket:recalled' && f.payload.code === code) on.recalled()
  })
  socket.on('connect', () => on.connection(true))
  socket.on('disconnect', (reason) => {
    on.connection(false)
    if (reason === 'io server disconnect') setTimeout(() => socket.connect(), 1000 + Math.random() * 2000)
  })
  socket.on('connect_error', () => {
    on.connection(false)
    if (!socket.active) setTimeout(() => socket.connect(), 5000)
  })
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

/** The ticket, where it stands, and what the citizen can do next (rate, follow a transfer, turn sound on). */
function ticketCard(tk: TicketView, key: string, updatedAt: Date | null, soundOn: boolean, onNotify: () => Promise<void>): (HTMLElement | null)[] {
  const p = t().portal
  const names = getLang() === 'en' ? [tk.serviceNameEn, tk.serviceNameVi] : [tk.serviceNameVi, tk.serviceNameEn]
  const waiting = tk.status === 'waiting'
  return [
    h('section', { class: `card ticket st-${tk.status}`, id: 'ticket', 'data-status': tk.status },
      h('div', { class: 'label' }, p.yourNumber),
      h('div', { class: 'code', id: 'code' }, tk.code),
      h('div', { class: 'service' }, names[0], h('span', { class: 'service-sub' }, names[1])),
      statusLine(tk),
      waiting && tk.position !== null ? h('p', { class: 'position', id: 'position', 'data-position': tk.position }, fmt(p.position, { n: tk.position })) : null,
      waiting ? h('p', { class: 'ahead' }, aheadText(tk.ahead)) : null,
      waiting ? h('p', { class: 'eta' }, estimateText(tk.estimatedWaitMinutes)) : null,
      waiting && tk.callsResumeAt ? h('p', { class: 'resume', id: 'calls-resume' }, resumeText(tk.callsResumeAt)) : null,
      h('p', { class: 'issued' }, fmt(p.issuedAt, { time: `${hm(tk.issuedAt)}, ${dmy(tk.issuedAt)}` }))),
    tk.status === 'done' ? h('a', { class: 'btn btn-primary', id: 'rate', href: `/danh-gia/${encodeURIComponent(tk.id)}#k=${encodeURIComponent(key)}` }, p.rate) : null,
    // the new ticket of a transfer keeps the paper ticket's secret
    tk.status === 'transferred' && tk.transferredToId ? h('a', { class: 'btn btn-primary', id: 'follow-new', href: ticketPhonePath(tk.transferredToId, key) }, p.followNew) : null,
    !TERMINAL.has(tk.status)
      ? h('button', {
        type: 'button', class: `btn notify${soundOn ? ' on' : ''}`, id: 'notify', 'aria-pressed': String(soundOn),
        onclick: onNotify,
      }, soundOn ? p.notifyOn : p.notify)
      : null,
    !TERMINAL.has(tk.status) ? h('p', { class: 'hint' }, p.keepOpen) : null,
    updatedAt ? h('p', { class: 'updated' }, fmt(p.updatedAt, { time: hm(updatedAt) })) : null,
  ]
}
