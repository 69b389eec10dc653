import { sql } from 'kysely'
import type { Executor } from '../../db/create-db.js'
import type { AuditEntity } from '../../common/staff-types.js'

// The audit log ("Nhật ký") of a center: four append-only sources read as one list, newest first, a page at a time.

export interface ActivityRow {
  id: string
  /** the row's place in the list: its moment to the microsecond (UTC), its source, its id in that source */
  at_key: string
  src: 'a' | 'c' | 'd' | 't'
  n: string | number
  at: Date | string
  staff_id: string | null
  staff_name: string | null
  entity: AuditEntity
  entity_id: string
  label: string | null
  action: string
  changes: Record<string, { from: unknown; to: unknown }> | string
}

/** Where a page starts: after the row with this moment (UTC, microseconds), source and id. */
export interface Cursor { at: string; src: 'a' | 'c' | 'd' | 't'; n: string }

export interface ActivityFilter {
  /** the first and last service day, in the center's time zone */
  from: string
  to: string
  entity?: AuditEntity | 'settings'
  staffId?: string
  after?: Cursor
  limit: number
}

/**
 * Who did what to which setting, ticket, counter or dossier over a range of service days, newest first:
 * setting changes (`audit_log`), ticket events done by staff, counter events, and dossier events done by
 * staff (or the citizen's own stop of the messages). Ordered by moment (newest first), source ('a' setting changes first: a deactivation before the counter
 * close it caused), id (newest first): a total order, so a page that starts after the
 * last row of the one before (keyset paging) lists every row exactly once, whatever is written meanwhile
 * (new rows are newer: they come before the first page, not inside a later one).
 */
export async function listActivity(db: Executor, center: { id: string; time_zone: string }, f: ActivityFilter): Promise<ActivityRow[]> {
  const from = sql`(${f.from}::date::timestamp AT TIME ZONE ${center.time_zone})`
  const to = sql`((${f.to}::date + 1)::timestamp AT TIME ZONE ${center.time_zone})`
  const want = (e: string) => !f.entity || f.entity === e
  // each source reads its own index from the cursor on, so a late page costs what the first does
  const page = (src: string, at: ReturnType<typeof sql.ref>, id: ReturnType<typeof sql.ref>, staff: ReturnType<typeof sql.ref>) => sql`
    ${at} >= ${from} AND ${at} < ${to}
    ${f.staffId ? sql`AND ${staff} = ${f.staffId}` : sql``}
    ${f.after ? sql`AND ${at} <= ${f.after.at}::timestamptz AND (${at} < ${f.after.at}::timestamptz
      OR ${src}::text > ${f.after.src}::text OR (${src}::text = ${f.after.src}::text AND ${id} < ${f.after.n}::bigint))` : sql``}
    ORDER BY ${at} DESC, ${id} DESC LIMIT ${f.limit}`
  const parts = []
  // setting changes: services, counters, the center, procedures, staff accounts, priority groups, the calendar …
  if (f.entity !== 'ticket' && f.entity !== 'dossier') parts.push(sql`(
    SELECT 'a'::text AS src, a.id AS n, a.at, a.staff_id, a.entity, a.entity_id,
           CASE a.entity WHEN 'service' THEN coalesce(s.prefix || ' · ' || s.name_vi, (a.changes->'prefix'->>'from') || ' · ' || (a.changes->'nameVi'->>'from')) WHEN 'counter' THEN ac.number::text
             WHEN 'procedure' THEN coalesce(p.national_code, p.code) || ' · ' || p.name_vi WHEN 'staff' THEN sa.full_name || ' (' || sa.username || ')'
             WHEN 'priority_group' THEN pg.name_vi WHEN 'center' THEN ce.name WHEN 'api_token' THEN atk.name
             WHEN 'webhook' THEN coalesce(wh.url, a.changes->'url'->>'from') ELSE a.entity_id END AS label,
           a.action, a.changes, a.api_token_id
    FROM audit_log a LEFT JOIN service s ON a.entity = 'service' AND s.id::text = a.entity_id
      LEFT JOIN counter ac ON a.entity = 'counter' AND ac.id::text = a.entity_id
      LEFT JOIN center ce ON a.entity = 'center' AND ce.id::text = a.entity_id
      LEFT JOIN procedure p ON a.entity = 'procedure' AND p.id::text = a.entity_id
      LEFT JOIN staff sa ON a.entity = 'staff' AND sa.id::text = a.entity_id
      LEFT JOIN priority_group pg ON a.entity = 'priority_group' AND pg.id::text = a.entity_id
      LEFT JOIN api_token atk ON a.entity = 'api_token' AND atk.id::text = a.entity_id
      LEFT JOIN webhook_subscription wh ON a.entity = 'webhook' AND wh.id::text = a.entity_id
    WHERE a.center_id = ${center.id}
      ${f.entity && f.entity !== 'settings' ? sql`AND a.entity = ${f.entity}` : sql``}
      AND ${page('a', sql.ref('a.at'), sql.ref('a.id'), sql.ref('a.staff_id'))})`)
  if (want('ticket')) parts.push(sql`(
    SELECT 't'::text, e.id, e.at, e.staff_id, 'ticket', e.ticket_id::text, t.code, e.type,
           jsonb_build_object('status', jsonb_build_object('from', e.from_status, 'to', e.to_status))
             || CASE WHEN c.number IS NULL THEN '{}'::jsonb ELSE jsonb_build_object('counter', jsonb_build_object('from', null, 'to', c.number)) END,
           NULL::uuid
    FROM ticket_event e JOIN ticket t ON t.id = e.ticket_id LEFT JOIN counter c ON c.id = e.counter_id
    WHERE e.center_id = ${center.id} AND e.staff_id IS NOT NULL
      AND ${page('t', sql.ref('e.at'), sql.ref('e.id'), sql.ref('e.staff_id'))})`)
  if (want('counter')) parts.push(sql`(
    SELECT 'c'::text, ce.id, ce.at, ce.staff_id, 'counter', ce.counter_id::text, c.number::text, ce.type,
           CASE WHEN ce.reason IS NULL THEN '{}'::jsonb ELSE jsonb_build_object('reason', jsonb_build_object('from', null, 'to', ce.reason)) END,
           NULL::uuid
    FROM counter_event ce JOIN counter c ON c.id = ce.counter_id
    WHERE c.center_id = ${center.id}
      AND ${page('c', sql.ref('ce.at'), sql.ref('ce.id'), sql.ref('ce.staff_id'))})`)
  // dossier actions by staff: received, every status change (supplement, result, handover …), extensions;
  // the dossier's own history (dossier_event), written in the same transaction as each change; and the one
  // act of a citizen that withdraws what staff recorded: stopping the messages (issue 24, `by: 'citizen'`)
  if (want('dossier')) parts.push(sql`(
    SELECT 'd'::text, de.id, de.at, de.staff_id, 'dossier', de.dossier_id::text, d.code,
           CASE WHEN de.type = 'status' THEN de.to_status::text ELSE de.type END,
           jsonb_build_object('status', jsonb_build_object('from', de.from_status, 'to', de.to_status))
             || CASE WHEN de.note IS NULL THEN '{}'::jsonb ELSE jsonb_build_object('note', jsonb_build_object('from', null, 'to', de.note)) END
             || CASE WHEN de.data ? 'newDueAt' THEN jsonb_build_object('dueAt', jsonb_build_object('from', de.data->'previousDueAt', 'to', de.data->'newDueAt')) ELSE '{}'::jsonb END
             -- issue 24: the consent to messages the clerk recorded at the intake (channel, masked number)
             || CASE WHEN de.data ? 'notifyConsent' THEN jsonb_build_object('notifyConsent', jsonb_build_object('from', null, 'to', de.data->'notifyConsent')) ELSE '{}'::jsonb END
             -- issue 24: the citizen stopped the messages on the lookup page
             || CASE WHEN de.data->>'by' = 'citizen' THEN jsonb_build_object('by', jsonb_build_object('from', null, 'to', 'citizen')) ELSE '{}'::jsonb END,
           de.api_token_id
    FROM dossier_event de JOIN dossier d ON d.id = de.dossier_id
    WHERE de.center_id = ${center.id} AND (de.staff_id IS NOT NULL OR de.data->>'by' = 'citizen')
      AND ${page('d', sql.ref('de.at'), sql.ref('de.id'), sql.ref('de.staff_id'))})`)
  const { rows } = await sql<ActivityRow>`
    SELECT x.src || x.n AS id, x.src, x.n, x.at, to_char(x.at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS at_key,
           x.staff_id, x.entity, x.entity_id, x.label, x.action, x.changes,
           -- a change an API token made is the token's (W5, issue 25): its name, marked as a token's
           CASE WHEN tk.name IS NULL THEN st.full_name ELSE 'API · ' || tk.name END AS staff_name
    FROM (${sql.join(parts, sql` UNION ALL `)}) AS x (src, n, at, staff_id, entity, entity_id, label, action, changes, api_token_id)
    LEFT JOIN staff st ON st.id = x.staff_id
    LEFT JOIN api_token tk ON tk.id = x.api_token_id
    ORDER BY x.at DESC, x.src, x.n DESC
    LIMIT ${f.limit}`.execute(db)
  return rows
}
