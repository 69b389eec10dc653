import type { AuditEntry, ServiceSettings } from '../common/staff-types.js'
import type { ServicePatchBody } from '../common/staff-schemas.js'
import { ApiError, apiGet } from '../web/api.js'
import { fill, h, markup } from '../web/dom.js'
import { fmt, t } from '../web/i18n.js'
import { icon } from '../web/icons.js'
import { dmy, hm } from '../web/time.js'
import { ApiValidationError, apiPatch, errorText } from './util.js'

/** Icons the pages can draw (web/icons.ts). */
const ICONS = ['family', 'stamp', 'land', 'people', 'shop', 'laptop', 'inbox', 'book', 'star', 'queue']
const FIELDS = ['nameVi', 'nameEn', 'icon', 'targetWaitMinutes', 'dailyCap', 'active'] as const
type Field = (typeof FIELDS)[number]

/**
 * The manager's settings, first slice: the services (names, icon, target wait, daily cap, active), each
 * saved on its own, and the audit trail of every change. Not refreshed by live facts: a form being typed
 * in must not be redrawn under the manager's hands.
 */
export class SettingsView {
  private root: HTMLElement | null = null
  private services: ServiceSettings[] | null = null
  private audit: AuditEntry[] = []
  private error: string | null = null
  /** per service: the last save's outcome */
  private result = new Map<string, { kind: 'ok' | 'error'; text: string; fields?: Partial<Record<Field, string>> }>()
  /** what the manager typed into a form the server refused: shown again, not the stored values */
  private drafts = new Map<string, ServicePatchBody>()

  constructor(private deps: { center: string; onSessionEnded: (message: string) => void }) {}

  mount(root: HTMLElement) {
    this.root = root
    this.render()
    void this.refresh()
  }

  async refresh(): Promise<void> {
    try {
      const c = encodeURIComponent(this.deps.center)
      const [s, a] = await Promise.all([
        apiGet<{ services: ServiceSettings[] }>(`/api/centers/${c}/settings/services`),
        apiGet<{ entries: AuditEntry[] }>(`/api/centers/${c}/audit?entity=service&limit=50`),
      ])
      this.services = s.services
      this.audit = a.entries
      this.error = null
    } catch (e) {
      if (e instanceof ApiError && e.status === 401) return this.deps.onSessionEnded(errorText(e))
      this.error = errorText(e)
    }
    this.render()
  }

  private async save(s: ServiceSettings, form: HTMLFormElement) {
    const w = t().staff
    const val = (name: string) => (form.elements.namedItem(name) as HTMLInputElement | HTMLSelectElement | null)
    const num = (name: string) => {
      const v = val(name)?.value.trim() ?? ''
      return v === '' ? null : Number(v)
    }
    const wanted: ServicePatchBody = {
      nameVi: val('nameVi')!.value, nameEn: val('nameEn')!.value, icon: val('icon')!.value,
      targetWaitMinutes: num('targetWaitMinutes') ?? Number.NaN, dailyCap: num('dailyCap'), active: (val('active') as HTMLInputElement).checked,
    }
    // send only what changed: the audit trail then says exactly what the manager did
    const patch: Record<string, unknown> = {}
    for (const f of FIELDS) if (wanted[f] !== s[f]) patch[f] = wanted[f]
    if (!Object.keys(patch).length) {
      this.result.set(s.id, { kind: 'ok', text: w.nothingChanged })
      return this.render()
    }
    const button = form.querySelector<HTMLButtonElement>('button[type=submit]')
    if (button) button.disabled = true
    try {
      const { service } = await apiPatch<{ service: ServiceSettings }>(`/api/services/${encodeURIComponent(s.id)}`, patch)
      this.result.set(s.id, { kind: 'ok', text: fmt(w.saved, { name: `${service.prefix} · ${service.nameVi}` }) })
      this.drafts.delete(s.id)
    } catch (e) {
      if (e instanceof ApiError && e.status === 401) return this.deps.onSessionEnded(errorText(e))
      const fields: Partial<Record<Field, string>> = {}
      if (e instanceof ApiValidationError) for (const d of e.details) {
        const f = d.path.replace(/^body\./, '') as Field
        // the field's own rule, in the page's language (zod's wording names types: "number >= 1")
        if ((FIELDS as readonly string[]).includes(f)) fields[f] = w.fieldRules[f]
      }
      this.result.set(s.id, { kind: 'error', text: errorText(e), fields })
      this.drafts.set(s.id, wanted)
    }
    await this.refresh()
  }

  private render() {
    const root = this.root
    if (!root || !root.isConnected) return
    const w = t().staff
    if (!this.services) {
      fill(root, this.error ? h('p', { class: 'notice error', role: 'alert' }, this.error) : h('p', { class: 'loading' }, t().pages.loading))
      return
    }
    fill(root, h('div', { class: 'settings', id: 'settings' },
      h('h1', null, w.settingsTitle),
      h('p', { class: 'muted' }, w.settingsHint),
      this.error ? h('p', { class: 'notice error', role: 'alert' }, this.error) : null,
      h('div', { class: 'svc-grid' }, ...this.services.map((s) => this.serviceForm(s))),
      this.renderAudit()))
  }

  private serviceForm(s: ServiceSettings) {
    const w = t().staff
    const r = this.result.get(s.id)
    const d = this.drafts.get(s.id) ?? {}
    const v = { ...s, ...d, targetWaitMinutes: Number.isFinite(d.targetWaitMinutes) ? d.targetWaitMinutes! : d.targetWaitMinutes === undefined ? s.targetWaitMinutes : '' }
    const id = (f: string) => `svc-${s.prefix}-${f}`
    const problem = (f: Field) => r?.fields?.[f] ? h('span', { class: 'field-error', id: id(`${f}-error`) }, r.fields[f]!) : null
    const field = (f: Field, label: string, input: HTMLElement) => h('div', { class: `field f-${f}${r?.fields?.[f] ? ' invalid' : ''}` },
      h('label', { for: id(f) }, label), input, problem(f))
    const preview = markup('span', 'icon-preview', icon(v.icon, 32))
    const iconSelect = h('select', { id: id('icon'), name: 'icon' }, ...ICONS.map((n) => h('option', { value: n, selected: n === v.icon }, n)))
    iconSelect.addEventListener('change', () => { preview.innerHTML = icon(iconSelect.value, 32) })
    const form = h('form', { class: `card svc-form${s.active ? '' : ' inactive'}`, 'data-service': s.prefix, novalidate: true },
      h('div', { class: 'svc-head' },
        h('span', { class: 'prefix' }, s.prefix), preview,
        h('h2', null, s.nameVi),
        h('label', { class: 'switch', for: id('active') },
          h('input', { type: 'checkbox', id: id('active'), name: 'active', checked: v.active }), ` ${w.fieldNames.active}`)),
      h('div', { class: 'svc-fields' },
        field('nameVi', w.fieldNames.nameVi, h('input', { id: id('nameVi'), name: 'nameVi', value: v.nameVi, maxlength: 120, required: true })),
        field('nameEn', w.fieldNames.nameEn, h('input', { id: id('nameEn'), name: 'nameEn', value: v.nameEn, maxlength: 120, required: true })),
        field('icon', w.fieldNames.icon, iconSelect),
        field('targetWaitMinutes', w.fieldNames.targetWaitMinutes, h('input', { id: id('targetWaitMinutes'), name: 'targetWaitMinutes', type: 'number', min: 1, max: 480, step: 1, value: v.targetWaitMinutes, inputmode: 'numeric' })),
        field('dailyCap', w.fieldNames.dailyCap, h('input', { id: id('dailyCap'), name: 'dailyCap', type: 'number', min: 1, max: 9999, step: 1, value: v.dailyCap ?? '', placeholder: w.noCap, inputmode: 'numeric' }))),
      h('div', { class: 'svc-foot' },
        r ? h('p', { class: `notice ${r.kind}`, role: r.kind === 'error' ? 'alert' : 'status' }, r.text) : h('span'),
        h('button', { type: 'submit', class: 'btn btn-primary', id: id('save') }, w.save)))
    form.addEventListener('submit', (ev) => { ev.preventDefault(); void this.save(s, form) })
    return form
  }

  private renderAudit() {
    const w = t().staff
    const value = (v: unknown) => (v === null || v === undefined || v === '' ? w.noneValue : v === true ? w.yes : v === false ? w.no : String(v))
    return h('section', { class: 'card audit', id: 'audit' },
      h('h2', null, w.auditTitle),
      this.audit.length ? h('table', { class: 'tbl' },
        h('thead', null, h('tr', null, ...[w.colWhen, w.colWho, w.colWhat, w.colChange].map((c) => h('th', { scope: 'col' }, c)))),
        h('tbody', null, ...this.audit.map((e) => h('tr', { 'data-entity': e.entity },
          h('td', null, `${hm(e.at)} ${dmy(e.at)}`),
          h('td', null, e.staffName ?? w.noValue),
          h('td', null, e.entityLabel ?? e.entityId),
          h('td', null, h('ul', { class: 'changes' }, ...Object.entries(e.changes).map(([f, c]) => h('li', null,
            h('strong', null, (w.fieldNames as Record<string, string>)[f] ?? f), ': ', value(c.from), ' → ', value(c.to)))))))))
        : h('p', { class: 'muted' }, w.auditEmpty))
  }
}
