import type { Db } from '../../db/create-db.js'
import type { Service } from '../../db/types.js'
import type { CenterSettings, CounterSettings, ServiceSettings, WeekHours } from '../../common/staff-types.js'
import type { CenterSettingsPatchBody, CounterCreateBody, CounterPatchBody, ServiceCreateBody, ServiceOrderBody, ServicePatchBody } from '../../common/staff-schemas.js'
import { isUniqueViolation } from '../../db/unique-violation.js'
import type { Center } from '../../db/types.js'
import { findCounter } from '../queue/counter.repository.js'
import { AppError } from '../errors.js'
import type { Clock } from '../clock.js'
import type { BoardService } from '../centers/board.service.js'
import { findCenterById, findService, listServices } from '../centers/center.repository.js'
import { assertCenter, type Actor } from '../auth/actor.js'
import type { EventSink } from '../realtime/event-sink.js'
import * as settings from './settings.repository.js'
import { centerFor, diffFields, publishBoard, taken, type Changes } from './settings.support.js'

const FIELDS = {
  nameVi: 'name_vi', nameEn: 'name_en', icon: 'icon', targetWaitMinutes: 'target_wait_minutes', dailyCap: 'daily_cap', active: 'active',
} as const satisfies Record<keyof ServicePatchBody, keyof Service>

/** The manager's settings: validated changes, one audit row each, and the pages told at once. */
export class SettingsService {
  constructor(private db: Db, private clock: Clock, private board: BoardService, private sink: EventSink) {}

  async services(centerSlug: string, actor: Actor): Promise<ServiceSettings[]> {
    const center = await this.centerFor(centerSlug, actor)
    return (await settings.listServicesInUse(this.db, center.id)).map((s) => serviceSettings(s, !s.in_use))
  }

  /**
   * A new service, last on the kiosk; its prefix letter must be free among the center's active services
   * (`service_active_prefix`, a partial unique index). Kiosks offer it at once.
   */
  async createService(centerSlug: string, input: ServiceCreateBody, actor: Actor): Promise<ServiceSettings> {
    const center = await this.centerFor(centerSlug, actor)
    const service = await prefixUnique(input.prefix, () => this.db.transaction().execute(async (trx) => {
      await settings.lockServicesOfCenter(trx, center.id)
      if (await settings.activePrefixTaken(trx, center.id, input.prefix)) throw new AppError('SERVICE_PREFIX_TAKEN', { prefix: input.prefix }, taken('prefix'))
      let code = serviceCode(input.nameVi, input.prefix)
      for (let n = 2; await settings.serviceCodeTaken(trx, center.id, code); n++) code = `${serviceCode(input.nameVi, input.prefix)}-${n}`
      const row = { prefix: input.prefix, name_vi: input.nameVi, name_en: input.nameEn, icon: input.icon ?? 'queue',
        target_wait_minutes: input.targetWaitMinutes ?? 15, daily_cap: input.dailyCap ?? null }
      const s = await settings.insertService(trx, { center_id: center.id, code, ...row })
      const changes: Changes = { prefix: { from: null, to: s.prefix }, nameVi: { from: null, to: s.name_vi }, nameEn: { from: null, to: s.name_en },
        icon: { from: null, to: s.icon }, targetWaitMinutes: { from: null, to: s.target_wait_minutes }, dailyCap: { from: null, to: s.daily_cap } }
      await settings.insertAudit(trx, { centerId: center.id, staffId: actor.staffId, entity: 'service', entityId: s.id, action: 'create', changes, at: this.clock() })
      return s
    }))
    await this.publishBoard(center.id)
    return serviceSettings(service, true)
  }

  /** The kiosk's order of the center's services: the list names every one of them once. */
  async reorderServices(centerSlug: string, input: ServiceOrderBody, actor: Actor): Promise<ServiceSettings[]> {
    const center = await this.centerFor(centerSlug, actor)
    const changed = await this.db.transaction().execute(async (trx) => {
      const rows = await settings.lockServicesOfCenter(trx, center.id)
      const ids = new Set(rows.map((r) => r.id))
      if (rows.length !== input.serviceIds.length || input.serviceIds.some((id) => !ids.has(id))) {
        throw new AppError('VALIDATION_FAILED', {}, [{ path: 'body.serviceIds', message: 'every service of the center, each once' }])
      }
      const from = rows.map((r) => r.prefix).join(', ')
      const byId = new Map(rows.map((r) => [r.id, r]))
      const to = input.serviceIds.map((id) => byId.get(id)!.prefix).join(', ')
      if (from === to) return false
      for (const [i, id] of input.serviceIds.entries()) if (byId.get(id)!.sort_order !== i) await settings.setServiceOrder(trx, id, i)
      await settings.insertAudit(trx, { centerId: center.id, staffId: actor.staffId, entity: 'center', entityId: center.id, action: 'reorder', changes: { serviceOrder: { from, to } }, at: this.clock() })
      return true
    })
    if (changed) await this.publishBoard(center.id)
    return this.services(centerSlug, actor)
  }

  /** Only a service nothing names (no ticket, dossier or rating); its procedures go with it. Otherwise: deactivate it. */
  async deleteService(serviceId: string, actor: Actor): Promise<void> {
    const s0 = await findService(this.db, serviceId)
    if (!s0) throw new AppError('SERVICE_NOT_FOUND')
    assertCenter(actor, s0.center_id)
    await this.db.transaction().execute(async (trx) => {
      await settings.lockServicesOfCenter(trx, s0.center_id)
      const s = (await settings.listServicesInUse(trx, s0.center_id)).find((x) => x.id === serviceId)
      if (!s) throw new AppError('SERVICE_NOT_FOUND')
      if (s.in_use) throw new AppError('SERVICE_IN_USE', { prefix: s.prefix })
      try {
        await settings.deleteService(trx, s.id)
      } catch (e) {
        // a ticket issued between our check and the delete: its foreign key refuses
        if ((e as { code?: string }).code === '23503') throw new AppError('SERVICE_IN_USE', { prefix: s.prefix })
        throw e
      }
      await settings.insertAudit(trx, { centerId: s.center_id, staffId: actor.staffId, entity: 'service', entityId: s.id, action: 'delete',
        changes: { prefix: { from: s.prefix, to: null }, nameVi: { from: s.name_vi, to: null } }, at: this.clock() })
    })
    await this.publishBoard(s0.center_id)
  }

  /** Changes the given fields; unchanged values write nothing. Kiosks and displays get a fresh board at once. */
  async updateService(serviceId: string, patch: ServicePatchBody, actor: Actor): Promise<ServiceSettings> {
    const s0 = await findService(this.db, serviceId)
    if (!s0) throw new AppError('SERVICE_NOT_FOUND')
    assertCenter(actor, s0.center_id)
    const now = this.clock()
    const { service, changed } = await prefixUnique(s0.prefix, () => this.db.transaction().execute(async (trx) => {
      const s = (await settings.lockService(trx, serviceId))!
      const { set, changes } = diffFields(s, patch, FIELDS)
      if (!Object.keys(changes).length) return { service: s, changed: false }
      // reactivated: its letter may have been given to another service meanwhile
      if (patch.active === true && await settings.activePrefixTaken(trx, s.center_id, s.prefix, s.id)) throw new AppError('SERVICE_PREFIX_TAKEN', { prefix: s.prefix }, taken('prefix'))
      const updated = await settings.updateService(trx, s.id, set)
      await settings.insertAudit(trx, { centerId: s.center_id, staffId: actor.staffId, entity: 'service', entityId: s.id, action: 'update', changes, at: now })
      return { service: updated, changed: true }
    }))
    if (changed) await this.publishBoard(service.center_id)
    return (await this.services((await findCenterById(this.db, service.center_id)).slug, actor)).find((x) => x.id === service.id)!
  }

  async counters(centerSlug: string, actor: Actor): Promise<CounterSettings[]> {
    const center = await this.centerFor(centerSlug, actor)
    const [rows, links] = await Promise.all([settings.listCounters(this.db, center.id), settings.counterServiceRows(this.db, center.id)])
    return rows.map((c) => ({
      id: c.id, number: c.number, name: c.name, status: c.status, active: c.active,
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
      if (patch.active !== undefined && patch.active !== c.active) {
        // a clerk works there: they close it first (a citizen is never left at a counter nobody works)
        if (!patch.active && c.status !== 'closed') throw new AppError('COUNTER_NOT_CLOSED')
        await settings.setCounterActive(trx, c.id, patch.active)
        changes.active = { from: c.active, to: patch.active }
      }
      if (!Object.keys(changes).length) return false
      await settings.insertAudit(trx, { centerId: c.center_id, staffId: actor.staffId, entity: 'counter', entityId: c.id, action: 'update', changes, at: now })
      return true
    })
    if (changed) await this.publishBoard(c0.center_id)
    const center = await findCenterById(this.db, c0.center_id)
    return (await this.counters(center.slug, actor)).find((c) => c.id === counterId)!
  }

  /** A new counter, closed, with its number (unique in the center), name and two tiers of services. */
  async createCounter(centerSlug: string, input: CounterCreateBody, actor: Actor): Promise<CounterSettings> {
    const center = await this.centerFor(centerSlug, actor)
    const { primary, backup } = input.services
    const found = new Set((await settings.servicesOfCenter(this.db, center.id, [...primary, ...backup])).map((s) => s.id))
    if ([...primary, ...backup].some((id) => !found.has(id))) throw new AppError('SERVICE_NOT_FOUND')
    const counter = await this.db.transaction().execute(async (trx) => {
      if (await settings.counterNumberTaken(trx, center.id, input.number)) throw new AppError('COUNTER_NUMBER_TAKEN', { number: input.number }, taken('number'))
      const c = await settings.insertCounter(trx, { center_id: center.id, number: input.number, name: input.name ?? '' })
      await settings.replaceCounterServices(trx, c.id, primary, backup)
      const prefixes = new Map((await listServices(trx, center.id)).map((s) => [s.id, s.prefix]))
      const label = (ids: string[]) => ids.map((id) => prefixes.get(id)!).sort().join(', ')
      await settings.insertAudit(trx, { centerId: center.id, staffId: actor.staffId, entity: 'counter', entityId: c.id, action: 'create',
        changes: { number: { from: null, to: c.number }, name: { from: null, to: c.name }, primary: { from: null, to: label(primary) }, backup: { from: null, to: label(backup) } }, at: this.clock() })
      return c
    }).catch((e: unknown) => {
      if (isUniqueViolation(e, 'counter_center_id_number_key')) throw new AppError('COUNTER_NUMBER_TAKEN', { number: input.number }, taken('number'))
      throw e
    })
    await this.publishBoard(center.id)
    return (await this.counters(center.slug, actor)).find((c) => c.id === counter.id)!
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
      const { set, changes } = diffFields(c, { ticketCutoff: patch.ticketCutoff, announcementTemplate: patch.announcementTemplate, pauseAlertMinutes: patch.pauseAlertMinutes, dossierPrefix: patch.dossierPrefix },
        { ticketCutoff: 'ticket_cutoff', announcementTemplate: 'announcement_template', pauseAlertMinutes: 'pause_alert_minutes', dossierPrefix: 'dossier_prefix' })
      // W3: another center's agency identifier would give two centers the same dossier codes (Art. 28: one code per dossier)
      if (changes.dossierPrefix && await settings.dossierPrefixTaken(trx, c.id, patch.dossierPrefix!)) {
        throw new AppError('DOSSIER_PREFIX_TAKEN', { prefix: patch.dossierPrefix! }, taken('dossierPrefix'))
      }
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

  private publishBoard(centerId: string) {
    return publishBoard(this.db, this.board, this.sink, centerId)
  }
}

function serviceSettings(s: Service, deletable: boolean): ServiceSettings {
  return {
    id: s.id, code: s.code, prefix: s.prefix, nameVi: s.name_vi, nameEn: s.name_en, icon: s.icon, active: s.active,
    targetWaitMinutes: s.target_wait_minutes, dailyCap: s.daily_cap, defaultServiceMinutes: s.default_service_minutes, deletable,
  }
}

/** A racing request gave the same letter to another active service: PostgreSQL's partial unique index says so. */
async function prefixUnique<T>(prefix: string, run: () => Promise<T>): Promise<T> {
  try {
    return await run()
  } catch (e) {
    if (isUniqueViolation(e, 'service_active_prefix')) throw new AppError('SERVICE_PREFIX_TAKEN', { prefix }, taken('prefix'))
    throw e
  }
}

/** "Tư pháp" → "tu-phap": the service's code (URLs, exports), from its Vietnamese name. */
export function serviceCode(nameVi: string, prefix: string): string {
  const slug = nameVi.normalize('NFD').replace(/[\u0300-\u036f]/g, '').replace(/[đĐ]/g, 'd').toLowerCase()
    .replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 36).replace(/-+$/, '')
  return slug.length >= 2 ? slug : `dv-${prefix.toLowerCase()}`
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
    pauseAlertMinutes: c.pause_alert_minutes, dossierPrefix: c.dossier_prefix }
}
