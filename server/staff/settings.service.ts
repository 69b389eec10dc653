import type { Db } from '../../db/create-db.js'
import type { Service } from '../../db/types.js'
import type { AuditEntity, AuditEntry, CenterSettings, CounterSettings, ServiceSettings, WeekHours } from '../../common/staff-types.js'
import type { CenterSettingsPatchBody, CounterPatchBody, ServicePatchBody } from '../../common/staff-schemas.js'
import type { Center } from '../../db/types.js'
import { findCounter } from '../queue/counter.repository.js'
import { AppError } from '../errors.js'
import type { Clock } from '../clock.js'
import { localTime } from '../time.js'
import type { BoardService } from '../centers/board.service.js'
import { findCenterById, findService, listServices } from '../centers/center.repository.js'
import { assertCenter, type Actor } from '../auth/actor.js'
import type { EventSink } from '../realtime/event-sink.js'
import * as settings from './settings.repository.js'
import { centerFor, diffFields, publishBoard, type Changes } from './settings.support.js'

const FIELDS = {
  nameVi: 'name_vi', nameEn: 'name_en', icon: 'icon', targetWaitMinutes: 'target_wait_minutes', dailyCap: 'daily_cap', active: 'active',
} as const satisfies Record<keyof ServicePatchBody, keyof Service>

/** The manager's settings: validated changes, one audit row each, and the pages told at once. */
export class SettingsService {
  constructor(private db: Db, private clock: Clock, private board: BoardService, private sink: EventSink) {}

  async services(centerSlug: string, actor: Actor): Promise<ServiceSettings[]> {
    const center = await this.centerFor(centerSlug, actor)
    return (await listServices(this.db, center.id)).map(serviceSettings)
  }

  /** Changes the given fields; unchanged values write nothing. Kiosks and displays get a fresh board at once. */
  async updateService(serviceId: string, patch: ServicePatchBody, actor: Actor): Promise<ServiceSettings> {
    const s0 = await findService(this.db, serviceId)
    if (!s0) throw new AppError('SERVICE_NOT_FOUND')
    assertCenter(actor, s0.center_id)
    const now = this.clock()
    const { service, changed } = await this.db.transaction().execute(async (trx) => {
      const s = (await settings.lockService(trx, serviceId))!
      const { set, changes } = diffFields(s, patch, FIELDS)
      if (!Object.keys(changes).length) return { service: s, changed: false }
      const updated = await settings.updateService(trx, s.id, set)
      await settings.insertAudit(trx, { centerId: s.center_id, staffId: actor.staffId, entity: 'service', entityId: s.id, action: 'update', changes, at: now })
      return { service: updated, changed: true }
    })
    if (changed) await this.publishBoard(service.center_id)
    return serviceSettings(service)
  }

  async counters(centerSlug: string, actor: Actor): Promise<CounterSettings[]> {
    const center = await this.centerFor(centerSlug, actor)
    const [rows, links] = await Promise.all([settings.listCounters(this.db, center.id), settings.counterServiceRows(this.db, center.id)])
    return rows.map((c) => ({
      id: c.id, number: c.number, name: c.name, status: c.status,
      primary: links.filter((l) => l.counter_id === c.id && l.tier === 1).map((l) => l.service_id),
      backup: links.filter((l) => l.counter_id === c.id && l.tier === 2).map((l) => l.service_id),
    }))
  }

  /**
   * Renames a counter and/or replaces its primary and backup services. The counter's status, clerk and
   * current ticket are untouched: an open counter keeps working and calls from the new lists next.
   */
  async updateCounter(counterId: string, patch: CounterPatchBody, actor: Actor): Promise<CounterSettings> {
    const c0 = await findCounter(this.db, counterId)
    if (!c0) throw new AppError('COUNTER_NOT_FOUND')
    assertCenter(actor, c0.center_id)
    if (patch.services) {
      const wanted = [...patch.services.primary, ...patch.services.backup]
      const found = new Set((await settings.servicesOfCenter(this.db, c0.center_id, wanted)).map((s) => s.id))
      const missing = wanted.find((id) => !found.has(id))
      if (missing) throw new AppError('SERVICE_NOT_FOUND')
    }
    const now = this.clock()
    const changed = await this.db.transaction().execute(async (trx) => {
      const c = (await settings.lockCounter(trx, counterId))! // serialised with the counter's own queue actions
      const changes: Changes = {}
      if (patch.name !== undefined && patch.name !== c.name) {
        await settings.renameCounter(trx, c.id, patch.name)
        changes.name = { from: c.name, to: patch.name }
      }
      if (patch.services) {
        const prefixes = new Map((await listServices(trx, c.center_id)).map((s) => [s.id, s.prefix]))
        const links = (await settings.counterServiceRows(trx, c.center_id)).filter((l) => l.counter_id === c.id)
        const label = (ids: string[]) => ids.map((id) => prefixes.get(id) ?? id).sort().join(', ')
        for (const [key, tier, to] of [['primary', 1, patch.services.primary], ['backup', 2, patch.services.backup]] as const) {
          const from = label(links.filter((l) => l.tier === tier).map((l) => l.service_id))
          if (from !== label(to)) changes[key] = { from, to: label(to) }
        }
        if (changes.primary || changes.backup) await settings.replaceCounterServices(trx, c.id, patch.services.primary, patch.services.backup)
      }
      if (!Object.keys(changes).length) return false
      await settings.insertAudit(trx, { centerId: c.center_id, staffId: actor.staffId, entity: 'counter', entityId: c.id, action: 'update', changes, at: now })
      return true
    })
    if (changed) await this.publishBoard(c0.center_id)
    const center = await findCenterById(this.db, c0.center_id)
    return (await this.counters(center.slug, actor)).find((c) => c.id === counterId)!
  }

  async center(centerSlug: string, actor: Actor): Promise<CenterSettings> {
    return centerSettings(await this.centerFor(centerSlug, actor))
  }

  /** Opening hours (the days given replace those days), ticket cut-off, announcement template. */
  async updateCenter(centerSlug: string, patch: CenterSettingsPatchBody, actor: Actor): Promise<CenterSettings> {
    const c0 = await this.centerFor(centerSlug, actor)
    const now = this.clock()
    const { center, changed } = await this.db.transaction().execute(async (trx) => {
      const c = await settings.lockCenter(trx, c0.id)
      const hours = parseHours(c.opening_hours)
      const { set, changes } = diffFields(c, { ticketCutoff: patch.ticketCutoff, announcementTemplate: patch.announcementTemplate, pauseAlertMinutes: patch.pauseAlertMinutes },
        { ticketCutoff: 'ticket_cutoff', announcementTemplate: 'announcement_template', pauseAlertMinutes: 'pause_alert_minutes' })
      if (patch.openingHours) {
        const next: WeekHours = { ...hours }
        let days = false
        for (const [day, list] of Object.entries(patch.openingHours) as [keyof WeekHours, [string, string][] | undefined][]) {
          if (!list) continue
          const from = hoursText(hours[day]), to = hoursText(list)
          if (from === to) continue
          changes[`day${day}`] = { from, to }
          days = true
          if (list.length) next[day] = list
          else delete next[day]
        }
        if (days) set.opening_hours = JSON.stringify(next)
      }
      if (!Object.keys(changes).length) return { center: c, changed: false }
      const updated = await settings.updateCenter(trx, c.id, set)
      await settings.insertAudit(trx, { centerId: c.id, staffId: actor.staffId, entity: 'center', entityId: c.id, action: 'update', changes, at: now })
      return { center: updated, changed: true }
    })
    if (changed) await this.publishBoard(center.id)
    return centerSettings(center)
  }

  private centerFor(centerSlug: string, actor: Actor) {
    return centerFor(this.db, centerSlug, actor)
  }

  async audit(centerSlug: string, actor: Actor, opts: { entity?: AuditEntity | 'settings'; day?: string; staff?: string; limit?: number }): Promise<{ day: string; entries: AuditEntry[] }> {
    const center = await this.centerFor(centerSlug, actor)
    const day = opts.day ?? localTime(this.clock(), center.time_zone).day
    const rows = await settings.listActivity(this.db, center, { day, entity: opts.entity, staffId: opts.staff, limit: opts.limit ?? 50 })
    return { day, entries: rows.map((r) => ({
      id: r.id, at: new Date(r.at).toISOString(), staffId: r.staff_id, staffName: r.staff_name, entity: r.entity, entityId: r.entity_id,
      entityLabel: r.label, action: r.action, changes: typeof r.changes === 'string' ? JSON.parse(r.changes) : r.changes,
    })) }
  }

  private publishBoard(centerId: string) {
    return publishBoard(this.db, this.board, this.sink, centerId)
  }
}

function serviceSettings(s: Service): ServiceSettings {
  return {
    id: s.id, code: s.code, prefix: s.prefix, nameVi: s.name_vi, nameEn: s.name_en, icon: s.icon, active: s.active,
    targetWaitMinutes: s.target_wait_minutes, dailyCap: s.daily_cap, defaultServiceMinutes: s.default_service_minutes,
  }
}

function parseHours(v: unknown): WeekHours {
  return (typeof v === 'string' ? JSON.parse(v) : v ?? {}) as WeekHours
}

/** [['07:00','11:30'],['13:30','17:00']] → "07:00–11:30, 13:30–17:00"; closed → "" */
function hoursText(list: [string, string][] | undefined): string {
  return (list ?? []).map(([a, b]) => `${a}–${b}`).join(', ')
}

function centerSettings(c: Center): CenterSettings {
  return { slug: c.slug, name: c.name, openingHours: parseHours(c.opening_hours), ticketCutoff: c.ticket_cutoff, announcementTemplate: c.announcement_template,
    pauseAlertMinutes: c.pause_alert_minutes }
}
