import { sql } from 'kysely'
import type { Executor } from '../../db/create-db.js'
import type { AuditEntity } from '../../common/staff-types.js'

export function lockService(db: Executor, id: string) {
  return db.selectFrom('service').selectAll().where('id', '=', id).forUpdate().executeTakeFirst()
}

export function updateService(db: Executor, id: string, patch: { name_vi?: string; name_en?: string; icon?: string; target_wait_minutes?: number; daily_cap?: number | null; active?: boolean }) {
  return db.updateTable('service').set(patch).where('id', '=', id).returningAll().executeTakeFirstOrThrow()
}

export function insertAudit(db: Executor, e: { centerId: string; staffId: string; entity: string; entityId: string; action: string; changes: Record<string, { from: unknown; to: unknown }>; at: Date }) {
  return db.insertInto('audit_log').values({
    center_id: e.centerId, staff_id: e.staffId, entity: e.entity, entity_id: e.entityId, action: e.action,
    changes: JSON.stringify(e.changes), at: e.at,
  }).execute()
}

export interface ActivityRow {
  id: string
  at: Date | string
  staff_id: string | null
  staff_name: string | null
  entity: AuditEntity
  entity_id: string
  label: string | null
  action: string
  changes: Record<string, { from: unknown; to: unknown }> | string
}

/**
 * Who did what to which setting, ticket or counter during one service day (in the center's time zone),
 * newest first: the audit log, ticket events done by staff, and counter events, in one list.
 */
export async function listActivity(db: Executor, center: { id: string; time_zone: string }, opts: { day: string; entity?: AuditEntity | 'settings'; staffId?: string; limit: number }) {
  const from = sql`(${opts.day}::date::timestamp AT TIME ZONE ${center.time_zone})`
  const to = sql`((${opts.day}::date + 1)::timestamp AT TIME ZONE ${center.time_zone})`
  const want = (e: string) => !opts.entity || opts.entity === e
  const parts = []
  // setting changes (the audit log): services, counters, the center (hours, cut-off, announcement, pause
  // limit), procedures, staff accounts, priority groups, and whatever else writes to it
  if (opts.entity !== 'ticket') parts.push(sql`
    SELECT 'a' || a.id AS id, a.id AS n, a.at, a.staff_id, a.entity, a.entity_id,
           CASE a.entity WHEN 'service' THEN s.prefix || ' · ' || s.name_vi WHEN 'counter' THEN ac.number::text
             WHEN 'procedure' THEN p.code || ' · ' || p.name_vi WHEN 'staff' THEN sa.full_name || ' (' || sa.username || ')'
             WHEN 'priority_group' THEN pg.name_vi WHEN 'center' THEN ce.name ELSE a.entity_id END AS label,
           a.action, a.changes
    FROM audit_log a LEFT JOIN service s ON a.entity = 'service' AND s.id::text = a.entity_id
      LEFT JOIN counter ac ON a.entity = 'counter' AND ac.id::text = a.entity_id
      LEFT JOIN center ce ON a.entity = 'center' AND ce.id::text = a.entity_id
      LEFT JOIN procedure p ON a.entity = 'procedure' AND p.id::text = a.entity_id
      LEFT JOIN staff sa ON a.entity = 'staff' AND sa.id::text = a.entity_id
      LEFT JOIN priority_group pg ON a.entity = 'priority_group' AND pg.id::text = a.entity_id
    WHERE a.center_id = ${center.id} AND a.at >= ${from} AND a.at < ${to}
      ${opts.entity && opts.entity !== 'settings' ? sql`AND a.entity = ${opts.entity}` : sql``}`)
  if (want('ticket')) parts.push(sql`
    SELECT 't' || e.id, e.id, e.at, e.staff_id, 'ticket', e.ticket_id::text, t.code, e.type,
           jsonb_build_object('status', jsonb_build_object('from', e.from_status, 'to', e.to_status))
             || CASE WHEN c.number IS NULL THEN '{}'::jsonb ELSE jsonb_build_object('counter', jsonb_build_object('from', null, 'to', c.number)) END
    FROM ticket_event e JOIN ticket t ON t.id = e.ticket_id LEFT JOIN counter c ON c.id = e.counter_id
    WHERE e.center_id = ${center.id} AND e.staff_id IS NOT NULL AND e.at >= ${from} AND e.at < ${to}`)
  if (want('counter')) parts.push(sql`
    SELECT 'c' || ce.id, ce.id, ce.at, ce.staff_id, 'counter', ce.counter_id::text, c.number::text, ce.type,
           CASE WHEN ce.reason IS NULL THEN '{}'::jsonb ELSE jsonb_build_object('reason', jsonb_build_object('from', null, 'to', ce.reason)) END
    FROM counter_event ce JOIN counter c ON c.id = ce.counter_id
    WHERE c.center_id = ${center.id} AND ce.at >= ${from} AND ce.at < ${to}`)
  const { rows } = await sql<ActivityRow>`
    SELECT x.id, x.at, x.staff_id, x.entity, x.entity_id, x.label, x.action, x.changes, st.full_name AS staff_name
    FROM (${sql.join(parts, sql` UNION ALL `)}) AS x (id, n, at, staff_id, entity, entity_id, label, action, changes)
    LEFT JOIN staff st ON st.id = x.staff_id
    WHERE ${opts.staffId ? sql`x.staff_id = ${opts.staffId}` : sql`true`}
    ORDER BY x.at DESC, x.n DESC
    LIMIT ${opts.limit}`.execute(db)
  return rows
}

export function lockCounter(db: Executor, id: string) {
  return db.selectFrom('counter').selectAll().where('id', '=', id).forUpdate().executeTakeFirst()
}

export function listCounters(db: Executor, centerId: string) {
  return db.selectFrom('counter').select(['id', 'number', 'name', 'status']).where('center_id', '=', centerId).orderBy('number').execute()
}

export function counterServiceRows(db: Executor, centerId: string) {
  // primary first, then in the services' own order
  return db.selectFrom('counter_service').innerJoin('counter', 'counter.id', 'counter_service.counter_id')
    .innerJoin('service', 'service.id', 'counter_service.service_id')
    .select(['counter_service.counter_id', 'counter_service.service_id', 'counter_service.tier'])
    .where('counter.center_id', '=', centerId).orderBy('counter_service.tier').orderBy('service.sort_order').orderBy('service.prefix').execute()
}

export function servicesOfCenter(db: Executor, centerId: string, ids: string[]) {
  if (!ids.length) return Promise.resolve([])
  return db.selectFrom('service').select('id').where('center_id', '=', centerId).where('id', 'in', ids).execute()
}

export function renameCounter(db: Executor, id: string, name: string) {
  return db.updateTable('counter').set({ name }).where('id', '=', id).execute()
}

/** Replaces the counter's services: `tier` 1 primary, 2 backup. */
export async function replaceCounterServices(db: Executor, counterId: string, primary: string[], backup: string[]) {
  await db.deleteFrom('counter_service').where('counter_id', '=', counterId).execute()
  const rows = [...primary.map((s) => ({ counter_id: counterId, service_id: s, tier: 1 as const })), ...backup.map((s) => ({ counter_id: counterId, service_id: s, tier: 2 as const }))]
  if (rows.length) await db.insertInto('counter_service').values(rows).execute()
}

export function lockCenter(db: Executor, id: string) {
  return db.selectFrom('center').selectAll().where('id', '=', id).forUpdate().executeTakeFirstOrThrow()
}

export function updateCenter(db: Executor, id: string, patch: { opening_hours?: string; ticket_cutoff?: string | null; announcement_template?: string; pause_alert_minutes?: number }) {
  return db.updateTable('center').set(patch).where('id', '=', id).returningAll().executeTakeFirstOrThrow()
}
