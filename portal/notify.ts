import './notify.css'
import type { NotifyOptionsView } from '../common/notify-schemas.js'
import { ApiError, apiGet, apiPost } from '../web/api.js'
import { fill, h } from '../web/dom.js'
import { fmt, getLang, t } from '../web/i18n.js'

// "Notify me" on the phone pages (issue 24): web push through the service worker /sw.js, or a phone number
// for SMS / Zalo with the consent box (unticked until the citizen ticks it). Used by the ticket page and the
// dossier lookup; what is on stays on across redraws of the page.

let options: Promise<NotifyOptionsView> | null = null
/** What this install offers (asked once per page). */
export function notifyOptions(): Promise<NotifyOptionsView> {
  options ??= apiGet<NotifyOptionsView>('/api/notify/options').catch(() => ({ push: null, phone: null, phones: [] }))
  return options
}

const CACHE = 'mot-cua-notify'

function keyBytes(b64url: string): Uint8Array<ArrayBuffer> {
  const s = atob(b64url.replace(/-/g, '+').replace(/_/g, '/') + '='.repeat((4 - (b64url.length % 4)) % 4))
  return Uint8Array.from(s, (c) => c.charCodeAt(0))
}

export const pushSupported = () => 'serviceWorker' in navigator && 'PushManager' in window && 'Notification' in window

/**
 * Asks the browser for a push subscription with the install's VAPID key and hands it to `send`. The page's
 * own address (with its secret) is kept in the Cache API under the notification's tag, for the service
 * worker to open on a tap: it never leaves the phone.
 */
async function subscribePush(publicKey: string, tag: string, send: (sub: PushSubscriptionJSON) => Promise<void>): Promise<'on' | 'denied'> {
  const permission = await Notification.requestPermission()
  if (permission !== 'granted') return 'denied'
  await navigator.serviceWorker.register('/sw.js', { scope: '/' })
  const reg = await navigator.serviceWorker.ready
  const sub = await reg.pushManager.getSubscription() ?? await reg.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: keyBytes(publicKey) })
  await send(sub.toJSON())
  await (await caches.open(CACHE)).put(`/__notify/${encodeURIComponent(tag)}`, new Response(location.href))
  return 'on'
}

export interface NotifyTarget {
  /** 'ticket:<code>' or 'dossier:<code>': the tag of its notifications */
  tag: string
  intro: string
  /** POSTs the body to the ticket's or dossier's notify route */
  post: (body: Record<string, unknown>) => Promise<unknown>
  /** a phone number was signed up */
  phoneOn?: () => void
}

/** The "notify me" card: redraw with `render()`; it keeps what was typed and what is on. */
export class NotifyCard {
  readonly el = h('section', { class: 'card notify-card', id: 'notify-card' })
  private opts: NotifyOptionsView | null = null
  private push: 'off' | 'busy' | 'on' | 'denied' | 'failed' = 'off'
  private phone = ''
  private consent = false
  private phoneState: 'off' | 'busy' | 'on' = 'off'
  private phoneError: string | null = null

  constructor(private target: NotifyTarget) {
    void notifyOptions().then((o) => { this.opts = o; this.render() })
  }

  render(): void {
    const w = t().notify
    const o = this.opts
    if (!o || (!o.push && !o.phone)) { fill(this.el); this.el.hidden = true; return }
    this.el.hidden = false
    const pushPart = o.push ? (pushSupported()
      ? h('div', { class: 'notify-push' },
        this.push === 'on' ? h('p', { class: 'status done', id: 'notify-push-on', role: 'status' }, w.pushOn)
          : h('button', { type: 'button', class: 'btn btn-primary', id: 'notify-push', disabled: this.push === 'busy', onclick: () => void this.turnOnPush(o.push!.publicKey) }, w.pushButton),
        this.push === 'denied' ? h('p', { class: 'status bad', role: 'alert' }, w.pushDenied) : null,
        this.push === 'failed' ? h('p', { class: 'status bad', role: 'alert' }, w.failed) : null)
      : h('p', { class: 'muted' }, w.pushUnsupported)) : null
    let phonePart: HTMLElement | null = null
    if (o.phone && this.phoneState === 'on') {
      phonePart = h('p', { class: 'status done', id: 'notify-phone-on', role: 'status' }, fmt(w.phoneOn, { phone: this.phone }))
    } else if (o.phone) {
      const input = h('input', { id: 'notify-phone', type: 'tel', inputmode: 'tel', autocomplete: 'tel', maxlength: 20, value: this.phone, placeholder: '0912 345 678' })
      input.addEventListener('input', () => { this.phone = input.value })
      const box = h('input', { id: 'notify-consent', type: 'checkbox', checked: this.consent })
      box.addEventListener('change', () => { this.consent = box.checked })
      const form = h('form', { class: 'notify-phone', id: 'notify-phone-form', novalidate: true },
        h('label', { for: 'notify-phone' }, w.phoneLabel[o.phone]), input,
        h('label', { class: 'consent', for: 'notify-consent' }, box, h('span', null, w.consent)),
        this.phoneError ? h('p', { class: 'status bad', id: 'notify-phone-error', role: 'alert' }, this.phoneError) : null,
        h('button', { type: 'submit', class: 'btn', id: 'notify-phone-submit', disabled: this.phoneState === 'busy' }, w.phoneSubmit))
      form.addEventListener('submit', (ev) => { ev.preventDefault(); void this.turnOnPhone() })
      phonePart = form
    }
    fill(this.el, h('h2', null, w.title), h('p', { class: 'muted' }, this.target.intro), pushPart, phonePart, h('p', { class: 'hint' }, w.carries))
  }

  private async turnOnPush(publicKey: string): Promise<void> {
    this.push = 'busy'
    this.render()
    try {
      this.push = await subscribePush(publicKey, this.target.tag, async (sub) => { await this.target.post({ push: sub, lang: getLang() }) })
    } catch { this.push = 'failed' }
    this.render()
  }

  private async turnOnPhone(): Promise<void> {
    // the server refuses a number without consent too; saying it here spares the request
    if (!this.consent) { this.phoneError = t().errors.NOTIFY_CONSENT_REQUIRED; this.render(); return }
    this.phoneState = 'busy'
    this.phoneError = null
    this.render()
    try {
      await this.target.post({ phone: this.phone, consent: true, lang: getLang() })
      this.phoneState = 'on'
      this.target.phoneOn?.()
    } catch (e) {
      this.phoneState = 'off'
      this.phoneError = e instanceof ApiError ? e.message : t().notify.failed
    }
    this.render()
  }
}

/** The ticket page's card: the ticket's secret proves the holder. */
export function ticketNotifyCard(ticketId: string, key: string, code: string): NotifyCard {
  return new NotifyCard({ tag: `ticket:${code}`, intro: t().notify.ticketIntro,
    post: (body) => apiPost(`/api/tickets/${encodeURIComponent(ticketId)}/notify`, { key, ...body }) })
}

/** The lookup page's card: the dossier's two codes prove the holder. */
export function dossierNotifyCard(code: string, lookupCode: string, phoneOn?: () => void): NotifyCard {
  return new NotifyCard({ tag: `dossier:${code}`, intro: t().notify.dossierIntro, phoneOn,
    post: (body) => apiPost(`/api/public/dossiers/${encodeURIComponent(code)}/notify`, { lookupCode, ...body }) })
}

/**
 * The online filing's consent box, under the phone field (shown only when this install sends SMS or Zalo):
 * unticked until the citizen ticks it.
 */
export function filingConsentField(checked: boolean, onChange: (v: boolean) => void): HTMLElement {
  const box = h('input', { type: 'checkbox', id: 'filing-notify-consent', checked })
  box.addEventListener('change', () => onChange(box.checked))
  const label = h('label', { class: 'consent', for: 'filing-notify-consent', hidden: true }, box, h('span', null, t().notify.filingConsent))
  void notifyOptions().then((o) => { label.hidden = !o.phone })
  return label
}

/** After an online filing with the box ticked: messages for this dossier to the phone it was filed with. */
export async function subscribeFiled(code: string, lookupCode: string, phone: string): Promise<void> {
  await apiPost(`/api/public/dossiers/${encodeURIComponent(code)}/notify`, { lookupCode, phone, consent: true, source: 'filing', lang: getLang() })
}
