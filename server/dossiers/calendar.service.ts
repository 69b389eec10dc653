import type { Db } from '../../db/create-db.js'
import type { CalendarDay } from '../../common/dossier-types.js'
import { catalogs } from '../../common/i18n/index.js'
import { AppError } from '../errors.js'
import type { Clock } from '../clock.js'
import { findCenterBySlug } from '../centers/center.repository.js'
import { assertCenter, type Actor } from '../auth/actor.js'
import { insertAudit } from '../staff/settings.repository.js'
import * as repo from './dossier.repository.js'
import { weekdayOf } from './working-days.js'
import type { CalendarCache } from './calendar-cache.js'

/**
 * A center's working-day calendar: holidays on weekdays and make-up working weekend days. Due dates of
 * dossiers already received keep the date they were given (the receipt slip promised it).
 */
export class CalendarService {
  constructor(private db: Db, private clock: Clock, private cache?: CalendarCache) {}

  async year(centerSlug: string, year: number, actor: Actor): Promise<CalendarDay[]> {
    const center = await this.center(centerSlug, actor)
    return repo.calendarDays(this.db, center.id, `${year}-01-01`, `${year}-12-31`)
  }

  /** Sets a day (one audit row with what changed); a make-up working day must be a Saturday or Sunday. */
  async put(centerSlug: string, date: string, day: { kind: 'holiday' | 'workday'; name: string }, actor: Actor): Promise<CalendarDay> {
    const center = await this.center(centerSlug, actor)
    if (day.kind === 'workday' && weekdayOf(date) <= 5) {
      throw new AppError('VALIDATION_FAILED', {}, [{ path: 'body.kind', message: catalogs.vi.validation.invalid }])
    }
    await this.db.transaction().execute(async (trx) => {
      const before = await repo.lockCalendarDay(trx, center.id, date)
      if (before?.kind === day.kind && before.name === day.name) return
      await repo.upsertCalendarDay(trx, center.id, date, day.kind, day.name)
      await insertAudit(trx, { centerId: center.id, staffId: actor.staffId, entity: 'calendar_day', entityId: date, action: before ? 'update' : 'create',
        changes: { kind: { from: before?.kind ?? null, to: day.kind }, name: { from: before?.name ?? null, to: day.name } }, at: this.clock() })
    })
    this.cache?.forget(center.id)
    return { date, kind: day.kind, name: day.name }
  }

  async remove(centerSlug: string, date: string, actor: Actor): Promise<void> {
    const center = await this.center(centerSlug, actor)
    await this.db.transaction().execute(async (trx) => {
      const before = await repo.lockCalendarDay(trx, center.id, date)
      if (!before) throw new AppError('CALENDAR_DAY_NOT_FOUND')
      await repo.deleteCalendarDay(trx, center.id, date)
      await insertAudit(trx, { centerId: center.id, staffId: actor.staffId, entity: 'calendar_day', entityId: date, action: 'delete',
        changes: { kind: { from: before.kind, to: null }, name: { from: before.name, to: null } }, at: this.clock() })
    })
    this.cache?.forget(center.id)
  }

  private async center(slug: string, actor: Actor) {
    const center = await findCenterBySlug(this.db, slug)
    if (!center) throw new AppError('CENTER_NOT_FOUND')
    assertCenter(actor, center.id)
    return center
  }
}
