import type { Executor } from '../../db/create-db.js'
import type { Center } from '../../db/types.js'

export function findCenterBySlug(db: Executor, slug: string) {
  return db.selectFrom('center').selectAll().where('slug', '=', slug).executeTakeFirst()
}

export function findCenterById(db: Executor, id: string) {
  return db.selectFrom('center').selectAll().where('id', '=', id).executeTakeFirstOrThrow()
}

export function listCenters(db: Executor) {
  return db.selectFrom('center').select(['id', 'slug', 'name', 'name_en', 'time_zone', 'active']).orderBy('slug').execute()
}

/** Takes `count` consecutive board seqs of the center (the last statement of a change's transaction): answers the last. */
export async function bumpBoardSeq(db: Executor, centerId: string, count: number): Promise<number> {
  const row = await db.updateTable('center_board_seq').set((eb) => ({ seq: eb('seq', '+', count) }))
    .where('center_id', '=', centerId).returning('seq').executeTakeFirst()
  if (!row) throw new Error(`center ${centerId} has no center_board_seq row`)
  return Number(row.seq)
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
      'procedure.processing_days', 'procedure.fee_vnd', 'procedure.fee_note', 'procedure.documents', 'procedure.national_code',
      'service.name_vi as service_name_vi', 'service.name_en as service_name_en'])
    .where('procedure.center_id', '=', centerId).where('procedure.active', '=', true)
    .orderBy('service.sort_order').orderBy('procedure.name_vi').execute()
}

export function listPriorityGroups(db: Executor, centerId: string) {
  return db.selectFrom('priority_group').selectAll().where('center_id', '=', centerId).where('active', '=', true)
    .orderBy('sort_order').execute()
}

/** The center of a counter or of a ticket, or undefined when there is no such row. */
export function findCenterOf(db: Executor, of: 'counter' | 'ticket', id: string): Promise<Center | undefined> {
  return (of === 'counter'
    ? db.selectFrom('counter').innerJoin('center', 'center.id', 'counter.center_id').selectAll('center').where('counter.id', '=', id)
    : db.selectFrom('ticket').innerJoin('center', 'center.id', 'ticket.center_id').selectAll('center').where('ticket.id', '=', id)
  ).executeTakeFirst()
}
