import './webhooks.css'
import type { StaffView } from '../common/types.js'
import { WEBHOOK_EVENTS, type WebhookCreateBody, type WebhookDeliveryView, type WebhookView } from '../common/webhook-schemas.js'
import { ApiError, apiGet } from '../web/api.js'
import { fill, h } from '../web/dom.js'
import { fmt, t } from '../web/i18n.js'
import { dmy, hm } from '../web/time.js'
import { apiWrite, errorText } from './util.js'
import { attempt, fieldEl, formChecked, formValue, noticeEl, type Outcome, type PanelDeps } from './settings-form.js'

/**
 * A center's webhooks (W6, issue 25): add one (its signing secret shown once), pause, delete, and each
 * one's deliveries with their failures and a replay button.
 */
export class WebhooksPanel {
  private root: HTMLElement | null = null
  private hooks: WebhookView[] | null = null
  private error: string | null = null
  private outcome: Outcome | undefined
  /** the last button's outcome (pause, delete, replay), above the list */
  private note: Outcome | undefined
  private secret: string | null = null
  /** the webhook whose deliveries are open, and them */
  private open: string | null = null
  private deliveries: WebhookDeliveryView[] = []
  private draft: { url: string; events: string[]; personalData: boolean; allowHttp: boolean; allowPrivate: boolean } | null = null

  constructor(private deps: PanelDeps, private me: StaffView) {}

  mount(root: HTMLElement) {
    this.root = root
    this.hooks = null
    this.outcome = undefined
    this.note = undefined
    this.secret = null
    this.render()
    void this.refresh()
  }

  async refresh() {
    try {
      this.hooks = (await apiGet<{ webhooks: WebhookView[] }>(`/api/centers/${encodeURIComponent(this.deps.center)}/webhooks`)).webhooks
      if (this.open) this.deliveries = (await apiGet<{ deliveries: WebhookDeliveryView[] }>(`/api/webhooks/${encodeURIComponent(this.open)}/deliveries`)).deliveries
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
    const w = t().webhooks
    if (!this.hooks) {
      fill(root, this.error ? h('p', { class: 'notice error', role: 'alert' }, this.error) : h('p', { class: 'loading' }, t().pages.loading))
      return
    }
    fill(root, h('section', { class: 'settings-panel', id: 'webhooks' },
      h('h1', null, w.title),
      h('p', { class: 'muted' }, w.hint),
      this.error ? h('p', { class: 'notice error', role: 'alert' }, this.error) : null,
      this.note ? noticeEl(this.note) : null,
      // the new webhook's secret, once, where the manager looks after adding it
      this.secret ? h('p', { class: 'notice ok wh-secret', role: 'status' }, w.secretOnce, ' ', h('code', { id: 'wh-secret' }, this.secret)) : null,
      this.hooks.length ? h('div', { class: 'wh-list' }, ...this.hooks.map((x) => this.card(x))) : h('p', { class: 'muted', id: 'wh-none' }, w.none),
      this.form()))
  }

  private card(x: WebhookView): HTMLElement {
    const w = t().webhooks
    const isOpen = this.open === x.id
    return h('div', { class: `card wh-card${x.active ? '' : ' inactive'}`, 'data-webhook': x.id },
      h('div', { class: 'svc-head' },
        h('h2', { class: 'wh-url' }, x.url),
        h('span', { class: `badge ${x.active ? 'ok' : 'muted'}` }, x.active ? w.active : w.paused)),
      h('p', { class: 'muted wh-events' }, x.events.map((e) => w.eventNames[e]).join(', '), x.personalData ? ` · ${w.withPersonal}` : ''),
      h('p', { class: 'wh-counts' }, fmt(w.counts, x.counts)),
      h('div', { class: 'svc-foot' },
        h('button', { type: 'button', class: 'btn', id: `wh-deliveries-${x.id}`, onclick: () => { this.open = isOpen ? null : x.id; void this.refresh() } },
          isOpen ? w.hideDeliveries : w.deliveries),
        h('button', { type: 'button', class: 'btn', onclick: () => void this.act(() => apiWrite('PATCH', `/api/webhooks/${x.id}`, { active: !x.active })) },
          x.active ? w.pause : w.resume),
        h('button', { type: 'button', class: 'btn btn-danger-outline', onclick: () => {
          if (window.confirm(w.confirmRemove)) void this.act(async () => { await apiWrite('DELETE', `/api/webhooks/${x.id}`); if (this.open === x.id) this.open = null })
        } }, w.remove)),
      isOpen ? this.deliveriesTable() : null)
  }

  private deliveriesTable(): HTMLElement {
    const w = t().webhooks
    if (!this.deliveries.length) return h('p', { class: 'muted' }, w.noDeliveries)
    return h('div', { class: 'wh-deliveries' },
      h('button', { type: 'button', class: 'btn btn-small', id: 'wh-refresh', onclick: () => void this.refresh() }, w.refresh),
      h('table', { class: 'tbl', id: 'wh-table' },
        h('thead', null, h('tr', null, ...[w.colEvent, w.colAt, w.colStatus, w.colAttempts, w.colError, ''].map((c) => h('th', null, c)))),
        h('tbody', null, ...this.deliveries.map((d) => h('tr', { class: `wh-${d.status}`, 'data-delivery': d.id },
          h('td', null, w.eventNames[d.event as keyof typeof w.eventNames] ?? d.event),
          h('td', null, `${dmy(d.occurredAt)} ${hm(d.occurredAt)}`),
          h('td', { class: 'wh-status' }, w.status[d.status]),
          h('td', null, String(d.attempts)),
          h('td', { class: 'wh-error' }, d.lastError ?? ''),
          h('td', null, d.status === 'pending' ? null : h('button', { type: 'button', class: 'btn btn-small', id: `wh-replay-${d.id}`,
            onclick: () => void this.act(() => apiWrite('POST', `/api/webhook-deliveries/${d.id}/replay`, {}), w.replayed) }, w.replay)))))))
  }

  private form(): HTMLFormElement {
    const w = t().webhooks
    const v = this.draft ?? { url: '', events: [...WEBHOOK_EVENTS], personalData: false, allowHttp: false, allowPrivate: false }
    const r = this.outcome
    const form = h('form', { class: 'card svc-form wh-new', id: 'wh-new', novalidate: true },
      h('div', { class: 'svc-head' }, h('h2', null, w.add)),
      fieldEl('wh-url', 'url', w.url, h('input', { id: 'wh-url', name: 'url', type: 'text', inputmode: 'url', value: v.url, maxlength: 500, placeholder: 'https://', spellcheck: 'false', autocomplete: 'off' }), r),
      h('fieldset', { class: `wh-events-field${r?.fields?.events ? ' invalid' : ''}` },
        h('legend', null, w.events),
        h('div', { class: 'wh-event-grid' }, ...WEBHOOK_EVENTS.map((e) => h('label', { class: 'check' },
          h('input', { type: 'checkbox', name: 'events', value: e, checked: v.events.includes(e) }), ` ${w.eventNames[e]}`))),
        r?.fields?.events ? h('span', { class: 'field-error' }, r.fields.events) : null),
      h('label', { class: 'check' }, h('input', { type: 'checkbox', name: 'personalData', id: 'wh-personal', checked: v.personalData }), ` ${w.personalData}`),
      this.me.role === 'admin' ? h('label', { class: 'check' }, h('input', { type: 'checkbox', name: 'allowHttp', id: 'wh-allow-http', checked: v.allowHttp }), ` ${w.allowHttp}`) : null,
      this.me.role === 'admin' ? h('label', { class: 'check' }, h('input', { type: 'checkbox', name: 'allowPrivate', id: 'wh-allow-private', checked: v.allowPrivate }), ` ${w.allowPrivate}`) : null,
      h('div', { class: 'svc-foot' }, noticeEl(r), h('button', { type: 'submit', class: 'btn btn-primary', id: 'wh-add' }, w.add)))
    form.addEventListener('submit', (ev) => {
      ev.preventDefault()
      const body = {
        url: formValue(form, 'url').trim(),
        events: [...form.querySelectorAll<HTMLInputElement>('input[name=events]:checked')].map((i) => i.value) as WebhookCreateBody['events'],
        personalData: formChecked(form, 'personalData'), allowHttp: formChecked(form, 'allowHttp'), allowPrivate: formChecked(form, 'allowPrivate'),
      }
      void this.create(body)
    })
    return form
  }

  private async create(body: WebhookCreateBody) {
    const w = t().webhooks
    this.secret = null
    const outcome = await attempt(this.deps, async () => {
      const res = await apiWrite<{ secret: string }>('POST', `/api/centers/${encodeURIComponent(this.deps.center)}/webhooks`, body)
      this.secret = res.secret
      return w.created
    }, w.rules)
    if (!outcome) return
    this.outcome = outcome
    this.draft = outcome.kind === 'ok' ? null : body
    await this.refresh()
  }

  /** A button's write, then a fresh list (and its notice above the add form). */
  private async act(write: () => Promise<unknown>, text?: string) {
    try {
      await write()
      this.deps.changed()
      this.note = text ? { kind: 'ok', text } : undefined
    } catch (e) {
      if (e instanceof ApiError && e.status === 401) return this.deps.onSessionEnded(errorText(e))
      this.note = { kind: 'error', text: errorText(e) }
    }
    await this.refresh()
  }
}
