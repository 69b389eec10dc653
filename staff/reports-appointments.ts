import type { AppointmentReport } from '../common/appointment-types.js'
import { ApiError, apiGet } from '../web/api.js'
import { fill, h } from '../web/dom.js'
import { getLang, t } from '../web/i18n.js'
import { errorText } from './util.js'

const COLS = ['booked', 'kept', 'late', 'noShow', 'cancelled'] as const

/**
 * Appointments in the report tab (issue 24): per day and service, booked (all but cancelled), kept (checked
 * in on time), late (checked in more than 15 minutes late: a walk-in), no-show, cancelled. Definitions: docs/reports.md.
 */
export class AppointmentReportView {
  private body: HTMLElement | null = null
  private from = ''
  private to = ''
  private data: AppointmentReport | null = null
  private error: string | null = null

  constructor(private deps: { center: string; onSessionEnded: (message: string) => void }) {}

  mount(root: HTMLElement) {
    const r = t().reports, b = t().reportsBook
    const from = h('input', { type: 'date', id: 'appt-rep-from', value: this.from })
    const to = h('input', { type: 'date', id: 'appt-rep-to', value: this.to })
    const form = h('form', { class: 'filters report-filters no-print', id: 'appt-rep-form' },
      h('label', { for: 'appt-rep-from' }, r.from), from, h('label', { for: 'appt-rep-to' }, r.to), to,
      h('button', { type: 'submit', class: 'btn btn-primary btn-small', id: 'appt-rep-show' }, b.show))
    form.addEventListener('submit', (ev) => { ev.preventDefault(); this.from = from.value; this.to = to.value; void this.refresh() })
    this.body = h('div', { id: 'appt-rep-body' })
    fill(root, h('section', { class: 'appointment-report', id: 'appointment-report' }, h('h1', null, t().appointments.reportTitle), form, this.body))
    this.render()
    void this.refresh()
  }

  async refresh(): Promise<void> {
    const q = new URLSearchParams({ center: this.deps.center })
    if (this.from) q.set('from', this.from)
    if (this.to) q.set('to', this.to)
    try {
      this.data = await apiGet<AppointmentReport>(`/api/reports/appointments?${q}`)
      this.from = this.data.from
      this.to = this.data.to
      // the period the server chose (this month so far) shows in the fields
      for (const [id, v] of [['appt-rep-from', this.from], ['appt-rep-to', this.to]] as const) {
        const el = document.getElementById(id) as HTMLInputElement | null
        if (el) el.value = v
      }
      this.error = null
    } catch (e) {
      if (e instanceof ApiError && e.status === 401) return this.deps.onSessionEnded(errorText(e))
      this.error = errorText(e)
    }
    this.render()
  }

  private render() {
    const body = this.body
    if (!body) return
    const a = t().appointments
    if (!this.data) return fill(body, this.error ? h('p', { class: 'notice error', role: 'alert' }, this.error) : h('p', { class: 'loading' }, t().pages.loading))
    if (!this.data.rows.length) return fill(body, h('p', { class: 'muted', id: 'appt-rep-empty' }, a.reportNone))
    const total = Object.fromEntries(COLS.map((c) => [c, this.data!.rows.reduce((n, r) => n + r[c], 0)]))
    fill(body, h('table', { class: 'tbl card', id: 'appt-rep-table' },
      h('thead', null, h('tr', null, h('th', { scope: 'col' }, a.reportCols.day), h('th', { scope: 'col' }, a.reportCols.service),
        ...COLS.map((c) => h('th', { scope: 'col', class: 'num' }, a.reportCols[c])))),
      h('tbody', null, ...this.data.rows.map((r) => h('tr', { 'data-day': r.day, 'data-service': r.serviceId },
        h('td', { class: 'code' }, r.day.split('-').reverse().join('/')), h('th', { scope: 'row' }, getLang() === 'en' ? r.serviceNameEn : r.serviceNameVi),
        ...COLS.map((c) => h('td', { class: 'num', 'data-col': c }, String(r[c])))))),
      h('tfoot', null, h('tr', null, h('th', { scope: 'row', colspan: 2 }, t().reports.total ?? ''), ...COLS.map((c) => h('td', { class: 'num', 'data-total': c }, String(total[c])))))))
  }
}
