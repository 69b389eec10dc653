/**
 * Art. 22.5 of Decree 118/2025/NĐ-CP: "Khuyến khích việc trả kết quả … trước thời hạn quy định. Việc trả kết quả
 * … trước thời hạn quy định phải được Bộ phận Một cửa thông báo cho tổ chức, cá nhân biết trước qua tin nhắn,
 * thư điện tử, điện thoại hoặc qua mạng xã hội được cấp có thẩm quyền cho phép."
 *
 * A result is returned early when it is handed over before its due day (the center's time zone; the same line
 * as the `early` outcome). The clerk records each notice (how, to whom, what was said) as a dossier event; a
 * handover before the due day without one (or the citizen's own pickup check-in at the kiosk) is refused. On or after the due day the return is on time: nothing to
 * announce (the appointment on the receipt stands, Art. 22.3).
 */
import type { Transaction } from 'kysely'
import type { Center, Database, Dossier } from '../../db/types.js'
import type { Executor } from '../../db/create-db.js'
import type { DossierEarlyNotice, DossierView, EarlyNoticeChannel } from '../../common/dossier-types.js'
import type { EarlyNoticeBody } from '../../common/dossier-schemas.js'
import type { Actor } from '../auth/actor.js'
import { AppError } from '../errors.js'
import { localTime } from '../time.js'
import * as repo from './dossier.repository.js'
import { localText, parseJson } from './dossier.views.js'

export const EARLY_NOTICE_EVENT = 'early_return_announced'

type Events = Awaited<ReturnType<typeof repo.dossierEvents>>

/** A handover now would be early: today (center's zone) is before the due day. */
export function beforeDueDay(now: Date, due: Date | string, timeZone: string): boolean {
  return localTime(now, timeZone).day < localTime(new Date(due), timeZone).day
}

/** Records one notice of an early return: only for a ready result, only before its due day. */
export async function announceEarly(trx: Transaction<Database>, d: Dossier, center: Center, body: EarlyNoticeBody, actor: Actor, now: Date): Promise<void> {
  if (d.status !== 'ready') throw new AppError('DOSSIER_WRONG_STATE', { status: d.status })
  if (!beforeDueDay(now, d.due_at!, center.time_zone)) throw new AppError('DOSSIER_NOT_EARLY', { due: localText(d.due_at!, center.time_zone) })
  await repo.insertDossierEvent(trx, { dossierId: d.id, centerId: d.center_id, type: EARLY_NOTICE_EVENT, from: 'ready', to: 'ready', staffId: actor.staffId,
    at: now, note: body.message || null, data: { channel: body.channel, contact: body.contact || null } })
}

/**
 * The handover of a result before its due day needs the citizen to have known first: a notice recorded, or their own
 * pickup check-in at the kiosk with both codes once it was ready (they came for it). Else `409 EARLY_RETURN_NOT_ANNOUNCED {due}`.
 */
export async function assertEarlyAnnounced(db: Executor, d: Dossier, timeZone: string, now: Date): Promise<void> {
  if (!d.due_at || !beforeDueDay(now, d.due_at, timeZone)) return
  const notice = await db.selectFrom('dossier_event').select('id').where('dossier_id', '=', d.id)
    .where((eb) => eb.or([eb('type', '=', EARLY_NOTICE_EVENT), eb.and([eb('type', '=', 'checked_in'), eb('to_status', '=', 'ready')])]))
    .executeTakeFirst()
  if (!notice) throw new AppError('EARLY_RETURN_NOT_ANNOUNCED', { due: localText(d.due_at, timeZone) })
}

/** The staff view's part: every notice, and whether the result may still be handed over early (null unless it was ready early). */
export function earlyReturnOf(d: { status: string; outcome: string | null; due_at: Date | string | null; time_zone: string }, events: Events, now: Date): DossierView['earlyReturn'] {
  const notices: DossierEarlyNotice[] = events.filter((e) => e.type === EARLY_NOTICE_EVENT).map((e) => {
    const data = parseJson<{ channel: EarlyNoticeChannel; contact: string | null }>(e.data)
    return { at: new Date(e.at).toISOString(), channel: data.channel, contact: data.contact, message: e.note, staffName: e.staff_name }
  })
  if (d.outcome !== 'early' && !notices.length) return null
  return { open: d.status === 'ready' && !!d.due_at && beforeDueDay(now, d.due_at, d.time_zone), notices }
}

/** When the citizen was first told (the public view says so; never who told them or how). */
export function earlyNoticeAt(events: Events): string | null {
  const e = events.find((x) => x.type === EARLY_NOTICE_EVENT)
  return e ? new Date(e.at).toISOString() : null
}
