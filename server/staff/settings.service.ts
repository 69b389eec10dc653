import type { Db } from '../../db/create-db.js'
import type { Service } from '../../db/types.js'
import type { AuditEntity, AuditEntry, ServiceSettings } from '../../common/staff-types.js'
import type { ServicePatchBody } from '../../common/staff-schemas.js'
import { AppError } from '../errors.js'
import type { Clock } from '../clock.js'
import { localTime } from '../time.js'
import type { BoardService } from '../centers/board.service.js'
import { findCenterById, findCenterBySlug, findService, listServices } from '../centers/center.repository.js'
import { assertCenter, type Actor } from '../queue/queue.service.js'
import { rooms, type SocketSink } from '../realtime/realtime.js'
import * as settings from './settings.repository.js'

const FIELDS = {
  nameVi: 'name_vi', nameEn: 'name_en', icon: 'icon', targetWaitMinutes: 'target_wait_minutes', dailyCap: 'daily_cap', active: 'active',
} as const satisfies Record<keyof ServicePatchBody, keyof Service>

/** The manager's settings: validated changes, one audit row each, and the pages told at once. */
export class SettingsService {
  constructor(private db: Db, private clock: Clock, private board: BoardService, private sink: SocketSink) {}

  async services(centerSlug: string, actor: Actor): Promise<ServiceSettings[]> {
    const center = await findCenterBySlug(this.db, centerSlug)
    if (!center) throw new AppError('CENTER_NOT_FOUND')
    assertCenter(actor, center.id)
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
      const set: Record<string, unknown> = {}
      const changes: Record<string, { from: unknown; to: unknown }> = {}
      for (const [key, column] of Object.entries(FIELDS) as [keyof ServicePatchBody, keyof Service][]) {
        const to = patch[key]
        if (to === undefined || to === s[column]) continue
        set[column] = to
        changes[key] = { from: s[column], to }
      }
      if (!Object.keys(changes).length) return { service: s, changed: false }
      const updated = await settings.updateService(trx, s.id, set)
      await settings.insertAudit(trx, { centerId: s.center_id, staffId: actor.staffId, entity: 'service', entityId: s.id, action: 'update', changes, at: now })
      return { service: updated, changed: true }
    })
    if (changed) await this.publishBoard(service.center_id)
    return serviceSettings(service)
  }

  async audit(centerSlug: string, actor: Actor, opts: { entity?: AuditEntity; day?: string; staff?: string; limit?: number }): Promise<{ day: string; entries: AuditEntry[] }> {
    const center = await findCenterBySlug(this.db, centerSlug)
    if (!center) throw new AppError('CENTER_NOT_FOUND')
    assertCenter(actor, center.id)
    const day = opts.day ?? localTime(this.clock(), center.time_zone).day
    const rows = await settings.listActivity(this.db, center, { day, entity: opts.entity, staffId: opts.staff, limit: opts.limit ?? 50 })
    return { day, entries: rows.map((r) => ({
      id: r.id, at: new Date(r.at).toISOString(), staffId: r.staff_id, staffName: r.staff_name, entity: r.entity, entityId: r.entity_id,
      entityLabel: r.label, action: r.action, changes: typeof r.changes === 'string' ? JSON.parse(r.changes) : r.changes,
    })) }
  }

  /**
   * Names, icons and the active flag are part of the board snapshot: every page of the center gets a
   * fresh one. Its `seq` is the current one, which a page accepts (never older than what it shows); a
   * page that already saw a later fact refuses it and refetches the board over HTTP, which is newer still.
   */
  private async publishBoard(centerId: string) {
    try {
      const center = await findCenterById(this.db, centerId)
      const snapshot = await this.board.board(center.slug)
      this.sink.io?.to(rooms.center(center.slug)).emit('board:snapshot', snapshot)
    } catch (err) {
      this.sink.publishFailed(err) // committed: pages catch up on their next snapshot
    }
  }
}

function serviceSettings(s: Service): ServiceSettings {
  return {
    id: s.id, code: s.code, prefix: s.prefix, nameVi: s.name_vi, nameEn: s.name_en, icon: s.icon, active: s.active,
    targetWaitMinutes: s.target_wait_minutes, dailyCap: s.daily_cap, defaultServiceMinutes: s.default_service_minutes,
  }
}
