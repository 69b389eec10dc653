import type { ProcedureSettings, ServiceSettings } from '../common/staff-types.js'
import type { ProcedureCreateBody, ProcedurePatchBody } from '../common/staff-schemas.js'
import { ApiError, apiGet } from '../web/api.js'
import { fill, h } from '../web/dom.js'
import { daysText, feeText, fmt, getLang, t } from '../web/i18n.js'
import { apiWrite, errorText } from './util.js'
import { CatalogFilePanel } from './settings-catalog-file.js'
import { ONLINE_LEVELS, type OnlineLevel } from '../common/staff-types.js'
import { attempt, fieldEl, formChecked, formValue, noticeEl, typedNumber, type Outcome, type PanelDeps } from './settings-form.js'

type Draft = Required<ProcedureCreateBody>
const FIELDS = ['serviceId', 'code', 'nationalCode', 'nameVi', 'nameEn', 'processingDays', 'feeVnd', 'feeNote', 'documents', 'onlineLevel', 'active'] as const

/**
 * Procedures: a table of every procedure (active or not) and one form at a time, to add one or to edit one
 * (service, code, names, processing days, fee and its note, the required documents as a list, active).
 */
export class ProceduresPanel {
  private root: HTMLElement | null = null
  private procedures: ProcedureSettings[] | null = null
  private services: ServiceSettings[] = []
  private error: string | null = null
  /** the procedure being edited, 'new', or none */
  private editing: string | null = null
  /** what was typed into a form the server refused */
  private draft: Draft | null = null
  private outcome: Outcome | undefined
  /** the last save's outcome, shown under its procedure's row once the form is closed */
  private done: { id: string; outcome: Outcome } | undefined

  /** import and export of the catalog as a file (kept across redraws) */
  private file: CatalogFilePanel

  constructor(private deps: PanelDeps) {
    this.file = new CatalogFilePanel(deps, () => this.refresh())
  }

  mount(root: HTMLElement) {
    this.root = root
    this.procedures = null
    // a notice of an earlier visit would read as news
    this.done = undefined
    this.render()
    void this.refresh()
  }

  async refresh() {
    try {
      const c = encodeURIComponent(this.deps.center)
      const [p, s] = await Promise.all([
        apiGet<{ procedures: ProcedureSettings[] }>(`/api/centers/${c}/settings/procedures`),
        apiGet<{ services: ServiceSettings[] }>(`/api/centers/${c}/settings/services`),
      ])
      this.procedures = p.procedures
      this.services = s.services
      this.error = null
    } catch (e) {
      if (e instanceof ApiError && e.status === 401) return this.deps.onSessionEnded(errorText(e))
      this.error = errorText(e)
    }
    this.render()
  }

  private open(key: string | null) {
    this.editing = key
    this.draft = null
    this.outcome = undefined
    this.done = undefined
    this.render()
    document.getElementById('proc-code')?.focus()
  }

  private render() {
    const root = this.root
    if (!root?.isConnected) return
    const w = t().staff
    if (!this.procedures) {
      fill(root, this.error ? h('p', { class: 'notice error', role: 'alert' }, this.error) : h('p', { class: 'loading' }, t().pages.loading))
      return
    }
    const service = (id: string) => this.services.find((s) => s.id === id)
    const en = getLang() === 'en'
    fill(root, h('section', { class: 'settings-panel', id: 'procedures' },
      h('div', { class: 'panel-head' },
        h('h1', null, w.procTitle),
        h('button', { type: 'button', class: 'btn btn-primary', id: 'proc-new', onclick: () => this.open('new'), disabled: this.editing === 'new' }, `+ ${w.procNew}`)),
      h('p', { class: 'muted' }, w.procHint),
      this.file.el,
      this.error ? h('p', { class: 'notice error', role: 'alert' }, this.error) : null,
      this.editing === 'new' ? this.form(null) : null,
      h('table', { class: 'tbl card', id: 'proc-table' },
        h('thead', null, h('tr', null, ...[t().procImport.headers.nationalCode, w.colCode, w.colProcedure, w.colService, w.colDays, w.colFee, w.colDocs, w.colState, ''].map((c) => h('th', { scope: 'col' }, c)))),
        h('tbody', null, ...this.procedures.flatMap((p) => {
          const s = service(p.serviceId)
          const row = h('tr', { 'data-procedure': p.code, 'data-national-code': p.nationalCode ?? '', class: p.active ? '' : 'inactive' },
            h('td', { class: 'code' }, p.nationalCode ?? ''),
            h('td', { class: 'code' }, p.code),
            h('th', { scope: 'row' }, en ? p.nameEn || p.nameVi : p.nameVi, h('br'), h('small', { class: 'muted' }, en ? p.nameVi : p.nameEn)),
            h('td', null, s ? h('span', { class: 'prefix' }, s.prefix) : null, ' ', s ? (en ? s.nameEn : s.nameVi) : ''),
            h('td', { class: 'nowrap' }, daysText(p.processingDays)),
            h('td', null, feeText(p.feeVnd, p.feeNote)),
            h('td', { class: 'num' }, fmt(w.docsN, { n: p.documents.length })),
            h('td', null, h('span', { class: `pill ${p.active ? 'open' : 'closed'}` }, p.active ? w.activeLabel : w.inactiveLabel)),
            h('td', null, h('button', { type: 'button', class: 'btn btn-small', 'data-edit': p.code, onclick: () => this.open(p.id), disabled: this.editing === p.id }, w.edit)))
          if (this.editing === p.id) return [row, h('tr', { class: 'edit-row' }, h('td', { colspan: 9 }, this.form(p)))]
          if (this.done?.id === p.id) return [row, h('tr', { class: 'notice-row' }, h('td', { colspan: 9 }, noticeEl(this.done.outcome)))]
          return [row]
        })))))
  }

  /** The form of one procedure (null: a new one), with what was typed when the server refused it. */
  private form(p: ProcedureSettings | null): HTMLFormElement {
    const w = t().staff
    const r = this.outcome
    const v: Draft = this.draft ?? (p ? { ...p } : { serviceId: this.services[0]?.id ?? '', code: '', nationalCode: null, nameVi: '', nameEn: '', processingDays: 1, feeVnd: 0, feeNote: '', documents: [], onlineLevel: 'info', active: true })
    const id = (f: string) => `proc-${f}`
    const docs = h('ol', { class: 'doc-list', id: id('documents') })
    const docRow = (text: string) => {
      const input = h('input', { name: 'doc', value: text, maxlength: 300, placeholder: w.docPlaceholder, 'aria-label': w.fieldNames.documents })
      const li = h('li', null, input, h('button', { type: 'button', class: 'btn btn-small btn-danger-outline', title: w.removeDoc, 'aria-label': w.removeDoc, onclick: () => li.remove() }, '×'))
      return li
    }
    for (const d of v.documents) docs.append(docRow(d))
    const num = (f: 'processingDays' | 'feeVnd', max: number) => h('input', { id: id(f), name: f, type: 'number', min: 0, max, step: 1, inputmode: 'numeric', value: Number.isFinite(v[f]) ? v[f] : '' })
    const form = h('form', { class: 'card proc-form', id: 'proc-form', 'data-procedure': p?.code ?? '', novalidate: true },
      h('h2', null, p ? `${p.code} · ${p.nameVi}` : w.procNewTitle),
      h('div', { class: 'proc-fields' },
        fieldEl(id('serviceId'), 'serviceId', w.fieldNames.serviceId, h('select', { id: id('serviceId'), name: 'serviceId' },
          ...this.services.map((s) => h('option', { value: s.id, selected: s.id === v.serviceId }, `${s.prefix} · ${s.nameVi}`))), r),
        fieldEl(id('code'), 'code', t().procImport.headers.code, h('input', { id: id('code'), name: 'code', value: v.code, maxlength: 40, autocomplete: 'off', spellcheck: 'false' }), r),
        fieldEl(id('nationalCode'), 'nationalCode', w.fieldNames.nationalCode, h('input', { id: id('nationalCode'), name: 'nationalCode', value: v.nationalCode ?? '', maxlength: 40, autocomplete: 'off', spellcheck: 'false', placeholder: '1.001193' }), r),
        fieldEl(id('onlineLevel'), 'onlineLevel', w.fieldNames.onlineLevel, h('select', { id: id('onlineLevel'), name: 'onlineLevel' },
          ...ONLINE_LEVELS.map((l) => h('option', { value: l, selected: l === v.onlineLevel }, t().procImport.levels[l]))), r),
        fieldEl(id('nameVi'), 'nameVi', w.fieldNames.nameVi, h('input', { id: id('nameVi'), name: 'nameVi', value: v.nameVi, maxlength: 200 }), r),
        fieldEl(id('nameEn'), 'nameEn', w.fieldNames.nameEn, h('input', { id: id('nameEn'), name: 'nameEn', value: v.nameEn, maxlength: 200 }), r),
        fieldEl(id('processingDays'), 'processingDays', w.fieldNames.processingDays, num('processingDays', 365), r),
        fieldEl(id('feeVnd'), 'feeVnd', w.fieldNames.feeVnd, num('feeVnd', 100_000_000), r),
        fieldEl(id('feeNote'), 'feeNote', w.fieldNames.feeNote, h('input', { id: id('feeNote'), name: 'feeNote', value: v.feeNote, maxlength: 200 }), r)),
      h('fieldset', { class: `field docs${r?.fields?.documents ? ' invalid' : ''}` },
        h('legend', null, w.fieldNames.documents), docs,
        h('button', { type: 'button', class: 'btn btn-small', id: id('add-doc'), onclick: () => { const li = docRow(''); docs.append(li); li.querySelector('input')!.focus() } }, `+ ${w.addDoc}`),
        r?.fields?.documents ? h('span', { class: 'field-error', id: id('documents-error') }, r.fields.documents) : null),
      h('label', { class: 'switch', for: id('active') }, h('input', { type: 'checkbox', id: id('active'), name: 'active', checked: v.active }), ` ${w.activeLabel}`),
      h('div', { class: 'svc-foot' },
        noticeEl(r),
        h('div', { class: 'dlg-actions' },
          h('button', { type: 'button', class: 'btn', id: id('cancel'), onclick: () => this.open(null) }, w.cancelEdit),
          h('button', { type: 'submit', class: 'btn btn-primary', id: id('save') }, p ? w.save : w.create))))
    form.addEventListener('submit', (ev) => {
      ev.preventDefault()
      const typed: Draft = {
        serviceId: formValue(form, 'serviceId'), code: formValue(form, 'code'), nationalCode: formValue(form, 'nationalCode').trim() || null,
        onlineLevel: formValue(form, 'onlineLevel') as OnlineLevel, nameVi: formValue(form, 'nameVi'), nameEn: formValue(form, 'nameEn'),
        processingDays: typedNumber(formValue(form, 'processingDays')), feeVnd: typedNumber(formValue(form, 'feeVnd')), feeNote: formValue(form, 'feeNote'),
        // an empty line is a line the manager added and did not use
        documents: [...form.querySelectorAll<HTMLInputElement>('input[name=doc]')].map((i) => i.value.trim()).filter(Boolean),
        active: formChecked(form, 'active'),
      }
      void this.save(p, typed, form)
    })
    return form
  }

  private async save(p: ProcedureSettings | null, typed: Draft, form: HTMLFormElement) {
    const w = t().staff
    const patch: ProcedurePatchBody = {}
    if (p) {
      for (const f of FIELDS) {
        const same = f === 'documents' ? JSON.stringify(typed.documents) === JSON.stringify(p.documents)
          : typeof typed[f] === 'string' ? (typed[f] as string).trim() === p[f] : typed[f] === p[f]
        if (!same) (patch as Record<string, unknown>)[f] = typed[f]
      }
      if (!Object.keys(patch).length) {
        this.outcome = { kind: 'ok', text: w.nothingChanged }
        this.draft = typed
        return this.render()
      }
    }
    form.querySelector<HTMLButtonElement>('button[type=submit]')!.disabled = true
    const c = encodeURIComponent(this.deps.center)
    const rules = { ...w.fieldRules, nameVi: w.fieldRules.procName, nameEn: w.fieldRules.procName }
    let savedId = p?.id ?? ''
    const outcome = await attempt(this.deps, async () => {
      const { procedure } = p
        ? await apiWrite<{ procedure: ProcedureSettings }>('PATCH', `/api/procedures/${encodeURIComponent(p.id)}`, patch)
        : await apiWrite<{ procedure: ProcedureSettings }>('POST', `/api/centers/${c}/procedures`, typed)
      savedId = procedure.id
      return fmt(p ? w.saved : w.createdOk, { name: `${procedure.code} · ${procedure.nameVi}` })
    }, rules)
    if (!outcome) return
    if (outcome.kind === 'ok') {
      this.editing = null
      this.draft = null
      this.outcome = undefined
      this.done = { id: savedId, outcome }
    } else {
      this.outcome = outcome
      this.draft = typed
    }
    await this.refresh()
    if (outcome.kind === 'ok') document.querySelector('#proc-table .notice-row')?.scrollIntoView({ block: 'center' })
  }
}
