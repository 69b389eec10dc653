import { sql } from 'kysely'
import { prepared, type Executor } from '../../db/create-db.js'
import type { Center, CenterTable } from '../../db/types.js'

export function findCenterBySlug(db: Executor, slug: string) {
  return db.selectFrom('center').selectAll().where('slug', '=', slug).executeTakeFirst()
}

export function findCenterById(db: Executor, id: string) {
  return db.selectFrom('center').selectAll().where('id', '=', id).executeTakeFirstOrThrow()
}

export function listCenters(db: Executor) {
  return db.selectFrom('center').select(['id', 'slug', 'name', 'name_en', 'time_zone']).orderBy('slug').execute()
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i

/**
 * The center's seq bump as the last statement of a transaction, sent with its COMMIT (db/create-db.ts
 * `thenCommit`, the simple protocol: no parameters). Its two values are written into the text, and
 * only after checking they are what they must be: the center's id a UUID (it comes from the
 * center's row), the count a small positive integer (the facts of the change). Answers the last seq taken.
 */
export function boardSeqBump(centerId: string, count: number): string {
  if (!UUID.test(centerId)) throw new Error(`not a center id: ${JSON.stringify(centerId)}`)
  if (!Number.isSafeInteger(count) || count < 1 || count > 1000) throw new Error(`not a fact count: ${count}`)
  return `UPDATE center_board_seq SET seq = seq + ${count} WHERE center_id = '${centerId}' RETURNING seq`
}

export async function currentBoardSeq(db: Executor, centerId: string): Promise<number> {
  const row = await db.selectFrom('center_board_seq').select('seq').where('center_id', '=', centerId).executeTakeFirst()
  return row?.seq ?? 0
}

export function listServices(db: Executor, centerId: string) {
  return db.selectFrom('service').selectAll().where('center_id', '=', centerId)
    .orderBy('sort_order').orderBy('prefix').execute()
}

export function findService(db: Executor, id: string) {
  return db.selectFrom('service').selectAll().where('id', '=', id).executeTakeFirst()
}

export function listProcedures(db: Executor, centerId: string) {
  return db.selectFrom('procedure').innerJoin('service', 'service.id', 'procedure.service_id')
    .select(['procedure.id', 'procedure.code', 'procedure.name_vi', 'procedure.name_en', 'procedure.service_id',
      'procedure.processing_days', 'procedure.fee_vnd', 'procedure.fee_note', 'procedure.documents',
      'service.name_vi as service_name_vi', 'service.name_en as service_name_en'])
    .where('procedure.center_id', '=', centerId).where('procedure.active', '=', true)
    .orderBy('service.sort_order').orderBy('procedure.name_vi').execute()
}

export function listPriorityGroups(db: Executor, centerId: string) {
  return db.selectFrom('priority_group').selectAll().where('center_id', '=', centerId).where('active', '=', true)
    .orderBy('sort_order').execute()
}

/** Every column of `center`, by name, for PREPARED statements (as TICKET_COLUMNS; the type fails to compile if one is missing). */
export const CENTER_COLUMNS = ['id', 'slug', 'name', 'name_en', 'time_zone', 'opening_hours', 'ticket_cutoff', 'announcement_template',
  'created_at', 'pause_alert_minutes', 'dossier_prefix', 'rating_scale'] as const satisfies readonly (keyof CenterTable)[]
const allCenterColumns: Exclude<keyof CenterTable, (typeof CENTER_COLUMNS)[number]> extends never ? true : never = true
void allCenterColumns

/** The center of a counter or of a ticket (one prepared statement), or undefined when there is no such row. */
export function findCenterOf(db: Executor, of: 'counter' | 'ticket', id: string): Promise<Center | undefined> {
  return (of === 'counter'
    ? db.selectFrom('counter').innerJoin('center', 'center.id', 'counter.center_id').modifyFront(prepared)
      .select(CENTER_COLUMNS.map((c) => `center.${c}` as const)).where('counter.id', '=', id)
    : db.selectFrom('ticket').innerJoin('center', 'center.id', 'ticket.center_id').modifyFront(prepared)
      .select(CENTER_COLUMNS.map((c) => `center.${c}` as const)).where('ticket.id', '=', id)
  ).executeTakeFirst()
}

/**
 * What an issue checks before it writes, in one statement: the center by its slug, the service only if it
 * is one of that center's (null columns otherwise), and the priority group only if `priorityCode` is an
 * active group of that center. With each row its version (`xmin`, the transaction that wrote the row as it
 * is: any change to the row gives it another): the issuing statement writes only while all three are still
 * as read (server/queue/ticket.repository.ts `issueTicketStatement`), so these facts can be remembered between taps.
 */
export function findIssueContext(db: Executor, slug: string, serviceId: string, priorityCode?: string) {
  return db.selectFrom('center')
    .leftJoin('service', (j) => j.on('service.id', '=', serviceId).onRef('service.center_id', '=', 'center.id'))
    .leftJoin('priority_group', (j) => j.on('priority_group.code', '=', priorityCode ?? null).onRef('priority_group.center_id', '=', 'center.id')
      .on('priority_group.active', '=', true))
    // prepared: every kiosk tap sends it
    .modifyFront(prepared)
    .select(CENTER_COLUMNS.map((c) => `center.${c}` as const))
    .select(['service.id as service_id', 'service.prefix as service_prefix', 'service.active as service_active',
      'service.daily_cap as service_daily_cap', 'service.name_vi as service_name_vi', 'service.name_en as service_name_en',
      'priority_group.id as priority_group_id', 'priority_group.bonus_minutes as priority_bonus_minutes'])
    .select([sql<string>`center.xmin::text`.as('center_version'), sql<string | null>`service.xmin::text`.as('service_version'),
      sql<string | null>`priority_group.xmin::text`.as('priority_group_version')])
    .where('center.slug', '=', slug).executeTakeFirst()
}
