import { AUDIT_ENTITIES, type AuditEntity, type AuditEntry, type AuditPage, type StaffAccount } from '../common/staff-types.js'
import { auditAction, auditDetails, auditKind, auditTarget, auditWho } from '../common/audit-text.js'
import { ApiError, apiGet } from '../web/api.js'
import { fill, h } from '../web/dom.js'
import { fmt, t } from '../web/i18n.js'
import { dmy, hms } from '../web/time.js'
import { errorText } from './util.js'

const PAGE = 50

/**
 * The manager's audit log ("Nhật ký"): who did what to which setting, ticket, counter or dossier over a range of
 * service days, filterable by kind and by staff member, a page at a time ("Xem thêm"), and its CSV export.
 * The filters stay put; only the list is redrawn (live facts refetch the first page unless more were opened).
 */
export class ActivityView {
  private root: HTMLElement | null = null
  private list: HTMLElement | null = null
  private entries: AuditEntry[] | null = null
  private next: string | null = null
  private error: string | null = null
  private entity: AuditEntity | 'settings' | '' = ''
  private staff = ''
  /** '' until the server says which service day is today (the PC's own date may be wrong) */
  private from = ''
  private to = ''
  /** the center's accounts for the staff filter, and anyone else seen in the log (an admin) */
  private people = new Map<string, string>()
  private loading = false

  constructor(private deps: { center: string; onSessionEnded: (message: string) => void }) {}

  mount(root: HTMLElement) {
    this.root = root
    const w = t().staff
    const a = t().auditLog
    const kind = h('select', { id: 'log-entity' }, h('option', { value: '' }, w.allKinds),
      h('option', { value: 'settings', selected: this.entity === 'settings' }, a.settingsKind),
      ...AUDIT_ENTITIES.map((e) => h('option', { value: e, selected: e === this.entity }, w.entityNames[e])))
    kind.addEventListener('change', () => { this.entity = kind.value as AuditEntity | 'settings' | ''; void this.refresh(true) })
    const from = h('input', { id: 'log-from', type: 'date', value: this.from, max: this.to || undefined })
    const to = h('input', { id: 'log-to', type: 'date', value: this.to })
    from.addEventListener('change', () => { if (from.value) { this.from = from.value; void this.refresh(true) } })
    to.addEventListener('change', () => { if (to.value) { this.to = to.value; void this.refresh(true) } })
    const staff = h('select', { id: 'log-staff' })
    staff.addEventListener('change', () => { this.staff = staff.value; void this.refresh(true) })
    const exportLink = h('a', { class: 'btn btn-small', id: 'log-export', download: '', href: '#' }, a.exportCsv)
    this.list = h('div', { id: 'log-list' })
    fill(root, h('div', { class: 'activity', id: 'activity' },
      h('div', { class: 'panel-head' }, h('h1', null, w.logTitle), exportLink),
      h('div', { class: 'filters' },
        h('label', { for: 'log-from' }, a.from), from,
        h('label', { for: 'log-to' }, a.to), to,
        h('label', { for: 'log-entity' }, w.kind), kind,
        h('label', { for: 'log-staff' }, w.staffFilter), staff),
      this.list))
    this.renderStaffOptions()
    this.renderList()
    void this.loadPeople()
    void this.refresh(true)
  }

  private query(cursor?: string): URLSearchParams {
    const q = new URLSearchParams({ limit: String(PAGE) })
    if (this.from) q.set('from', this.from)
    if (this.to) q.set('to', this.to)
    if (this.entity) q.set('entity', this.entity)
    if (this.staff) q.set('staff', this.staff)
    if (cursor) q.set('cursor', cursor)
    return q
  }

  /** The first page again: on a filter's change, or a live fact while only the first page is open. */
  async refresh(force = false): Promise<void> {
    if (!force && this.entries && this.entries.length > PAGE) return
    await this.load(undefined)
  }

  private async load(cursor: string | undefined) {
    this.loading = true
    if (cursor) this.renderList()
    try {
      const page = await apiGet<AuditPage>(`/api/centers/${encodeURIComponent(this.deps.center)}/audit?${this.query(cursor)}`)
      this.entries = cursor ? [...(this.entries ?? []), ...page.entries] : page.entries
      this.next = page.next
      if (!this.from || !this.to) {
        this.from = page.from
        this.to = page.to
        const f = this.root?.querySelector<HTMLInputElement>('#log-from')
        const t2 = this.root?.querySelector<HTMLInputElement>('#log-to')
        if (f) f.value = page.from
        if (t2) { t2.value = page.to; t2.max = page.to }
      }
      for (const e of page.entries) if (e.staffId && e.staffName && !this.people.has(e.staffId)) this.people.set(e.staffId, e.staffName)
      this.error = null
    } catch (e) {
      if (e instanceof ApiError && e.status === 401) return this.deps.onSessionEnded(errorText(e))
      this.error = errorText(e)
    }
    this.loading = false
    this.renderStaffOptions()
    this.renderList()
  }

  private async loadPeople() {
    try {
      const { staff } = await apiGet<{ staff: StaffAccount[] }>(`/api/centers/${encodeURIComponent(this.deps.center)}/staff`)
      for (const s of staff) this.people.set(s.id, s.fullName)
      this.renderStaffOptions()
    } catch { /* the names seen in the log still fill the filter */ }
  }

  private renderStaffOptions() {
    const select = this.root?.querySelector<HTMLSelectElement>('#log-staff')
    if (!select || document.activeElement === select) return
    const people = [...this.people].sort((a, b) => a[1].localeCompare(b[1], 'vi'))
    fill(select, h('option', { value: '' }, t().staff.allStaff), ...people.map(([id, name]) => h('option', { value: id, selected: id === this.staff }, name)))
  }

  private renderList() {
    const list = this.list
    if (!list || !list.isConnected) return
    const w = t().staff
    const a = t().auditLog
    const link = this.root?.querySelector<HTMLAnchorElement>('#log-export')
    if (link) { const q = this.query(); q.delete('limit'); q.set('format', 'csv'); link.href = `/api/centers/${encodeURIComponent(this.deps.center)}/audit?${q}` }
    if (!this.entries) {
      fill(list, this.error ? h('p', { class: 'notice error', role: 'alert' }, this.error) : h('p', { class: 'loading' }, t().pages.loading))
      return
    }
    const c = t()
    const oneDay = this.from === this.to
    fill(list,
      this.error ? h('p', { class: 'notice error', role: 'alert' }, this.error) : null,
      this.entries.length ? h('table', { class: 'tbl card', id: 'log-table' },
        h('thead', null, h('tr', null, ...[w.colWhen, w.colWho, w.colWhat, w.colAction, w.colChange].map((x) => h('th', { scope: 'col' }, x)))),
        h('tbody', null, ...this.entries.map((e) => h('tr', { 'data-entity': e.entity, 'data-action': e.action, 'data-id': e.id },
          h('td', { class: 'nowrap' }, oneDay ? hms(e.at) : `${dmy(e.at)} ${hms(e.at)}`),
          h('td', { class: 'nowrap' }, auditWho(c, e) ?? w.noValue),
          h('td', null, e.entity === 'counter' ? null : h('span', { class: 'muted' }, `${auditKind(c, e)} `), h('strong', null, auditTarget(c, e))),
          h('td', null, auditAction(c, e)),
          h('td', null, details(e))))))
        : h('p', { class: 'muted card', id: 'log-empty' }, w.logEmpty),
      this.entries.length ? h('div', { class: 'log-foot' },
        h('span', { class: 'muted', id: 'log-count' }, fmt(this.next ? a.shown : a.shownAll, { n: this.entries.length })),
        this.next ? h('button', { type: 'button', class: 'btn', id: 'log-more', disabled: this.loading, onclick: () => void this.load(this.next!) }, a.more) : null) : null)
  }
}

/** What changed, in words (the CSV export words it the same way). */
export function details(e: AuditEntry): string {
  return auditDetails(t(), e, (iso) => `${hms(iso).slice(0, 5)} ${dmy(iso)}`)
}
