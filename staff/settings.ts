import type { AuditEntry, CenterSettings, CounterSettings, ServiceSettings, WeekHours } from '../common/staff-types.js'
import type { StaffView } from '../common/types.js'
import type { CenterSettingsPatchBody, CounterPatchBody, ServicePatchBody } from '../common/staff-schemas.js'
import { ApiError, apiGet } from '../web/api.js'
import { fill, h, markup } from '../web/dom.js'
import { fmt, t } from '../web/i18n.js'
import { icon } from '../web/icons.js'
import { dmy, hm } from '../web/time.js'
import { ApiValidationError, apiPatch, apiWrite, errorText } from './util.js'
import { attempt, auditValue, fieldLabel, noticeEl, typedNumber, type Outcome, type PanelDeps } from './settings-form.js'
import { ProceduresPanel } from './settings-procedures.js'
import { GroupsPanel } from './settings-groups.js'
import { StaffPanel } from './settings-staff.js'
import { CalendarPanel } from './settings-calendar.js'
import { AppointmentsPanel } from './settings-appointments.js'
import { CentersPanel } from './settings-centers.js'
import { WebhooksPanel } from './settings-webhooks.js'
import { NotificationsPanel } from './settings-notifications.js'
import { TokensPanel } from './settings-tokens.js'
import { VoicePanel } from './settings-voice.js'
import { auditSection, hoursText, parseHours } from './settings-audit.js'
export { hoursText, parseHours } from './settings-audit.js'
import { ICONS, newCounterForm, newServiceForm, type CounterDraft, type NewFormState, type ServiceDraft } from './settings-new.js'
const FIELDS = ['nameVi', 'nameEn', 'icon', 'targetWaitMinutes', 'dailyCap', 'active'] as const
type Field = (typeof FIELDS)[number]
const DAYS = ['1', '2', '3', '4', '5', '6', '7'] as const
type TierChoice = 0 | 1 | 2
const PANELS = ['centers', 'general', 'procedures', 'groups', 'staff', 'calendar', 'appointments', 'voice', 'webhooks', 'notifications', 'tokens'] as const
type Panel = (typeof PANELS)[number]

/**
 * The manager's settings, in sections: services, counters, hours (this file); procedures, priority groups,
 * staff accounts, holidays (settings-*.ts); below each, the change log. Each form is saved on its own. Not
 * refreshed by live facts: a form being typed in must not be redrawn under the manager's hands.
 */
export class SettingsView {
  private root: HTMLElement | null = null
  private panelBox: HTMLElement | null = null
  private auditBox: HTMLElement | null = null
  private panel: Panel = 'general'
  private panels: { procedures: ProceduresPanel; groups: GroupsPanel; staff: StaffPanel; calendar: CalendarPanel; appointments: AppointmentsPanel; centers: CentersPanel; webhooks: WebhooksPanel; notifications: NotificationsPanel; tokens: TokensPanel; voice: VoicePanel }
  private services: ServiceSettings[] | null = null
  private audit: AuditEntry[] = []
  private error: string | null = null
  /** per service: the last save's outcome */
  private result = new Map<string, { kind: 'ok' | 'error'; text: string; fields?: Partial<Record<Field, string>> }>()
  /** what the manager typed into a form the server refused: shown again, not the stored values */
  private drafts = new Map<string, ServicePatchBody>()
  private counters: CounterSettings[] = []
  private center: CenterSettings | null = null
  /** per counter, and 'center' for the hours form: the last save's outcome and what was typed when refused */
  private outcomes = new Map<string, Outcome>()
  private counterDrafts = new Map<string, { name: string; tiers: Record<string, TierChoice>; active: boolean }>()
  private centerDraft: { days: Record<string, string>; ticketCutoff: string; announcementTemplate: string; pauseAlertMinutes: string; dossierPrefix: string } | null = null
  /** the forms adding a service or a counter, the service whose deletion asks to confirm, the last reorder's or deletion's outcome */
  private newService: NewFormState<ServiceDraft> = {}
  private newCounter: NewFormState<CounterDraft> = {}
  private confirmDelete: string | null = null
  private servicesOutcome: Outcome | undefined

  private panelDeps: PanelDeps

  constructor(private deps: { center: string; me: StaffView; onSessionEnded: (message: string) => void }) {
    const panelDeps: PanelDeps = { center: deps.center, onSessionEnded: deps.onSessionEnded, changed: () => void this.refreshAudit() }
    this.panels = { procedures: new ProceduresPanel(panelDeps), groups: new GroupsPanel(panelDeps), staff: new StaffPanel(panelDeps, deps.me), calendar: new CalendarPanel(panelDeps), appointments: new AppointmentsPanel(panelDeps), centers: new CentersPanel(panelDeps), webhooks: new WebhooksPanel(panelDeps, deps.me), notifications: new NotificationsPanel(panelDeps), tokens: new TokensPanel(panelDeps), voice: new VoicePanel(panelDeps) }
    this.panelDeps = panelDeps
  }

  mount(root: HTMLElement) {
    this.root = root
    const w = t().staff
    this.panelBox = h('div', { id: 'settings-panel' })
    this.auditBox = h('div', { id: 'settings-audit' })
    // the centers of the install are the admin's (a manager works in their own)
    const panels = PANELS.filter((p) => p !== 'centers' || this.deps.me.role === 'admin')
    const nav = h('nav', { class: 'subnav', 'aria-label': w.settingsNavLabel }, ...panels.map((p) => h('button', {
      type: 'button', class: `subtab${p === this.panel ? ' active' : ''}`, id: `set-${p}`, 'aria-current': p === this.panel ? 'true' : null,
      onclick: () => { this.panel = p; this.mount(root) },
    }, w.settingsNav[p])))
    fill(root, h('div', { class: 'settings', id: 'settings' }, nav, this.panelBox, this.auditBox))
    // forms appear once, with fresh values: drawing the last visit's values first and redrawing them when
    // the fetch lands would wipe whatever the manager had started to change in between
    this.services = null
    if (this.panel !== 'general') this.panels[this.panel].mount(this.panelBox)
    this.render()
    void this.refresh()
  }

  /** The change log only: a section saved something. */
  async refreshAudit(): Promise<void> {
    try {
      this.audit = (await apiGet<{ entries: AuditEntry[] }>(`/api/centers/${encodeURIComponent(this.deps.center)}/audit?entity=settings&limit=50`)).entries
    } catch { /* the next full refresh shows it */ }
    this.renderAudit()
  }

  async refresh(): Promise<void> {
    try {
      const c = encodeURIComponent(this.deps.center)
      const [s, cs, ce, a] = await Promise.all([
        apiGet<{ services: ServiceSettings[] }>(`/api/centers/${c}/settings/services`),
        apiGet<{ counters: CounterSettings[] }>(`/api/centers/${c}/settings/counters`),
        apiGet<{ center: CenterSettings }>(`/api/centers/${c}/settings/center`),
        // setting changes only (not counter openings nor ticket calls)
        apiGet<{ entries: AuditEntry[] }>(`/api/centers/${c}/audit?entity=settings&limit=50`),
      ])
      this.services = s.services
      this.counters = cs.counters
      this.center = ce.center
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

  /** The general section (when shown) and the change log. */
  private render() {
    this.renderAudit()
    const root = this.panelBox
    if (!root || !root.isConnected || this.panel !== 'general') return
    const w = t().staff
    if (!this.services) {
      fill(root, this.error ? h('p', { class: 'notice error', role: 'alert' }, this.error) : h('p', { class: 'loading' }, t().pages.loading))
      return
    }
    fill(root, h('section', { class: 'settings-panel', id: 'general' },
      h('h1', null, w.settingsTitle),
      h('p', { class: 'muted' }, w.settingsHint),
      this.error ? h('p', { class: 'notice error', role: 'alert' }, this.error) : null,
      this.servicesOutcome ? noticeEl(this.servicesOutcome) : null,
      h('div', { class: 'svc-grid', id: 'svc-list' }, ...this.services.map((s, i) => this.serviceForm(s, i)),
        newServiceForm(this.panelDeps, this.newService, () => this.refresh())),
      h('h2', { class: 'settings-sub' }, w.counterSettingsTitle),
      h('p', { class: 'muted' }, w.countersHint),
      h('div', { class: 'svc-grid', id: 'ctr-list' }, ...this.counters.map((c) => this.counterForm(c)),
        newCounterForm(this.panelDeps, this.services, this.newCounter, () => this.refresh())),
      this.center ? this.hoursForm(this.center) : null))
  }

  /** Moves a service one place up or down on the kiosk (the whole order is sent). */
  private async move(s: ServiceSettings, by: -1 | 1) {
    const ids = (this.services ?? []).map((x) => x.id)
    const i = ids.indexOf(s.id)
    if (i + by < 0 || i + by >= ids.length) return
    ;[ids[i], ids[i + by]] = [ids[i + by]!, ids[i]!]
    const outcome = await attempt(this.panelDeps, async () => {
      await apiWrite('PUT', `/api/centers/${encodeURIComponent(this.deps.center)}/settings/service-order`, { serviceIds: ids })
      return t().admin.orderSaved
    }, {})
    if (!outcome) return
    this.servicesOutcome = outcome
    await this.refresh()
    document.getElementById(`svc-${s.prefix}-${by < 0 ? 'up' : 'down'}`)?.focus()
  }

  private async remove(s: ServiceSettings) {
    const outcome = await attempt(this.panelDeps, async () => {
      await apiWrite('DELETE', `/api/services/${encodeURIComponent(s.id)}`)
      return fmt(t().admin.deletedOk, { name: `${s.prefix} · ${s.nameVi}` })
    }, {})
    if (!outcome) return
    this.servicesOutcome = outcome
    this.confirmDelete = null
    await this.refresh()
  }

  private serviceForm(s: ServiceSettings, index: number) {
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
    const a = t().admin
    const last = index === (this.services?.length ?? 0) - 1
    const form = h('form', { class: `card svc-form${s.active ? '' : ' inactive'}`, 'data-service': s.prefix, novalidate: true },
      h('div', { class: 'svc-head' },
        h('span', { class: 'prefix' }, s.prefix), preview,
        h('h2', null, s.nameVi),
        h('span', { class: 'order-buttons' },
          h('button', { type: 'button', class: 'btn btn-small', id: id('up'), disabled: index === 0, 'aria-label': fmt(a.moveUp, { name: s.nameVi }), title: fmt(a.moveUp, { name: s.nameVi }), onclick: () => void this.move(s, -1) }, '↑'),
          h('button', { type: 'button', class: 'btn btn-small', id: id('down'), disabled: last, 'aria-label': fmt(a.moveDown, { name: s.nameVi }), title: fmt(a.moveDown, { name: s.nameVi }), onclick: () => void this.move(s, 1) }, '↓')),
        h('label', { class: 'switch', for: id('active') },
          h('input', { type: 'checkbox', id: id('active'), name: 'active', checked: v.active }), ` ${w.fieldNames.active}`)),
      s.active ? null : h('p', { class: 'muted small inactive-note' }, a.inactiveNote),
      h('div', { class: 'svc-fields' },
        field('nameVi', w.fieldNames.nameVi, h('input', { id: id('nameVi'), name: 'nameVi', value: v.nameVi, maxlength: 120, required: true })),
        field('nameEn', w.fieldNames.nameEn, h('input', { id: id('nameEn'), name: 'nameEn', value: v.nameEn, maxlength: 120, required: true })),
        field('icon', w.fieldNames.icon, iconSelect),
        field('targetWaitMinutes', w.fieldNames.targetWaitMinutes, h('input', { id: id('targetWaitMinutes'), name: 'targetWaitMinutes', type: 'number', min: 1, max: 480, step: 1, value: v.targetWaitMinutes, inputmode: 'numeric' })),
        field('dailyCap', w.fieldNames.dailyCap, h('input', { id: id('dailyCap'), name: 'dailyCap', type: 'number', min: 1, max: 9999, step: 1, value: v.dailyCap ?? '', placeholder: w.noCap, inputmode: 'numeric' }))),
      this.confirmDelete === s.id ? h('div', { class: 'confirm-box', role: 'group' },
        h('p', null, fmt(a.confirmDeleteService, { name: `${s.prefix} · ${s.nameVi}` })),
        h('div', { class: 'row-actions' },
          h('button', { type: 'button', class: 'btn btn-danger', id: id('confirm-delete'), onclick: () => void this.remove(s) }, a.deleteService),
          h('button', { type: 'button', class: 'btn', onclick: () => { this.confirmDelete = null; this.render() } }, a.cancel))) : null,
      h('div', { class: 'svc-foot' },
        r ? h('p', { class: `notice ${r.kind}`, role: r.kind === 'error' ? 'alert' : 'status' }, r.text) : h('span'),
        h('div', { class: 'row-actions' },
          // deleting is for a service nothing names (a mistake just made); the others are deactivated
          s.deletable ? h('button', { type: 'button', class: 'btn btn-danger-outline', id: id('delete'), onclick: () => { this.confirmDelete = s.id; this.render() } }, a.deleteService)
            : null,
          h('button', { type: 'submit', class: 'btn btn-primary', id: id('save') }, w.save))))
    form.addEventListener('submit', (ev) => { ev.preventDefault(); void this.save(s, form) })
    return form
  }

  private fieldErrors(e: unknown, map: (path: string) => string | null, rules: Record<string, string>): Record<string, string> {
    const fields: Record<string, string> = {}
    if (e instanceof ApiValidationError) for (const d of e.details) {
      const f = map(d.path)
      if (f && rules[f]) fields[f] = rules[f]
    }
    return fields
  }

  private async submit(key: string, send: () => Promise<string>, fields: (e: unknown) => Record<string, string>, keepDraft: () => void) {
    try {
      this.outcomes.set(key, { kind: 'ok', text: await send() })
      if (key === 'center') this.centerDraft = null
      else this.counterDrafts.delete(key)
    } catch (e) {
      if (e instanceof ApiError && e.status === 401) return this.deps.onSessionEnded(errorText(e))
      this.outcomes.set(key, { kind: 'error', text: errorText(e), fields: fields(e) })
      keepDraft()
    }
    await this.refresh()
  }

  private counterForm(c: CounterSettings) {
    const w = t().staff
    const r = this.outcomes.get(c.id)
    const stored: Record<string, TierChoice> = {}
    for (const id of c.primary) stored[id] = 1
    for (const id of c.backup) stored[id] = 2
    const d = this.counterDrafts.get(c.id) ?? { name: c.name, tiers: stored, active: c.active }
    const id = (f: string) => `ctr-${c.number}-${f}`
    const problem = (f: string) => r?.fields?.[f] ? h('span', { class: 'field-error', id: id(`${f}-error`) }, r.fields[f]!) : null
    const tierField = r?.fields?.primary ? 'primary' : r?.fields?.backup ? 'backup' : null
    const form = h('form', { class: `card svc-form ctr-form${c.active ? '' : ' inactive'}`, 'data-counter': c.number, novalidate: true },
      h('div', { class: 'svc-head' }, h('span', { class: 'prefix' }, String(c.number)), h('h2', null, fmt(w.counterLabel, { n: c.number })),
        h('span', { class: `badge status-${c.status}` }, w.status[c.status]),
        h('label', { class: 'switch', for: id('active') },
          h('input', { type: 'checkbox', id: id('active'), name: 'active', checked: d.active }), ` ${t().admin.counterActive}`)),
      c.active ? null : h('p', { class: 'muted small inactive-note' }, t().admin.counterInactiveNote),
      h('div', { class: `field f-name${r?.fields?.name ? ' invalid' : ''}` },
        h('label', { for: id('name') }, w.fieldNames.name), h('input', { id: id('name'), name: 'name', value: d.name, maxlength: 60 }), problem('name')),
      h('fieldset', { class: `field tiers${tierField ? ' invalid' : ''}`, id: id('tiers') },
        h('legend', null, `${w.fieldNames.primary} / ${w.fieldNames.backup}`),
        h('div', { class: 'tier-grid' }, ...(this.services ?? []).map((s) => h('label', { class: 'tier-row', for: id(`svc-${s.prefix}`) },
          h('span', null, `${s.prefix} · ${s.nameVi}`),
          h('select', { id: id(`svc-${s.prefix}`), name: `svc-${s.id}`, 'data-service': s.prefix },
            ...([[0, w.tierNone], [1, w.tierPrimary], [2, w.tierBackup]] as const).map(([v, label]) => h('option', { value: v, selected: (d.tiers[s.id] ?? 0) === v }, label)))))),
        tierField ? problem(tierField) : null),
      h('div', { class: 'svc-foot' },
        r ? h('p', { class: `notice ${r.kind}`, role: r.kind === 'error' ? 'alert' : 'status' }, r.text) : h('span'),
        h('button', { type: 'submit', class: 'btn btn-primary', id: id('save') }, w.save)))
    form.addEventListener('submit', (ev) => {
      ev.preventDefault()
      const name = (form.elements.namedItem('name') as HTMLInputElement).value
      const tiers: Record<string, TierChoice> = {}
      for (const s of this.services ?? []) tiers[s.id] = Number((form.elements.namedItem(`svc-${s.id}`) as HTMLSelectElement).value) as TierChoice
      const pick = (tier: TierChoice) => (this.services ?? []).filter((s) => tiers[s.id] === tier).map((s) => s.id)
      const active = (form.elements.namedItem('active') as HTMLInputElement).checked
      const patch: CounterPatchBody = {}
      if (active !== c.active) patch.active = active
      if (name.trim() !== c.name) patch.name = name
      const [primary, backup] = [pick(1), pick(2)]
      const same = (a: string[], b: string[]) => a.length === b.length && a.every((x) => b.includes(x))
      if (!same(primary, c.primary) || !same(backup, c.backup)) patch.services = { primary, backup }
      if (!Object.keys(patch).length) {
        this.outcomes.set(c.id, { kind: 'ok', text: w.nothingChanged })
        return this.render()
      }
      const button = form.querySelector<HTMLButtonElement>('button[type=submit]')
      if (button) button.disabled = true
      void this.submit(c.id, async () => {
        const { counter } = await apiPatch<{ counter: CounterSettings }>(`/api/counters/${encodeURIComponent(c.id)}`, patch)
        return fmt(w.saved, { name: fmt(w.counterLabel, { n: counter.number }) })
      }, (e) => this.fieldErrors(e, (p) => p === 'body.name' ? 'name' : p.startsWith('body.services.primary') ? 'primary' : p.startsWith('body.services') ? 'backup' : null, w.fieldRules),
      () => this.counterDrafts.set(c.id, { name, tiers, active }))
    })
    return form
  }

  private hoursForm(center: CenterSettings) {
    const w = t().staff
    const r = this.outcomes.get('center')
    const d = this.centerDraft ?? {
      days: Object.fromEntries(DAYS.map((day) => [day, hoursText(center.openingHours[day])])),
      ticketCutoff: center.ticketCutoff ?? '', announcementTemplate: center.announcementTemplate, pauseAlertMinutes: String(center.pauseAlertMinutes),
      dossierPrefix: center.dossierPrefix,
    }
    const problem = (f: string) => r?.fields?.[f] ? h('span', { class: 'field-error', id: `${f}-error` }, r.fields[f]!) : null
    const field = (f: string, label: string, input: HTMLElement) => h('div', { class: `field f-${f}${r?.fields?.[f] ? ' invalid' : ''}` },
      h('label', { for: f }, label), input, problem(f))
    const form = h('form', { class: 'card hours-form', id: 'hours-form', novalidate: true },
      h('h2', null, w.hoursTitle),
      h('p', { class: 'muted' }, w.hoursHint),
      h('div', { class: 'hours-grid' }, ...DAYS.map((day, i) => field(`day${day}`, w.weekdays[i]!,
        h('input', { id: `day${day}`, name: `day${day}`, value: d.days[day] ?? '', placeholder: w.closedLabel, autocomplete: 'off' })))),
      h('div', { class: 'svc-fields' },
        field('ticketCutoff', w.fieldNames.ticketCutoff, h('input', { id: 'ticketCutoff', name: 'ticketCutoff', value: d.ticketCutoff, placeholder: 'HH:MM', maxlength: 5, inputmode: 'numeric' })),
        field('announcementTemplate', w.fieldNames.announcementTemplate, h('input', { id: 'announcementTemplate', name: 'announcementTemplate', value: d.announcementTemplate, maxlength: 200 })),
        field('pauseAlertMinutes', w.fieldNames.pauseAlertMinutes, h('input', { id: 'pauseAlertMinutes', name: 'pauseAlertMinutes', type: 'number', min: 1, max: 480, step: 1, inputmode: 'numeric', value: d.pauseAlertMinutes, 'aria-describedby': 'pauseAlertHint' }))),
      h('p', { class: 'muted small', id: 'pauseAlertHint' }, w.pauseAlertHint),
      // W3 (issue 21): the agency identifier of dossier codes (Art. 28)
      h('div', { class: 'svc-fields' },
        field('dossierPrefix', w.agencyIdLabel, h('input', { id: 'dossierPrefix', name: 'dossierPrefix', value: d.dossierPrefix, maxlength: 20, autocomplete: 'off', spellcheck: 'false', 'aria-describedby': 'agencyIdHint' }))),
      h('p', { class: 'muted small', id: 'agencyIdHint' }, w.agencyIdHint),
      h('div', { class: 'svc-foot' },
        r ? h('p', { class: `notice ${r.kind}`, role: r.kind === 'error' ? 'alert' : 'status' }, r.text) : h('span'),
        h('button', { type: 'submit', class: 'btn btn-primary', id: 'hours-save' }, w.save)))
    form.addEventListener('submit', (ev) => {
      ev.preventDefault()
      const val = (n: string) => (form.elements.namedItem(n) as HTMLInputElement).value
      const typed = { days: Object.fromEntries(DAYS.map((day) => [day, val(`day${day}`)])), ticketCutoff: val('ticketCutoff').trim(), announcementTemplate: val('announcementTemplate'), pauseAlertMinutes: val('pauseAlertMinutes'), dossierPrefix: val('dossierPrefix') }
      const patch: CenterSettingsPatchBody = {}
      const hours: WeekHours = {}
      for (const day of DAYS) if (typed.days[day]!.replace(/\s|–/g, (m) => m === '–' ? '-' : '') !== hoursText(center.openingHours[day]).replace(/\s/g, '')) hours[day] = parseHours(typed.days[day]!)
      if (Object.keys(hours).length) patch.openingHours = hours
      if ((typed.ticketCutoff || null) !== center.ticketCutoff) patch.ticketCutoff = typed.ticketCutoff || null
      if (typed.announcementTemplate.trim() !== center.announcementTemplate) patch.announcementTemplate = typed.announcementTemplate
      const pause = typedNumber(typed.pauseAlertMinutes)
      if (pause !== center.pauseAlertMinutes) patch.pauseAlertMinutes = pause
      if (typed.dossierPrefix.trim().toUpperCase() !== center.dossierPrefix) patch.dossierPrefix = typed.dossierPrefix
      if (!Object.keys(patch).length) {
        this.outcomes.set('center', { kind: 'ok', text: w.nothingChanged })
        return this.render()
      }
      const button = form.querySelector<HTMLButtonElement>('button[type=submit]')
      if (button) button.disabled = true
      const rules: Record<string, string> = { ...Object.fromEntries(DAYS.map((day) => [`day${day}`, w.fieldRules.hours])), ticketCutoff: w.fieldRules.ticketCutoff, announcementTemplate: w.fieldRules.announcementTemplate, pauseAlertMinutes: w.fieldRules.pauseAlertMinutes, dossierPrefix: w.agencyIdRule }
      void this.submit('center', async () => {
        await apiPatch<{ center: CenterSettings }>(`/api/centers/${encodeURIComponent(this.deps.center)}/settings/center`, patch)
        return fmt(w.saved, { name: w.hoursTitle })
      }, (e) => this.fieldErrors(e, (p) => {
        const m = /^body\.openingHours\.([1-7])/.exec(p)
        return m ? `day${m[1]}` : (['ticketCutoff', 'announcementTemplate', 'pauseAlertMinutes', 'dossierPrefix'] as const).find((f) => p === `body.${f}`) ?? null
      }, rules), () => { this.centerDraft = typed })
    })
    return form
  }

  private renderAudit() {
    const box = this.auditBox
    if (!box?.isConnected) return
    fill(box, auditSection(this.audit, this.services ?? []))
  }
}
