import type { CalendarDay } from '../common/dossier-types.js'
import { ApiError, apiGet } from '../web/api.js'
import { fill, h } from '../web/dom.js'
import { fmt, t } from '../web/i18n.js'
import { localParts } from '../web/time.js'
import { apiWrite, errorText, serverNow } from './util.js'
import { attempt, fieldEl, formValue, noticeEl, type Outcome, type PanelDeps } from './settings-form.js'

type Draft = { date: string; kind: CalendarDay['kind']; name: string }

/** "2026-09-02" → "02/09/2026" */
const dayText = (date: string) => date.split('-').reverse().join('/')
/** 0 = Sunday … 6 = Saturday, of a calendar date (no time zone involved) */
const weekdayOf = (date: string) => new Date(`${date}T00:00:00Z`).getUTCDay()

/**
 * Public holidays and make-up working days of one year: the list (date, weekday, kind, name), one form to add
 * a day or change one (the same date again), and removal, asked first. The server's rule stands: a make-up
 * working day is a Saturday or a Sunday.
 */
export class CalendarPanel {
  private root: HTMLElement | null = null
  private year = localParts(new Date(serverNow())).year
  private days: CalendarDay[] | null = null
  private error: string | null = null
  private draft: Draft | null = null
  private outcome: Outcome | undefined
  /** the date whose removal is being confirmed */
  private removing: string | null = null

  constructor(private deps: PanelDeps) {}

  mount(root: HTMLElement) {
    this.root = root
    this.days = null
    this.outcome = undefined
    this.removing = null
    this.render()
    void this.refresh()
  }

  async refresh() {
    try {
      this.days = (await apiGet<{ days: CalendarDay[] }>(`${this.base()}?year=${this.year}`)).days
      this.error = null
    } catch (e) {
      if (e instanceof ApiError && e.status === 401) return this.deps.onSessionEnded(errorText(e))
      this.error = errorText(e)
    }
    this.render()
  }

  private base() {
    return `/api/centers/${encodeURIComponent(this.deps.center)}/calendar`
  }

  private render() {
    const root = this.root
    if (!root?.isConnected) return
    const w = t().staff
    const now = localParts(new Date(serverNow())).year
    const yearSelect = h('select', { id: 'cal-year', 'aria-label': w.year },
      ...[now - 1, now, now + 1, now + 2].map((y) => h('option', { value: y, selected: y === this.year }, String(y))))
    yearSelect.addEventListener('change', () => {
      this.year = Number(yearSelect.value)
      this.removing = null
      this.days = null
      this.render()
      void this.refresh()
    })
    const weekday = (date: string) => (t().pages.weekday as Record<string, string>)[`d${weekdayOf(date)}`] ?? ''
    fill(root, h('section', { class: 'settings-panel', id: 'calendar' },
      h('div', { class: 'panel-head' }, h('h1', null, w.calTitle), h('label', { class: 'year-pick' }, `${w.year} `, yearSelect)),
      h('p', { class: 'muted' }, w.calHint),
      this.error ? h('p', { class: 'notice error', role: 'alert' }, this.error) : null,
      this.form(),
      !this.days ? h('p', { class: 'loading' }, t().pages.loading)
        : !this.days.length ? h('p', { class: 'muted', id: 'cal-empty' }, fmt(w.calEmpty, { year: this.year }))
        : h('table', { class: 'tbl card', id: 'cal-table' },
          h('thead', null, h('tr', null, ...[w.colDate, w.colWeekday, w.colKind, w.colDayName, ''].map((c) => h('th', { scope: 'col' }, c)))),
          h('tbody', null, ...this.days.flatMap((d) => {
            const tr = h('tr', { 'data-date': d.date, 'data-kind': d.kind },
              h('td', { class: 'code' }, dayText(d.date)),
              h('td', null, weekday(d.date)),
              h('td', null, h('span', { class: `pill ${d.kind === 'holiday' ? 'paused' : 'open'}` }, w.dayKinds[d.kind])),
              h('th', { scope: 'row' }, d.name),
              h('td', null, h('div', { class: 'row-actions' },
                h('button', { type: 'button', class: 'btn btn-small cal-edit', onclick: () => this.edit(d) }, w.edit),
                h('button', { type: 'button', class: 'btn btn-small btn-danger-outline cal-remove', onclick: () => { this.removing = this.removing === d.date ? null : d.date; this.render() } }, w.calRemove))))
            if (this.removing !== d.date) return [tr]
            return [tr, h('tr', { class: 'edit-row' }, h('td', { colspan: 5 }, h('div', { class: 'confirm-box' },
              h('p', null, fmt(w.confirmRemoveDay, { date: dayText(d.date), name: d.name })),
              h('div', { class: 'dlg-actions' },
                h('button', { type: 'button', class: 'btn btn-danger', id: 'confirm-remove', onclick: () => void this.remove(d) }, w.calRemove),
                h('button', { type: 'button', class: 'btn', onclick: () => { this.removing = null; this.render() } }, w.cancelEdit)))))]
          })))))
  }

  private edit(d: CalendarDay) {
    this.draft = { ...d }
    this.outcome = undefined
    this.render()
    document.getElementById('cal-name')?.focus()
  }

  private form(): HTMLFormElement {
    const w = t().staff
    const r = this.outcome
    const v = this.draft ?? { date: '', kind: 'holiday', name: '' }
    const form = h('form', { class: 'card cal-form', id: 'cal-form', novalidate: true },
      h('h2', null, w.calAdd),
      h('p', { class: 'muted small' }, w.calAddHint),
      h('div', { class: 'cal-fields' },
        fieldEl('cal-date', 'date', w.fieldNames.date, h('input', { id: 'cal-date', name: 'date', type: 'date', value: v.date, min: `${this.year - 1}-01-01`, max: `${this.year + 2}-12-31` }), r),
        fieldEl('cal-kind', 'kind', w.fieldNames.kind, h('select', { id: 'cal-kind', name: 'kind' },
          ...(['holiday', 'workday'] as const).map((k) => h('option', { value: k, selected: k === v.kind }, w.dayKinds[k]))), r),
        fieldEl('cal-name', 'dayName', w.fieldNames.dayName, h('input', { id: 'cal-name', name: 'name', value: v.name, maxlength: 120 }), r)),
      h('div', { class: 'svc-foot' }, noticeEl(r), h('button', { type: 'submit', class: 'btn btn-primary', id: 'cal-save' }, w.save)))
    form.addEventListener('submit', (ev) => {
      ev.preventDefault()
      const typed: Draft = { date: formValue(form, 'date'), kind: formValue(form, 'kind') as Draft['kind'], name: formValue(form, 'name') }
      form.querySelector<HTMLButtonElement>('button[type=submit]')!.disabled = true
      void (async () => {
        const outcome = await attempt(this.deps, async () => {
          // an empty date would name another route: sent as "-", which the server refuses at params.date
          await apiWrite('PUT', `${this.base()}/${encodeURIComponent(typed.date || '-')}`, { kind: typed.kind, name: typed.name })
          return fmt(w.calSavedOk, { date: dayText(typed.date) })
        }, w.fieldRules, (f) => (f === 'name' ? 'dayName' : f))
        if (!outcome) return
        this.outcome = outcome
        this.draft = outcome.kind === 'ok' ? null : typed
        // the list shows the year of the day just saved
        if (outcome.kind === 'ok') this.year = Number(typed.date.slice(0, 4))
        await this.refresh()
      })()
    })
    return form
  }

  private async remove(d: CalendarDay) {
    const w = t().staff
    const outcome = await attempt(this.deps, async () => {
      await apiWrite('DELETE', `${this.base()}/${encodeURIComponent(d.date)}`)
      return fmt(w.calRemovedOk, { date: dayText(d.date) })
    }, w.fieldRules)
    if (!outcome) return
    this.removing = null
    this.outcome = outcome
    await this.refresh()
  }
}
