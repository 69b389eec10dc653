import { isFinalNotifyError, type NotificationDeliveryView, type NotificationsView } from '../common/notify-schemas.js'
import { ApiError, apiGet } from '../web/api.js'
import { fill, h } from '../web/dom.js'
import { fmt, t } from '../web/i18n.js'
import { dmy, hm } from '../web/time.js'
import { apiWrite, errorText } from './util.js'
import { noticeEl, type Outcome, type PanelDeps } from './settings-form.js'

/**
 * The center's notifications to citizens (issue 24): which channels are on, and the last 100 messages
 * (push, SMS, Zalo) with their status, attempts and last error; a failed one can be sent again when the server
 * says it is replayable, else the row says why in words (stopped by the citizen, booking cancelled, too late, sign-up ended).
 * A phone shows masked (0912•••678); the message itself is never stored apart from its code.
 */
export class NotificationsPanel {
  private root: HTMLElement | null = null
  private view: NotificationsView | null = null
  private error: string | null = null
  private note: Outcome | undefined

  constructor(private deps: PanelDeps) {}

  mount(root: HTMLElement) {
    this.root = root
    this.view = null
    this.note = undefined
    this.render()
    void this.refresh()
  }

  async refresh() {
    try {
      this.view = await apiGet<NotificationsView>(`/api/centers/${encodeURIComponent(this.deps.center)}/notifications`)
      this.error = null
    } catch (e) {
      if (e instanceof ApiError && e.status === 401) return this.deps.onSessionEnded(errorText(e))
      this.error = errorText(e)
    }
    this.render()
  }

  private render() {
    const root = this.root
    if (!root?.isConnected) return
    const w = t().notify.panel
    const v = this.view
    if (!v) {
      fill(root, this.error ? h('p', { class: 'notice error', role: 'alert' }, this.error) : h('p', { class: 'loading' }, t().pages.loading))
      return
    }
    fill(root, h('section', { class: 'settings-panel', id: 'notifications' },
      h('h1', null, w.title),
      h('p', { class: 'muted' }, w.hint),
      this.error ? h('p', { class: 'notice error', role: 'alert' }, this.error) : null,
      this.note ? noticeEl(this.note) : null,
      h('p', { id: 'nt-channels' }, h('b', null, `${w.channels}: `),
        v.channels.length ? v.channels.map((c) => `${w.channelNames[c.channel]} (${c.provider})`).join(' · ') : w.noChannels),
      h('p', { class: 'wh-counts', id: 'nt-counts' }, fmt(w.counts, v.counts)),
      h('button', { type: 'button', class: 'btn btn-small', id: 'nt-refresh', onclick: () => void this.refresh() }, w.refresh),
      v.deliveries.length ? this.table(v) : h('p', { class: 'muted', id: 'nt-none' }, w.none)))
  }

  private table(v: NotificationsView): HTMLElement {
    const w = t().notify.panel
    return h('table', { class: 'tbl', id: 'nt-table' },
      h('thead', null, h('tr', null, ...[w.colAt, w.colChannel, w.colKind, w.colCode, w.colTo, w.colStatus, w.colAttempts, w.colError, ''].map((c) => h('th', null, c)))),
      h('tbody', null, ...v.deliveries.map((d) => h('tr', { class: `wh-${d.status}`, 'data-notification': d.id },
        h('td', null, `${dmy(d.occurredAt)} ${hm(d.occurredAt)}`),
        h('td', null, w.channelNames[d.channel]),
        h('td', null, w.kinds[d.kind as keyof typeof w.kinds] ?? d.kind),
        h('td', null, d.code),
        h('td', null, d.to),
        h('td', { class: 'wh-status' }, w.status[d.status]),
        h('td', null, String(d.attempts)),
        this.errorCell(d),
        h('td', { class: 'nt-action' }, this.action(d))))))
  }

  /** The last error: a final-by-design code in words (its code in the tooltip), a gateway's error as it came. */
  private errorCell(d: NotificationDeliveryView): HTMLElement {
    if (!isFinalNotifyError(d.lastError)) return h('td', { class: 'wh-error' }, d.lastError ?? '')
    return h('td', { class: 'wh-error nt-final', title: d.lastError, 'data-error': d.lastError }, t().notify.panel.finalErrors[d.lastError])
  }

  /** "Gửi lại" only when the server would send it again; a failed one whose sign-up ended says so instead. */
  private action(d: NotificationDeliveryView): HTMLElement | null {
    const w = t().notify.panel
    if (d.replayable) return h('button', { type: 'button', class: 'btn btn-small', id: `nt-replay-${d.id}`, onclick: () => void this.replay(d.id) }, w.replay)
    if (d.status === 'failed' && !isFinalNotifyError(d.lastError)) return h('span', { class: 'muted nt-ended' }, w.ended)
    return null
  }

  private async replay(id: string) {
    try {
      await apiWrite('POST', `/api/centers/${encodeURIComponent(this.deps.center)}/notifications/${id}/replay`, {})
      this.note = { kind: 'ok', text: t().notify.panel.replayed }
    } catch (e) {
      if (e instanceof ApiError && e.status === 401) return this.deps.onSessionEnded(errorText(e))
      this.note = { kind: 'error', text: errorText(e) }
    }
    await this.refresh()
  }
}
