import type { DossierView } from '../common/dossier-types.js'
import { h } from '../web/dom.js'
import { fmt, t } from '../web/i18n.js'

/**
 * Issue 24 (Decree 13/2023 Art. 12): the dossier's sign-ups for messages, and the clerk's way to stop them when
 * the citizen asks (the receipt slip tells them to ask the staff). The first click asks, in place; the second stops.
 */
export function messagesBlock(d: DossierView, stop: () => void): HTMLElement | null {
  if (!d.messagesActive) return null
  const w = t().dossier
  const ask = h('p', { class: 'notice', id: 'ds-notify-ask', hidden: true }, fmt(w.notifyStopAsk, { n: d.messagesActive }))
  const button = h('button', { type: 'button', class: 'btn btn-danger-outline', id: 'ds-notify-stop' }, w.notifyStop)
  button.onclick = () => {
    if (ask.hidden) { ask.hidden = false; button.textContent = w.notifyStopConfirm; return }
    button.disabled = true
    stop()
  }
  return h('div', { class: 'ds-messages', id: 'ds-messages' }, h('p', { class: 'muted' }, fmt(w.notifyActive, { n: d.messagesActive })), ask, button)
}
