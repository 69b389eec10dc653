import type { PriorityGroupSettings } from '../common/staff-types.js'
import type { PriorityGroupCreateBody, PriorityGroupPatchBody } from '../common/staff-schemas.js'
import { ApiError, apiGet } from '../web/api.js'
import { fill, h } from '../web/dom.js'
import { fmt, t } from '../web/i18n.js'
import { apiWrite, errorText } from './util.js'
import { attempt, fieldEl, formChecked, formValue, noticeEl, typedNumber, type Outcome, type PanelDeps } from './settings-form.js'

type Values = Required<PriorityGroupCreateBody>
const FIELDS = ['nameVi', 'nameEn', 'bonusMinutes', 'active'] as const
const NEW = 'new'

/** Priority groups: one small form per group (names, bonus minutes, active), and one to add a group. */
export class GroupsPanel {
  private root: HTMLElement | null = null
  private groups: PriorityGroupSettings[] | null = null
  private error: string | null = null
  /** per group id (and 'new'): the last save's outcome, and what was typed when it was refused */
  private outcomes = new Map<string, Outcome>()
  private drafts = new Map<string, Values>()

  constructor(private deps: PanelDeps) {}

  mount(root: HTMLElement) {
    this.root = root
    this.groups = null
    // a notice of an earlier visit would read as news; a refused draft without its reason would puzzle
    this.outcomes.clear()
    this.drafts.clear()
    this.render()
    void this.refresh()
  }

  async refresh() {
    try {
      this.groups = (await apiGet<{ priorityGroups: PriorityGroupSettings[] }>(`/api/centers/${encodeURIComponent(this.deps.center)}/settings/priority-groups`)).priorityGroups
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
    const w = t().staff
    if (!this.groups) {
      fill(root, this.error ? h('p', { class: 'notice error', role: 'alert' }, this.error) : h('p', { class: 'loading' }, t().pages.loading))
      return
    }
    fill(root, h('section', { class: 'settings-panel', id: 'groups' },
      h('h1', null, w.groupsTitle),
      h('p', { class: 'muted' }, w.groupsHint),
      this.error ? h('p', { class: 'notice error', role: 'alert' }, this.error) : null,
      h('div', { class: 'svc-grid grp-grid' }, ...this.groups.map((g) => this.form(g)), this.form(null))))
  }

  private form(g: PriorityGroupSettings | null): HTMLFormElement {
    const w = t().staff
    const key = g?.id ?? NEW
    const r = this.outcomes.get(key)
    const v: Values = this.drafts.get(key) ?? (g ? { ...g } : { code: '', nameVi: '', nameEn: '', bonusMinutes: 30, active: true })
    const id = (f: string) => `grp-${g?.code ?? NEW}-${f}`
    const form = h('form', { class: `card svc-form grp-form${g && !g.active ? ' inactive' : ''}${g ? '' : ' grp-new'}`, 'data-group': g?.code ?? NEW, novalidate: true },
      h('div', { class: 'svc-head' },
        h('h2', null, g ? g.nameVi : w.groupNew),
        g ? h('label', { class: 'switch', for: id('active') }, h('input', { type: 'checkbox', id: id('active'), name: 'active', checked: v.active }), ` ${w.activeLabel}`) : null),
      h('div', { class: 'svc-fields grp-fields' },
        g ? null : fieldEl(id('code'), 'code', w.fieldNames.code, h('input', { id: id('code'), name: 'code', value: v.code, maxlength: 40, autocomplete: 'off', spellcheck: 'false' }), r),
        fieldEl(id('nameVi'), 'nameVi', w.fieldNames.nameVi, h('input', { id: id('nameVi'), name: 'nameVi', value: v.nameVi, maxlength: 120 }), r),
        fieldEl(id('nameEn'), 'nameEn', w.fieldNames.nameEn, h('input', { id: id('nameEn'), name: 'nameEn', value: v.nameEn, maxlength: 120 }), r),
        fieldEl(id('bonusMinutes'), 'bonusMinutes', w.fieldNames.bonusMinutes, h('input', { id: id('bonusMinutes'), name: 'bonusMinutes', type: 'number', min: 0, max: 600, step: 1, inputmode: 'numeric',
          value: Number.isFinite(v.bonusMinutes) ? v.bonusMinutes : '' }), r)),
      h('div', { class: 'svc-foot' }, noticeEl(r), h('button', { type: 'submit', class: 'btn btn-primary', id: id('save') }, g ? w.save : w.create)))
    form.addEventListener('submit', (ev) => {
      ev.preventDefault()
      const typed: Values = {
        code: g?.code ?? formValue(form, 'code'), nameVi: formValue(form, 'nameVi'), nameEn: formValue(form, 'nameEn'),
        bonusMinutes: typedNumber(formValue(form, 'bonusMinutes')), active: g ? formChecked(form, 'active') : true,
      }
      void this.save(g, typed, form)
    })
    return form
  }

  private async save(g: PriorityGroupSettings | null, typed: Values, form: HTMLFormElement) {
    const w = t().staff
    const key = g?.id ?? NEW
    const patch: PriorityGroupPatchBody = {}
    if (g) {
      for (const f of FIELDS) if (typeof typed[f] === 'string' ? (typed[f] as string).trim() !== g[f] : typed[f] !== g[f]) (patch as Record<string, unknown>)[f] = typed[f]
      if (!Object.keys(patch).length) {
        this.outcomes.set(key, { kind: 'ok', text: w.nothingChanged })
        return this.render()
      }
    }
    form.querySelector<HTMLButtonElement>('button[type=submit]')!.disabled = true
    const outcome = await attempt(this.deps, async () => {
      const { priorityGroup } = g
        ? await apiWrite<{ priorityGroup: PriorityGroupSettings }>('PATCH', `/api/priority-groups/${encodeURIComponent(g.id)}`, patch)
        : await apiWrite<{ priorityGroup: PriorityGroupSettings }>('POST', `/api/centers/${encodeURIComponent(this.deps.center)}/priority-groups`, typed)
      return fmt(g ? w.saved : w.createdOk, { name: priorityGroup.nameVi })
    }, w.fieldRules)
    if (!outcome) return
    this.outcomes.set(key, outcome)
    if (outcome.kind === 'ok') this.drafts.delete(key)
    else this.drafts.set(key, typed)
    await this.refresh()
  }
}
