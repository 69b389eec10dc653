import { PERIOD_COLUMNS, PERIOD_GROUPS, type BookResponse, type BookRow, type PeriodFigures, type PeriodGroupBy, type PeriodResponse } from '../common/dossier-report-types.js'
import { ApiError, apiGet } from '../web/api.js'
import { fill, h } from '../web/dom.js'
import { fmt, getLang, t } from '../web/i18n.js'
import { dmy, hm } from '../web/time.js'
import { errorText } from './util.js'

/** The period report's column sections (the header's first row). */
const SECTIONS: { key: 'intake' | 'resolved' | 'ended' | 'open' | 'flows' | 'online'; cols: (keyof PeriodFigures)[] }[] = [
  { key: 'intake', cols: ['carriedOver', 'receivedCounter', 'receivedOnline', 'receivedPost', 'received', 'toHandle'] },
  { key: 'resolved', cols: ['resolvedEarly', 'resolvedOnTime', 'resolvedLate', 'resolved'] },
  { key: 'ended', cols: ['rejected', 'stopped', 'closedIncomplete', 'withdrawn'] },
  { key: 'open', cols: ['notYetDue', 'overdue', 'awaitingSupplement', 'inProgress'] },
  { key: 'flows', cols: ['supplementRequested', 'extended'] },
  { key: 'online', cols: ['onlineAnswered', 'onlineAnsweredLate'] }, // issue 21: Art. 17.2, by group
]

const when = (s: string | null) => (s ? `${dmy(s)} ${hm(s)}` : '')

/**
 * The tracking book (Sổ theo dõi hồ sơ) and the period report of the report tab (issue 21): a period,
 * the table, "In" (A4 landscape) and "Tải CSV". Definitions: docs/reports.md.
 */
export class DossierReportsView {
  private body: HTMLElement | null = null
  private from = ''
  private to = ''
  private groupBy: PeriodGroupBy = 'procedure'
  private data: PeriodResponse | BookResponse | null = null
  private error: string | null = null

  constructor(private mode: 'period' | 'book', private deps: { center: string; onSessionEnded: (message: string) => void }) {}

  mount(root: HTMLElement) {
    const w = t().reportsBook, r = t().reports
    const p = this.mode === 'period' ? 'per' : 'book'
    const from = h('input', { type: 'date', id: `${p}-from`, value: this.from })
    const to = h('input', { type: 'date', id: `${p}-to`, value: this.to })
    const group = this.mode === 'period'
      ? h('select', { id: 'per-group' }, ...PERIOD_GROUPS.map((g) => h('option', { value: g, selected: g === this.groupBy }, w.groups[g]))) : null
    const form = h('form', { class: 'filters report-filters no-print', id: `${p}-form` },
      h('label', { for: `${p}-from` }, r.from), from,
      h('label', { for: `${p}-to` }, r.to), to,
      group ? h('label', { for: 'per-group' }, r.groupBy) : null, group,
      h('button', { type: 'submit', class: 'btn btn-primary btn-small', id: `${p}-show` }, w.show),
      h('button', { type: 'button', class: 'btn btn-small', id: `${p}-print`, onclick: () => window.print() }, w.print),
      h('a', { class: 'btn btn-small', id: `${p}-csv`, href: '#', download: '' }, w.csv))
    form.addEventListener('submit', (ev) => {
      ev.preventDefault()
      this.from = from.value
      this.to = to.value
      if (group) this.groupBy = group.value as PeriodGroupBy
      void this.refresh()
    })
    this.body = h('div', { id: `${p}-body` })
    fill(root, h('section', { class: `dossier-report ${this.mode === 'book' ? 'book-print' : ''}`, id: this.mode === 'period' ? 'period-report' : 'tracking-book' },
      h('h1', null, this.mode === 'period' ? w.periodTitle : w.bookTitle), form, this.body))
    this.render()
    void this.refresh()
  }

  private query(format: 'json' | 'csv') {
    const q = new URLSearchParams({ center: this.deps.center, format })
    if (this.from) q.set('from', this.from)
    if (this.to) q.set('to', this.to)
    if (this.mode === 'period') q.set('groupBy', this.groupBy)
    if (getLang() === 'en') q.set('lang', 'en')
    return `/api/reports/${this.mode}?${q}`
  }

  async refresh(): Promise<void> {
    try {
      const answer = await apiGet<PeriodResponse | BookResponse>(this.query('json'))
      this.data = answer
      this.from = answer.from
      this.to = answer.to
      const p = this.mode === 'period' ? 'per' : 'book'
      const [f, tt] = [document.querySelector<HTMLInputElement>(`#${p}-from`), document.querySelector<HTMLInputElement>(`#${p}-to`)]
      if (f) f.value = answer.from
      if (tt) tt.value = answer.to
      const csv = document.querySelector<HTMLAnchorElement>(`#${p}-csv`)
      if (csv) csv.href = this.query('csv')
      this.error = null
    } catch (e) {
      if (e instanceof ApiError && e.status === 401) return this.deps.onSessionEnded(errorText(e))
      this.error = errorText(e)
    }
    this.render()
  }

  private render() {
    const body = this.body
    if (!body || !body.isConnected) return
    const w = t().reportsBook
    const d = this.data
    if (!d) {
      fill(body, this.error ? h('p', { class: 'notice error', role: 'alert' }, `${t().reports.loadFailed} ${this.error}`) : h('p', { class: 'loading' }, t().pages.loading))
      return
    }
    const meta = h('p', { class: 'muted report-meta', id: this.mode === 'period' ? 'per-meta' : 'book-meta' },
      `${d.center.name} · ${fmt(t().reports.period, { from: dmy(`${d.from}T12:00:00Z`), to: dmy(`${d.to}T12:00:00Z`) })} · `,
      // the period's end is local midnight after its last day: shown as that last day's 24:00
      fmt(w.asOf, { time: when(d.asOf) }))
    fill(body, this.error ? h('p', { class: 'notice error', role: 'alert' }, this.error) : null, meta,
      'groupBy' in d ? this.periodTable(d) : this.bookTable(d))
  }

  private periodTable(d: PeriodResponse) {
    const w = t().reportsBook
    const row = (label: string, f: PeriodFigures, attrs: Record<string, string>) => h('tr', attrs,
      h('th', { scope: 'row' }, label), ...PERIOD_COLUMNS.map((c) => h('td', { class: 'num', 'data-col': c }, String(f[c]))))
    return h('div', null,
      h('div', { class: 'table-scroll' }, h('table', { class: 'tbl report-table period-table', id: 'per-table' },
        h('thead', null,
          h('tr', { class: 'sections' }, h('th', null, ''), ...SECTIONS.map((s) => h('th', { colspan: s.cols.length, scope: 'colgroup' }, w.sections[s.key]))),
          h('tr', null, h('th', { scope: 'col' }, w.groups[d.groupBy]), ...PERIOD_COLUMNS.map((c) => h('th', { scope: 'col' }, w.cols[c])))),
        h('tbody', null, ...(d.rows.length ? d.rows.map((r) => row(r.label, r, { 'data-key': r.key ?? '' }))
          : [h('tr', null, h('td', { colspan: PERIOD_COLUMNS.length + 1, class: 'muted' }, w.empty))])),
        h('tfoot', null, row(t().reports.total, d.totals, { class: 'total' })))),
      // W3 (issue 21): online filings answered late (Art. 17.2)
      h('p', { class: 'online-answers', id: 'per-online-answers' }, fmt(t().dossier.reportOnlineAnswers, d.onlineAnswers)),
      h('p', { class: 'muted small' }, w.balanceNote, ' ', w.postNote))
  }

  private bookTable(d: BookResponse) {
    const w = t().reportsBook
    const c = w.bookCols
    const status = (r: BookRow) => (t().dossier.status as Record<string, string>)[r.status] ?? r.status
    const cols: [string, (r: BookRow, i: number) => string][] = [
      [c.n, (_r, i) => String(i + 1)], [c.code, (r) => r.code], [c.procedure, (r) => r.procedureName], [c.applicant, (r) => r.applicantName],
      [c.channel, (r) => w.channel[r.channel]], [c.receivedAt, (r) => when(r.receivedAt) + (r.carriedOver ? ' *' : '')], [c.receivedBy, (r) => r.receivedBy ?? ''],
      [c.dueAtIntake, (r) => when(r.dueAtIntake)], [c.supplementRequestedAt, (r) => when(r.supplementRequestedAt)],
      [c.supplementCompletedAt, (r) => when(r.supplementCompletedAt)], [c.extendedTo, (r) => when(r.extendedTo)],
      [c.readyAt, (r) => when(r.readyAt)], [c.readyBy, (r) => r.readyBy ?? ''],
      [c.returnedAt, (r) => [when(r.returnedAt), r.handoverTo ?? ''].filter(Boolean).join(' · ')], [c.returnedBy, (r) => r.returnedBy ?? ''],
      [c.closedAt, (r) => when(r.closedAt)], [c.status, status], [c.standing, (r) => w.standing[r.standing]],
    ]
    return h('div', null,
      h('p', { class: 'muted', id: 'book-count' }, fmt(w.count, { n: d.rows.length }), ' · * ', w.cols.carriedOver),
      h('div', { class: 'table-scroll' }, h('table', { class: 'tbl report-table book-table', id: 'book-table' },
        h('thead', null, h('tr', null, ...cols.map(([label]) => h('th', { scope: 'col' }, label)))),
        h('tbody', null, ...(d.rows.length ? d.rows.map((r, i) => h('tr', { 'data-id': r.id, 'data-standing': r.standing, class: r.carriedOver ? 'carried' : '' },
          ...cols.map(([, get], j) => h(j === 1 ? 'th' : 'td', j === 1 ? { scope: 'row' } : null, get(r, i)))))
          : [h('tr', null, h('td', { colspan: cols.length, class: 'muted' }, w.empty))])))))
  }
}
