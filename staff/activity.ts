import { AUDIT_ENTITIES, type AuditEntity, type AuditEntry } from '../common/staff-types.js'
import { ApiError, apiGet } from '../web/api.js'
import { fill, h } from '../web/dom.js'
import { fmt, t } from '../web/i18n.js'
import { hms } from '../web/time.js'
import { auditValue, fieldLabel } from './settings-form.js'
import { splitPauseReason } from './actions.js'
import { errorText } from './util.js'

/**
 * The manager's activity log: who did what to which ticket, counter or setting, on one service day,
 * filterable by kind and by staff member. The filters stay put; only the list is redrawn (live facts too).
 */
export class ActivityView {
  private root: HTMLElement | null = null
  private list: HTMLElement | null = null
  private entries: AuditEntry[] | null = null
  private error: string | null = null
  private entity: AuditEntity | '' = ''
  private staff = ''
  /** '' until the server says which service day is today (the PC's own date may be wrong) */
  private day = ''
  /** everyone seen active on the day shown, for the staff filter */
  private people = new Map<string, string>()

  constructor(private deps: { center: string; onSessionEnded: (message: string) => void }) {}

  mount(root: HTMLElement) {
    this.root = root
    const w = t().staff
    const kind = h('select', { id: 'log-entity' }, h('option', { value: '' }, w.allKinds),
      ...AUDIT_ENTITIES.map((e) => h('option', { value: e, selected: e === this.entity }, w.entityNames[e])))
    kind.addEventListener('change', () => { this.entity = kind.value as AuditEntity | ''; void this.refresh() })
    const day = h('input', { id: 'log-day', type: 'date', value: this.day })
    day.addEventListener('change', () => { if (day.value) { this.day = day.value; this.people.clear(); void this.refresh() } })
    const staff = h('select', { id: 'log-staff' })
    staff.addEventListener('change', () => { this.staff = staff.value; void this.refresh() })
    this.list = h('div', { id: 'log-list' })
    fill(root, h('div', { class: 'activity', id: 'activity' },
      h('h1', null, w.logTitle),
      h('div', { class: 'filters' },
        h('label', { for: 'log-day' }, w.day), day,
        h('label', { for: 'log-entity' }, w.kind), kind,
        h('label', { for: 'log-staff' }, w.staffFilter), staff),
      this.list))
    this.renderStaffOptions()
    this.renderList()
    void this.refresh()
  }

  async refresh(): Promise<void> {
    const q = new URLSearchParams({ limit: '200' })
    if (this.day) q.set('day', this.day)
    if (this.entity) q.set('entity', this.entity)
    if (this.staff) q.set('staff', this.staff)
    try {
      const { day, entries } = await apiGet<{ day: string; entries: AuditEntry[] }>(`/api/centers/${encodeURIComponent(this.deps.center)}/audit?${q}`)
      this.entries = entries
      if (!this.day) {
        this.day = day
        const input = this.root?.querySelector<HTMLInputElement>('#log-day')
        if (input) { input.value = day; input.max = day }
      }
      for (const e of entries) if (e.staffId && e.staffName) this.people.set(e.staffId, e.staffName)
      this.error = null
    } catch (e) {
      if (e instanceof ApiError && e.status === 401) return this.deps.onSessionEnded(errorText(e))
      this.error = errorText(e)
    }
    this.renderStaffOptions()
    this.renderList()
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
    if (!this.entries) {
      fill(list, this.error ? h('p', { class: 'notice error', role: 'alert' }, this.error) : h('p', { class: 'loading' }, t().pages.loading))
      return
    }
    fill(list,
      this.error ? h('p', { class: 'notice error', role: 'alert' }, this.error) : null,
      this.entries.length ? h('table', { class: 'tbl card', id: 'log-table' },
        h('thead', null, h('tr', null, ...[w.colWhen, w.colWho, w.colWhat, w.colAction, w.colChange].map((c) => h('th', { scope: 'col' }, c)))),
        h('tbody', null, ...this.entries.map((e) => h('tr', { 'data-entity': e.entity, 'data-action': e.action },
          h('td', { class: 'nowrap' }, hms(e.at)),
          h('td', { class: 'nowrap' }, e.staffName ?? w.noValue),
          h('td', null, e.entity === 'counter' ? null : h('span', { class: 'muted' }, `${w.entityNames[e.entity] ?? e.entity} `), h('strong', null, label(e))),
          h('td', null, (w.auditActions as Record<string, string>)[e.action] ?? e.action),
          h('td', null, details(e))))))
        : h('p', { class: 'muted card', id: 'log-empty' }, w.logEmpty))
  }
}

function label(e: AuditEntry): string {
  if (e.entity === 'counter') return fmt(t().staff.counterN, { n: e.entityLabel ?? '?' })
  if (e.entity === 'calendar_day') return e.entityId.split('-').reverse().join('/')
  return e.entityLabel ?? e.entityId
}

/** What changed, in words: a setting's fields, a ticket's status, a pause reason. */
export function details(e: AuditEntry): string {
  const w = t()
  const status = (s: unknown) => (typeof s === 'string' && s in w.ticketStatus ? w.ticketStatus[s as keyof typeof w.ticketStatus] : '—')
  if (e.entity === 'ticket') {
    const st = e.changes.status
    const counter = e.changes.counter?.to
    return [st ? `${status(st.from)} → ${status(st.to)}` : '', counter ? fmt(w.staff.counterN, { n: String(counter) }) : ''].filter(Boolean).join(' · ')
  }
  if (e.entity === 'counter') {
    const { reason, note } = splitPauseReason(typeof e.changes.reason?.to === 'string' ? e.changes.reason.to : null)
    return reason ? `${(w.pauseReason as Record<string, string>)[reason] ?? reason}${note ? ` (${note})` : ''}` : ''
  }
  return Object.entries(e.changes).map(([f, c]) => `${fieldLabel(e.entity, f)}: ${e.action === 'create' ? auditValue(f, c.to) : `${auditValue(f, c.from)} → ${auditValue(f, c.to)}`}`).join('; ')
}
