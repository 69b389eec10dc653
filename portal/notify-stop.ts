import './notify.css'
import type { PhoneSignUpView } from '../common/notify-schemas.js'
import { errorMessage } from '../web/api.js'
import { fill, h } from '../web/dom.js'
import { fmt, t } from '../web/i18n.js'

// Issue 24 (Decree 13/2023 Art. 12: consent can be withdrawn): on the citizen's own pages, the dossier lookup and the
// booking's own link, where the SMS or Zalo messages about it go (the number masked, as the server gives it) and
// "Ngừng nhận tin nhắn", which asks first and then stops them. What it shows stays across the page's redraws.

export class MessagesStop {
  readonly el = h('div', { class: 'messages-stop', id: 'messages-stop' })
  private asking = false
  private busy = false
  private stopped = false
  private error: string | null = null

  /** `stop` POSTs the stop and takes the page's new view; `redraw` draws the page again (which calls `render`). */
  constructor(private kind: 'dossier' | 'booking', private stop: () => Promise<void>, private redraw: () => void) {}

  /** The block for these sign-ups; null when there is none and nothing was stopped here. */
  render(signUps: PhoneSignUpView[]): HTMLElement | null {
    if (!signUps.length && !this.stopped) return null
    const w = t().notify.stop
    const dossier = this.kind === 'dossier'
    const channel = t().notify.panel.channelNames
    const buttons = !signUps.length ? [] : this.asking ? [
      h('button', { type: 'button', class: 'btn btn-danger', id: 'messages-stop-confirm', disabled: this.busy, onclick: () => void this.confirm() }, w.confirm),
      h('button', { type: 'button', class: 'btn', id: 'messages-stop-keep', disabled: this.busy, onclick: () => { this.asking = false; this.redraw() } }, w.keep),
    ] : [h('button', { type: 'button', class: 'btn', id: 'messages-stop-button', onclick: () => { this.asking = true; this.error = null; this.redraw() } }, w.button)]
    fill(this.el,
      ...signUps.map((s) => h('p', { class: 'messages-to' }, fmt(dossier ? w.dossierTo : w.bookingTo, { channel: channel[s.channel], to: s.to }))),
      signUps.length && this.asking ? h('p', { class: 'messages-ask', id: 'messages-stop-ask', role: 'alert' }, dossier ? w.askDossier : w.askBooking) : null,
      !signUps.length ? h('p', { class: 'status done', id: 'messages-stopped', role: 'status' }, dossier ? w.stoppedDossier : w.stoppedBooking) : null,
      this.error ? h('p', { class: 'status bad', id: 'messages-stop-error', role: 'alert' }, this.error) : null,
      ...buttons)
    this.el.classList.toggle('asking', this.asking && signUps.length > 0)
    return this.el
  }

  private async confirm(): Promise<void> {
    if (this.busy) return
    this.busy = true
    this.redraw()
    try {
      await this.stop()
      this.stopped = true
      this.error = null
    } catch (e) { this.error = errorMessage(e) }
    this.busy = false
    this.asking = false
    this.redraw()
  }
}
