import type { CenterAdminView } from '../common/staff-types.js'
import type { CenterCreateBody, CenterPatchBody } from '../common/staff-schemas.js'
import { ApiError, apiGet } from '../web/api.js'
import { fill, h } from '../web/dom.js'
import { fmt, t } from '../web/i18n.js'
import { apiWrite, errorText } from './util.js'
import { attempt, fieldEl, formValue, noticeEl, type Outcome, type PanelDeps } from './settings-form.js'

type Draft = { name: string; nameEn: string; slug: string; dossierPrefix: string; address: string; province: string; template: string }

/** Where the console shows a center: the same tab, with `?center=` (an admin belongs to no center). */
export function centerHref(slug: string): string {
  return `${location.pathname}?center=${encodeURIComponent(slug)}#settings`
}

/**
 * The admin's centers (section "Các trung tâm", admins only): every center of the install with its
 * counts and state, "switch to", rename in place, deactivate (asked first) / reactivate, and a form
 * that creates a center, empty or from a template center.
 */
export class CentersPanel {
  private root: HTMLElement | null = null
  private centers: CenterAdminView[] | null = null
  private error: string | null = null
  private createOutcome: Outcome | undefined
  private created: CenterAdminView | null = null
  private draft: Draft | null = null
  /** the last row action's outcome, shown above the list */
  private done: Outcome | undefined
  /** a row being edited, or asking to confirm a deactivation */
  private open: { kind: 'edit' | 'confirm'; slug: string } | null = null
  private rowOutcome: Outcome | undefined
  private rowDraft: Omit<CenterPatchBody, 'active'> | null = null

  constructor(private deps: PanelDeps) {}

  mount(root: HTMLElement) {
    this.root = root
    this.centers = null
    this.done = this.createOutcome = this.rowOutcome = undefined
    this.open = null
    this.render()
    void this.refresh()
  }

  async refresh() {
    try {
      this.centers = (await apiGet<{ centers: CenterAdminView[] }>('/api/admin/centers')).centers
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
    const a = t().admin
    if (!this.centers) {
      fill(root, this.error ? h('p', { class: 'notice error', role: 'alert' }, this.error) : h('p', { class: 'loading' }, t().pages.loading))
      return
    }
    fill(root, h('section', { class: 'settings-panel', id: 'centers' },
      h('h1', null, a.centersTitle),
      h('p', { class: 'muted' }, a.centersHint),
      this.error ? h('p', { class: 'notice error', role: 'alert' }, this.error) : null,
      this.done ? noticeEl(this.done) : null,
      h('div', { class: 'card' }, h('table', { class: 'tbl centers-tbl', id: 'centers-list' },
        h('thead', null, h('tr', null, ...[a.colCenter, a.fieldNames.dossierPrefix, a.colServices, a.colCounters, a.colState, t().staff.colAction].map((c) => h('th', { scope: 'col' }, c)))),
        h('tbody', null, ...this.centers.flatMap((c) => this.row(c))))),
      this.createForm()))
  }

  private row(c: CenterAdminView): HTMLElement[] {
    const a = t().admin
    const w = t().staff
    const here = c.slug === this.deps.center
    const tr = h('tr', { 'data-center': c.slug, class: c.active ? '' : 'inactive' },
      h('td', null, h('strong', null, c.name), here ? h('span', { class: 'badge' }, a.current) : null, h('br'), h('span', { class: 'muted small' }, c.slug)),
      h('td', { class: 'code' }, c.dossierPrefix),
      h('td', { class: 'num' }, String(c.services)),
      h('td', { class: 'num' }, String(c.counters)),
      h('td', null, h('span', { class: `badge ${c.active ? 'status-open' : 'status-closed'}` }, c.active ? a.centerActive : a.centerInactive)),
      h('td', null, h('div', { class: 'row-actions' },
        here ? null : h('a', { class: 'btn btn-small', href: centerHref(c.slug), 'data-go': c.slug }, a.switchTo),
        h('button', { type: 'button', class: 'btn btn-small edit', onclick: () => this.toggle({ kind: 'edit', slug: c.slug }) }, w.edit),
        c.active
          ? h('button', { type: 'button', class: 'btn btn-small btn-danger-outline deactivate', onclick: () => this.toggle({ kind: 'confirm', slug: c.slug }) }, a.deactivate)
          : h('button', { type: 'button', class: 'btn btn-small reactivate', onclick: () => void this.patch(c, { active: true }, a.reactivatedOk) }, a.reactivate))))
    if (this.open?.slug !== c.slug) return [tr]
    return [tr, h('tr', { class: 'edit-row' }, h('td', { colspan: 6 }, this.open.kind === 'confirm' ? this.confirmBox(c) : this.editForm(c)))]
  }

  private toggle(row: { kind: 'edit' | 'confirm'; slug: string }) {
    this.open = this.open?.kind === row.kind && this.open.slug === row.slug ? null : row
    this.rowOutcome = undefined
    this.rowDraft = null
    this.render()
  }

  private confirmBox(c: CenterAdminView) {
    const a = t().admin
    return h('div', { class: 'confirm-box', role: 'group' },
      h('p', null, fmt(a.confirmDeactivate, { name: c.name })),
      noticeEl(this.rowOutcome),
      h('div', { class: 'row-actions' },
        h('button', { type: 'button', class: 'btn btn-danger', id: 'confirm-center-deactivate', onclick: () => void this.patch(c, { active: false }, a.deactivatedOk) }, a.deactivate),
        h('button', { type: 'button', class: 'btn', onclick: () => this.toggle({ kind: 'confirm', slug: c.slug }) }, a.cancel)))
  }

  private editForm(c: CenterAdminView) {
    const a = t().admin
    const w = t().staff
    const r = this.rowOutcome
    const v = { name: c.name, nameEn: c.nameEn, dossierPrefix: c.dossierPrefix, address: c.address, province: c.province, ...this.rowDraft }
    const id = (f: string) => `center-edit-${f}`
    const form = h('form', { class: 'center-edit', novalidate: true },
      h('div', { class: 'svc-fields center-fields' },
        fieldEl(id('name'), 'name', a.fieldNames.name, h('input', { id: id('name'), name: 'name', value: v.name, maxlength: 200 }), r),
        fieldEl(id('nameEn'), 'nameEn', a.fieldNames.nameEn, h('input', { id: id('nameEn'), name: 'nameEn', value: v.nameEn, maxlength: 200 }), r),
        fieldEl(id('dossierPrefix'), 'dossierPrefix', a.fieldNames.dossierPrefix, h('input', { id: id('dossierPrefix'), name: 'dossierPrefix', value: v.dossierPrefix, maxlength: 6 }), r),
        fieldEl(id('address'), 'address', a.fieldNames.address, h('input', { id: id('address'), name: 'address', value: v.address, maxlength: 300 }), r),
        fieldEl(id('province'), 'province', a.fieldNames.province, h('input', { id: id('province'), name: 'province', value: v.province, maxlength: 100 }), r)),
      h('div', { class: 'svc-foot' }, noticeEl(r),
        h('div', { class: 'row-actions' },
          h('button', { type: 'submit', class: 'btn btn-primary', id: id('save') }, w.save),
          h('button', { type: 'button', class: 'btn', onclick: () => this.toggle({ kind: 'edit', slug: c.slug }) }, w.cancelEdit))))
    form.addEventListener('submit', (ev) => {
      ev.preventDefault()
      const typed = { name: formValue(form, 'name'), nameEn: formValue(form, 'nameEn'), dossierPrefix: formValue(form, 'dossierPrefix'), address: formValue(form, 'address'), province: formValue(form, 'province') }
      const patch: CenterPatchBody = {}
      for (const f of ['name', 'nameEn', 'dossierPrefix', 'address', 'province'] as const) if (typed[f].trim() !== c[f]) patch[f] = typed[f]
      if (!Object.keys(patch).length) {
        this.rowOutcome = { kind: 'ok', text: w.nothingChanged }
        return this.render()
      }
      this.rowDraft = typed
      void this.patch(c, patch, w.saved)
    })
    return form
  }

  private async patch(c: CenterAdminView, patch: CenterPatchBody, okText: string) {
    const outcome = await attempt(this.deps, async () => {
      const { center } = await apiWrite<{ center: CenterAdminView }>('PATCH', `/api/centers/${encodeURIComponent(c.slug)}`, patch)
      return fmt(okText, { name: center.name })
    }, t().admin.fieldRules)
    if (!outcome) return
    if (outcome.kind === 'ok') {
      this.done = outcome
      this.open = null
      this.rowDraft = null
    } else {
      this.rowOutcome = outcome
    }
    await this.refresh()
  }

  private createForm() {
    const a = t().admin
    const w = t().staff
    const r = this.createOutcome
    const v: Draft = this.draft ?? { name: '', nameEn: '', slug: '', dossierPrefix: '', address: '', province: '', template: '' }
    const id = (f: string) => `center-new-${f}`
    const form = h('form', { class: 'card svc-form center-new', id: 'center-new', novalidate: true },
      h('h2', null, a.newCenter),
      h('p', { class: 'muted' }, a.newCenterHint),
      h('div', { class: 'svc-fields center-fields' },
        fieldEl(id('template'), 'template', a.template, h('select', { id: id('template'), name: 'template' },
          h('option', { value: '', selected: v.template === '' }, a.noTemplate),
          ...(this.centers ?? []).map((c) => h('option', { value: c.slug, selected: v.template === c.slug }, c.name))), r),
        fieldEl(id('name'), 'name', a.fieldNames.name, h('input', { id: id('name'), name: 'name', value: v.name, maxlength: 200 }), r),
        fieldEl(id('nameEn'), 'nameEn', a.fieldNames.nameEn, h('input', { id: id('nameEn'), name: 'nameEn', value: v.nameEn, maxlength: 200 }), r),
        fieldEl(id('slug'), 'slug', a.fieldNames.slug, h('input', { id: id('slug'), name: 'slug', value: v.slug, maxlength: 40, autocomplete: 'off', spellcheck: 'false', placeholder: 'muong-cha', 'aria-describedby': id('slug-hint') }), r),
        fieldEl(id('dossierPrefix'), 'dossierPrefix', a.fieldNames.dossierPrefix, h('input', { id: id('dossierPrefix'), name: 'dossierPrefix', value: v.dossierPrefix, maxlength: 6, placeholder: 'MC' }), r),
        fieldEl(id('address'), 'address', a.fieldNames.address, h('input', { id: id('address'), name: 'address', value: v.address, maxlength: 300 }), r),
        fieldEl(id('province'), 'province', a.fieldNames.province, h('input', { id: id('province'), name: 'province', value: v.province, maxlength: 100 }), r)),
      h('p', { class: 'muted small', id: id('slug-hint') }, a.slugHint),
      h('div', { class: 'svc-foot' },
        r?.kind === 'ok' && this.created
          ? h('p', { class: 'notice ok', role: 'status' }, r.text, ' ', h('a', { href: centerHref(this.created.slug), id: 'go-new-center' }, a.goThere))
          : noticeEl(r),
        h('button', { type: 'submit', class: 'btn btn-primary', id: id('save') }, w.create)))
    form.addEventListener('submit', (ev) => {
      ev.preventDefault()
      const typed: Draft = { name: formValue(form, 'name'), nameEn: formValue(form, 'nameEn'), slug: formValue(form, 'slug'), dossierPrefix: formValue(form, 'dossierPrefix'),
        address: formValue(form, 'address'), province: formValue(form, 'province'), template: formValue(form, 'template') }
      void this.create(typed, form)
    })
    return form
  }

  private async create(typed: Draft, form: HTMLFormElement) {
    const body: CenterCreateBody = { slug: typed.slug, name: typed.name }
    if (typed.nameEn.trim()) body.nameEn = typed.nameEn
    if (typed.dossierPrefix.trim()) body.dossierPrefix = typed.dossierPrefix
    if (typed.address.trim()) body.address = typed.address
    if (typed.province.trim()) body.province = typed.province
    if (typed.template) body.template = typed.template
    form.querySelector<HTMLButtonElement>('button[type=submit]')!.disabled = true
    let created: CenterAdminView | null = null
    const outcome = await attempt(this.deps, async () => {
      created = (await apiWrite<{ center: CenterAdminView }>('POST', '/api/centers', body)).center
      return fmt(t().admin.createdOk, { name: created.name })
    }, t().admin.fieldRules)
    if (!outcome) return
    this.createOutcome = outcome
    this.created = created
    this.draft = outcome.kind === 'ok' ? null : typed
    await this.refresh()
  }
}
