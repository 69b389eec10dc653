/**
 * An audit log entry in words, the same on the "Nhật ký" page and in its CSV export: the kind, what it was
 * done to, the action, and what changed. DOM-free; takes the reader's catalog.
 */
import type { Catalog } from './i18n/index.js'
import { format } from './i18n/index.js'
import type { AuditEntry } from './staff-types.js'

/** A field's name in the log; a calendar day's `name` is the day's, not a counter's. */
export function fieldLabelIn(c: Catalog, entity: string, field: string): string {
  const w = c.staff
  if (entity === 'calendar_day' && field === 'name') return w.fieldNames.dayName
  // a service's appointment slots (issue 24)
  if (field === 'appointmentRules') return c.appointments.settingsTitle
  // an API token's (W5): its name, scopes, expiry, revocation
  // a webhook's (W6): its URL, events, personal data, http, active, a replayed delivery
  if (entity === 'webhook') return (c.webhooks.fieldNames as Record<string, string>)[field] ?? field
  // the center's own voice (issue 23): a language's name and template, a recording
  if (entity === 'voice') return (c.voice.fieldNames as Record<string, string>)[field] ?? field
  if (entity === 'api_token') return field === 'revokedAt' ? c.apiTokens.columns.status : (c.apiTokens.columns as Record<string, string>)[field] ?? field
  // a service is "taking tickets"; an account is active; a procedure or a group is in use
  if (field === 'active' && entity === 'staff') return w.accountActive
  // a center's own fields (H6): its name is not a counter's, its active flag not a service's
  if (entity === 'center' && (field === 'name' || field === 'nameEn' || field === 'address' || field === 'province' || field === 'active')) return field === 'active' ? c.admin.centerActive : c.admin.fieldNames[field]
  if (field === 'active' && entity === 'counter') return c.admin.counterActive
  if (field === 'active' && (entity === 'procedure' || entity === 'priority_group')) return w.activeLabel
  if (entity === 'procedure' && field === 'code') return c.procImport.headers.code
  return (w.fieldNames as Record<string, string>)[field] ?? (c.procImport.headers as Record<string, string>)[field] ?? field
}

/** A value in the log: roles, kinds of day and online levels in words, lists joined, empty as "(trống)". */
export function auditValueIn(c: Catalog, field: string, v: unknown): string {
  const w = c.staff
  if (v === null || v === undefined || v === '' || (Array.isArray(v) && !v.length)) return w.noneValue
  if (v === true) return w.yes
  if (v === false) return w.no
  if (Array.isArray(v)) return v.join('; ')
  if (field === 'role' && typeof v === 'string' && v in w.role) return w.role[v as keyof typeof w.role]
  if (field === 'kind' && typeof v === 'string' && v in w.dayKinds) return w.dayKinds[v as keyof typeof w.dayKinds]
  if (field === 'onlineLevel' && typeof v === 'string' && v in c.procImport.levels) return c.procImport.levels[v as keyof typeof c.procImport.levels]
  return String(v)
}

/** The pause reason's category and the clerk's note ("meeting: họp giao ban"). */
function splitReason(text: string | null): { reason: string | null; note: string | null } {
  if (!text) return { reason: null, note: null }
  const i = text.indexOf(':')
  return i < 0 ? { reason: text, note: null } : { reason: text.slice(0, i), note: text.slice(i + 1).trim() || null }
}

/** What it was done to: "A · Hộ tịch", "Quầy số 3", the ticket's or dossier's code, "25/12/2026" for a calendar day. */
export function auditTarget(c: Catalog, e: AuditEntry): string {
  if (e.entity === 'counter') return format(c.staff.counterN, { n: e.entityLabel ?? '?' })
  if (e.entity === 'calendar_day') return e.entityId.split('-').reverse().join('/')
  return e.entityLabel ?? e.entityId
}

/** A counter intake's consent to messages (issue 24): "Đồng ý nhận tin SMS tới 0912•••678". */
function notifyConsentText(c: Catalog, v: unknown): string {
  const n = v as { channel?: string; to?: string } | null | undefined
  if (!n || typeof n.to !== 'string' || (n.channel !== 'sms' && n.channel !== 'zalo')) return ''
  return format(c.auditLog.notifyConsent, { channel: c.notify.panel.channelNames[n.channel], to: n.to })
}

/** Who did it: the staff member (or API token), or the citizen who stopped the messages on the lookup page (issue 24). */
export function auditWho(c: Catalog, e: AuditEntry): string | null {
  return e.staffName ?? (e.changes.by?.to === 'citizen' ? c.auditLog.citizen : null)
}

export function auditKind(c: Catalog, e: AuditEntry): string {
  return (c.staff.entityNames as Record<string, string>)[e.entity] ?? e.entity
}

export function auditAction(c: Catalog, e: AuditEntry): string {
  return (c.staff.auditActions as Record<string, string>)[e.action] ?? e.action
}

/** What changed, in words: a setting's fields, a ticket's or dossier's status, a pause reason, a new due date. */
export function auditDetails(c: Catalog, e: AuditEntry, when: (iso: string) => string): string {
  if (e.entity === 'ticket') {
    const status = (s: unknown) => (typeof s === 'string' && s in c.ticketStatus ? c.ticketStatus[s as keyof typeof c.ticketStatus] : '—')
    const st = e.changes.status
    const counter = e.changes.counter?.to
    return [st ? `${status(st.from)} → ${status(st.to)}` : '', counter ? format(c.staff.counterN, { n: String(counter) }) : ''].filter(Boolean).join(' · ')
  }
  // a counter's opening, pause, close (its settings are audit rows, 'a…')
  if (e.entity === 'counter' && e.id.startsWith('c')) {
    const { reason, note } = splitReason(typeof e.changes.reason?.to === 'string' ? e.changes.reason.to : null)
    return reason ? `${(c.pauseReason as Record<string, string>)[reason] ?? reason}${note ? ` (${note})` : ''}` : ''
  }
  if (e.entity === 'dossier') {
    const status = (s: unknown) => (typeof s === 'string' && s in c.dossier.status ? c.dossier.status[s as keyof typeof c.dossier.status] : '—')
    const st = e.changes.status
    const due = e.changes.dueAt
    return [
      // a counter intake starts from nothing: its new status alone
      st && st.from !== st.to ? (st.from == null ? status(st.to) : `${status(st.from)} → ${status(st.to)}`) : '',
      due && typeof due.to === 'string' ? `${c.auditLog.dueAt}: ${typeof due.from === 'string' ? when(due.from) : '—'} → ${when(due.to)}` : '',
      typeof e.changes.note?.to === 'string' ? `${c.auditLog.note}: ${e.changes.note.to}` : '',
      notifyConsentText(c, e.changes.notifyConsent?.to),
      e.changes.by?.to === 'citizen' ? c.auditLog.byCitizen : '',
    ].filter(Boolean).join(' · ')
  }
  return Object.entries(e.changes).map(([f, ch]) =>
    `${fieldLabelIn(c, e.entity, f)}: ${e.action === 'create' ? auditValueIn(c, f, ch.to) : `${auditValueIn(c, f, ch.from)} → ${auditValueIn(c, f, ch.to)}`}`).join('; ')
}
