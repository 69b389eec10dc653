import type { Db } from '../../db/create-db.js'
import type { Center, Ticket } from '../../db/types.js'
import type { TicketView } from '../../common/types.js'
import { catalogs } from '../../common/i18n/index.js'
import { isUniqueViolation } from '../../db/unique-violation.js'
import { AppError } from '../errors.js'
import type { Clock } from '../clock.js'
import { describeHours, hoursOn, localTime } from '../time.js'
import { findIssueContext } from '../centers/center.repository.js'
import * as tickets from './ticket.repository.js'
import { Outbox, type Changes } from './changes.js'
import { ticketView } from './ticket-views.js'

export type IssueInput = { serviceId: string; priorityGroup?: string; requestId?: string; dossierId?: string }

/** The center as it works on a day: holidays close it, make-up days open it (server/dossiers/calendar-cache.ts). */
export interface CenterCalendar { centerOn(center: Center, day: string): Promise<Center> }

/** A kiosk's tap (and a dossier check-in's ticket): checks, one statement, and its facts after the commit. */
export class IssueService {
  constructor(private db: Db, private clock: Clock, private changes: Changes, private calendar: CenterCalendar) {}

  /**
   * `requestId`: the kiosk's retries of one tap; a second request with it answers with the first's
   * ticket (looked up only when this one cannot issue: a unique violation, or a refusal such as the
   * cut-off that passed since the first was answered). `dossierId`: a check-in, linked to its dossier.
   */
  async issue(centerSlug: string, input: IssueInput): Promise<TicketView> {
    try {
      return await this.issueNew(centerSlug, input)
    } catch (e) {
      if (input.requestId && (e instanceof AppError || isUniqueViolation(e, 'ticket_request_id'))) {
        const existing = await tickets.findByRequestIdAt(this.db, centerSlug, input.requestId)
        if (existing) return this.sameRequest(existing, input.serviceId)
      }
      throw e
    }
  }

  private async issueNew(centerSlug: string, input: IssueInput): Promise<TicketView> {
    const ctx = await findIssueContext(this.db, centerSlug, input.serviceId, input.priorityGroup)
    if (!ctx) throw new AppError('CENTER_NOT_FOUND')
    const { service_id: serviceId, service_prefix: prefix, service_active: active, service_daily_cap: cap,
      priority_group_id: priorityGroupId, priority_bonus_minutes: bonusMinutes, ...center } = ctx
    // the service's columns are null unless it is one of this center's (a left join)
    if (!serviceId || !prefix) throw new AppError('SERVICE_NOT_FOUND')
    if (!active) throw new AppError('SERVICE_INACTIVE')
    const now = this.clock()
    const lt = localTime(now, center.time_zone)
    assertIssuing(await this.calendar.centerOn(center, lt.day), lt)
    if (input.priorityGroup && !priorityGroupId) throw new AppError('PRIORITY_GROUP_NOT_FOUND')
    const bonus = priorityGroupId ? bonusMinutes ?? 0 : 0

    const out = new Outbox()
    out.add({ name: 'ticket:issued', payload: {} }) // its payload once the ticket has its number
    out.add({ name: 'queue:changed', serviceIds: [serviceId] })
    const t = await tickets.issueTicket(this.db, {
      center_id: center.id, service_id: serviceId, service_day: lt.day, prefix, priority_group_id: priorityGroupId,
      queue_at: new Date(now.getTime() - bonus * 60_000), issued_at: now,
      request_id: input.requestId ?? null, dossier_id: input.dossierId ?? null,
    }, { data: priorityGroupId ? { priorityGroup: input.priorityGroup, bonusMinutes: bonus } : {} }, cap, out.events.length)
    // At the cap no number was taken: the next citizen is refused too.
    if (!t) throw new AppError('DAILY_CAP_REACHED', { cap: cap ?? 0 })
    out.events[0] = { name: 'ticket:issued', payload: { ticket: { id: t.id, code: t.code, serviceId, issuedAt: now.toISOString(), priority: !!priorityGroupId } } }
    out.touch(t.id) // staff consoles follow every ticket of their center through ticket:updated
    const views = new Map<string, TicketView>()
    await this.changes.publish(center, out, t.seq, views)
    return views.get(t.id) ?? await ticketView(this.db, t.id, this.clock())
  }

  private async sameRequest(existing: Ticket, serviceId: string) {
    if (existing.service_id !== serviceId) throw new AppError('REQUEST_ID_REUSED')
    return ticketView(this.db, existing.id, this.clock())
  }
}

/**
 * Tickets are issued from the day's first opening until the cut-off (or the last closing when there is
 * none), lunch break included: a citizen who arrives at noon queues for the afternoon.
 */
function assertIssuing(center: Center, lt: ReturnType<typeof localTime>) {
  const reason = issuingClosedReason(center, lt)
  if (!reason) return
  const hours = describeHours(center.opening_hours, lt.weekday, catalogs.vi.closedDay)
  if (reason === 'after_cutoff') throw new AppError('AFTER_CUTOFF', { cutoff: issuingEnd(center, lt)!, hours })
  throw new AppError('CENTER_CLOSED', { hours })
}

/** Why the kiosk may not issue now (null: it may); the board tells pages, so they never show dead buttons. */
export function closedReason(center: Center, now: Date): 'before_open' | 'after_cutoff' | 'closed_day' | null {
  return issuingClosedReason(center, localTime(now, center.time_zone))
}

/** The end of issuing on that day: the cut-off, or the last closing when there is none. */
function issuingEnd(center: Center, lt: ReturnType<typeof localTime>): string | undefined {
  const intervals = hoursOn(center.opening_hours, lt.weekday)
  return intervals.length ? center.ticket_cutoff ?? intervals[intervals.length - 1]![1] : undefined
}

function issuingClosedReason(center: Center, lt: ReturnType<typeof localTime>): 'before_open' | 'after_cutoff' | 'closed_day' | null {
  const intervals = hoursOn(center.opening_hours, lt.weekday)
  if (!intervals.length) return 'closed_day'
  if (lt.hm < intervals[0]![0]) return 'before_open'
  if (lt.hm >= issuingEnd(center, lt)!) return 'after_cutoff'
  return null
}
