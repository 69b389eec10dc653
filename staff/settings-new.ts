// The forms that add a service or a counter to the center (section "Lĩnh vực, quầy, giờ làm việc").
import type { CounterSettings, ServiceSettings } from '../common/staff-types.js'
import type { CounterCreateBody, ServiceCreateBody } from '../common/staff-schemas.js'
import { h } from '../web/dom.js'
import { fmt, t } from '../web/i18n.js'
import { apiWrite } from './util.js'
import { attempt, fieldEl, formValue, noticeEl, typedNumber, type Outcome, type PanelDeps } from './settings-form.js'

/** Icons the pages can draw (web/icons.ts). */
export const ICONS = ['family', 'stamp', 'land', 'people', 'shop', 'laptop', 'inbox', 'book', 'star', 'queue']

export type ServiceDraft = { prefix: string; nameVi: string; nameEn: string; icon: string; targetWaitMinutes: string; dailyCap: string }
export type CounterDraft = { number: string; name: string; tiers: Record<string, 0 | 1 | 2> }

/** What a form of this file keeps between draws: the last save's outcome and what was typed when refused. */
export interface NewFormState<D> { outcome?: Outcome; draft?: D }

/** A saved form: redraw with the fresh lists (the kiosk already shows the change). */
type Saved = () => Promise<void>

export function newServiceForm(deps: PanelDeps, state: NewFormState<ServiceDraft>, saved: Saved): HTMLFormElement {
  const a = t().admin
  const w = t().staff
  const r = state.outcome
  const v: ServiceDraft = state.draft ?? { prefix: '', nameVi: '', nameEn: '', icon: 'queue', targetWaitMinutes: '15', dailyCap: '' }
  const id = (f: string) => `svc-new-${f}`
  const form = h('form', { class: 'card svc-form svc-new', id: 'svc-new', novalidate: true },
    h('div', { class: 'svc-head' }, h('h2', null, a.newService)),
    h('div', { class: 'svc-fields' },
      fieldEl(id('prefix'), 'prefix', w.fieldNames.prefix, h('input', { id: id('prefix'), name: 'prefix', value: v.prefix, maxlength: 2, autocomplete: 'off', class: 'prefix-input', 'aria-describedby': id('prefix-hint') }), r),
      fieldEl(id('nameVi'), 'nameVi', w.fieldNames.nameVi, h('input', { id: id('nameVi'), name: 'nameVi', value: v.nameVi, maxlength: 120 }), r),
      fieldEl(id('nameEn'), 'nameEn', w.fieldNames.nameEn, h('input', { id: id('nameEn'), name: 'nameEn', value: v.nameEn, maxlength: 120 }), r),
      fieldEl(id('icon'), 'icon', w.fieldNames.icon, h('select', { id: id('icon'), name: 'icon' }, ...ICONS.map((n) => h('option', { value: n, selected: n === v.icon }, n))), r),
      fieldEl(id('targetWaitMinutes'), 'targetWaitMinutes', w.fieldNames.targetWaitMinutes, h('input', { id: id('targetWaitMinutes'), name: 'targetWaitMinutes', type: 'number', min: 1, max: 480, step: 1, inputmode: 'numeric', value: v.targetWaitMinutes }), r),
      fieldEl(id('dailyCap'), 'dailyCap', w.fieldNames.dailyCap, h('input', { id: id('dailyCap'), name: 'dailyCap', type: 'number', min: 1, max: 9999, step: 1, inputmode: 'numeric', value: v.dailyCap, placeholder: w.noCap }), r)),
    h('p', { class: 'muted small', id: id('prefix-hint') }, a.prefixHint),
    h('div', { class: 'svc-foot' }, noticeEl(r), h('button', { type: 'submit', class: 'btn btn-primary', id: id('save') }, w.create)))
  form.addEventListener('submit', (ev) => {
    ev.preventDefault()
    const typed: ServiceDraft = { prefix: formValue(form, 'prefix'), nameVi: formValue(form, 'nameVi'), nameEn: formValue(form, 'nameEn'), icon: formValue(form, 'icon'),
      targetWaitMinutes: formValue(form, 'targetWaitMinutes'), dailyCap: formValue(form, 'dailyCap') }
    const body: ServiceCreateBody = { prefix: typed.prefix, nameVi: typed.nameVi, nameEn: typed.nameEn, icon: typed.icon,
      targetWaitMinutes: typedNumber(typed.targetWaitMinutes), dailyCap: typed.dailyCap.trim() ? typedNumber(typed.dailyCap) : null }
    form.querySelector<HTMLButtonElement>('button[type=submit]')!.disabled = true
    void attempt(deps, async () => {
      const { service } = await apiWrite<{ service: ServiceSettings }>('POST', `/api/centers/${encodeURIComponent(deps.center)}/services`, body)
      return fmt(w.createdOk, { name: `${service.prefix} · ${service.nameVi}` })
    }, { ...w.fieldRules, ...a.fieldRules }).then(async (outcome) => {
      if (!outcome) return
      state.outcome = outcome
      state.draft = outcome.kind === 'ok' ? undefined : typed
      await saved()
    })
  })
  return form
}

export function newCounterForm(deps: PanelDeps, services: ServiceSettings[], state: NewFormState<CounterDraft>, saved: Saved): HTMLFormElement {
  const a = t().admin
  const w = t().staff
  const r = state.outcome
  const v: CounterDraft = state.draft ?? { number: '', name: '', tiers: {} }
  const id = (f: string) => `ctr-new-${f}`
  const tierField = r?.fields?.primary ? 'primary' : r?.fields?.backup ? 'backup' : null
  const form = h('form', { class: 'card svc-form ctr-form ctr-new', id: 'ctr-new', novalidate: true },
    h('div', { class: 'svc-head' }, h('h2', null, a.newCounter)),
    h('div', { class: 'svc-fields' },
      fieldEl(id('number'), 'number', w.fieldNames.number, h('input', { id: id('number'), name: 'number', type: 'number', min: 1, max: 999, step: 1, inputmode: 'numeric', value: v.number }), r),
      fieldEl(id('name'), 'name', w.fieldNames.name, h('input', { id: id('name'), name: 'name', value: v.name, maxlength: 60 }), r)),
    h('fieldset', { class: `field tiers${tierField ? ' invalid' : ''}`, id: id('tiers') },
      h('legend', null, `${w.fieldNames.primary} / ${w.fieldNames.backup}`),
      h('div', { class: 'tier-grid' }, ...services.filter((s) => s.active).map((s) => h('label', { class: 'tier-row', for: id(`svc-${s.prefix}`) },
        h('span', null, `${s.prefix} · ${s.nameVi}`),
        h('select', { id: id(`svc-${s.prefix}`), name: `svc-${s.id}`, 'data-service': s.prefix },
          ...([[0, w.tierNone], [1, w.tierPrimary], [2, w.tierBackup]] as const).map(([n, label]) => h('option', { value: n, selected: (v.tiers[s.id] ?? 0) === n }, label)))))),
      tierField ? h('span', { class: 'field-error', id: id('tiers-error') }, r!.fields![tierField]!) : null),
    h('div', { class: 'svc-foot' }, noticeEl(r), h('button', { type: 'submit', class: 'btn btn-primary', id: id('save') }, w.create)))
  form.addEventListener('submit', (ev) => {
    ev.preventDefault()
    const tiers: Record<string, 0 | 1 | 2> = {}
    for (const s of services.filter((x) => x.active)) tiers[s.id] = Number(formValue(form, `svc-${s.id}`)) as 0 | 1 | 2
    const typed: CounterDraft = { number: formValue(form, 'number'), name: formValue(form, 'name'), tiers }
    const pick = (tier: 1 | 2) => Object.keys(tiers).filter((sid) => tiers[sid] === tier)
    const body: CounterCreateBody = { number: typedNumber(typed.number), name: typed.name, services: { primary: pick(1), backup: pick(2) } }
    form.querySelector<HTMLButtonElement>('button[type=submit]')!.disabled = true
    void attempt(deps, async () => {
      const { counter } = await apiWrite<{ counter: CounterSettings }>('POST', `/api/centers/${encodeURIComponent(deps.center)}/counters`, body)
      return fmt(w.createdOk, { name: fmt(w.counterLabel, { n: counter.number }) })
    }, { ...w.fieldRules, ...a.fieldRules }, (f) => f === 'services' ? 'primary' : f).then(async (outcome) => {
      if (!outcome) return
      state.outcome = outcome
      state.draft = outcome.kind === 'ok' ? undefined : typed
      await saved()
    })
  })
  return form
}
