import type { Db } from '../../db/create-db.js'
import type { Center, Service } from '../../db/types.js'
import type { CounterQueueResponse, FloorAlert, FloorResponse, MyDayResponse, QueueTicket, StaffCenterInfo, StaffCountersResponse, StaffServiceOption } from '../../common/staff-types.js'
import { catalogs } from '../../common/i18n/index.js'
import { AppError } from '../errors.js'
import type { Clock } from '../clock.js'
import { describeHours, isOpenAt, localTime } from '../time.js'
import { findCenterById, findCenterBySlug, listServices } from '../centers/center.repository.js'
import { assertCenter, type Actor } from '../auth/actor.js'
import { counterView, counterViews, ticketView } from '../queue/ticket-views.js'
import { findCounter, findOpenCounterOfStaff } from '../queue/counter.repository.js'
import { serviceStats } from '../queue/estimate.js'
import * as staff from './staff.repository.js'
import { ONLINE_ALERT_MINUTES, onlineAnswerDue, onlineCalendar, workingMinutesBetween } from '../dossiers/online-answer.js'

const minutesSince = (now: Date, then: Date | string) => Math.max(0, Math.floor((now.getTime() - new Date(then).getTime()) / 60_000))
const iso = (d: Date | string) => new Date(d).toISOString()

/** What the staff console reads: counters to choose from, a counter's live queue, the clerk's day, the floor. */
export class StaffService {
  constructor(private db: Db, private clock: Clock) {}

  async counters(centerSlug: string, actor: Actor): Promise<StaffCountersResponse> {
    const center = await this.center(centerSlug, actor)
    const now = this.clock()
    const [counters, services, mine] = await Promise.all([
      counterViews(this.db, center.id), listServices(this.db, center.id), findOpenCounterOfStaff(this.db, actor.staffId)])
    return {
      now: now.toISOString(), center: this.centerInfo(center, now), counters,
      services: services.map(serviceOption),
      myCounterId: mine && mine.center_id === center.id ? mine.id : null,
    }
  }

  async counterQueue(counterId: string, actor: Actor): Promise<CounterQueueResponse> {
    const c = await findCounter(this.db, counterId)
    if (!c) throw new AppError('COUNTER_NOT_FOUND')
    assertCenter(actor, c.center_id)
    const center = await findCenterById(this.db, c.center_id)
    const now = this.clock()
    const lt = localTime(now, center.time_zone)
    const counter = await counterView(this.db, center.id, c.id)
    const [waiting, total, held, current, kept, origin] = await Promise.all([
      staff.listCounterWaiting(this.db, c.id, lt.day),
      staff.countCounterWaiting(this.db, c.id, lt.day),
      staff.listHeldBy(this.db, center.id, actor.staffId, lt.day),
      counter.currentTicket ? ticketView(this.db, counter.currentTicket.id, this.clock()) : Promise.resolve(null),
      staff.listKeptFor(this.db, c.id, lt.day),
      counter.currentTicket ? staff.transferOrigin(this.db, counter.currentTicket.id) : Promise.resolve(undefined),
    ])
    return {
      now: now.toISOString(), open: isOpenAt(center.opening_hours, lt),
      hoursToday: describeHours(center.opening_hours, lt.weekday, catalogs.vi.closedDay),
      counter, current,
      // issue 22: tickets transferred to this counter first, as its call-next takes them
      waiting: [
        ...kept.map((r) => ({ ...queueTicket(r, 1), forThisCounter: true, transferNote: r.transfer_note, transferredFromCounter: r.from_counter ?? null })),
        ...waiting.map((r) => queueTicket(r, Number(r.tier) === 2 ? 2 : 1)),
      ].slice(0, staff.QUEUE_LIST_LIMIT),
      waitingTotal: { ...total, primary: total.primary + kept.length },
      currentTransfer: origin ? { note: origin.transfer_note, fromCounter: origin.from_counter ?? null, fromCode: origin.from_code } : null,
      held: held.map((r) => ({ ...queueTicket(r, 1), heldAt: r.held_at == null ? null : iso(r.held_at) })),
    }
  }

  async myDay(centerSlug: string, actor: Actor): Promise<MyDayResponse> {
    const center = await this.center(centerSlug, actor)
    const now = this.clock()
    const day = localTime(now, center.time_zone).day
    const f = await staff.staffDayFigures(this.db, center.id, actor.staffId, day)
    return { now: now.toISOString(), serviceDay: day, served: f.served, averageServiceSeconds: f.avgSeconds == null ? null : Math.round(f.avgSeconds), noShows: f.noShows, transferred: f.transferred }
  }

  async floor(centerSlug: string, actor: Actor): Promise<FloorResponse> {
    const center = await this.center(centerSlug, actor)
    const now = this.clock()
    const day = localTime(now, center.time_zone).day
    const services = await listServices(this.db, center.id)
    const [counters, figures, stats] = await Promise.all([
      counterViews(this.db, center.id), staff.serviceDayFigures(this.db, center.id, day), serviceStats(this.db, center.id, day, now, services)])
    const estimate = new Map(stats.map((s) => [s.id, s.estimatedWaitMinutes]))
    const alerts: FloorAlert[] = []
    const floorServices = services.map((s) => {
      const f = figures.get(s.id)
      const longest = f?.oldest ? minutesSince(now, f.oldest) : null
      if (longest !== null && longest > s.target_wait_minutes) {
        alerts.push({ kind: 'wait', serviceId: s.id, prefix: s.prefix, minutes: longest, targetMinutes: s.target_wait_minutes })
      }
      return { ...serviceOption(s), waiting: f?.waiting ?? 0, longestWaitMinutes: longest, estimatedWaitMinutes: estimate.get(s.id) ?? 0, servedToday: f?.served ?? 0 }
    })
    const floorCounters = counters.map((c) => {
      const minutes = minutesSince(now, c.statusSince)
      if (c.status === 'paused' && minutes >= center.pause_alert_minutes) {
        alerts.push({ kind: 'pause', counterId: c.id, counterNumber: c.number, minutes, limitMinutes: center.pause_alert_minutes, reason: c.pauseReason })
      }
      return { ...c, minutesInStatus: minutes }
    })
    // W3: online filings with under 2 working hours left to be accepted or returned for changes (Art. 17.2)
    const online = await this.db.selectFrom('dossier').select(['id', 'code', 'created_at']).where('center_id', '=', center.id)
      .where('status', '=', 'submitted_online').orderBy('created_at').execute()
    if (online.length) {
      const cal = await onlineCalendar(this.db, center, new Date(online[0]!.created_at), now)
      for (const d of online) {
        const due = onlineAnswerDue(cal, new Date(d.created_at))
        const left = workingMinutesBetween(cal, now, due)
        if (left < ONLINE_ALERT_MINUTES) alerts.push({ kind: 'online', dossierId: d.id, code: d.code, leftMinutes: left, answerDueAt: due.toISOString() })
      }
    }
    // the longest overrun first: what the manager should look at now
    const overrun = (a: FloorAlert) => a.kind === 'wait' ? a.minutes - a.targetMinutes : a.kind === 'pause' ? a.minutes - a.limitMinutes : ONLINE_ALERT_MINUTES - a.leftMinutes
    alerts.sort((a, b) => overrun(b) - overrun(a))
    return { now: now.toISOString(), center: this.centerInfo(center, now), pauseAlertMinutes: center.pause_alert_minutes, counters: floorCounters, services: floorServices, alerts }
  }

  private async center(slug: string, actor: Actor): Promise<Center> {
    const c = await findCenterBySlug(this.db, slug)
    if (!c) throw new AppError('CENTER_NOT_FOUND')
    assertCenter(actor, c.id)
    return c
  }

  private centerInfo(center: Center, now: Date): StaffCenterInfo {
    const lt = localTime(now, center.time_zone)
    return {
      slug: center.slug, name: center.name, serviceDay: lt.day, open: isOpenAt(center.opening_hours, lt),
      hoursToday: describeHours(center.opening_hours, lt.weekday, catalogs.vi.closedDay), ticketCutoff: center.ticket_cutoff,
    }
  }
}

function serviceOption(s: Service): StaffServiceOption {
  return { id: s.id, code: s.code, prefix: s.prefix, nameVi: s.name_vi, nameEn: s.name_en, icon: s.icon, active: s.active, targetWaitMinutes: s.target_wait_minutes }
}

function queueTicket(r: { id: string; code: string; service_id: string; issued_at: Date; queue_at: Date; transferred_from_id: string | null;
  priority_code: string | null; priority_vi: string | null; priority_en: string | null; appointment_slot?: string | null }, tier: 1 | 2): QueueTicket {
  return {
    id: r.id, code: r.code, serviceId: r.service_id, tier, priorityGroup: r.priority_code, priorityNameVi: r.priority_vi, priorityNameEn: r.priority_en,
    issuedAt: iso(r.issued_at), queueAt: iso(r.queue_at), transferred: r.transferred_from_id !== null,
    appointmentSlot: r.appointment_slot ?? null,
  }
}
