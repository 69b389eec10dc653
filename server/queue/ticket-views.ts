import { sql } from 'kysely'
import type { Executor } from '../../db/create-db.js'
import { PAUSE_REASONS, type CounterView, type PauseReason, type IssuedTicket, type PublicCounterView, type TicketView } from '../../common/types.js'
import { ticketPhonePath } from '../../common/ticket-code.js'
import type { Ticket } from '../../db/types.js'
import { AppError } from '../errors.js'
import * as counters from './counter.repository.js'
import * as tickets from './ticket.repository.js'
import { callsResumeAt, estimateFor, loadServiceFigures, type ServiceFigures } from './estimate.js'

/** Reads a service's figures for the views of one publish (each service's figures are read once). */
export type FiguresOf = (serviceIds: string[]) => Promise<ServiceFigures[]>

/** What a ticket's view is made of: its row, the names around it, and its place (null unless waiting). */
export type TicketViewRow = Ticket & {
  name_vi: string; name_en: string; slug: string; counter_number: number | null; priority_code: string | null
  next_id: string | null; dossier_code: string | null; ahead: number | null
}

/** A ticket as the API, its phone page and the staff console see it: with its place and estimate while it waits. */
export async function ticketView(db: Executor, ticketId: string, now: Date, figuresOf?: FiguresOf): Promise<TicketView> {
  // the optional parts as scalar subqueries, not joins: PostgreSQL plans it in half the time
  const r = await db.selectFrom('ticket')
    .innerJoin('service', 'service.id', 'ticket.service_id')
    .innerJoin('center', 'center.id', 'ticket.center_id')
    .selectAll('ticket')
    .select(['service.name_vi', 'service.name_en', 'center.slug'])
    .select((eb) => [
      eb.selectFrom('counter').select('number').whereRef('counter.id', '=', 'ticket.counter_id').as('counter_number'),
      eb.selectFrom('priority_group').select('code').whereRef('priority_group.id', '=', 'ticket.priority_group_id').as('priority_code'),
      eb.selectFrom('ticket as next').select('next.id').whereRef('next.transferred_from_id', '=', 'ticket.id').limit(1).as('next_id'),
      eb.selectFrom('dossier').select('code').whereRef('dossier.id', '=', 'ticket.dossier_id').as('dossier_code'),
    ])
    // the place in the queue in the same statement (only a waiting ticket has one)
    .select(sql<number | null>`CASE WHEN ticket.status = 'waiting' THEN ${tickets.ticketsAhead(ticketId)} END`.as('ahead'))
    .where('ticket.id', '=', ticketId).executeTakeFirst()
  if (!r) throw new AppError('TICKET_NOT_FOUND')
  const waiting = r.status === 'waiting' && r.ahead !== null
  const [f] = !waiting ? [] : figuresOf ? await figuresOf([r.service_id]) : await loadServiceFigures(db, r.center_id, r.service_day, now, [r.service_id])
  return toTicketView(r as TicketViewRow, f)
}

/** The one ticket view builder. */
export function toTicketView(r: TicketViewRow, f?: ServiceFigures): TicketView {
  return {
    id: r.id, code: r.code, number: r.number, status: r.status, centerSlug: r.slug, serviceId: r.service_id,
    serviceNameVi: r.name_vi, serviceNameEn: r.name_en, serviceDay: r.service_day, priorityGroup: r.priority_code,
    issuedAt: iso(r.issued_at)!, queueAt: iso(r.queue_at)!, calledAt: iso(r.called_at), startedAt: iso(r.started_at),
    finishedAt: iso(r.finished_at), counterId: r.counter_id, counterNumber: r.counter_number,
    ...placeOf(r.status === 'waiting' && r.ahead != null ? Number(r.ahead) : null, f),
    transferredFromId: r.transferred_from_id, transferredToId: r.next_id,
    dossierId: r.dossier_id, dossierCode: r.dossier_code, counterIssued: r.counter_issued,
  }
}

/** The tap's answer (IssuedTicket): the view, its secret and the phone page's link that carries it. */
export function withSecret(v: TicketView, secret: string): IssuedTicket {
  return { ...v, secret, phonePath: ticketPhonePath(v.id, secret) }
}

/** The center's counters (or one of them) with who works there, their current ticket and their services. */
export async function counterViews(db: Executor, centerId: string, counterId?: string): Promise<CounterView[]> {
  const rows = await counters.listCounterViews(db, centerId, counterId)
  return rows.map((r) => ({
    id: r.id, number: r.number, name: r.name, status: r.status, pauseReason: r.pause_reason, pauseUntil: iso(r.pause_until), statusSince: iso(r.status_since)!,
    staffName: r.staff_name,
    currentTicket: r.ticket_id ? { id: r.ticket_id, code: r.ticket_code!, status: r.ticket_status as 'called' | 'serving' } : null,
    services: r.services,
  }))
}

/**
 * A counter as public pages see it (the board, its live facts): the pause reason's category only (the
 * clerk's free-text note, stored as `reason: note`, is for staff views), its current ticket by code only
 * (a ticket's id is for its holder and the staff).
 */
export function publicCounterView(v: CounterView): PublicCounterView {
  const cur = v.currentTicket
  return { ...v, pauseReason: pauseCategory(v.pauseReason), currentTicket: cur ? { code: cur.code, status: cur.status } : null }
}

function pauseCategory(text: string | null): PauseReason | null {
  if (text === null) return null
  const category = text.split(':', 1)[0]!.trim()
  return (PAUSE_REASONS as readonly string[]).includes(category) ? category as PauseReason : 'other'
}

export async function counterView(db: Executor, centerId: string, counterId: string): Promise<CounterView> {
  const [v] = await counterViews(db, centerId, counterId)
  if (!v) throw new AppError('COUNTER_NOT_FOUND')
  return v
}

/** A ticket's place in its queue (all null for a ticket that is not waiting). */
function placeOf(ahead: number | null, f?: ServiceFigures): Pick<TicketView, 'position' | 'ahead' | 'estimatedWaitMinutes' | 'callsResumeAt'> {
  if (ahead === null) return { position: null, ahead: null, estimatedWaitMinutes: null, callsResumeAt: null }
  return { position: ahead + 1, ahead, estimatedWaitMinutes: f ? estimateFor(f, ahead) : null, callsResumeAt: f ? callsResumeAt(f) : null }
}

export function iso(d: Date | string | null): string | null {
  return d == null ? null : new Date(d).toISOString()
}
