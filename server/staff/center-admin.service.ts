import type { Db } from '../../db/create-db.js'
import type { Center } from '../../db/types.js'
import type { CenterAdminView } from '../../common/staff-types.js'
import type { CenterCreateBody, CenterPatchBody } from '../../common/staff-schemas.js'
import { isUniqueViolation } from '../../db/unique-violation.js'
import { seedCalendar } from '../../db/seed-demo.js'
import { AppError } from '../errors.js'
import type { Clock } from '../clock.js'
import type { BoardService } from '../centers/board.service.js'
import type { Actor } from '../auth/actor.js'
import type { EventSink } from '../realtime/event-sink.js'
import { insertAudit } from './settings.repository.js'
import * as centers from './center-admin.repository.js'
import { diffFields, publishBoard, taken, type Changes } from './settings.support.js'

/** A center without a template opens on the usual office hours of a commune center, Monday to Friday. */
const USUAL_DAY: [string, string][] = [['07:00', '11:30'], ['13:30', '17:00']]
const USUAL_HOURS = { 1: USUAL_DAY, 2: USUAL_DAY, 3: USUAL_DAY, 4: USUAL_DAY, 5: USUAL_DAY }

const FIELDS = { name: 'name', nameEn: 'name_en', dossierPrefix: 'dossier_prefix', address: 'address', province: 'province', active: 'active' } as const satisfies Record<keyof CenterPatchBody, keyof Center>

/**
 * The admin's centers: list, create (empty or from a template center), rename, deactivate. One
 * PostgreSQL install serves many centers; a manager or clerk works in their own only (routes: admin).
 * Every change writes an audit row in the center's own log.
 */
export class CenterAdminService {
  constructor(private db: Db, private clock: Clock, private board: BoardService, private sink: EventSink) {}

  async list(): Promise<CenterAdminView[]> {
    return (await centers.listCentersWithCounts(this.db)).map((c) => view(c, Number(c.services ?? 0), Number(c.counters ?? 0)))
  }

  /**
   * A new center in one transaction. From a template: its services, procedures, counters (closed, with
   * their tiers), priority groups, calendar, hours, cut-off, announcement template, pause-alert limit and
   * rating scale. Without one: the usual hours and Vietnam's holidays, nothing else.
   */
  async create(input: CenterCreateBody, actor: Actor): Promise<CenterAdminView> {
    const template = input.template ? await this.board.center(input.template) : undefined
    const now = this.clock()
    const created = await this.db.transaction().execute(async (trx) => {
      if (await centers.slugTaken(trx, input.slug)) throw new AppError('CENTER_SLUG_TAKEN', { slug: input.slug }, taken('slug'))
      const center = await centers.insertCenter(trx, {
        slug: input.slug, name: input.name, name_en: input.nameEn ?? '', dossier_prefix: input.dossierPrefix ?? initials(input.slug),
        address: input.address ?? '', province: input.province ?? template?.province ?? '',
        opening_hours: JSON.stringify(template ? parsed(template.opening_hours) : USUAL_HOURS), ticket_cutoff: template?.ticket_cutoff ?? null,
        ...(template ? { time_zone: template.time_zone, announcement_template: template.announcement_template,
          pause_alert_minutes: template.pause_alert_minutes, rating_scale: template.rating_scale } : {}),
      })
      const changes: Changes = { slug: { from: null, to: center.slug }, name: { from: null, to: center.name }, nameEn: { from: null, to: center.name_en },
        dossierPrefix: { from: null, to: center.dossier_prefix }, address: { from: null, to: center.address }, province: { from: null, to: center.province } }
      if (template) {
        const copied = await centers.copyCenterSettings(trx, template.id, center.id, now)
        changes.template = { from: null, to: template.slug }
        for (const [k, n] of Object.entries(copied)) changes[`copied_${k}`] = { from: null, to: n }
      } else {
        await seedCalendar(trx, center.id)
      }
      await insertAudit(trx, { centerId: center.id, staffId: actor.staffId, entity: 'center', entityId: center.id, action: 'create', changes, at: now })
      return center
    }).catch((e: unknown) => {
      if (isUniqueViolation(e, 'center_slug_key')) throw new AppError('CENTER_SLUG_TAKEN', { slug: input.slug }, taken('slug'))
      throw e
    })
    return (await this.list()).find((c) => c.id === created.id)!
  }

  /** Names, dossier prefix, active. A deactivated center issues no ticket and its kiosk says so at once. */
  async update(slug: string, patch: CenterPatchBody, actor: Actor): Promise<CenterAdminView> {
    const { center, changed } = await this.db.transaction().execute(async (trx) => {
      const c = await centers.lockCenter(trx, slug)
      if (!c) throw new AppError('CENTER_NOT_FOUND')
      const { set, changes } = diffFields(c, patch, FIELDS)
      if (!Object.keys(changes).length) return { center: c, changed: false }
      const updated = await centers.updateCenter(trx, c.id, set)
      await insertAudit(trx, { centerId: c.id, staffId: actor.staffId, entity: 'center', entityId: c.id, action: 'update', changes, at: this.clock() })
      return { center: updated, changed: true }
    })
    if (changed) await publishBoard(this.db, this.board, this.sink, center.id)
    return (await this.list()).find((c) => c.id === center.id)!
  }
}

function view(c: Center, services: number, counters: number): CenterAdminView {
  return { id: c.id, slug: c.slug, name: c.name, nameEn: c.name_en, timeZone: c.time_zone, dossierPrefix: c.dossier_prefix, address: c.address, province: c.province, active: c.active, services, counters }
}

function parsed(v: unknown) {
  return typeof v === 'string' ? JSON.parse(v) as unknown : v
}

/** 'muong-cha' → 'MC' (dossier codes MC-261207-0001); a slug that gives no letter-first initials → 'HS'. */
export function initials(slug: string): string {
  const s = slug.split('-').map((p) => p[0] ?? '').join('').toUpperCase().slice(0, 6)
  return /^[A-Z][A-Z0-9]{0,5}$/.test(s) ? s : 'HS'
}
