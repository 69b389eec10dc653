import './reports.css'
import type { Chart as ChartType } from 'chart.js'
import { REPORT_COLUMNS, reportValue, type ReportColumn, type ReportFigures, type ReportGroupBy, type ReportResponse, type ReportRow } from '../common/rating-types.js'
import { ApiError, apiGet } from '../web/api.js'
import { fill, h } from '../web/dom.js'
import { fmt, getLang, t } from '../web/i18n.js'
import { dmy, hms } from '../web/time.js'
import { RatingSettings } from './rating-settings.js'
import { errorText, secondsText } from './util.js'
import { DossierReportsView } from './reports-dossiers.js'
import { AppointmentReportView } from './reports-appointments.js'

const GROUPS: ReportGroupBy[] = ['day', 'service', 'counter', 'staff', 'hour']
/** what each chart reads: its own grouping of the same period */
const CHART_GROUPS = ['hour', 'service', 'staff'] as const
/** level colours, best first (the same hues as the citizen's faces) */
const LEVEL_COLOURS = ['#0f5a2e', '#4d8a2a', '#b8860b', '#d9622b', '#9b1c1c']

type Reports = Partial<Record<ReportGroupBy, ReportResponse>>

/**
 * The manager's report (tab "Báo cáo"): a period and a grouping, key figures, three charts (tickets by
 * hour, wait by service, satisfaction by clerk) each with its table, the full table of the chosen
 * grouping, CSV downloads of every table, a print view, and the rating scale setting.
 */
export class ReportsView {
  private root: HTMLElement | null = null
  private body: HTMLElement | null = null
  private from = ''
  private to = ''
  private groupBy: ReportGroupBy = 'day'
  private data: Reports = {}
  private error: string | null = null
  private loading = false
  private charts: ChartType[] = []
  private scale: RatingSettings
  /** W4 (issue 21): the summary, the period report or the tracking book */
  private mode: 'summary' | 'period' | 'book' | 'appointments' = 'summary'
  private dossierViews: Record<'period' | 'book', DossierReportsView> & { appointments: AppointmentReportView }

  constructor(private deps: { center: string; onSessionEnded: (message: string) => void }) {
    this.scale = new RatingSettings(deps)
    this.dossierViews = { period: new DossierReportsView('period', deps), book: new DossierReportsView('book', deps), appointments: new AppointmentReportView(deps) }
  }

  private modeNav(root: HTMLElement) {
    const w = t().reportsBook
    const modes = [['summary', w.modeSummary], ['period', w.modePeriod], ['book', w.modeBook], ['appointments', t().appointments.reportTitle]] as const
    return h('nav', { class: 'report-modes no-print', 'aria-label': t().reports.title },
      ...modes.map(([m, label]) => h('button', {
        type: 'button', class: `btn btn-small ${m === this.mode ? 'btn-primary' : ''}`, id: `rep-mode-${m}`, 'aria-pressed': String(m === this.mode),
        onclick: () => { this.mode = m; this.mount(root) },
      }, label)))
  }

  mount(root: HTMLElement) {
    this.root = root
    if (this.mode !== 'summary') {
      const box = h('div')
      fill(root, h('div', { class: 'reports' }, this.modeNav(root), box))
      this.dossierViews[this.mode].mount(box)
      return
    }
    const w = t().reports
    const from = h('input', { type: 'date', id: 'rep-from', value: this.from })
    const to = h('input', { type: 'date', id: 'rep-to', value: this.to })
    const group = h('select', { id: 'rep-group' }, ...GROUPS.map((g) => h('option', { value: g, selected: g === this.groupBy }, w.groups[g])))
    const form = h('form', { class: 'filters report-filters no-print', id: 'rep-form' },
      h('label', { for: 'rep-from' }, w.from), from,
      h('label', { for: 'rep-to' }, w.to), to,
      h('label', { for: 'rep-group' }, w.groupBy), group,
      h('button', { type: 'submit', class: 'btn btn-primary btn-small', id: 'rep-show' }, w.show),
      h('button', { type: 'button', class: 'btn btn-small', id: 'rep-print', onclick: () => window.print() }, w.print))
    form.addEventListener('submit', (ev) => {
      ev.preventDefault()
      this.from = from.value
      this.to = to.value
      this.groupBy = group.value as ReportGroupBy
      void this.refresh()
    })
    this.body = h('div', { id: 'rep-body' })
    const scaleBox = h('div', { class: 'no-print' })
    fill(root, h('div', { class: 'reports', id: 'reports' }, this.modeNav(root), h('h1', null, w.title), form, this.body, scaleBox))
    this.scale.mount(scaleBox)
    this.render()
    void this.refresh()
  }

  private query(groupBy: ReportGroupBy, format: 'json' | 'csv' = 'json') {
    const q = new URLSearchParams({ center: this.deps.center, groupBy, format })
    if (this.from) q.set('from', this.from)
    if (this.to) q.set('to', this.to)
    if (getLang() === 'en') q.set('lang', 'en')
    return `/api/reports/summary?${q}`
  }

  async refresh(): Promise<void> {
    this.loading = true
    this.render()
    try {
      const groups = [...new Set([this.groupBy, ...CHART_GROUPS])]
      const answers = await Promise.all(groups.map((g) => apiGet<ReportResponse>(this.query(g))))
      this.data = Object.fromEntries(answers.map((a) => [a.groupBy, a]))
      const first = answers[0]!
      // the server chose the default period: show it in the inputs, and ask for that period from now on
      this.from = first.from
      this.to = first.to
      const [fromInput, toInput] = [this.root?.querySelector<HTMLInputElement>('#rep-from'), this.root?.querySelector<HTMLInputElement>('#rep-to')]
      if (fromInput) fromInput.value = first.from
      if (toInput) toInput.value = first.to
      this.error = null
    } catch (e) {
      if (e instanceof ApiError && e.status === 401) return this.deps.onSessionEnded(errorText(e))
      this.error = errorText(e)
    } finally {
      this.loading = false
    }
    this.render()
  }

  private render() {
    const body = this.body
    if (!body || !body.isConnected) return
    for (const c of this.charts) c.destroy()
    this.charts = []
    const w = t().reports
    const main = this.data[this.groupBy]
    if (!main) {
      fill(body, this.error ? h('p', { class: 'notice error', role: 'alert' }, `${w.loadFailed} ${this.error}`) : h('p', { class: 'loading' }, t().pages.loading))
      return
    }
    const tot = main.totals
    const pct = (v: number | null) => (v === null ? t().staff.noValue : `${(v * 100).toLocaleString(getLang() === 'en' ? 'en' : 'vi-VN', { maximumFractionDigits: 1 })} %`)
    const kpi = (id: string, label: string, value: string) => h('div', { class: 'kpi', id }, h('span', { class: 'kpi-label' }, label), h('strong', null, value))
    const hour = this.data.hour, service = this.data.service, staff = this.data.staff
    fill(body,
      this.error ? h('p', { class: 'notice error', role: 'alert' }, this.error) : null,
      h('p', { class: 'muted report-meta', id: 'rep-meta' }, `${main.center.name} · ${fmt(w.period, { from: dmy(`${main.from}T12:00:00Z`), to: dmy(`${main.to}T12:00:00Z`) })} · ${fmt(w.generatedAt, { time: `${hms(main.generatedAt)} ${dmy(main.generatedAt)}` })}`),
      h('div', { class: 'kpis', id: 'rep-kpis' },
        kpi('kpi-served', w.kpiServed, `${tot.served} / ${tot.issued}`),
        kpi('kpi-wait', w.kpiWait, tot.waitAvg === null ? t().staff.noValue : secondsText(Math.round(tot.waitAvg))),
        kpi('kpi-satisfied', w.kpiSatisfied, `${pct(tot.satisfiedShare)} (${tot.ratings})`),
        kpi('kpi-766', w.kpi766, pct(tot.ratio766))),
      h('div', { class: 'chart-grid' },
        hour ? this.chartCard('chart-hour', w.chartByHour, hour, ['issued', 'served']) : null,
        service ? this.chartCard('chart-wait', w.chartWaitByService, service, ['waitAvg', 'waitMedian', 'waitP90']) : null,
        staff ? this.chartCard('chart-satisfaction', w.chartSatisfactionByStaff, staff, ['ratings', 'l5', 'l4', 'l3', 'l2', 'l1', 'satisfiedShare']) : null),
      h('section', { class: 'card report-table-card' },
        h('div', { class: 'card-head' },
          h('h2', null, `${w.title}: ${w.groups[main.groupBy]}`),
          this.csvLink(main.groupBy, 'rep-csv')),
        h('div', { class: 'table-scroll' }, this.table(main, REPORT_COLUMNS, 'rep-table')),
        h('p', { class: 'muted small' }, w.ratioNote, ' ', w.countersNote)))
    void this.drawCharts()
  }

  private csvLink(groupBy: ReportGroupBy, id: string) {
    return h('a', { class: 'btn btn-small no-print', id, href: this.query(groupBy, 'csv'), download: '' }, `${t().reports.csv}`)
  }

  private chartCard(id: string, title: string, report: ReportResponse, keys: ReportColumn['key'][]) {
    const cols = keys.map((k) => REPORT_COLUMNS.find((c) => c.key === k)!)
    return h('section', { class: 'card chart-card', id },
      h('div', { class: 'card-head' }, h('h2', null, title), this.csvLink(report.groupBy, `${id}-csv`)),
      h('div', { class: 'chart-box' }, h('canvas', { id: `${id}-canvas`, role: 'img', 'aria-label': title })),
      h('div', { class: 'table-scroll' }, this.table(report, cols, `${id}-table`)))
  }

  private table(report: ReportResponse, cols: readonly ReportColumn[], id: string) {
    const w = t().reports
    const sections = cols.reduce<{ section: ReportColumn['section']; n: number }[]>((acc, c) => {
      const last = acc.at(-1)
      if (last && last.section === c.section) last.n++
      else acc.push({ section: c.section, n: 1 })
      return acc
    }, [])
    const row = (label: string, f: ReportFigures, attrs: Record<string, string>) => h('tr', attrs,
      h('th', { scope: 'row' }, label),
      ...cols.map((c) => h('td', { class: 'num', 'data-col': c.key }, this.cell(reportValue(f, c.key), c.kind))))
    return h('table', { class: 'tbl report-table', id },
      h('thead', null,
        sections.length > 1 ? h('tr', { class: 'sections' }, h('th', null, ''), ...sections.map((s) => h('th', { colspan: s.n, scope: 'colgroup' }, w.sections[s.section]))) : null,
        h('tr', null, h('th', { scope: 'col' }, w.groups[report.groupBy]), ...cols.map((c) => h('th', { scope: 'col' }, w.cols[c.key])))),
      h('tbody', null, ...(report.rows.length ? report.rows.map((r: ReportRow) => row(rowLabel(report, r), r, { 'data-key': r.key ?? '' }))
        : [h('tr', null, h('td', { colspan: cols.length + 1, class: 'muted' }, w.empty))])),
      h('tfoot', null, row(w.total, report.totals, { class: 'total' })))
  }

  private cell(v: number | null, kind: ReportColumn['kind']): string {
    if (v === null) return t().staff.noValue
    if (kind === 'seconds') return secondsText(Math.round(v))
    if (kind === 'share') return `${(v * 100).toLocaleString(getLang() === 'en' ? 'en' : 'vi-VN', { maximumFractionDigits: 1 })} %`
    if (kind === 'vnd') return `${v.toLocaleString(getLang() === 'en' ? 'en' : 'vi-VN')} đ` // W2: fees collected
    return String(v)
  }

  /** chart.js is loaded on the first report only (clerks never download it); only the parts used are registered. */
  private async drawCharts() {
    const { Chart, BarController, BarElement, CategoryScale, LinearScale, Legend, Tooltip } = await import('chart.js')
    Chart.register(BarController, BarElement, CategoryScale, LinearScale, Legend, Tooltip)
    const w = t().reports
    const canvas = (id: string) => this.body?.querySelector<HTMLCanvasElement>(`#${id}-canvas`) ?? null
    const common = { responsive: true, maintainAspectRatio: false, animation: false as const, plugins: { legend: { position: 'bottom' as const } } }
    for (const c of this.charts) c.destroy()
    this.charts = []
    const hour = this.data.hour, service = this.data.service, staff = this.data.staff
    let el = canvas('chart-hour')
    if (hour && el) {
      // every hour from the first to the last with tickets, quiet ones as 0, so the day reads left to right
      const byHour = new Map(hour.rows.filter((r) => r.key !== null).map((r) => [Number(r.key), r]))
      const hours = byHour.size ? [...byHour.keys()] : []
      const span = hours.length ? Array.from({ length: Math.max(...hours) - Math.min(...hours) + 1 }, (_, i) => Math.min(...hours) + i) : []
      const hh = (n: number) => `${String(n).padStart(2, '0')}:00`
      this.charts.push(new Chart(el, { type: 'bar', options: { ...common, scales: { y: { ticks: { precision: 0 } } } }, data: {
        labels: span.map((n) => fmt(w.hourLabel, { from: hh(n), to: hh(n + 1) })),
        datasets: [
          { label: w.seriesIssued, data: span.map((n) => byHour.get(n)?.issued ?? 0), backgroundColor: '#0b3a7e' },
          { label: w.seriesServed, data: span.map((n) => byHour.get(n)?.served ?? 0), backgroundColor: '#0f5a2e' },
        ] } }))
    }
    el = canvas('chart-wait')
    if (service && el) {
      const minutes = (v: number | null) => (v === null ? null : Math.round(v / 6) / 10)
      this.charts.push(new Chart(el, { type: 'bar', options: common, data: {
        labels: service.rows.map((r) => r.label),
        datasets: [
          { label: w.seriesWaitAvg, data: service.rows.map((r) => minutes(r.waitAvg)), backgroundColor: '#0b3a7e' },
          { label: w.seriesWaitMedian, data: service.rows.map((r) => minutes(r.waitMedian)), backgroundColor: '#5b7fbf' },
          { label: w.seriesWaitP90, data: service.rows.map((r) => minutes(r.waitP90)), backgroundColor: '#b8860b' },
        ] } }))
    }
    el = canvas('chart-satisfaction')
    if (staff && el) {
      const rated = staff.rows.filter((r) => r.ratings > 0)
      this.charts.push(new Chart(el, { type: 'bar', options: { ...common, indexAxis: 'y' as const, scales: { x: { stacked: true, ticks: { precision: 0 } }, y: { stacked: true } } }, data: {
        labels: rated.map((r) => r.label),
        datasets: [5, 4, 3, 2, 1].map((lv, i) => ({
          label: w.cols[`l${lv}` as 'l5'], data: rated.map((r) => r.levels[i]!), backgroundColor: LEVEL_COLOURS[i]!,
        })) } }))
    }
  }
}

/** A day reads as the center's people write it (23/11/2026); other groupings carry the server's label. */
function rowLabel(report: ReportResponse, r: ReportRow): string {
  return report.groupBy === 'day' && r.key ? dmy(`${r.key}T12:00:00Z`) : r.label
}
