import type { Executor } from '../../db/create-db.js'
import { actingTokenId } from '../tokens/token-context.js'

export function lockService(db: Executor, id: string) {
  return db.selectFrom('service').selectAll().where('id', '=', id).forUpdate().executeTakeFirst()
}

export function updateService(db: Executor, id: string, patch: { name_vi?: string; name_en?: string; icon?: string; target_wait_minutes?: number; daily_cap?: number | null; active?: boolean }) {
  return db.updateTable('service').set(patch).where('id', '=', id).returningAll().executeTakeFirstOrThrow()
}

export function insertAudit(db: Executor, e: { centerId: string; staffId: string; entity: string; entityId: string; action: string; changes: Record<string, { from: unknown; to: unknown }>; at: Date }) {
  return db.insertInto('audit_log').values({
    center_id: e.centerId, staff_id: e.staffId, entity: e.entity, entity_id: e.entityId, action: e.action,
    changes: JSON.stringify(e.changes), at: e.at, api_token_id: actingTokenId(),
  }).execute()
}

export function lockCounter(db: Executor, id: string) {
  return db.selectFrom('counter').selectAll().where('id', '=', id).forUpdate().executeTakeFirst()
}

export function listCounters(db: Executor, centerId: string) {
  return db.selectFrom('counter').select(['id', 'number', 'name', 'status', 'active']).where('center_id', '=', centerId).orderBy('number').execute()
}

export function counterServiceRows(db: Executor, centerId: string) {
  // primary first, then in the services' own order
  return db.selectFrom('counter_service').innerJoin('counter', 'counter.id', 'counter_service.counter_id')
    .innerJoin('service', 'service.id', 'counter_service.service_id')
    .select(['counter_service.counter_id', 'counter_service.service_id', 'counter_service.tier'])
    .where('counter.center_id', '=', centerId).orderBy('counter_service.tier').orderBy('service.sort_order').orderBy('service.prefix').execute()
}

export function servicesOfCenter(db: Executor, centerId: string, ids: string[]) {
  if (!ids.length) return Promise.resolve([])
  return db.selectFrom('service').select('id').where('center_id', '=', centerId).where('id', 'in', ids).execute()
}

export function renameCounter(db: Executor, id: string, name: string) {
  return db.updateTable('counter').set({ name }).where('id', '=', id).execute()
}

/** Replaces the counter's services: `tier` 1 primary, 2 backup. */
export async function replaceCounterServices(db: Executor, counterId: string, primary: string[], backup: string[]) {
  await db.deleteFrom('counter_service').where('counter_id', '=', counterId).execute()
  const rows = [...primary.map((s) => ({ counter_id: counterId, service_id: s, tier: 1 as const })), ...backup.map((s) => ({ counter_id: counterId, service_id: s, tier: 2 as const }))]
  if (rows.length) await db.insertInto('counter_service').values(rows).execute()
}

export function lockCenter(db: Executor, id: string) {
  return db.selectFrom('center').selectAll().where('id', '=', id).forUpdate().executeTakeFirstOrThrow()
}

/** W3: another center already starts its dossier codes with this agency identifier */
export async function dossierPrefixTaken(db: Executor, centerId: string, prefix: string): Promise<boolean> {
  return !!(await db.selectFrom('center').select('id').where('dossier_prefix', '=', prefix).where('id', '<>', centerId).executeTakeFirst())
}

export function updateCenter(db: Executor, id: string, patch: { opening_hours?: string; ticket_cutoff?: string | null; announcement_template?: string; pause_alert_minutes?: number; dossier_prefix?: string }) {
  return db.updateTable('center').set(patch).where('id', '=', id).returningAll().executeTakeFirstOrThrow()
}

// ---- services and counters created, reordered, deleted (issue 20) ----

/** The center's services with whether anything names them: tickets, ratings, or dossiers of their procedures. */
export function listServicesInUse(db: Executor, centerId: string) {
  return db.selectFrom('service').selectAll('service')
    .select((eb) => eb.or([
      eb.exists(eb.selectFrom('ticket').select('ticket.id').whereRef('ticket.service_id', '=', 'service.id')),
      eb.exists(eb.selectFrom('rating').select('rating.id').whereRef('rating.service_id', '=', 'service.id')),
      eb.exists(eb.selectFrom('dossier').innerJoin('procedure', 'procedure.id', 'dossier.procedure_id').select('dossier.id')
        .whereRef('procedure.service_id', '=', 'service.id')),
    ]).as('in_use'))
    .where('service.center_id', '=', centerId).orderBy('service.sort_order').orderBy('service.prefix').execute()
}

export function activePrefixTaken(db: Executor, centerId: string, prefix: string, exceptId?: string) {
  let q = db.selectFrom('service').select('id').where('center_id', '=', centerId).where('prefix', '=', prefix).where('active', '=', true)
  if (exceptId) q = q.where('id', '!=', exceptId)
  return q.executeTakeFirst().then(Boolean)
}

export function serviceCodeTaken(db: Executor, centerId: string, code: string) {
  return db.selectFrom('service').select('id').where('center_id', '=', centerId).where('code', '=', code).executeTakeFirst().then(Boolean)
}

/** A new service goes last on the kiosk. */
export async function insertService(db: Executor, row: { center_id: string; code: string; prefix: string; name_vi: string; name_en: string; icon?: string; target_wait_minutes?: number; daily_cap?: number | null }) {
  const last = await db.selectFrom('service').select((eb) => eb.fn.max('sort_order').as('n')).where('center_id', '=', row.center_id).executeTakeFirst()
  return db.insertInto('service').values({ ...row, sort_order: last?.n == null ? 0 : Number(last.n) + 1 }).returningAll().executeTakeFirstOrThrow()
}

/** Locks every service of the center, in one order (a reorder and a create then never interleave). */
export function lockServicesOfCenter(db: Executor, centerId: string) {
  return db.selectFrom('service').selectAll().where('center_id', '=', centerId).orderBy('sort_order').orderBy('prefix').forUpdate().execute()
}

export function setServiceOrder(db: Executor, id: string, sortOrder: number) {
  return db.updateTable('service').set({ sort_order: sortOrder }).where('id', '=', id).execute()
}

/** Deletes a service nobody names, with its procedures (none has a dossier) and its counters' links. */
export async function deleteService(db: Executor, id: string) {
  await db.deleteFrom('procedure').where('service_id', '=', id).execute()
  await db.deleteFrom('service').where('id', '=', id).execute()
}

export function counterNumberTaken(db: Executor, centerId: string, number: number) {
  return db.selectFrom('counter').select('id').where('center_id', '=', centerId).where('number', '=', number).executeTakeFirst().then(Boolean)
}

export function insertCounter(db: Executor, row: { center_id: string; number: number; name: string }) {
  return db.insertInto('counter').values(row).returningAll().executeTakeFirstOrThrow()
}

export function setCounterActive(db: Executor, id: string, active: boolean) {
  return db.updateTable('counter').set({ active }).where('id', '=', id).execute()
}
