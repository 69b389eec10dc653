import type { Executor } from '../../db/create-db.js'
import { sql, type Insertable } from 'kysely'
import type { PriorityGroupTable, ProcedureTable } from '../../db/types.js'

// Procedures and priority groups as the manager edits them: every row, active or not.

export function listProcedureRows(db: Executor, centerId: string) {
  return db.selectFrom('procedure').innerJoin('service', 'service.id', 'procedure.service_id')
    .selectAll('procedure')
    .where('procedure.center_id', '=', centerId)
    .orderBy('service.sort_order').orderBy('service.prefix').orderBy('procedure.name_vi').orderBy('procedure.id').execute()
}

export function findProcedure(db: Executor, id: string) {
  return db.selectFrom('procedure').selectAll().where('id', '=', id).executeTakeFirst()
}

export function lockProcedure(db: Executor, id: string) {
  return db.selectFrom('procedure').selectAll().where('id', '=', id).forUpdate().executeTakeFirstOrThrow()
}

export function procedureCodeTaken(db: Executor, centerId: string, code: string, exceptId?: string) {
  let q = db.selectFrom('procedure').select('id').where('center_id', '=', centerId).where('code', '=', code)
  if (exceptId) q = q.where('id', '!=', exceptId)
  return q.executeTakeFirst().then(Boolean)
}

export function insertProcedure(db: Executor, row: Insertable<ProcedureTable>) {
  return db.insertInto('procedure').values(row).returningAll().executeTakeFirstOrThrow()
}

export function updateProcedure(db: Executor, id: string, set: Record<string, unknown>) {
  return db.updateTable('procedure').set(set).where('id', '=', id).returningAll().executeTakeFirstOrThrow()
}

export function listPriorityGroupRows(db: Executor, centerId: string) {
  return db.selectFrom('priority_group').selectAll().where('center_id', '=', centerId).orderBy('sort_order').orderBy('name_vi').execute()
}

export function findPriorityGroup(db: Executor, id: string) {
  return db.selectFrom('priority_group').selectAll().where('id', '=', id).executeTakeFirst()
}

export function lockPriorityGroup(db: Executor, id: string) {
  return db.selectFrom('priority_group').selectAll().where('id', '=', id).forUpdate().executeTakeFirstOrThrow()
}

export function priorityGroupCodeTaken(db: Executor, centerId: string, code: string) {
  return db.selectFrom('priority_group').select('id').where('center_id', '=', centerId).where('code', '=', code).executeTakeFirst().then(Boolean)
}

/** A new group goes last in the kiosk's list. */
export async function insertPriorityGroup(db: Executor, row: Omit<Insertable<PriorityGroupTable>, 'sort_order'>) {
  const last = await db.selectFrom('priority_group').select((eb) => eb.fn.max('sort_order').as('n')).where('center_id', '=', row.center_id).executeTakeFirst()
  return db.insertInto('priority_group').values({ ...row, sort_order: last?.n == null ? 0 : Number(last.n) + 1 }).returningAll().executeTakeFirstOrThrow()
}

export function updatePriorityGroup(db: Executor, id: string, set: Record<string, unknown>) {
  return db.updateTable('priority_group').set(set).where('id', '=', id).returningAll().executeTakeFirstOrThrow()
}

// ---- the catalog's import (H7) ----

export function nationalCodeTaken(db: Executor, centerId: string, nationalCode: string, exceptId?: string) {
  let q = db.selectFrom('procedure').select('id').where('center_id', '=', centerId).where('national_code', '=', nationalCode)
  if (exceptId) q = q.where('id', '!=', exceptId)
  return q.executeTakeFirst().then(Boolean)
}

/** One import of a center's catalog at a time (a transaction-scoped advisory lock), so its plan holds until it commits. */
export async function lockCatalogImport(db: Executor, centerId: string) {
  await sql`SELECT pg_advisory_xact_lock(hashtext('motcua:procedure-import'), hashtext(${centerId}::text))`.execute(db)
}
