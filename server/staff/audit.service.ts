import type { Db } from '../../db/create-db.js'
import type { AuditEntity, AuditEntry, AuditPage } from '../../common/staff-types.js'
import { catalogs, type Lang } from '../../common/i18n/index.js'
import { auditAction, auditDetails, auditKind, auditTarget, auditWho } from '../../common/audit-text.js'
import { AppError } from '../errors.js'
import type { Clock } from '../clock.js'
import { localTime } from '../time.js'
import type { Actor } from '../auth/actor.js'
import { csvDocument, textCell } from '../http/csv.js'
import { centerFor } from './settings.support.js'
import { listActivity, type ActivityRow, type Cursor } from './audit.repository.js'

export interface AuditQueryInput {
  entity?: AuditEntity | 'settings'
  day?: string
  from?: string
  to?: string
  staff?: string
  limit?: number
  cursor?: string
}

/** A range of at most this many days: a year of a center's log, a page at a time. */
export const AUDIT_MAX_DAYS = 366
const EXPORT_PAGE = 1000

/**
 * The audit log ("Nhật ký") of a center for its managers and admins: every page of it over a range of
 * service days, filtered by kind and staff member, and its CSV export. Read-only.
 */
export class AuditService {
  constructor(private db: Db, private clock: Clock) {}

  async page(centerSlug: string, actor: Actor, q: AuditQueryInput, lang: Lang): Promise<AuditPage> {
    const center = await centerFor(this.db, centerSlug, actor)
    const { from, to } = this.range(q, center.time_zone, lang)
    const limit = q.limit ?? 50
    const rows = await listActivity(this.db, center, { from, to, entity: q.entity, staffId: q.staff, after: q.cursor ? parseCursor(q.cursor) : undefined, limit: limit + 1 })
    const more = rows.length > limit
    const page = rows.slice(0, limit)
    return { from, to, day: to, entries: page.map(toEntry), next: more ? cursorOf(page[page.length - 1]!) : null }
  }

  /**
   * Every entry of the filters as CSV lines (the reports' conventions: BOM, `;`, text never a formula), read a
   * page at a time so a year's log never sits in memory at once. Times in the center's time zone.
   */
  async *csv(centerSlug: string, actor: Actor, q: AuditQueryInput, lang: Lang): AsyncGenerator<string> {
    const center = await centerFor(this.db, centerSlug, actor)
    const { from, to } = this.range(q, center.time_zone, lang)
    const c = catalogs[lang]
    const w = c.auditLog
    const when = (iso: string) => { const lt = localTime(new Date(iso), center.time_zone); return `${lt.day} ${lt.hm}` }
    yield csvDocument([[w.colAt, w.colStaff, w.colKind, w.colTarget, w.colAction, w.colChange].map(textCell)]).replace(/\r\n$/, '')
    let after: Cursor | undefined
    for (;;) {
      const rows = await listActivity(this.db, center, { from, to, entity: q.entity, staffId: q.staff, after, limit: EXPORT_PAGE })
      if (!rows.length) break
      const lines = rows.map(toEntry).map((e) => {
        const at = new Date(e.at)
        const lt = localTime(at, center.time_zone)
        // a time zone's offset is whole minutes: the seconds are UTC's
        return [`${lt.day} ${lt.hm}:${String(at.getUTCSeconds()).padStart(2, '0')}`, auditWho(c, e) ?? '', auditKind(c, e), auditTarget(c, e), auditAction(c, e), auditDetails(c, e, when)].map(textCell)
      })
      // the BOM belongs to the file's start only
      yield '\r\n' + csvDocument(lines).slice(1).replace(/\r\n$/, '')
      if (rows.length < EXPORT_PAGE) break
      after = parseCursor(cursorOf(rows[rows.length - 1]!))
    }
    yield '\r\n'
  }

  /** `day`, or `from`..`to` (either alone: that day); today in the center's time zone by default. */
  private range(q: AuditQueryInput, timeZone: string, lang: Lang): { from: string; to: string } {
    const today = localTime(this.clock(), timeZone).day
    const from = q.from ?? q.to ?? q.day ?? today
    const to = q.to ?? q.from ?? q.day ?? today
    const words = catalogs[lang].validation
    if (from > to) throw new AppError('VALIDATION_FAILED', {}, [{ path: 'query.from', message: words.invalid }])
    if ((Date.parse(to) - Date.parse(from)) / 86_400_000 >= AUDIT_MAX_DAYS) {
      throw new AppError('VALIDATION_FAILED', {}, [{ path: 'query.to', message: catalogs[lang].auditLog.rangeTooLong.replace('{max}', String(AUDIT_MAX_DAYS)) }])
    }
    return { from, to }
  }
}

function toEntry(r: ActivityRow): AuditEntry {
  return {
    id: r.id, at: new Date(r.at).toISOString(), staffId: r.staff_id, staffName: r.staff_name, entity: r.entity, entityId: r.entity_id,
    entityLabel: r.label, action: r.action, changes: typeof r.changes === 'string' ? JSON.parse(r.changes) : r.changes,
  }
}

/** "2026-11-23T02:00:00.123456Z.a.42": the last row's place (query strings keep it as it is). */
function cursorOf(r: ActivityRow): string {
  return `${r.at_key}.${r.src}.${r.n}`
}

function parseCursor(s: string): Cursor {
  const m = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z)\.([acdt])\.(\d{1,18})$/.exec(s)
  if (!m) throw new AppError('VALIDATION_FAILED', {}, [{ path: 'query.cursor', message: catalogs.vi.validation.invalid }])
  return { at: m[1]!, src: m[2] as Cursor['src'], n: m[3]! }
}
