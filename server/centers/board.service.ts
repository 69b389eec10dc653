import type { Db } from '../../db/create-db.js'
import type { BoardSnapshot, CenterSummary, PriorityGroupView, ProcedureView } from '../../common/types.js'
import { AppError } from '../errors.js'
import type { Clock } from '../clock.js'
import { describeHours, isOpenAt, localTime } from '../time.js'
import { counterViews, publicCounterView } from '../queue/ticket-views.js'
import { closedReason as issuingClosedReason, nextOpenOf, type CenterCalendar } from '../queue/issue.service.js'
import { hmOf, intervalsOn, minutesOf, resumesAt } from '../queue/schedule.js'
import { serviceStats } from '../queue/estimate.js'
import { recentCalls } from '../queue/ticket.repository.js'
import * as centers from './center.repository.js'
import { readyCodes } from '../dossiers/dossier.repository.js'
import { MAX_READY_DOSSIERS } from '../../common/board-sync.js'

/** What the public pages read: the board snapshot, procedures, priority groups. */
export class BoardService {
  /** `onSettingsChanged`: told when a center's settings (center, services, priority groups) changed on this instance */
  /** `publicUrl`: PUBLIC_URL when the install sets it (the QR codes' address), else undefined */
  constructor(private db: Db, private clock: Clock, private calendar: CenterCalendar, private onSettingsChanged?: (centerId: string) => void,
    private publicUrl?: string) {}

  settingsChanged(centerId: string) {
    this.onSettingsChanged?.(centerId)
  }

  async listCenters(): Promise<CenterSummary[]> {
    // a deactivated center is not offered to pages that pick a center (the admin's list has it)
    return (await centers.listCenters(this.db)).filter((c) => c.active).map((c) => ({ slug: c.slug, name: c.name, nameEn: c.name_en }))
  }

  async board(slug: string): Promise<BoardSnapshot> {
    const center = await this.center(slug)
    // seq first: the snapshot is at least as new as the seq it carries, so later events are never older
    const seq = await centers.currentBoardSeq(this.db, center.id)
    const now = this.clock()
    const lt = localTime(now, center.time_zone)
    const services = await centers.listServices(this.db, center.id)
    const [stats, counters, calls, ready] = await Promise.all([
      serviceStats(this.db, center.id, lt.day, now, services),
      counterViews(this.db, center.id),
      recentCalls(this.db, center.id, lt.day, 10),
      readyCodes(this.db, center.id, MAX_READY_DOSSIERS),
    ])
    const byId = new Map(stats.map((s) => [s.id, s]))
    const today = await this.calendar.centerOn(center, lt.day) // holidays and make-up days of the calendar applied
    // a deactivated center issues nothing (its kiosk says so); the board still shows what it held
    const closedReason = center.active ? issuingClosedReason(today, now) : 'center_inactive'
    const resume = resumesAt(intervalsOn(today.opening_hours, lt.day), minutesOf(lt.hm))
    return {
      seq, centerSlug: center.slug, centerName: center.name, serviceDay: lt.day,
      open: center.active && isOpenAt(today.opening_hours, lt),
      acceptingTickets: closedReason === null,
      closedReason,
      hoursToday: describeHours(today.opening_hours, lt.weekday, ''),
      callsResumeAt: resume === null ? null : hmOf(resume),
      nextOpen: closedReason && closedReason !== 'center_inactive' ? await nextOpenOf(this.calendar, center, lt) : null,
      publicUrl: this.publicUrl ?? null,
      ticketCutoff: center.ticket_cutoff,
      announcementTemplate: center.announcement_template,
      services: services.map((s) => ({
        code: s.code, prefix: s.prefix, nameVi: s.name_vi, nameEn: s.name_en, icon: s.icon, active: s.active,
        targetWaitMinutes: s.target_wait_minutes, dailyCap: s.daily_cap, ...byId.get(s.id)!, // id, waiting, estimate, capReached
      })),
      counters: counters.map(publicCounterView), // the pause reason's category, never the clerk's note
      recentCalls: calls.map((c) => ({ code: c.code, serviceId: c.service_id, counterId: c.counter_id!, counterNumber: c.counter_number, calledAt: new Date(c.called_at!).toISOString() })),
      readyDossiers: ready,
    }
  }

  async procedures(slug: string): Promise<ProcedureView[]> {
    const center = await this.center(slug)
    return (await centers.listProcedures(this.db, center.id)).map((p) => ({
      id: p.id, code: p.code, nameVi: p.name_vi, nameEn: p.name_en, serviceId: p.service_id,
      serviceNameVi: p.service_name_vi, serviceNameEn: p.service_name_en, processingDays: p.processing_days,
      feeVnd: p.fee_vnd, feeNote: p.fee_note, documents: p.documents, nationalCode: p.national_code,
    }))
  }

  async priorityGroups(slug: string): Promise<PriorityGroupView[]> {
    const center = await this.center(slug)
    return (await centers.listPriorityGroups(this.db, center.id)).map((g) => ({
      id: g.id, code: g.code, nameVi: g.name_vi, nameEn: g.name_en, bonusMinutes: g.bonus_minutes,
    }))
  }

  async center(slug: string) {
    const c = await centers.findCenterBySlug(this.db, slug)
    if (!c) throw new AppError('CENTER_NOT_FOUND')
    return c
  }
}
