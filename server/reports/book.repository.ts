import { sql } from 'kysely'
import type { Executor } from '../../db/create-db.js'

/**
 * The tracking book's SQL (issue 21): one row per dossier of the period, with where it stands at the
 * period's end. The period report counts these same rows (report and book always agree).
 * Definitions: docs/reports.md § "The tracking book and the period report".
 */
export interface BookPeriod {
  centerId: string
  timeZone: string
  /** days of the center's time zone, inclusive */
  from: string
  to: string
  now: Date
}

export interface BookDbRow {
  id: string
  code: string
  status: string
  channel: 'counter' | 'online' | 'post'
  procedure_id: string
  procedure_code: string
  procedure_name_vi: string
  procedure_name_en: string
  service_id: string
  applicant_name: string
  received_at: Date
  received_by: string | null
  received_by_name: string | null
  due_at: Date | null
  due_at_intake: Date | null
  extended_to: Date | null
  /** its extension was given in the period */
  extended_in: boolean
  /** its supplement was requested in the period */
  supplement_in: boolean
  supplement_requested_at: Date | null
  supplement_completed_at: Date | null
  ready_at: Date | null
  ready_by_name: string | null
  returned_at: Date | null
  returned_by_name: string | null
  handover_to: 'applicant' | 'authorised' | null
  handover_name: string | null
  outcome: 'early' | 'on_time' | 'late' | null
  end_status: string | null
  end_at: Date | null
  carried_over: boolean
  received_in: boolean
  /** the period's end, or just after now (everything done so far counts) if earlier */
  as_of: Date
  /** the due date in force at as_of (before later extensions or restarts) */
  due_then: Date | null
}

/**
 * Dossiers received before the period's end that had not ended before it began. A dossier "ends" with its
 * result (ready_at) or when refused, stopped, closed incomplete or withdrawn (the time of that event).
 */
export async function bookRows(db: Executor, p: BookPeriod): Promise<BookDbRow[]> {
  const ps = sql`((${p.from}::date)::timestamp AT TIME ZONE ${p.timeZone})`
  const pe = sql`((${p.to}::date + 1)::timestamp AT TIME ZONE ${p.timeZone})`
  const now = p.now.toISOString()
  const r = await sql<BookDbRow>`
    WITH b AS (SELECT ${ps} AS ps, ${pe} AS pe, least(${pe}, ${now}::timestamptz + interval '1 millisecond') AS e),
    base AS (
      SELECT d.*, coalesce(d.ready_at, t.at, CASE WHEN d.status IN ('rejected', 'stopped', 'closed_incomplete', 'withdrawn') THEN d.updated_at END) AS end_at,
        CASE WHEN d.ready_at IS NOT NULL THEN 'ready' ELSE coalesce(t.to_status::text, CASE WHEN d.status IN ('rejected', 'stopped', 'closed_incomplete', 'withdrawn') THEN d.status::text END) END AS end_status
      FROM dossier d
      LEFT JOIN LATERAL (
        SELECT e.to_status, e.at FROM dossier_event e
        WHERE e.dossier_id = d.id AND e.to_status IN ('rejected', 'stopped', 'closed_incomplete', 'withdrawn')
        ORDER BY e.at, e.id LIMIT 1) t ON true
      CROSS JOIN b
      WHERE d.center_id = ${p.centerId} AND d.received_at IS NOT NULL AND d.received_at < b.pe AND d.created_at < b.pe
    )
    SELECT d.id, d.code, d.status::text AS status, d.channel, d.procedure_id, pr.code AS procedure_code, pr.name_vi AS procedure_name_vi,
      pr.name_en AS procedure_name_en, pr.service_id, d.applicant_name, d.received_at, d.received_by, rb.full_name AS received_by_name,
      d.due_at, coalesce(first_due.due, d.due_at) AS due_at_intake, (ext.data->>'newDueAt')::timestamptz AS extended_to,
      coalesce(ext.at >= b.ps AND ext.at < b.pe, false) AS extended_in,
      coalesce(d.supplement_requested_at >= b.ps AND d.supplement_requested_at < b.pe, false) AS supplement_in,
      d.supplement_requested_at, d.supplement_completed_at, d.ready_at, ry.full_name AS ready_by_name,
      d.returned_at, tb.full_name AS returned_by_name, d.handover_to, d.handover_name, d.outcome,
      d.end_status, d.end_at,
      (d.received_at < b.ps) AS carried_over, (d.received_at >= b.ps) AS received_in,
      b.e AS as_of, coalesce(later.due, d.due_at) AS due_then
    FROM base d CROSS JOIN b
    JOIN procedure pr ON pr.id = d.procedure_id
    LEFT JOIN staff rb ON rb.id = d.received_by
    LEFT JOIN staff tb ON tb.id = d.returned_by
    LEFT JOIN LATERAL (SELECT s.full_name FROM dossier_event e JOIN staff s ON s.id = e.staff_id
      WHERE e.dossier_id = d.id AND e.to_status = 'ready' ORDER BY e.at DESC, e.id DESC LIMIT 1) ry ON true
    LEFT JOIN LATERAL (SELECT e.data, e.at FROM dossier_event e WHERE e.dossier_id = d.id AND e.type = 'extended' ORDER BY e.at, e.id LIMIT 1) ext ON true
    -- the due date as first set: the earliest change's "previous"
    LEFT JOIN LATERAL (SELECT (e.data->>'previousDueAt')::timestamptz AS due FROM dossier_event e
      WHERE e.dossier_id = d.id AND e.type IN ('extended', 'supplement_completed') ORDER BY e.at, e.id LIMIT 1) first_due ON true
    -- the due date in force at the period's end: the "previous" of the first change made after it
    LEFT JOIN LATERAL (SELECT (e.data->>'previousDueAt')::timestamptz AS due FROM dossier_event e
      WHERE e.dossier_id = d.id AND e.type IN ('extended', 'supplement_completed') AND e.at >= b.e ORDER BY e.at, e.id LIMIT 1) later ON true
    WHERE d.end_at IS NULL OR d.end_at >= b.ps
    ORDER BY d.received_at, d.code`.execute(db)
  return r.rows
}

/** The standing at the period's end (docs/reports.md): ended in the period, or open then. */
export function standingOf(r: BookDbRow): import('../../common/dossier-report-types.js').BookStanding {
  const asOf = new Date(r.as_of).getTime()
  const ended = r.end_at !== null && new Date(r.end_at).getTime() < asOf
  if (ended) {
    if (r.end_status === 'ready') return r.outcome ?? 'on_time'
    return r.end_status as 'rejected' | 'stopped' | 'closed_incomplete' | 'withdrawn'
  }
  const requested = r.supplement_requested_at && new Date(r.supplement_requested_at).getTime() < asOf
  const completed = r.supplement_completed_at && new Date(r.supplement_completed_at).getTime() < asOf
  if (requested && !completed) return 'awaiting_supplement'
  return r.due_then && new Date(r.due_then).getTime() < asOf ? 'overdue' : 'not_yet_due'
}
