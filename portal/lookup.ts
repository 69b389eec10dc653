import './dossier.css'
import { io } from 'socket.io-client'
import { DOSSIER_LOOKUP_ALPHABET, type PublicDossierView } from '../common/dossier-types.js'
import { ApiError, apiGet, apiPost } from '../web/api.js'
import { fill, h, param } from '../web/dom.js'
import { fmt, getLang, t } from '../web/i18n.js'
import type { PageSocket } from '../web/live.js'
import { dmy, hm } from '../web/time.js'
import { dossierNotifyCard, type NotifyCard } from './notify.js'
import { MessagesStop } from './notify-stop.js'

/** The states after which nothing more is announced (issue 24: no "notify me" then). */
const ENDED = new Set(['returned', 'rejected', 'withdrawn', 'stopped', 'closed_incomplete'])
import { resultDownload } from './result-download.js'

/** "NS2611230007" typed without dashes → "NS-261123-0007" (the code as printed on the slip). */
export function normalizeCode(typed: string): string {
  const s = typed.trim().toUpperCase().replace(/\s+/g, '')
  const m = /^([A-Z]{1,6})(\d{6})(\d{1,6})$/.exec(s)
  return m ? `${m[1]}-${m[2]}-${m[3]}` : s
}

/** Only the characters a lookup code can have, upper case, at most 4. */
export function normalizeLookup(typed: string): string {
  return [...typed.toUpperCase()].filter((c) => DOSSIER_LOOKUP_ALPHABET.includes(c)).join('').slice(0, 4)
}

export function when(iso: string): string {
  return fmt(t().dossier.atTime, { time: hm(iso), date: dmy(iso) })
}

/** What the citizen should do now, by state. */
export function guidance(d: PublicDossierView): string | null {
  const w = t().dossier
  switch (d.status) {
    case 'submitted_online': return w.submittedHint
    case 'needs_supplement': return w.supplementHint
    case 'ready': return w.readyHint
    // H8 (issue 21): the ends a citizen should understand
    case 'stopped': return w.stoppedHint
    case 'closed_incomplete': return w.closedIncompleteHint
    case 'rejected': return w.rejectedHint
    default: return null
  }
}

/**
 * The dossier lookup of /tra-cuu: code + lookup code, typed or from the slip's QR (?code=&lookupCode=).
 * A wrong pair shows "not found" and nothing else. Once found, one socket with
 * `auth: { dossier: { code, lookupCode } }` pushes `dossier:updated`, so the page follows the dossier live.
 * The element is created once: a language switch redraws it without losing what was typed.
 */
export class DossierLookup {
  readonly el = h('section', { class: 'card dossier-lookup', id: 'dossier-lookup' })
  private code = param('code') ?? ''
  private lookup = normalizeLookup(param('lookupCode') ?? '')
  private dossier: PublicDossierView | null = null
  private state: 'idle' | 'loading' | 'notFound' | 'error' | 'found' = 'idle'
  private message: string | null = null
  private socket: PageSocket | null = null
  private connected = true
  private notifyCard: NotifyCard | null = null
  /** issue 24: where the SMS / Zalo messages go, and the citizen's own stop */
  private messagesStop: MessagesStop | null = null

  constructor() {
    if (this.code && this.lookup) void this.find()
  }

  render(): void {
    const w = t().dossier
    if (this.state === 'found' && this.dossier) { fill(this.el, ...this.result(this.dossier)); return }
    const code = h('input', { id: 'lookup-code', value: this.code, autocomplete: 'off', autocapitalize: 'characters', spellcheck: 'false', placeholder: w.codeExample, required: true, maxlength: 40 })
    const lookup = h('input', { id: 'lookup-key', value: this.lookup, autocomplete: 'off', autocapitalize: 'characters', spellcheck: 'false', maxlength: 4, required: true, class: 'lookup-key' })
    code.addEventListener('input', () => { this.code = code.value })
    lookup.addEventListener('input', () => {
      const v = normalizeLookup(lookup.value)
      if (v !== lookup.value) lookup.value = v
      this.lookup = v
    })
    const form = h('form', { class: 'lookup-form', id: 'lookup-form', novalidate: true },
      h('label', { for: 'lookup-code' }, w.codeLabel), code,
      h('label', { for: 'lookup-key' }, w.lookupCodeLabel), lookup,
      this.state === 'notFound' ? h('p', { class: 'status bad', id: 'dossier-not-found', role: 'alert' }, w.notFound) : null,
      this.message ? h('p', { class: 'status bad', role: 'alert' }, this.message) : null,
      h('button', { type: 'submit', class: 'btn btn-primary', id: 'lookup-submit', disabled: this.state === 'loading' }, this.state === 'loading' ? w.looking : w.lookupSubmit))
    form.addEventListener('submit', (ev) => {
      ev.preventDefault()
      this.code = normalizeCode(code.value)
      this.lookup = normalizeLookup(lookup.value)
      if (!this.code || this.lookup.length !== 4) { this.message = w.fillBoth; this.state = 'idle'; this.render(); return }
      void this.find()
    })
    fill(this.el, h('h1', null, w.lookupTitle), h('p', { class: 'muted' }, w.lookupIntro), form)
  }

  private async find(): Promise<void> {
    this.state = 'loading'
    this.message = null
    this.render()
    this.socket?.disconnect()
    this.socket = null
    try {
      const { dossier } = await apiGet<{ dossier: PublicDossierView }>(this.viewPath(this.code))
      this.dossier = dossier
      this.state = 'found'
      // the address now says which dossier this is: a reload or a shared link shows it again
      const u = new URL(location.href)
      u.searchParams.set('code', dossier.code)
      u.searchParams.set('lookupCode', this.lookup)
      history.replaceState(null, '', u)
      this.follow(dossier.code)
    } catch (e) {
      if (e instanceof ApiError && (e.status === 404 || e.status === 400)) { this.state = 'notFound'; this.dossier = null }
      else { this.state = 'error'; this.message = e instanceof ApiError && e.status === 429 ? t().errors.RATE_LIMITED : t().portal.loadError }
    }
    this.render()
  }

  private viewPath(code: string): string {
    const qs = new URLSearchParams({ lookupCode: this.lookup })
    const center = param('center')
    if (center) qs.set('center', center)
    return `/api/public/dossiers/${encodeURIComponent(code)}?${qs.toString()}`
  }

  private follow(code: string): void {
    const lookupCode = this.lookup
    const socket: PageSocket = io({ auth: { dossier: { code, lookupCode } }, transports: ['websocket', 'polling'] })
    this.socket = socket
    socket.on('dossier:updated', (d) => {
      if (this.socket !== socket || d.code !== this.dossier?.code) return
      this.dossier = d
      this.render()
    })
    socket.on('connect', () => { this.connected = true; this.render() })
    socket.on('disconnect', (reason) => {
      this.connected = false
      this.render()
      if (reason === 'io server disconnect') setTimeout(() => socket.connect(), 1000 + Math.random() * 2000)
    })
    socket.on('connect_error', () => {
      this.connected = false
      if (!socket.active) setTimeout(() => { if (this.socket === socket) socket.connect() }, 5000)
    })
  }

  private reset(): void {
    this.socket?.disconnect()
    this.socket = null
    this.dossier = null
    this.state = 'idle'
    this.code = ''
    this.lookup = ''
    const u = new URL(location.href)
    u.searchParams.delete('code')
    u.searchParams.delete('lookupCode')
    history.replaceState(null, '', u)
    this.render()
    this.el.querySelector<HTMLInputElement>('#lookup-code')?.focus()
  }

  /** Issue 24: web push or a phone number for this dossier's supplement, extension and result. */
  private notifyPart(d: PublicDossierView): HTMLElement | null {
    if (ENDED.has(d.status)) return null
    if (this.notifyCard?.el.dataset.code !== d.code) {
      // a number just signed up shows at once, with its stop
      this.notifyCard = dossierNotifyCard(d.code, this.lookup, () => void this.reload(d.code))
      this.notifyCard.el.dataset.code = d.code
    }
    this.notifyCard.render()
    return this.notifyCard.el
  }

  /** Issue 24 (Decree 13/2023 Art. 12): where the dossier's SMS and Zalo go, and "Ngừng nhận tin nhắn". */
  private stopPart(d: PublicDossierView): HTMLElement | null {
    if (this.messagesStop?.el.dataset.code !== d.code) {
      const lookupCode = this.lookup
      this.messagesStop = new MessagesStop('dossier', async () => {
        this.dossier = (await apiPost<{ dossier: PublicDossierView }>(`/api/public/dossiers/${encodeURIComponent(d.code)}/notify/stop`, { lookupCode })).dossier
        this.notifyCard = null // its "messages will go to …" no longer holds: offered afresh
      }, () => this.render())
      this.messagesStop.el.dataset.code = d.code
    }
    return this.messagesStop.render(d.phoneSignUps)
  }

  /** The dossier's view read again, quietly (what it shows is unchanged on a failure). */
  private async reload(code: string): Promise<void> {
    try {
      const { dossier } = await apiGet<{ dossier: PublicDossierView }>(this.viewPath(code))
      if (this.dossier?.code === dossier.code) { this.dossier = dossier; this.render() }
    } catch { /* the socket's next update, or a reload, shows it */ }
  }

  private result(d: PublicDossierView): (HTMLElement | null)[] {
    const w = t().dossier
    const hint = guidance(d)
    const facts: [string, string][] = [
      [w.applicantLabel, d.applicantMasked],
      [w.procedure, getLang() === 'en' ? d.procedureNameEn : d.procedureNameVi],
      ...(d.procedureNationalCode ? [[t().procImport.headers.nationalCode, d.procedureNationalCode] as [string, string]] : []),
      [w.receivedLabel, d.receivedAt ? when(d.receivedAt) : w.notYet],
      // H8 (issue 21): while a supplement is awaited the time restarts from its completion; an extension says so
      [w.dueLabel, d.status === 'needs_supplement' ? w.lookupDueRestarts : d.dueAt ? `${when(d.dueAt)}${d.extendedFrom ? ` (${fmt(w.lookupExtended, { from: when(d.extendedFrom) })})` : ''}` : w.notYet],
      [w.collectLabel, d.delivery === 'post' ? w.delivery.post : d.collectAt],
    ]
    return [
      h('p', { class: 'label' }, w.codeLabel),
      h('h1', { class: 'dossier-code', id: 'dossier-code' }, d.code),
      h('p', { class: `status ds-${d.status}`, id: 'dossier-status', 'data-status': d.status }, w.status[d.status]),
      hint ? h('p', { class: 'ds-hint', id: 'dossier-hint' }, hint) : null,
      // issue 21 (Art. 22.5): ready before the due date, and when the center told the citizen
      d.status === 'ready' && d.readyEarly ? h('p', { class: 'ds-hint early', id: 'dossier-early' }, w.lookupEarly,
        d.earlyNoticeAt ? ` ${fmt(w.lookupEarlyNotified, { time: when(d.earlyNoticeAt) })}` : '') : null,
      d.status === 'needs_supplement' && d.supplementNote ? h('div', { class: 'supplement', id: 'dossier-supplement' }, h('h2', null, w.supplementNote),
        d.supplementItems?.length ? h('ol', { id: 'dossier-supplement-items' }, ...d.supplementItems.map((x) => h('li', null, x))) : h('p', null, d.supplementNote),
        d.supplementDeadline ? h('p', { id: 'dossier-supplement-deadline' }, fmt(w.lookupSupplementDeadline, { date: dmy(new Date(new Date(d.supplementDeadline).getTime() - 1).toISOString()) })) : null) : null,
      h('dl', { class: 'facts' }, ...facts.flatMap(([k, v]) => [h('dt', null, k), h('dd', null, v)])),
      // issue 21: the electronic result (Art. 22), a download with the phone's last 4 digits
      d.resultAvailable ? resultDownload(d, { lookupCode: this.lookup, center: param('center') }) : null,
      h('h2', null, w.history),
      h('ol', { class: 'timeline', id: 'dossier-history' }, ...[...d.history].reverse().map((x) => h('li', { 'data-status': x.toStatus },
        h('span', { class: 'tl-status' }, w.status[x.toStatus]), h('span', { class: 'tl-when' }, when(x.at))))),
      h('p', { class: 'updated' }, this.connected ? w.liveNote : t().pages.connectionLost),
      this.stopPart(d),
      this.notifyPart(d),
      h('button', { type: 'button', class: 'btn', id: 'lookup-again', onclick: () => this.reset() }, w.lookAnother),
    ]
  }
}
