import type { AuditEntry, ServiceSettings } from '../common/staff-types.js'
import { h } from '../web/dom.js'
import { fmt, t } from '../web/i18n.js'
import { dmy, hm } from '../web/time.js'
import { auditValue, fieldLabel } from './settings-form.js'

// Small parts of the manager's settings (settings.ts): the opening hours as typed, and the change log under each section.

/** "07:00-11:30, 13:30-17:00" → [['07:00','11:30'], ['13:30','17:00']]; what does not parse is sent as typed, for the server to refuse. */
export function parseHours(text: string): [string, string][] {
  return text.split(',').map((p) => p.trim()).filter(Boolean).map((p) => {
    const [a = '', b = ''] = p.split(/\s*[-–]\s*/)
    return [a.trim(), b.trim()]
  })
}
export function hoursText(list: [string, string][] | undefined): string {
  return (list ?? []).map(([a, b]) => `${a}-${b}`).join(', ')
}

/** The change log under a settings section: each entry's moment, who, what and its changes. */
export function auditSection(audit: AuditEntry[], services: ServiceSettings[]): HTMLElement {
    const w = t().staff
    const service = (id: unknown) => services.find((x) => x.id === id)
    const value = (field: string, v: unknown) => field === 'serviceId' && service(v) ? `${service(v)!.prefix} · ${service(v)!.nameVi}` : auditValue(field, v)
    const what = (e: AuditEntry) => e.entity === 'counter' && e.entityLabel ? fmt(w.counterLabel, { n: e.entityLabel })
      : e.entity === 'service' || e.entity === 'center' ? e.entityLabel ?? e.entityId
      : `${(w.entityNames as Record<string, string>)[e.entity] ?? e.entity}: ${e.entity === 'calendar_day' ? e.entityId.split('-').reverse().join('/') : e.entityLabel ?? e.entityId}`
    return h('section', { class: 'card audit', id: 'audit' },
      h('h2', null, w.auditTitle),
      audit.length ? h('table', { class: 'tbl' },
        h('thead', null, h('tr', null, ...[w.colWhen, w.colWho, w.colWhat, w.colChange].map((c) => h('th', { scope: 'col' }, c)))),
        h('tbody', null, ...audit.map((e) => h('tr', { 'data-entity': e.entity, 'data-action': e.action },
          h('td', { class: 'nowrap' }, `${hm(e.at)} ${dmy(e.at)}`),
          h('td', { class: 'nowrap' }, e.staffName ?? w.noValue),
          h('td', null, what(e)),
          h('td', null, h('ul', { class: 'changes' },
            e.action === 'update' ? null : h('li', null, h('strong', null, (w.auditActions as Record<string, string>)[e.action] ?? e.action)),
            ...Object.entries(e.changes).map(([f, c]) => h('li', null,
              h('strong', null, fieldLabel(e.entity, f)), ': ', e.action === 'create' ? value(f, c.to) : `${value(f, c.from)} → ${value(f, c.to)}`))))))))
        : h('p', { class: 'muted' }, w.auditEmpty))
}
