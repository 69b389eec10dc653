import pLimit, { type LimitFunction } from 'p-limit'
import type { Db } from '../../db/create-db.js'
import type { Center, Ticket } from '../../db/types.js'
import type { IssuedTicket, TicketView } from '../../common/types.js'
import { isUniqueViolation } from '../../db/unique-violation.js'
import { AppError } from '../errors.js'
import type { Clock } from '../clock.js'
import { describeHours, hoursOn, localTime } from '../time.js'
import { addDays, hoursOnDay } from '../dossiers/working-days.js'
import { nextOpening } from './schedule.js'
import * as tickets from './ticket.repository.js'
import { Outbox, type Changes } from './changes.js'
import { ticketView, toTicketView, withSecret } from './ticket-views.js'

export type IssueInput = { serviceId: string; priorityGroup?: string; requestId?: string; dossierId?: string }

/** The center as it works on a day: holidays close it, make-up days open it (server/dossiers/calendar-cache.ts). */
export interface CenterCalendar {
  centerOn(center: Center, day: string): Promise<Center>
  /** the calendar's exceptions from `from` to `days` days after it */
  upcoming(centerId: string, from: string, days: number): Promise<ReadonlyMap<string, 'holiday' | 'workday'>>
}

/** How far ahead "opens next" looks (Tết and the days around it stay well within). */
const NEXT_OPEN_DAYS = 60

/**
 * When the center opens next, seen at `lt`: before the day's first opening, that opening; from the
 * cut-off on (and on a day without hours), the first opening of the next day with hours.
 */
export async function nextOpenOf(calendar: CenterCalendar, center: Center, lt: ReturnType<typeof localTime>): Promise<{ day: string; at: string } | null> {
  const kinds = await calendar.upcoming(center.id, lt.day, NEXT_OPEN_DAYS)
  const today = hoursOn(hoursOnDay(center.opening_hours, lt.day, kinds.get(lt.day)), lt.weekday)
  if (today.length && lt.hm < today[0]![0]) return { day: lt.day, at: today[0]![0] }
  return nextOpening(center.opening_hours, kinds, addDays(lt.day, 1), '00:00', NEXT_OPEN_DAYS - 1)
}

/**
 * How long what an issue checks (center, hours, service, priority group) is reused for the next taps of
 * the same service. The service's active flag and daily cap are read by the issuing statement itself,
 * so they count at once everywhere; the rest, changed on this instance, at once too (`forget`), and
 * changed on another instance, within this. Reading it on every tap cost a third of the issue
 * throughput (docs/benchmarks.md, "What the core needs").
 */
const CONTEXT_TTL_MS = 5_000

type IssueContext = NonNullable<Awaited<ReturnType<typeof tickets.findIssueContext>>>

/**
 * How many issuing statements of one center this instance has at PostgreSQL at once; the other taps
 * wait here, first come first served. Every issue of a center takes the center's seq row until its
 * commit, so more in flight only queue on that row, where a woken waiter can be overtaken by a
 * newcomer: at 32 kiosks the tail grew to 367 ms (p99), pgbench's own to 230 ms. Two: one running, the
 * next already waiting on the row, so the row is never idle (docs/benchmarks.md, "What the core needs").
 */
const ISSUES_IN_FLIGHT_PER_CENTER = 2

/**
 * A kiosk's tap (and a dossier check-in's ticket): checks, one statement, and its facts after the commit.
 * The answer carries the ticket's secret (IssuedTicket), for the kiosk to print in the QR.
 */
export class IssueService {
  private contexts = new Map<string, { context: IssueContext; until: number }>()
  private lanes = new Map<string, LimitFunction>()

  constructor(private db: Db, private clock: Clock, private changes: Changes, private calendar: CenterCalendar) {}

  /** A center's settings changed on this instance: its next taps read them again. */
  forget(centerId: string) {
    for (const [key, c] of this.contexts) if (c.context.id === centerId) this.contexts.delete(key)
  }

  /**
   * `requestId`: the kiosk's retries of one tap; a second request with it answers with the first's
   * ticket (looked up only when this one cannot issue: a unique violation, or a refusal such as the
   * cut-off that passed since the first was answered). `dossierId`: a check-in, linked to its dossier.
   */
  async issue(centerSlug: string, input: IssueInput): Promise<IssuedTicket> {
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

  /**
   * On what the last tap of the same service checked, if it is recent (CONTEXT_TTL_MS); a refusal is
   * never made on remembered rows: they are read again and the tap checked on them as they are now.
   */
  private async issueNew(centerSlug: string, input: IssueInput): Promise<IssuedTicket> {
    const key = `${centerSlug}|${input.serviceId}|${input.priorityGroup ?? ''}`
    const known = this.contexts.get(key)
    if (known && known.until > performance.now()) {
      try {
        return await this.issueOn(known.context, input)
      } catch (e) {
        if (!(e instanceof AppError)) throw e
        this.contexts.delete(key)
      }
    }
    const context = await tickets.findIssueContext(this.db, centerSlug, input.serviceId, input.priorityGroup)
    if (!context) throw new AppError('CENTER_NOT_FOUND')
    const view = await this.issueOn(context, input)
    if (this.contexts.size >= 1_000) this.contexts.clear() // bounded: keys are centers × services × groups
    this.contexts.set(key, { context, until: performance.now() + CONTEXT_TTL_MS })
    return view
  }

  /** The checks of an issue on these rows (a refusal throws), its statement, and its facts. */
  private async issueOn(ctx: IssueContext, input: IssueInput): Promise<IssuedTicket> {
    const { service_id: serviceId, service_prefix: prefix, service_active: active,
      service_name_vi: nameVi, service_name_en: nameEn, priority_group_id: priorityGroupId, priority_bonus_minutes: bonusMinutes, ...center } = ctx
    // the service's columns are null unless it is one of this center's (a left join)
    if (!serviceId || !prefix || nameVi == null || nameEn == null) throw new AppError('SERVICE_NOT_FOUND')
    if (!active) throw new AppError('SERVICE_INACTIVE')
    if (!center.active) throw new AppError('CENTER_INACTIVE') // deactivated by an admin (H6, docs/staff.md)
    const now = this.clock()
    const lt = localTime(now, center.time_zone)
    const today = await this.calendar.centerOn(center, lt.day)
    if (issuingClosedReason(today, lt)) refuseIssuing(today, lt, await nextOpenOf(this.calendar, center, lt))
    if (input.priorityGroup && !priorityGroupId) throw new AppError('PRIORITY_GROUP_NOT_FOUND')
    const bonus = priorityGroupId ? bonusMinutes ?? 0 : 0

    const out = new Outbox()
    out.add({ name: 'ticket:issued', payload: {} }) // its payload once the ticket has its number
    out.add({ name: 'queue:changed', serviceIds: [serviceId] })
    const issued = await this.inLane(center.id, () => tickets.issueTicket(this.db, {
      center_id: center.id, service_id: serviceId, service_day: lt.day, prefix, priority_group_id: priorityGroupId,
      queue_at: new Date(now.getTime() - bonus * 60_000), issued_at: now,
      request_id: input.requestId ?? null, dossier_id: input.dossierId ?? null,
    }, { data: priorityGroupId ? { priorityGroup: input.priorityGroup, bonusMinutes: bonus } : {} }, out.events.length))
    if ('refused' in issued) {
      // At the cap no number was taken: the next citizen is refused too.
      throw issued.refused === 'cap' ? new AppError('DAILY_CAP_REACHED', { cap: issued.cap }) : new AppError('SERVICE_INACTIVE')
    }
    const t = issued.ticket
    out.events[0] = { name: 'ticket:issued', payload: { ticket: { code: t.code, serviceId, issuedAt: now.toISOString(), priority: !!priorityGroupId } } }
    out.touch(t.id) // staff consoles follow every ticket of their center through ticket:updated
    // its answer and its facts from one read: the service's figures and the ticket's place (a check-in's
    // view, with its dossier's code, is read whole)
    const known = input.dossierId ? undefined : tickets.loadFiguresAndPlace(this.db, center.id, lt.day, now, serviceId, t.id).then(({ figures, ahead }) => ({
      figures: [figures],
      views: [toTicketView({ ...t, name_vi: nameVi, name_en: nameEn, slug: center.slug, counter_number: null,
        priority_code: priorityGroupId ? input.priorityGroup! : null, next_id: null, dossier_code: null, ahead }, figures)],
    }))
    const views = new Map<string, TicketView>()
    await this.changes.publish(center, out, t.seq, views, known)
    // the secret was made by the issuing statement (the column's default) and is answered to this kiosk only
    return withSecret(views.get(t.id) ?? await ticketView(this.db, t.id, this.clock()), t.secret)
  }

  /** Runs a center's issuing statement in its lane (ISSUES_IN_FLIGHT_PER_CENTER); one small lane per center, kept. */
  private inLane<T>(centerId: string, fn: () => Promise<T>): Promise<T> {
    let lane = this.lanes.get(centerId)
    if (!lane) this.lanes.set(centerId, lane = pLimit(ISSUES_IN_FLIGHT_PER_CENTER))
    return lane(fn)
  }

  private async sameRequest(existing: Ticket, serviceId: string) {
    if (existing.service_id !== serviceId) throw new AppError('REQUEST_ID_REUSED')
    return withSecret(await ticketView(this.db, existing.id, this.clock()), existing.secret)
  }
}

/**
 * Tickets are issued from the day's first opening until the cut-off (or the last closing when there is
 * none), lunch break included: a citizen who arrives at noon queues for the afternoon.
 */
function refuseIssuing(center: Center, lt: ReturnType<typeof localTime>, next: { day: string; at: string } | null): never {
  const reason = issuingClosedReason(center, lt)
  const hours = describeHours(center.opening_hours, lt.weekday, '')
  // when it opens next, as the pages word it in either language ('' when the center has no hours at all)
  const opens = next ? { time: next.at, date: next.day.split('-').reverse().join('/') } : { time: '', date: '' }
  if (reason === 'after_cutoff') throw new AppError('AFTER_CUTOFF', { cutoff: issuingEnd(center, lt)!, hours, ...opens })
  throw new AppError('CENTER_CLOSED', { hours, ...opens })
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
