import { randomUUID } from 'node:crypto'
import { sql, type Transaction, type Updateable } from 'kysely'
import { prepared, thenCommit, type Db, type Executor } from '../../db/create-db.js'
import type { Center, Counter, Database, Service, Ticket, TicketStatus, TicketTable } from '../../db/types.js'
import type { PublicEventName, PublicFact } from '../../common/events.js'
import { formatTicketCode } from '../../common/ticket-code.js'
import type { CounterView, PauseReason, TicketView } from '../../common/types.js'
import { catalogs } from '../../common/i18n/index.js'
import { AppError } from '../errors.js'
import type { EventSink } from '../realtime/event-sink.js'
import { assertAtCounter, assertCenter, type Actor } from '../auth/actor.js'
import { isUniqueViolation } from '../../db/unique-violation.js'
import { IssueTrains } from './issue-trains.js'
import type { Clock } from '../clock.js'
import { describeHours, hoursOn, localTime } from '../time.js'
import { boardSeqBump, findCenterOf, findIssueContext, findService } from '../centers/center.repository.js'
import * as counters from './counter.repository.js'
import * as tickets from './ticket.repository.js'
import { estimateFor, loadServiceFigures, statOf, type ServiceFigures } from './estimate.js'
import { SeqOrder, type Slot } from './seq-order.js'


/** Told about committed facts (metrics): their names at commit, and how long after the commit they were emitted. */
export interface QueueObserver {
  factsCommitted(names: readonly string[]): void
  factsSent(msSinceCommit: number): void
  /** An issue transaction left with this many taps. */
  trainSent?(taps: number): void
}

type Pending =
  | { name: 'queue:changed'; serviceIds: string[] }
  | { name: 'counter:changed'; counterId: string }
  | { name: Exclude<PublicEventName, 'queue:changed' | 'counter:changed'>; payload: Record<string, unknown> }

/** Collects a transaction's facts; they get their `seq` inside it and are sent only after it commits. */
export class Outbox {
  events: Pending[] = []
  ticketIds = new Set<string>()
  firstSeq = 0
  add(e: Pending) { this.events.push(e) }
  touch(...ids: string[]) { for (const id of ids) this.ticketIds.add(id) }
}

type IssueInput = { serviceId: string; priorityGroup?: string; requestId?: string; dossierId?: string }
type IssueContext = NonNullable<Awaited<ReturnType<typeof findIssueContext>>>
/** How long an issue's checked rows are remembered (the issuing statement refuses them once changed: this only bounds what is kept). */
const ISSUE_CONTEXT_TTL_MS = 60_000
const ISSUE_CONTEXTS_MAX = 1_000
/** An issue's facts, ticket:issued and queue:changed: two board seqs for each ticket a train issues. */
const ISSUE_FACTS = 2

const ACTIVE: TicketStatus[] = ['called', 'serving']
/** How long facts wait for those of lower seq before being sent anyway. */
const PUBLISH_WAIT_MS = 3000

export class QueueService {
  /** What the last issue of a center's service (and priority group) checked: see `issueNew`. */
  private issueContexts = new Map<string, { context: IssueContext; until: number }>()
  /** A center's kiosk taps, several to a transaction under load (server/queue/issue-trains.ts). */
  readonly trains: IssueTrains

  constructor(private db: Db, private clock: Clock, private sink: EventSink, private observer?: QueueObserver,
    private calendar?: { centerOn(center: Center, day: string): Promise<Center> }) {
    this.trains = new IssueTrains(db, ISSUE_FACTS, (taps) => this.observer?.trainSent?.(taps))
  }

  /** The center as it works on `day`: holidays close it, make-up days open it (server/dossiers/calendar-cache.ts). */
  onDay(center: Center, day: string): Promise<Center> {
    return this.calendar ? this.calendar.centerOn(center, day) : Promise.resolve(center)
  }

  // ---------- citizen side ----------

  /**
   * `dossierId`: a check-in with a dossier's code (server/dossiers), linked in the same statement.
   * `requestId`: the kiosk's retries of one tap; a second request with it answers with the first's
   * ticket (looked up only when this one cannot issue: a unique violation, or a refusal such as the
   * cut-off that passed since the first was answered).
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

  /**
   * One round trip on the usual path: the issue itself (one statement, server/queue/ticket.repository.ts
   * `issueTicketStatement`) and, sent with it, the service's figures with the ticket's place, from which
   * its answer and its facts are made; under load, with the other taps of the center that came while its
   * last train was in flight, in one transaction (server/queue/issue-trains.ts). What the issue checks (center, service, priority group: `findIssueContext`) is
   * remembered from the last tap of the same service; the issuing statement writes only while those
   * rows are as they were read (their versions), and otherwise the check is made again on the rows as
   * they are now. A refusal is never made on remembered rows: they are read again first.
   */
  private async issueNew(centerSlug: string, input: IssueInput): Promise<TicketView> {
    const key = `${centerSlug}|${input.serviceId}|${input.priorityGroup ?? ''}`
    const known = this.issueContexts.get(key)
    if (known && known.until > Date.now()) {
      const plan = await this.planIssue(known.context, input).catch((e: unknown) => { if (e instanceof AppError) return undefined; throw e })
      const view = plan && await this.issueAs(plan, input)
      if (view) return view
      this.issueContexts.delete(key)
    }
    // a change that commits between the read and the write makes the write stale: read again
    for (let attempt = 1; attempt <= 3; attempt++) {
      const context = await findIssueContext(this.db, centerSlug, input.serviceId, input.priorityGroup)
      if (!context) throw new AppError('CENTER_NOT_FOUND')
      const view = await this.issueAs(await this.planIssue(context, input), input)
      if (view) {
        if (this.issueContexts.size >= ISSUE_CONTEXTS_MAX) this.issueContexts.clear()
        this.issueContexts.set(key, { context, until: Date.now() + ISSUE_CONTEXT_TTL_MS })
        return view
      }
    }
    throw new Error(`the center or service of ${centerSlug} changed during each of three tries to issue a ticket`)
  }

  /** The checks of an issue on these rows (a refusal throws), and what the issuing statement writes. */
  private async planIssue(ctx: IssueContext, input: IssueInput) {
    const { service_id: serviceId, service_prefix: prefix, service_active: active, service_daily_cap: cap,
      service_name_vi: nameVi, service_name_en: nameEn, priority_group_id: priorityGroupId, priority_bonus_minutes: bonusMinutes,
      center_version: centerVersion, service_version: serviceVersion, priority_group_version: priorityGroupVersion, ...center } = ctx
    const now = this.clock()
    const lt = localTime(now, center.time_zone)
    // the service's columns are null unless it is one of this center's (a left join)
    if (!serviceId || !prefix || nameVi == null || nameEn == null || !serviceVersion) throw new AppError('SERVICE_NOT_FOUND')
    if (!active) throw new AppError('SERVICE_INACTIVE')
    this.assertIssuing(await this.onDay(center, lt.day), lt)
    if (input.priorityGroup && !priorityGroupId) throw new AppError('PRIORITY_GROUP_NOT_FOUND')
    const bonus = priorityGroupId ? bonusMinutes ?? 0 : 0
    return {
      center, serviceId, prefix, cap, nameVi, nameEn, priorityGroupId, bonus, now, day: lt.day,
      versions: { center: centerVersion, service: serviceVersion, priorityGroup: priorityGroupId ? priorityGroupVersion : null },
    }
  }

  /** The issue as planned: the ticket's view, or undefined when a checked row changed meanwhile (nothing written). */
  private async issueAs(plan: Awaited<ReturnType<QueueService['planIssue']>>, input: IssueInput): Promise<TicketView | undefined> {
    const { center, serviceId, prefix, cap, nameVi, nameEn, priorityGroupId, bonus, now } = plan
    // taken when its train leaves (a slot taken while the tap waits for the train in flight would make
    // every change that learns its seq meanwhile wait for the next train)
    let slot: Slot | undefined
    try {
      // The issue and the read after it (the service's figures, the ticket's status and place) go in one
      // round trip, as one transaction (with the center's other taps of the moment): the read sees the
      // ticket, every change of a lower seq (the train waited for the center's seq row until they
      // committed), and of higher ones only the other tickets of its train: its figures are the board as
      // of this change's seq, or of a seq a few tickets later.
      const id = randomUUID()
      const answer = await this.trains.send(center.id, {
        serviceId, serviceDay: plan.day, ticketId: id, now, sending: () => { slot ??= this.order.slot(center.id) },
        issue: tickets.issueTicketStatement(this.db, {
          id, center_id: center.id, service_id: serviceId, service_day: plan.day, prefix,
          priority_group_id: priorityGroupId, queue_at: new Date(now.getTime() - bonus * 60_000), issued_at: now,
          request_id: input.requestId ?? null, dossier_id: input.dossierId ?? null,
        }, { data: priorityGroupId ? { priorityGroup: input.priorityGroup, bonusMinutes: bonus } : {} }, cap, plan.versions),
      })
      const t = answer.ticket
      if (t === 'stale') return undefined
      // At the cap no number was taken: the next citizen is refused too.
      if (t === 'cap') throw new AppError('DAILY_CAP_REACHED', { cap: cap ?? 0 })
      const out = new Outbox()
      out.firstSeq = answer.lastSeq! - ISSUE_FACTS + 1
      const before = slot!.reserved(out.firstSeq)
      out.add({ name: 'ticket:issued', payload: { ticket: { id: t.id, code: t.code, serviceId, issuedAt: now.toISOString(), priority: !!priorityGroupId } } })
      out.add({ name: 'queue:changed', serviceIds: [serviceId] })
      out.touch(t.id) // staff consoles follow every ticket of their center through ticket:updated
      this.observer?.factsCommitted(out.events.map((e) => e.name))
      const committedAt = performance.now()
      const a = answer.read
      const figures = new Map([[serviceId, Promise.resolve(a.figures)]])
      // a check-in (its dossier code) takes the full view; the read is in the issue's transaction, so the
      // ticket is waiting (its place null only if the read missed it, which would be a bug: the full view then)
      const view = a.status !== 'waiting' || a.ahead === null || input.dossierId ? this.view(t.id, () => Promise.resolve(a.figures)) : Promise.resolve({
        id: t.id, code: t.code, number: t.number, status: 'waiting', centerSlug: center.slug, serviceId,
        serviceNameVi: nameVi, serviceNameEn: nameEn, serviceDay: plan.day, priorityGroup: priorityGroupId ? input.priorityGroup! : null,
        issuedAt: iso(t.issued_at)!, queueAt: iso(t.queue_at)!, calledAt: null, startedAt: null, finishedAt: null,
        counterId: null, counterNumber: null, ...placeOf(a.ahead, a.figures[0]), transferredFromId: null, transferredToId: null, dossierId: null, dossierCode: null,
      } satisfies TicketView)
      const views = new Map<string, TicketView>()
      if (await this.publish(center, out, before, views, { figures, views: new Map([[t.id, view]]) })) this.observer?.factsSent(performance.now() - committedAt)
      return views.get(t.id) ?? await this.view(t.id)
    } finally {
      slot?.done()
    }
  }

  private async sameRequest(existing: Ticket, serviceId: string) {
    if (existing.service_id !== serviceId) throw new AppError('REQUEST_ID_REUSED')
    return this.view(existing.id)
  }

  /**
   * Tickets are issued from the day's first opening until the cut-off (or the last closing when
   * there is none), lunch break included: a citizen who arrives at noon queues for the afternoon.
   */
  private assertIssuing(center: Center, lt: ReturnType<typeof localTime>) {
    const reason = issuingClosedReason(center, lt)
    if (!reason) return
    const hours = describeHours(center.opening_hours, lt.weekday, catalogs.vi.closedDay)
    if (reason === 'after_cutoff') throw new AppError('AFTER_CUTOFF', { cutoff: issuingEnd(center, lt)!, hours })
    throw new AppError('CENTER_CLOSED', { hours })
  }

  /** Why the kiosk may not issue now (null: it may); the board tells pages, so they never show dead buttons. */
  closedReason(center: Center, now: Date): 'before_open' | 'after_cutoff' | 'closed_day' | null {
    return issuingClosedReason(center, localTime(now, center.time_zone))
  }

  async getTicket(id: string): Promise<TicketView> {
    return this.view(id)
  }

  // ---------- counters ----------

  async openCounter(counterId: string, actor: Actor): Promise<CounterView> {
    return this.counterChange(counterId, actor, async (trx, c, now) => {
      if (c.status !== 'closed') {
        if (c.staff_id === actor.staffId) return false
        throw new AppError('COUNTER_IN_USE')
      }
      const other = await counters.findOpenCounterOfStaff(trx, actor.staffId)
      if (other) throw new AppError('STAFF_AT_OTHER_COUNTER', { counter: other.number })
      try {
        await counters.updateCounter(trx, c.id, { status: 'open', staff_id: actor.staffId, pause_reason: null, status_since: now })
      } catch (e) {
        if (isUniqueViolation(e, 'counter_one_per_staff')) throw new AppError('STAFF_AT_OTHER_COUNTER', { counter: '?' })
        throw e
      }
      await counters.insertCounterEvent(trx, { counterId: c.id, staffId: actor.staffId, type: 'open', at: now })
      return true
    }, { atCounter: false })
  }

  async closeCounter(counterId: string, actor: Actor): Promise<CounterView> {
    return this.counterChange(counterId, actor, async (trx, c, now) => {
      if (c.status === 'closed') return false
      const active = await this.activeTicketAt(trx, c.id)
      if (active) throw new AppError('COUNTER_BUSY', { code: active.code })
      await counters.updateCounter(trx, c.id, { status: 'closed', staff_id: null, pause_reason: null, status_since: now })
      await counters.insertCounterEvent(trx, { counterId: c.id, staffId: actor.staffId, type: 'close', at: now })
      return true
    })
  }

  async pauseCounter(counterId: string, actor: Actor, reason: PauseReason, note?: string): Promise<CounterView> {
    return this.counterChange(counterId, actor, async (trx, c, now) => {
      if (c.status === 'closed') throw new AppError('COUNTER_CLOSED')
      if (c.status === 'paused') throw new AppError('COUNTER_PAUSED')
      const text = note ? `${reason}: ${note}` : reason
      await counters.updateCounter(trx, c.id, { status: 'paused', pause_reason: text, status_since: now })
      await counters.insertCounterEvent(trx, { counterId: c.id, staffId: actor.staffId, type: 'pause', reason: text, at: now })
      return true
    })
  }

  async resumeCounter(counterId: string, actor: Actor): Promise<CounterView> {
    return this.counterChange(counterId, actor, async (trx, c, now) => {
      if (c.status !== 'paused') throw new AppError('COUNTER_NOT_PAUSED')
      await counters.updateCounter(trx, c.id, { status: 'open', pause_reason: null, status_since: now })
      await counters.insertCounterEvent(trx, { counterId: c.id, staffId: actor.staffId, type: 'resume', at: now })
      return true
    })
  }

  private async counterChange(counterId: string, actor: Actor,
    change: (trx: Transaction<Database>, c: Counter, now: Date) => Promise<boolean>,
    opts: { atCounter: boolean } = { atCounter: true }): Promise<CounterView> {
    const center = await findCenterOf(this.db, 'counter', counterId)
    if (!center) throw new AppError('COUNTER_NOT_FOUND')
    assertCenter(actor, center.id)
    await this.inTx(center, async (trx, out) => {
      const c = (await counters.lockCounter(trx, counterId))!
      // a closed counter belongs to nobody: each change answers for itself (close: nothing to do; pause: COUNTER_CLOSED)
      if (opts.atCounter && c.status !== 'closed') assertAtCounter(actor, c)
      if (await change(trx, c, this.clock())) {
        out.add({ name: 'counter:changed', counterId })
        out.add({ name: 'queue:changed', serviceIds: (await counters.counterServices(trx, counterId)).map((s) => s.service_id) })
      }
    })
    return this.counterView(center.id, counterId)
  }

  // ---------- calling ----------

  /** The counter's next ticket: primary services first, then backup; `null` when nobody waits. */
  async callNext(counterId: string, actor: Actor): Promise<TicketView | null> {
    const views = new Map<string, TicketView>()
    const id = await this.atOpenCounter(counterId, actor, async (trx, c, center, now, day, out) => {
      // read after the counter's lock: a manager's change of its services that committed meanwhile counts
      const tiers = await counters.counterServices(trx, c.id)
      for (const tier of [1, 2] as const) {
        const ids = tiers.filter((s) => s.tier === tier).map((s) => s.service_id)
        if (!ids.length) continue
        const t = await tickets.lockNextWaiting(trx, ids, day)
        if (t) return this.markCalled(trx, out, t, c, actor, now, 'called', { tier })
      }
      return null
    }, views)
    return id ? views.get(id) ?? await this.view(id) : null
  }

  /** A specific waiting ticket, out of queue order (logged as such). */
  async callTicket(counterId: string, ticketId: string, actor: Actor): Promise<TicketView> {
    const id = await this.atOpenCounter(counterId, actor, async (trx, c, center, now, day, out) => {
      const t = await tickets.lockTicket(trx, ticketId)
      if (!t || t.center_id !== center.id) throw new AppError('TICKET_NOT_FOUND')
      if (t.status !== 'waiting') throw new AppError('TICKET_NOT_WAITING')
      if (t.service_day !== day) throw new AppError('TICKET_NOT_TODAY')
      return this.markCalled(trx, out, t, c, actor, now, 'called_out_of_order', {})
    })
    return this.view(id!)
  }

  private async atOpenCounter<T>(counterId: string, actor: Actor,
    fn: (trx: Transaction<Database>, c: Counter, center: Center, now: Date, day: string, out: Outbox) => Promise<T>,
    views?: Map<string, TicketView>): Promise<T> {
    const center = await findCenterOf(this.db, 'counter', counterId)
    if (!center) throw new AppError('COUNTER_NOT_FOUND')
    assertCenter(actor, center.id)
    return this.inTx(center, async (trx, out) => {
      const c = (await counters.lockCounter(trx, counterId))!
      // closed first: a closed counter has no clerk, and "closed" is what the clerk's stale tab needs to hear
      if (c.status === 'closed') throw new AppError('COUNTER_CLOSED')
      assertAtCounter(actor, c)
      if (c.status === 'paused') throw new AppError('COUNTER_PAUSED')
      const active = await this.activeTicketAt(trx, c.id)
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

  async complete(ticketId: string, actor: Actor): Promise<TicketView> {
    return this.finish(ticketId, actor, ['serving'], 'done', 'completed')
  }

  async noShow(ticketId: string, actor: Actor): Promise<TicketView> {
    return this.finish(ticketId, actor, ['called'], 'no_show', 'no_show')
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
    return this.view(id)
  }

  /** Moves a ticket to another service; the new ticket keeps the original place in the queue. */
  async transfer(ticketId: string, serviceId: string, actor: Actor): Promise<TicketView> {
    let newId = ''
    await this.transition(ticketId, actor, ['waiting', 'called', 'serving', 'held'], async (trx, t, c, now, out) => {
      const target = await findService(trx, serviceId)
      if (!target || target.center_id !== t.center_id) throw new AppError('SERVICE_NOT_FOUND')
      if (target.id === t.service_id) throw new AppError('TRANSFER_SAME_SERVICE')
      if (!target.active) throw new AppError('SERVICE_INACTIVE')
      await this.change(trx, t, { status: 'transferred', finished_at: now }, 'transferred', 'transferred', c, actor, now, { toServiceId: target.id })
      const number = await tickets.takeNextNumber(trx, target.id, t.service_day)
      const n = await tickets.insertTicket(trx, {
        center_id: t.center_id, service_id: target.id, service_day: t.service_day, number,
        code: formatTicketCode(target.prefix, number), priority_group_id: t.priority_group_id,
        queue_at: t.queue_at, issued_at: now, transferred_from_id: t.id,
      }, { type: 'issued_by_transfer', staffId: actor.staffId, data: { fromTicketId: t.id, fromCode: t.code } })
      newId = n.id
      out.add({ name: 'ticket:finished', payload: finishedPayload(t, 'transferred', c) })
      currentTicketChanged(out, t)
      out.add({ name: 'ticket:issued', payload: { ticket: { id: n.id, code: n.code, serviceId: n.service_id, issuedAt: now.toISOString(), priority: !!n.priority_group_id } } })
      out.add({ name: 'queue:changed', serviceIds: [t.service_id, target.id] })
      out.touch(n.id)
    }, { waitingByAnyClerk: true })
    return this.view(newId)
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
    await this.inTx(center, async (trx, out) => {
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
    return views.get(ticketId) ?? await this.view(ticketId)
  }

  /** The ticket's change and its event, in one statement. */
  private change(trx: Executor, t: Ticket, patch: Updateable<TicketTable>, type: string, to: TicketStatus, c: Counter | undefined, actor: Actor, at: Date, data?: Record<string, unknown>) {
    return tickets.updateTicketWithEvent(trx, patch, { ticketId: t.id, centerId: t.center_id, type, from: t.status, to, counterId: c?.id ?? t.counter_id, staffId: actor.staffId, at, data })
  }

  private activeTicketAt(db: Executor, counterId: string) {
    // prepared, the statuses literal: the generic plan is the partial unique index of active tickets
    return db.selectFrom('ticket').modifyFront(prepared).select(['id', 'code']).where('counter_id', '=', counterId)
      .where(sql<boolean>`status IN ('called', 'serving')`).executeTakeFirst()
  }

  // ---------- end of the service day ----------

  /** Leftover tickets of past service days become `expired`: recorded, reported, never deleted. */
  async expireStale(): Promise<number> {
    let total = 0
    for (const center of await this.db.selectFrom('center').selectAll().execute()) {
      const now = this.clock()
      const today = localTime(now, center.time_zone).day
      total += await this.inTx(center, async (trx, out) => {
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

  // ---------- views ----------

  /** `figuresOf`: a loader shared by the payloads of one publish (the same service's figures are read once). */
  async view(ticketId: string, figuresOf?: (serviceIds: string[]) => Promise<ServiceFigures[]>): Promise<TicketView> {
    const r = await this.db.selectFrom('ticket')
      .innerJoin('service', 'service.id', 'ticket.service_id')
      .innerJoin('center', 'center.id', 'ticket.center_id')
      .leftJoin('counter', 'counter.id', 'ticket.counter_id')
      .leftJoin('priority_group', 'priority_group.id', 'ticket.priority_group_id')
      .leftJoin('ticket as next', 'next.transferred_from_id', 'ticket.id')
      .leftJoin('dossier', 'dossier.id', 'ticket.dossier_id')
      // prepared: it plans in milliseconds (six joins and the place), more than it runs
      .modifyFront(prepared)
      .select(tickets.TICKET_COLUMNS.map((c) => `ticket.${c}` as const))
      .select(['service.name_vi', 'service.name_en', 'service.default_service_minutes', 'center.slug', 'counter.number as counter_number',
        'priority_group.code as priority_code', 'next.id as next_id', 'dossier.code as dossier_code'])
      // the place in the queue in the same statement (only a waiting ticket has one)
      .select(sql<number | null>`CASE WHEN ticket.status = 'waiting' THEN ${tickets.ticketsAhead(ticketId)} END`.as('ahead'))
      .where('ticket.id', '=', ticketId).executeTakeFirst()
    if (!r) throw new AppError('TICKET_NOT_FOUND')
    let where = placeOf(null)
    if (r.status === 'waiting' && r.ahead !== null) {
      const [f] = figuresOf ? await figuresOf([r.service_id])
        : await loadServiceFigures(this.db, r.center_id, r.service_day, this.clock(), [r.service_id])
      where = placeOf(Number(r.ahead), f)
    }
    return {
      id: r.id, code: r.code, number: r.number, status: r.status, centerSlug: r.slug, serviceId: r.service_id,
      serviceNameVi: r.name_vi, serviceNameEn: r.name_en, serviceDay: r.service_day, priorityGroup: r.priority_code,
      issuedAt: iso(r.issued_at)!, queueAt: iso(r.queue_at)!, calledAt: iso(r.called_at), startedAt: iso(r.started_at),
      finishedAt: iso(r.finished_at), counterId: r.counter_id, counterNumber: r.counter_number,
      ...where, transferredFromId: r.transferred_from_id, transferredToId: r.next_id,
      dossierId: r.dossier_id, dossierCode: r.dossier_code,
    }
  }

  async counterView(centerId: string, counterId: string): Promise<CounterView> {
    const [v] = await counterViews(this.db, centerId, counterId)
    if (!v) throw new AppError('COUNTER_NOT_FOUND')
    return v
  }

  // ---------- plumbing ----------

  /**
   * Runs `fn` in one transaction; its facts take consecutive `seq` numbers from the center's row
   * (locked last, so lock order is always ticket/counter rows before the sequence), and are sent
   * only after the commit, in `seq` order (`SeqOrder`). Dossier writes run here too (server/dossiers),
   * so `dossier:ready` and `dossier:returned` share the center's sequence and its publish-after-commit.
   */
  async inTx<T>(center: Center, fn: (trx: Transaction<Database>, out: Outbox) => Promise<T>, views?: Map<string, TicketView>): Promise<T> {
    const out = new Outbox()
    let slot: Slot | undefined
    let before: Promise<void> | undefined
    try {
      // the seq bump is the last statement and goes with the COMMIT: the center's row, which every
      // change of the center takes, is never held across a round trip to this process
      const { result, rows } = await thenCommit<T, { seq: number }>(this.db, async (trx) => {
        const r = await fn(trx, out)
        if (!out.events.length) return { result: r }
        return { result: r, last: { text: boardSeqBump(center.id, out.events.length), before: () => { slot = this.order.slot(center.id) } } }
      })
      if (out.events.length) {
        // committed: a center always has its row (made with it); without one the facts cannot be numbered
        const seq = rows?.[0]?.seq
        if (seq == null) throw new Error(`center ${center.id} has no center_board_seq row`)
        out.firstSeq = Number(seq) - out.events.length + 1
        before = slot!.reserved(out.firstSeq)
        const committedAt = performance.now()
        this.observer?.factsCommitted(out.events.map((e) => e.name))
        if (await this.publish(center, out, before, views)) this.observer?.factsSent(performance.now() - committedAt)
      } else {
        await this.publish(center, out, undefined, views)
      }
      return result
    } finally {
      slot?.done()
    }
  }

  /** Sends each center's facts in seq order within this process (server/queue/seq-order.ts). */
  private order = new SeqOrder()

  /** Returns whether anything was emitted. */
  /** `preset`: payload parts the caller already has under way (the issue reads figures and its ticket's place in one statement). */
  private async publish(center: Center, out: Outbox, prev: Promise<void> = Promise.resolve(), views?: Map<string, TicketView>,
    preset?: { figures?: Map<string, Promise<ServiceFigures[]>>; views?: Map<string, Promise<TicketView>> }): Promise<boolean> {
    // payloads first (they read the committed state), then every event at once, after the lower seqs
    const sends: (() => void)[] = []
    try {
      const now = this.clock()
      const day = localTime(now, center.time_zone).day
      // one read per service set: an issue's queue:changed and its ticket view need the same service's figures
      const figures = preset?.figures ?? new Map<string, Promise<ServiceFigures[]>>()
      const figuresOf = (ids: string[]) => {
        const key = [...ids].sort().join()
        let p = figures.get(key)
        if (!p) figures.set(key, p = loadServiceFigures(this.db, center.id, day, now, ids))
        return p
      }
      // the ticket views start now, beside the facts' payloads (they share the figures): one wait, not two
      const viewsP = [...out.ticketIds].map((id) => preset?.views?.get(id) ?? this.view(id, figuresOf))
      viewsP.forEach((p) => p.catch(() => undefined)) // awaited below; a failure there is the one reported
      let seq = out.firstSeq
      const facts: PublicFact[] = []
      for (const e of out.events) {
        const s = seq++
        if (e.name === 'queue:changed') {
          facts.push({ name: e.name, payload: { seq: s, services: (await figuresOf(e.serviceIds)).map(statOf) } })
        } else if (e.name === 'counter:changed') {
          facts.push({ name: e.name, payload: { seq: s, counter: await this.counterView(center.id, e.counterId) } })
        } else {
          facts.push({ name: e.name, payload: { seq: s, ...e.payload } } as PublicFact)
        }
      }
      if (facts.length) sends.push(() => this.sink.centerFacts(center.slug, facts))
      for (const p of viewsP) {
        const v = await p
        views?.set(v.id, v) // the request's answer: read after the commit, as it would be read again
        sends.push(() => this.sink.ticketUpdated(v))
      }
    } catch (err) {
      // The transaction is committed: the request succeeded. Pages see the seq gap and refetch the board.
      this.sink.publishFailed?.(err)
      sends.length = 0
    }
    // a publish stuck on a dead connection must not hold every later one: after a while, send anyway (a gap)
    let timer: NodeJS.Timeout | undefined
    await Promise.race([prev, new Promise<void>((resolve) => { timer = setTimeout(resolve, PUBLISH_WAIT_MS) })])
    clearTimeout(timer)
    for (const send of sends) send()
    return sends.length > 0
  }
}

export async function counterViews(db: Executor, centerId: string, counterId?: string): Promise<CounterView[]> {
  const rows = await counters.listCounterViews(db, centerId, counterId)
  return rows.map((r) => ({
    id: r.id, number: r.number, name: r.name, status: r.status, pauseReason: r.pause_reason, statusSince: iso(r.status_since)!,
    staffName: r.staff_name,
    currentTicket: r.ticket_id ? { id: r.ticket_id, code: r.ticket_code!, status: r.ticket_status as 'called' | 'serving' } : null,
    services: r.services,
  }))
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


/** A ticket that was called or serving at a counter changed: the counter's current ticket did too (boards show it). */
function currentTicketChanged(out: Outbox, t: Ticket) {
  if (t.counter_id && ACTIVE.includes(t.status)) out.add({ name: 'counter:changed', counterId: t.counter_id })
}

function callPayload(t: Ticket, c: Counter, now: Date) {
  return { ticketId: t.id, code: t.code, serviceId: t.service_id, counterId: c.id, counterNumber: c.number, calledAt: now.toISOString() }
}

function finishedPayload(t: Ticket, status: TicketStatus, c: Counter | undefined) {
  return { ticketId: t.id, code: t.code, status, counterId: c?.id ?? null, counterNumber: c?.number ?? null }
}

/** A ticket's place in its queue (all null for a ticket that is not waiting), as every view gives it. */
function placeOf(ahead: number | null, f?: ServiceFigures): Pick<TicketView, 'position' | 'ahead' | 'estimatedWaitMinutes'> {
  if (ahead === null) return { position: null, ahead: null, estimatedWaitMinutes: null }
  return { position: ahead + 1, ahead, estimatedWaitMinutes: f ? estimateFor(f, ahead) : null }
}

function iso(d: Date | string | null): string | null {
  return d == null ? null : new Date(d).toISOString()
}

export type { Service }
