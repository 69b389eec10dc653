import type { Transaction, Updateable } from 'kysely'
import type { Db, Executor } from '../../db/create-db.js'
import type { Center, Counter, Database, Service, Ticket, TicketStatus, TicketTable } from '../../db/types.js'
import type { IssuedTicket, TicketView } from '../../common/types.js'
import type { TicketCalledEvent, TicketFinishedEvent } from '../../common/events.js'
import { formatTicketCode } from '../../common/ticket-code.js'
import { isUniqueViolation } from '../../db/unique-violation.js'
import { AppError } from '../errors.js'
import type { Clock } from '../clock.js'
import { localTime } from '../time.js'
import { assertAtCounter, assertCenter, type Actor } from '../auth/actor.js'
import { findCenterOf, findService } from '../centers/center.repository.js'
import * as counters from './counter.repository.js'
import * as notify from '../notify/notify.repository.js'
import * as tickets from './ticket.repository.js'
import type { Changes, Outbox } from './changes.js'
import { ticketView, withSecret } from './ticket-views.js'
import { secretMatches } from './ticket-secret.js'
import { closedReason } from './issue.service.js'

const ACTIVE: TicketStatus[] = ['called', 'serving']

/** Issue 22: how long a no-show can be taken back (the console offers "Hoàn tác" as long). */
export const NO_SHOW_UNDO_SECONDS = 10

/** Where a transfer sends a ticket: another service, or another counter (issue 22); and the note for the next clerk. */
export interface TransferTarget { serviceId?: string; counterId?: string; note?: string }

/** A ticket's life at the counters: called (next, or out of order), started, finished, held, transferred; and its end of day. */
export class TicketService {
  constructor(private db: Db, private clock: Clock, private changes: Changes) {}

  getTicket(id: string): Promise<TicketView> {
    return ticketView(this.db, id, this.clock())
  }

  /**
   * A ticket for its holder: its id and the secret printed on its QR. A wrong or missing secret is
   * answered as an unknown ticket (TICKET_NOT_FOUND), so an id alone says nothing, not even that it exists.
   */
  async holderTicket(id: string, key: string | undefined): Promise<TicketView> {
    const row = await tickets.findTicketSecret(this.db, id)
    if (!row || !secretMatches(key, row.secret)) throw new AppError('TICKET_NOT_FOUND')
    return this.getTicket(id)
  }

  /** A ticket as the kiosk that took it is answered (a check-in's ticket again): with its secret and its phone page's link. */
  async issuedTicket(id: string): Promise<IssuedTicket> {
    const row = await tickets.findTicketSecret(this.db, id)
    if (!row) throw new AppError('TICKET_NOT_FOUND')
    return withSecret(await this.getTicket(id), row.secret)
  }

  // ---------- calling ----------

  /** The counter's next ticket: primary services first, then backup; `null` when nobody waits. */
  async callNext(counterId: string, actor: Actor): Promise<TicketView | null> {
    const views = new Map<string, TicketView>()
    const id = await this.atOpenCounter(counterId, actor, async (trx, c, center, now, day, out) => {
      // read after the counter's lock: a manager's change of its services that committed meanwhile counts
      // issue 22: a ticket transferred to this counter first, whatever its service
      const kept = await tickets.lockNextForCounter(trx, c.id, day)
      if (kept) return this.markCalled(trx, out, kept, c, actor, now, 'called', { forCounter: true })
      const tiers = await counters.counterServices(trx, c.id)
      for (const tier of [1, 2] as const) {
        const ids = tiers.filter((s) => s.tier === tier).map((s) => s.service_id)
        if (!ids.length) continue
        const t = await tickets.lockNextWaiting(trx, ids, day)
        if (t) return this.markCalled(trx, out, t, c, actor, now, 'called', { tier })
      }
      return null
    }, views)
    return id ? views.get(id) ?? await this.getTicket(id) : null
  }

  /** A specific waiting ticket, out of queue order (logged as such). */
  async callTicket(counterId: string, ticketId: string, actor: Actor): Promise<TicketView> {
    const id = await this.atOpenCounter(counterId, actor, async (trx, c, center, now, day, out) => {
      const t = await tickets.lockTicket(trx, ticketId)
      if (!t || t.center_id !== center.id) throw new AppError('TICKET_NOT_FOUND')
      if (t.status !== 'waiting') throw new AppError('TICKET_NOT_WAITING')
      if (t.service_day !== day) throw new AppError('TICKET_NOT_TODAY')
      if (t.for_counter_id && t.for_counter_id !== c.id) throw new AppError('TICKET_FOR_OTHER_COUNTER', { code: t.code })
      return this.markCalled(trx, out, t, c, actor, now, 'called_out_of_order', {})
    })
    return this.getTicket(id!)
  }

  /**
   * A walk-in ticket issued by the clerk at their open, free counter (issue 22): for a citizen who came
   * after the kiosk's cut-off, or who cannot use the kiosk. The kiosk's issuing statement and number
   * sequence (no number twice, whoever races), straight into "serving" here, flagged counter-issued;
   * its event names the clerk and whether the kiosk was issuing at the time. No cut-off applies: the
   * clerk decides to stay (DESIGN §1); the service's daily cap still does.
   */
  async walkIn(counterId: string, serviceId: string, actor: Actor): Promise<TicketView> {
    const views = new Map<string, TicketView>()
    const id = await this.atOpenCounter(counterId, actor, async (trx, c, center, now, day, out) => {
      const service = await findService(trx, serviceId)
      if (!service || service.center_id !== center.id) throw new AppError('SERVICE_NOT_FOUND')
      if (!service.active) throw new AppError('SERVICE_INACTIVE')
      const issued = await tickets.issueTicket(trx, {
        center_id: center.id, service_id: service.id, service_day: day, prefix: service.prefix, priority_group_id: null,
        queue_at: now, issued_at: now, request_id: null, dossier_id: null, atCounter: { counterId: c.id, staffId: actor.staffId },
      }, { data: { counterNumber: c.number, kioskClosed: closedReason(center, now) } }, 0) // the board's seqs: taken by inTx
      if ('refused' in issued) throw issued.refused === 'cap' ? new AppError('DAILY_CAP_REACHED', { cap: issued.cap }) : new AppError('SERVICE_INACTIVE')
      const t = issued.ticket
      out.add({ name: 'ticket:issued', payload: { ticket: { code: t.code, serviceId: service.id, issuedAt: now.toISOString(), priority: false } } })
      out.add({ name: 'counter:changed', counterId: c.id })
      out.add({ name: 'queue:changed', serviceIds: [service.id] })
      out.touch(t.id)
      return t.id
    }, views)
    return views.get(id) ?? await this.getTicket(id)
  }

  private async atOpenCounter<T>(counterId: string, actor: Actor,
    fn: (trx: Transaction<Database>, c: Counter, center: Center, now: Date, day: string, out: Outbox) => Promise<T>,
    views?: Map<string, TicketView>): Promise<T> {
    const center = await findCenterOf(this.db, 'counter', counterId)
    if (!center) throw new AppError('COUNTER_NOT_FOUND')
    assertCenter(actor, center.id)
    return this.changes.inTx(center, async (trx, out) => {
      const c = (await counters.lockCounter(trx, counterId))!
      // closed first: a closed counter has no clerk, and "closed" is what the clerk's stale tab needs to hear
      if (c.status === 'closed') throw new AppError('COUNTER_CLOSED')
      assertAtCounter(actor, c)
      if (c.status === 'paused') throw new AppError('COUNTER_PAUSED')
      const active = await tickets.findActiveAtCounter(trx, c.id)
      if (active) throw new AppError('COUNTER_BUSY', { code: active.code })
      const now = this.clock()
      return fn(trx, c, center, now, localTime(now, center.time_zone).day, out)
    }, views)
  }

  private async markCalled(trx: Transaction<Database>, out: Outbox, t: Ticket, c: Counter, actor: Actor, now: Date,
    type: string, data: Record<string, unknown>): Promise<string> {
    try {
      await tickets.updateTicketWithEvent(trx, { status: 'called', counter_id: c.id, staff_id: actor.staffId, called_at: now, call_count: t.call_count + 1 },
        { ticketId: t.id, centerId: t.center_id, type, from: t.status, to: 'called', counterId: c.id, staffId: actor.staffId, at: now, data })
    } catch (e) {
      if (isUniqueViolation(e, 'ticket_one_active_per_counter')) throw new AppError('COUNTER_BUSY', { code: '' })
      throw e
    }
    out.add({ name: 'ticket:called', payload: callPayload(t, c, now) })
    out.add({ name: 'counter:changed', counterId: c.id })
    out.add({ name: 'queue:changed', serviceIds: [t.service_id] })
    out.touch(t.id)
    return t.id
  }

  // ---------- ticket transitions ----------

  async recall(ticketId: string, actor: Actor): Promise<TicketView> {
    return this.transition(ticketId, actor, ['called'], async (trx, t, c, now, out) => {
      await this.change(trx, t, { call_count: t.call_count + 1 }, 'recalled', 'called', c, actor, now)
      out.add({ name: 'ticket:recalled', payload: callPayload(t, c!, now) })
    })
  }

  async start(ticketId: string, actor: Actor): Promise<TicketView> {
    return this.transition(ticketId, actor, ['called'], async (trx, t, c, now, out) => {
      // a held ticket called back keeps its first start: service time counts from when serving began
      await this.change(trx, t, { status: 'serving', started_at: t.started_at ?? now }, 'started', 'serving', c, actor, now)
      currentTicketChanged(out, t)
    })
  }

  /**
   * Done. A called ticket is completed too (issue 22: `D` at the counter, the start implied): it is
   * started first, at its call (the citizen was at the desk from then), with its own `started` event
   * marked `implied`, so service times and the ticket's history read as if S had been pressed.
   */
  async complete(ticketId: string, actor: Actor): Promise<TicketView> {
    return this.transition(ticketId, actor, ['called', 'serving'], async (trx, t, c, now, out) => {
      let cur = t
      if (t.status === 'called') {
        const startedAt = t.started_at ?? t.called_at ?? now
        await this.change(trx, t, { status: 'serving', started_at: startedAt }, 'started', 'serving', c, actor, now, { implied: true })
        cur = { ...t, status: 'serving', started_at: startedAt }
      }
      await this.change(trx, cur, { status: 'done', finished_at: now }, 'completed', 'done', c, actor, now)
      out.add({ name: 'ticket:finished', payload: finishedPayload(cur, 'done', c) })
      currentTicketChanged(out, cur)
    })
  }

  async noShow(ticketId: string, actor: Actor): Promise<TicketView> {
    return this.finish(ticketId, actor, ['called'], 'no_show', 'no_show')
  }

  /**
   * Issue 22: a no-show taken back within NO_SHOW_UNDO_SECONDS (the citizen came just after, or the
   * wrong key): called again at the same counter, by its clerk (or a manager), if the counter is still
   * theirs and free. Recorded as `no_show_undone`; the day's no-show count leaves it out.
   */
  async undoNoShow(ticketId: string, actor: Actor): Promise<TicketView> {
    return this.transition(ticketId, actor, ['no_show'], async (trx, t, c, now, out) => {
      if (!t.finished_at || now.getTime() - new Date(t.finished_at).getTime() > NO_SHOW_UNDO_SECONDS * 1000) {
        throw new AppError('NO_SHOW_UNDO_EXPIRED', { seconds: NO_SHOW_UNDO_SECONDS })
      }
      const k = (await counters.lockCounter(trx, c!.id))!
      if (k.status === 'closed') throw new AppError('COUNTER_CLOSED')
      const active = await tickets.findActiveAtCounter(trx, k.id)
      if (active) throw new AppError('COUNTER_BUSY', { code: active.code })
      try {
        await this.change(trx, t, { status: 'called', finished_at: null }, 'no_show_undone', 'called', k, actor, now)
      } catch (e) {
        if (isUniqueViolation(e, 'ticket_one_active_per_counter')) throw new AppError('COUNTER_BUSY', { code: '' })
        throw e
      }
      out.add({ name: 'counter:changed', counterId: k.id })
    })
  }

  async cancel(ticketId: string, actor: Actor): Promise<TicketView> {
    return this.finish(ticketId, actor, ['waiting', 'called', 'serving', 'held'], 'cancelled', 'cancelled')
  }

  /** Parks a ticket while the citizen fills a form; the counter is free for the next one. */
  async hold(ticketId: string, actor: Actor): Promise<TicketView> {
    return this.transition(ticketId, actor, ['called', 'serving'], async (trx, t, c, now, out) => {
      await this.change(trx, t, { status: 'held' }, 'held', 'held', c, actor, now)
      out.add({ name: 'ticket:finished', payload: finishedPayload(t, 'held', c) })
      currentTicketChanged(out, t)
    })
  }

  /** Calls a held ticket back to the clerk's open counter (only the clerk who held it, or a manager). */
  async resume(ticketId: string, actor: Actor, counterId?: string): Promise<TicketView> {
    const t0 = await tickets.findTicket(this.db, ticketId)
    if (!t0) throw new AppError('TICKET_NOT_FOUND')
    assertCenter(actor, t0.center_id)
    const target = counterId ?? (await counters.findOpenCounterOfStaff(this.db, actor.staffId))?.id
    if (!target) throw new AppError('NO_OPEN_COUNTER')
    const id = await this.atOpenCounter(target, actor, async (trx, c, center, now, day, out) => {
      const t = (await tickets.lockTicket(trx, ticketId))!
      if (t.center_id !== center.id) throw new AppError('TICKET_NOT_FOUND')
      if (t.status !== 'held') throw new AppError('TICKET_WRONG_STATE', { status: t.status })
      if (t.staff_id !== actor.staffId && actor.role === 'clerk') throw new AppError('NOT_YOUR_HELD_TICKET')
      return this.markCalled(trx, out, t, c, actor, now, 'resumed', {})
    })
    return this.getTicket(id)
  }

  /**
   * Moves a ticket to another service, or (issue 22) to another counter: the new ticket keeps the
   * original place in the queue; one sent to a counter keeps its service and waits for that counter only
   * (its call-next takes it first; no other counter's call takes it) until called, or until the counter
   * closes. `note`: what the next clerk reads. The old ticket is `transferred` in the same transaction,
   * so a ticket is never with two counters: the new one waits with no counter until it is called.
   */
  async transfer(ticketId: string, to: TransferTarget, actor: Actor): Promise<TicketView> {
    let newId = ''
    await this.transition(ticketId, actor, ['waiting', 'called', 'serving', 'held'], async (trx, t, c, now, out) => {
      let target: Service
      let forCounter: Counter | null = null
      if (to.counterId) {
        // a stale tab sending the ticket to the counter it already waits for, or is at: refused before any lock
        if (to.counterId === t.counter_id || to.counterId === t.for_counter_id) throw new AppError('TRANSFER_SAME_COUNTER')
        forCounter = (await counters.lockCounter(trx, to.counterId)) ?? null
        if (!forCounter || forCounter.center_id !== t.center_id) throw new AppError('COUNTER_NOT_FOUND')
        if (forCounter.status === 'closed') throw new AppError('COUNTER_CLOSED')
        target = (await findService(trx, t.service_id))!
      } else {
        const s = await findService(trx, to.serviceId!)
        if (!s || s.center_id !== t.center_id) throw new AppError('SERVICE_NOT_FOUND')
        if (s.id === t.service_id) throw new AppError('TRANSFER_SAME_SERVICE')
        if (!s.active) throw new AppError('SERVICE_INACTIVE')
        target = s
      }
      // the citizen's "notify me" follows the paper ticket (issue 24); the transferred event below ends the old ones
      const asked = await notify.activeTicketSubscriptions(trx, t.id)
      await this.change(trx, t, { status: 'transferred', finished_at: now }, 'transferred', 'transferred', c, actor, now,
        forCounter ? { toCounterId: forCounter.id, toCounterNumber: forCounter.number, note: to.note ?? null } : { toServiceId: target.id, note: to.note ?? null })
      const number = await tickets.takeNextNumber(trx, target.id, t.service_day)
      const n = await tickets.insertTicket(trx, {
        center_id: t.center_id, service_id: target.id, service_day: t.service_day, number,
        code: formatTicketCode(target.prefix, number), priority_group_id: t.priority_group_id,
        queue_at: t.queue_at, issued_at: now, transferred_from_id: t.id,
        secret: t.secret, // the same paper ticket: its QR follows the new ticket too
        for_counter_id: forCounter?.id ?? null, transfer_note: to.note ?? null,
      }, { type: 'issued_by_transfer', staffId: actor.staffId, data: { fromTicketId: t.id, fromCode: t.code, forCounterId: forCounter?.id ?? null } })
      await notify.copyToTicket(trx, asked, n.id)
      if (forCounter) out.add({ name: 'counter:changed', counterId: forCounter.id })
      newId = n.id
      out.add({ name: 'ticket:finished', payload: finishedPayload(t, 'transferred', c) })
      currentTicketChanged(out, t)
      out.add({ name: 'ticket:issued', payload: { ticket: { code: n.code, serviceId: n.service_id, issuedAt: now.toISOString(), priority: !!n.priority_group_id } } })
      out.add({ name: 'queue:changed', serviceIds: [t.service_id, target.id] })
      out.touch(n.id)
    }, { waitingByAnyClerk: true })
    return this.getTicket(newId)
  }

  private async finish(ticketId: string, actor: Actor, from: TicketStatus[], to: TicketStatus, type: string) {
    return this.transition(ticketId, actor, from, async (trx, t, c, now, out) => {
      await this.change(trx, t, { status: to, finished_at: now }, type, to, c, actor, now)
      out.add({ name: 'ticket:finished', payload: finishedPayload(t, to, c) })
      currentTicketChanged(out, t)
      if (t.status === 'waiting') out.add({ name: 'queue:changed', serviceIds: [t.service_id] })
    }, { waitingByAnyClerk: true })
  }

  /**
   * One ticket transition: the ticket is locked, must be in one of `from`, and the actor must work at
   * its counter (a manager or admin of the center may act anywhere). A waiting ticket has no counter:
   * any clerk of the center may act on it when `waitingByAnyClerk`.
   */
  private async transition(ticketId: string, actor: Actor, from: TicketStatus[],
    apply: (trx: Transaction<Database>, t: Ticket, c: Counter | undefined, now: Date, out: Outbox) => Promise<void>,
    opts: { waitingByAnyClerk?: boolean } = {}): Promise<TicketView> {
    const center = await findCenterOf(this.db, 'ticket', ticketId)
    if (!center) throw new AppError('TICKET_NOT_FOUND')
    assertCenter(actor, center.id)
    const views = new Map<string, TicketView>()
    await this.changes.inTx(center, async (trx, out) => {
      const t = (await tickets.lockTicket(trx, ticketId))!
      if (!from.includes(t.status)) throw new AppError('TICKET_WRONG_STATE', { status: t.status })
      let c: Counter | undefined
      if (t.counter_id) c = await counters.findCounter(trx, t.counter_id)
      if (t.status === 'held') {
        if (t.staff_id !== actor.staffId && actor.role === 'clerk') throw new AppError('NOT_YOUR_HELD_TICKET')
      } else if (t.status !== 'waiting' || !opts.waitingByAnyClerk) {
        if (!c) throw new AppError('TICKET_WRONG_STATE', { status: t.status })
        assertAtCounter(actor, c)
      }
      await apply(trx, t, c, this.clock(), out)
      out.touch(t.id)
    }, views)
    return views.get(ticketId) ?? await this.getTicket(ticketId)
  }

  /** The ticket's change and its event, in one statement. */
  private change(trx: Executor, t: Ticket, patch: Updateable<TicketTable>, type: string, to: TicketStatus, c: Counter | undefined, actor: Actor, at: Date, data?: Record<string, unknown>) {
    return tickets.updateTicketWithEvent(trx, patch, { ticketId: t.id, centerId: t.center_id, type, from: t.status, to, counterId: c?.id ?? t.counter_id, staffId: actor.staffId, at, data })
  }

  // ---------- end of the service day ----------

  /** Leftover tickets of past service days become `expired`: recorded, reported, never deleted. */
  async expireStale(): Promise<number> {
    let total = 0
    for (const center of await this.db.selectFrom('center').selectAll().execute()) {
      const now = this.clock()
      const today = localTime(now, center.time_zone).day
      total += await this.changes.inTx(center, async (trx, out) => {
        const stale = await tickets.lockStaleTickets(trx, center.id, today)
        for (const t of stale) {
          await tickets.updateTicket(trx, t.id, { status: 'expired', finished_at: now })
          await tickets.insertTicketEvent(trx, { ticketId: t.id, centerId: center.id, type: 'expired', from: t.status, to: 'expired', counterId: t.counter_id, at: now })
          out.touch(t.id)
        }
        if (stale.length) out.add({ name: 'queue:changed', serviceIds: [...new Set(stale.map((t) => t.service_id))] })
        const freed = [...new Set(stale.filter((t) => ACTIVE.includes(t.status)).map((t) => t.counter_id!))]
        for (const counterId of freed) out.add({ name: 'counter:changed', counterId })
        return stale.length
      })
    }
    return total
  }
}

/** A ticket that was called or serving at a counter changed: the counter's current ticket did too (boards show it). */
function currentTicketChanged(out: Outbox, t: Ticket) {
  if (t.counter_id && ACTIVE.includes(t.status)) out.add({ name: 'counter:changed', counterId: t.counter_id })
}

// Public facts name a ticket by its code, never by its id (common/events.ts): a wall needs no more.
function callPayload(t: Ticket, c: Counter, now: Date): Omit<TicketCalledEvent, 'seq'> {
  return { code: t.code, serviceId: t.service_id, counterId: c.id, counterNumber: c.number, calledAt: now.toISOString() }
}

function finishedPayload(t: Ticket, status: TicketStatus, c: Counter | undefined): Omit<TicketFinishedEvent, 'seq'> {
  return { code: t.code, status, counterId: c?.id ?? null, counterNumber: c?.number ?? null }
}
