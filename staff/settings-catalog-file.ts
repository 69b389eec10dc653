import type { ImportPreview, ImportProblem } from '../common/staff-types.js'
import type { ProcedureImportBody } from '../common/staff-schemas.js'
import { ApiError } from '../web/api.js'
import { fill, h } from '../web/dom.js'
import { fmt, t } from '../web/i18n.js'
import { ApiValidationError, apiWrite, errorText } from './util.js'
import type { PanelDeps } from './settings-form.js'

const MAX_FILE_BYTES = 2_000_000

/**
 * The procedure catalog as a file, above the procedures table: export links (CSV, JSON), and an import that
 * shows its preview (every row's result and every problem with its row number) before anything is written.
 * One element kept across the table's redraws, so a preview survives them.
 */
export class CatalogFilePanel {
  readonly el: HTMLElement = h('section', { class: 'card proc-import', id: 'proc-import' })
  private file: { name: string; body: ProcedureImportBody } | null = null
  private preview: ImportPreview | null = null
  private notice: { kind: 'ok' | 'error'; text: string } | null = null
  private problems: ImportProblem[] = []
  private busy = false

  constructor(private deps: PanelDeps, private imported: () => Promise<void>) {
    this.render()
  }

  private render() {
    const w = t().procImport
    const c = encodeURIComponent(this.deps.center)
    const input = h('input', { type: 'file', id: 'proc-file', accept: '.csv,.json,text/csv,application/json', disabled: this.busy })
    input.addEventListener('change', () => { const f = input.files?.[0]; if (f) void this.choose(f) })
    const p = this.preview
    const changes = p ? p.counts.create + p.counts.update : 0
    fill(this.el,
      h('div', { class: 'panel-head' },
        h('h2', null, w.title),
        h('div', { class: 'dlg-actions' },
          h('a', { class: 'btn btn-small', id: 'proc-export-csv', href: `/api/centers/${c}/procedures/export?format=csv`, download: '' }, w.exportCsv),
          h('a', { class: 'btn btn-small', id: 'proc-export-json', href: `/api/centers/${c}/procedures/export?format=json`, download: '' }, w.exportJson))),
      h('p', { class: 'muted' }, w.hint),
      h('label', { class: 'field', for: 'proc-file' }, h('span', null, w.chooseFile), input),
      this.busy && !p ? h('p', { class: 'loading' }, w.reading) : null,
      this.notice ? h('p', { class: `notice ${this.notice.kind}`, id: 'proc-import-notice', role: this.notice.kind === 'error' ? 'alert' : 'status' }, this.notice.text) : null,
      this.problems.length ? h('div', { class: 'notice error', id: 'proc-problems', role: 'alert' },
        h('p', null, fmt(w.problemsTitle, { n: this.problems.length })),
        h('ul', null, ...this.problems.map((x) => h('li', { 'data-row': String(x.row), 'data-field': x.field },
          h('strong', null, x.row ? fmt(w.rowN, { n: x.row }) : w.file), `: ${x.message}`)))) : null,
      p && this.file ? h('div', { id: 'proc-preview' },
        h('h3', null, fmt(w.previewTitle, { file: this.file.name })),
        h('p', { id: 'proc-counts' }, fmt(w.counts, p.counts)),
        h('table', { class: 'tbl' },
          h('thead', null, h('tr', null, ...[w.colRow, w.headers.nationalCode, w.headers.nameVi, w.headers.service, w.colResult].map((x) => h('th', { scope: 'col' }, x)))),
          h('tbody', null, ...p.rows.map((r) => h('tr', { 'data-row': String(r.row), 'data-action': r.action, class: r.action === 'invalid' ? 'invalid' : '' },
            h('td', { class: 'num' }, String(r.row)), h('td', { class: 'code' }, r.nationalCode), h('td', null, r.nameVi), h('td', null, r.service ?? ''),
            h('td', null, w.actions[r.action], r.changes.length ? h('small', { class: 'muted' }, ` (${r.changes.map((f) => (w.headers as Record<string, string>)[f] ?? f).join(', ')})`) : null))))),
        h('div', { class: 'dlg-actions' },
          h('button', { type: 'button', class: 'btn btn-primary', id: 'proc-apply', disabled: this.busy || this.problems.length > 0 || !changes, onclick: () => void this.apply() },
            changes ? fmt(w.apply, { n: changes }) : w.applyNothing))) : null)
  }

  private async choose(f: File) {
    const w = t().procImport
    this.preview = null
    this.notice = null
    this.problems = []
    this.file = null
    if (f.size > MAX_FILE_BYTES) {
      this.notice = { kind: 'error', text: fmt(w.fileTooLarge, { max: MAX_FILE_BYTES / 1_000_000 }) }
      return this.render()
    }
    const text = await f.text()
    let body: ProcedureImportBody
    if (/\.json$/i.test(f.name) || /^\s*[[{]/.test(text)) {
      try {
        const parsed = JSON.parse(text) as unknown
        const list = Array.isArray(parsed) ? parsed : (parsed as { procedures?: unknown }).procedures
        if (!Array.isArray(list)) throw new Error('no list')
        body = { format: 'json', procedures: list as Record<string, unknown>[] }
      } catch {
        this.notice = { kind: 'error', text: w.badJsonFile }
        return this.render()
      }
    } else body = { format: 'csv', csv: text }
    this.file = { name: f.name, body }
    this.busy = true
    this.render()
    try {
      const { preview } = await apiWrite<{ preview: ImportPreview }>('POST', `/api/centers/${encodeURIComponent(this.deps.center)}/procedures/import/preview`, body)
      this.preview = preview
      this.problems = preview.problems
    } catch (e) {
      this.fail(e)
    }
    this.busy = false
    this.render()
  }

  private async apply() {
    if (!this.file) return
    const w = t().procImport
    this.busy = true
    this.render()
    try {
      const { result } = await apiWrite<{ result: ImportPreview }>('POST', `/api/centers/${encodeURIComponent(this.deps.center)}/procedures/import`, this.file.body)
      this.notice = { kind: 'ok', text: fmt(w.imported, result.counts) }
      this.preview = null
      this.file = null
      this.deps.changed()
      await this.imported()
    } catch (e) {
      this.fail(e)
    }
    this.busy = false
    this.render()
  }

  /** A refused import lists its problems as the preview does (the catalog changed since the preview). */
  private fail(e: unknown) {
    if (e instanceof ApiError && e.status === 401) return this.deps.onSessionEnded(errorText(e))
    this.notice = { kind: 'error', text: errorText(e) }
    if (e instanceof ApiValidationError && e.code === 'PROCEDURE_IMPORT_INVALID') {
      this.problems = e.details.map((d) => ({ row: Number(d.path.split('.')[1]) || 0, field: d.path.split('.')[2] ?? '', message: d.message.replace(/^[^:]+: /, '') }))
    }
  }
}
