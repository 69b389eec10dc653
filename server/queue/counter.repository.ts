import type { Executor } from '../../db/create-db.js'
import type { CounterTable } from '../../db/types.js'
import { sql, type Updateable } from 'kysely'

export function findCounter(db: Executor, id: string) {
  return db.selectFrom('counter').selectAll().where('id', '=', id).executeTakeFirst()
}

/** Locks the counter row: two tabs of one clerk, or two clerks, act on a counter one at a time. */
export function lockCounter(db: Executor, id: string) {
  return db.selectFrom('counter').selectAll().where('id', '=', id).forUpdate().executeTakeFirst()
}

export function findOpenCounterOfStaff(db: Executor, staffId: string) {
  return db.selectFrom('counter').selectAll().where('staff_id', '=', staffId).executeTakeFirst()
}

export function updateCounter(db: Executor, id: string, patch: Updateable<CounterTable>) {
  return db.updateTable('counter').set(patch).where('id', '=', id).returningAll().executeTakeFirstOrThrow()
}

export function insertCounterEvent(db: Executor, e: { counterId: string; staffId: string | null; type: string; reason?: string | null; at: Date }) {
  return db.insertInto('counter_event')
    .values({ counter_id: e.counterId, staff_id: e.staffId, type: e.type, reason: e.reason ?? null, at: e.at })
    .execute()
}

export function counterServices(db: Executor, counterId: string) {
  return db.selectFrom('counter_service').select(['service_id', 'tier']).where('counter_id', '=', counterId)
    .orderBy('tier').execute()
}

/** Counters with who works there, their current (called or serving) ticket and their services. */
export function listCounterViews(db: Executor, centerId: string, counterId?: string) {
  let q = db.selectFrom('counter')
    .leftJoin('staff', 'staff.id', 'counter.staff_id')
    .leftJoin('ticket', (j) => j.onRef('ticket.counter_id', '=', 'counter.id').on(sql<boolean>`ticket.status IN ('called', 'serving')`))
    .select(['counter.id', 'counter.number', 'counter.name', 'counter.status', 'counter.pause_reason',
      'counter.pause_until', 'counter.status_since', 'staff.full_name as staff_name',
      'ticket.id as ticket_id', 'ticket.code as ticket_code', 'ticket.status as ticket_status'])
    // its services in the same statement, primaries first
    .select(sql<{ id: string; tier: 1 | 2 }[]>`(SELECT coalesce(json_agg(json_build_object('id', cs.service_id, 'tier', cs.tier) ORDER BY cs.tier), '[]')
      FROM counter_service cs WHERE cs.counter_id = counter.id)`.as('services'))
    .where('counter.center_id', '=', centerId)
  if (counterId) q = q.where('counter.id', '=', counterId)
  else q = q.where('counter.active', '=', true) // a deactivated counter is shown nowhere but in settings
  return q.orderBy('counter.number').execute()
}
