import type { AppointmentServiceRules } from '../common/appointment-types.js'
import { ApiError, apiGet } from '../web/api.js'
import { fill, h } from '../web/dom.js'
import { fmt, t } from '../web/i18n.js'
import { apiWrite, errorText, serviceName } from './util.js'
import { attempt, noticeEl, type Outcome, type PanelDeps } from './settings-form.js'

/**
 * Appointments (issue 24): per service, which weekdays take bookings, the slot length and how many people
 * a slot takes. One form per service, saved on its own (PUT replaces the service's rules; audited).
 */
export class AppointmentsPanel {
  private root: HTMLElement | null = null
  private services: AppointmentServiceRules[] | null = null
  private error: string | null = null
  private outcomes = new Map<string, Outcome>()

  constructor(private deps: PanelDeps) {}

  mount(root: HTMLElement) {
    this.root = root
    this.services = null
    this.outcomes.clear()
    this.render()
    void this.refresh()
  }

  private base() {
    return `/api/centers/${encodeURIComponent(this.deps.center)}/appointment-rules`
  }

  async refresh() {
    try {
      this.services = (await apiGet<{ services: AppointmentServiceRules[] }>(this.base())).services
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
    const a = t().appointments
    fill(root, h('section', { class: 'settings-panel', id: 'appointments' },
      h('h1', null, a.settingsTitle),
      h('p', { class: 'muted' }, a.settingsIntro),
      this.error ? h('p', { class: 'notice error', role: 'alert' }, this.error) : null,
      !this.services ? h('p', { class: 'loading' }, t().pages.loading) : h('div', { class: 'appt-rule-list' }, ...this.services.map((s) => this.form(s)))))
  }

  private form(s: AppointmentServiceRules): HTMLFormElement {
    const a = t().appointments
    const id = (x: string) => `appt-${s.prefix}-${x}`
    const rows = [1, 2, 3, 4, 5, 6, 7].map((wd) => {
      const rule = s.rules.find((r) => r.weekday === wd)
      return h('tr', { 'data-weekday': wd },
        h('th', { scope: 'row' }, a.weekdays[wd - 1]!),
        h('td', null, h('input', { type: 'checkbox', name: `on-${wd}`, id: id(`on-${wd}`), checked: !!rule, 'aria-label': `${a.offers}: ${a.weekdays[wd - 1]}` })),
        h('td', null, h('input', { type: 'number', name: `min-${wd}`, id: id(`min-${wd}`), min: 5, max: 240, step: 5, value: rule?.slotMinutes ?? 30, class: 'num', 'aria-label': `${a.slotMinutes}: ${a.weekdays[wd - 1]}` })),
        h('td', null, h('input', { type: 'number', name: `cap-${wd}`, id: id(`cap-${wd}`), min: 1, max: 100, value: rule?.capacity ?? 2, class: 'num', 'aria-label': `${a.capacity}: ${a.weekdays[wd - 1]}` })))
    })
    const form = h('form', { class: 'card appt-rules', id: id('form'), 'data-service': s.prefix, novalidate: true },
      h('h2', null, `${s.prefix} · ${serviceName(s)}`, ' ', h('span', { class: 'muted small' }, s.rules.length ? '' : a.none)),
      s.dailyCap ? h('p', { class: 'muted small' }, fmt(a.capShared, { cap: s.dailyCap })) : null,
      h('table', { class: 'tbl' },
        h('thead', null, h('tr', null, ...['', a.offers, a.slotMinutes, a.capacity].map((c) => h('th', { scope: 'col' }, c)))),
        h('tbody', null, ...rows)),
      h('div', { class: 'svc-foot' }, noticeEl(this.outcomes.get(s.id)), h('button', { type: 'submit', class: 'btn btn-primary', id: id('save') }, a.save)))
    form.addEventListener('submit', (ev) => {
      ev.preventDefault()
      const value = (n: string) => Number((form.elements.namedItem(n) as HTMLInputElement).value)
      const rules = [1, 2, 3, 4, 5, 6, 7].filter((wd) => (form.elements.namedItem(`on-${wd}`) as HTMLInputElement).checked)
        .map((wd) => ({ weekday: wd, slotMinutes: value(`min-${wd}`), capacity: value(`cap-${wd}`) }))
      form.querySelector<HTMLButtonElement>('button[type=submit]')!.disabled = true
      void (async () => {
        const outcome = await attempt(this.deps, async () => {
          this.services = (await apiWrite<{ services: AppointmentServiceRules[] }>('PUT', `${this.base()}/${s.id}`, { rules })).services
          return fmt(a.saved, { name: `${s.prefix} · ${serviceName(s)}` })
        }, {})
        if (!outcome) return
        // a refusal names the rule broken: the slot length or the capacity
        if (outcome.kind === 'error') outcome.text = `${outcome.text} ${a.rules.slotMinutes} ${a.rules.capacity}`
        this.outcomes.set(s.id, outcome)
        if (outcome.kind === 'error') await this.refresh()
        else this.render()
      })()
    })
    return form
  }
}
