import type { NotificationsView } from '../common/notify-schemas.js'
import { ApiError, apiGet } from '../web/api.js'
import { fill, h } from '../web/dom.js'
import { fmt, t } from '../web/i18n.js'
import { dmy, hm } from '../web/time.js'
import { apiWrite, errorText } from './util.js'
import { noticeEl, type Outcome, type PanelDeps } from './settings-form.js'

/**
 * The center's notifications to citizens (issue 24): which channels are on, and the last 100 messages
 * (push, SMS, Zalo) with their status, attempts and last error; a failed one can be sent again.
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
        h('td', { class: 'wh-error' }, d.lastError ?? ''),
        h('td', null, d.status === 'failed' ? h('button', { type: 'button', class: 'btn btn-small', id: `nt-replay-${d.id}`,
          onclick: () => void this.replay(d.id) }, w.replay) : null)))))
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
