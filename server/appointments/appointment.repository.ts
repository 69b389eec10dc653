import { sql } from 'kysely'
import type { Executor } from '../../db/create-db.js'
import type { AppointmentTable } from '../../db/types-appointments.js'
import type { Insertable } from 'kysely'
import type { AppointmentRuleInput } from '../../common/appointment-schemas.js'

// All SQL of appointments (issue 24). A service day's `ticket_number` row is the lock every booking,
// cancellation, check-in and no-show of that service and day takes: the slot counts and the daily cap
// are read under it (migration 0019).

export function rulesOf(db: Executor, serviceId: string) {
  return db.selectFrom('appointment_rule').selectAll().where('service_id', '=', serviceId).orderBy('weekday').execute()
}

export function rulesOfCenter(db: Executor, centerId: string) {
  return db.selectFrom('appointment_rule').innerJoin('service', 'service.id', 'appointment_rule.service_id')
    .selectAll('appointment_rule').where('service.center_id', '=', centerId).orderBy('weekday').execute()
}

export async function replaceRules(db: Executor, serviceId: string, rules: AppointmentRuleInput[]) {
  await db.deleteFrom('appointment_rule').where('service_id', '=', serviceId).execute()
  if (rules.length) {
    await db.insertInto('appointment_rule').values(rules.map((r) => ({ service_id: serviceId, weekday: r.weekday, slot_minutes: r.slotMinutes, capacity: r.capacity }))).execute()
  }
}

export function findService(db: Executor, centerId: string, serviceId: string) {
  return db.selectFrom('service').selectAll().where('id', '=', serviceId).where('center_id', '=', centerId).executeTakeFirst()
}

/** Taken places of a service's slots on days (every booking but a cancelled one). */
export function slotCounts(db: Executor, serviceId: string, from: string, to: string) {
  return db.selectFrom('appointment').select(['day', 'slot', sql<number>`count(*)::int`.as('n')])
    .where('service_id', '=', serviceId).where('day', '>=', from).where('day', '<=', to).where('status', '<>', 'cancelled')
    .groupBy(['day', 'slot']).execute()
}

/** The day's numbers issued and places booked, per day (for the daily cap). */
export function dayCounts(db: Executor, serviceId: string, from: string, to: string) {
  return db.selectFrom('ticket_number').select(['service_day', 'last', 'booked'])
    .where('service_id', '=', serviceId).where('service_day', '>=', from).where('service_day', '<=', to).execute()
}

/**
 * Takes a place under the daily cap and locks the day's row (made with `last` 0 when no ticket was
 * issued yet): undefined when the cap has no place left.
 */
export async function takeDayPlace(db: Executor, serviceId: string, day: string, cap: number | null) {
  const { rows } = await sql<{ last: number; booked: number }>`
    INSERT INTO ticket_number AS tn (service_id, service_day, last, booked)
    SELECT ${serviceId}::uuid, ${day}::date, 0, 1 WHERE coalesce(${cap}::int, 2147483647) > 0
    ON CONFLICT (service_id, service_day) DO UPDATE SET booked = tn.booked + 1
      WHERE tn.last + tn.booked < coalesce(${cap}::int, 2147483647)
    RETURNING last, booked`.execute(db)
  return rows[0]
}

export function releaseDayPlaces(db: Executor, serviceId: string, day: string, n = 1) {
  return db.updateTable('ticket_number').set({ booked: sql`greatest(booked - ${n}::int, 0)` })
    .where('service_id', '=', serviceId).where('service_day', '=', day).execute()
}

export async function countSlot(db: Executor, serviceId: string, day: string, slot: string): Promise<number> {
  const r = await db.selectFrom('appointment').select(sql<number>`count(*)::int`.as('n'))
    .where('service_id', '=', serviceId).where('day', '=', day).where('slot', '=', slot).where('status', '<>', 'cancelled').executeTakeFirstOrThrow()
  return r.n
}

export function insertAppointment(db: Executor, a: Insertable<AppointmentTable>) {
  return db.insertInto('appointment').values(a).returningAll().executeTakeFirstOrThrow()
}

export function findByRequestId(db: Executor, requestId: string) {
  return db.selectFrom('appointment').selectAll().where('request_id', '=', requestId).executeTakeFirst()
}

const viewColumns = (db: Executor) => db.selectFrom('appointment')
  .innerJoin('service', 'service.id', 'appointment.service_id')
  .innerJoin('center', 'center.id', 'appointment.center_id')
  .leftJoin('ticket', 'ticket.id', 'appointment.ticket_id')
  .selectAll('appointment')
  .select(['service.name_vi', 'service.name_en', 'center.slug', 'center.name as center_name', 'center.time_zone', 'ticket.code as ticket_code'])

export function findView(db: Executor, id: string) {
  return viewColumns(db).where('appointment.id', '=', id).executeTakeFirst()
}
export type AppointmentRow = NonNullable<Awaited<ReturnType<typeof findView>>>

export function lockById(db: Executor, centerId: string, id: string) {
  return db.selectFrom('appointment').selectAll().where('id', '=', id).where('center_id', '=', centerId).forUpdate().executeTakeFirst()
}
export function lockByCode(db: Executor, centerId: string, day: string, code: string) {
  return db.selectFrom('appointment').selectAll().where('center_id', '=', centerId).where('day', '=', day).where('code', '=', code).forUpdate().executeTakeFirst()
}
export function lockAny(db: Executor, id: string) {
  return db.selectFrom('appointment').selectAll().where('id', '=', id).forUpdate().executeTakeFirst()
}

/** The citizen withdrew consent: the number, kept only for messages about the booking, is forgotten. */
export function forgetPhone(db: Executor, id: string) {
  return db.updateTable('appointment').set({ phone: null }).where('id', '=', id).execute()
}

export function markCancelled(db: Executor, id: string, at: Date) {
  return db.updateTable('appointment').set({ status: 'cancelled', cancelled_at: at }).where('id', '=', id).execute()
}

export function markCheckedIn(db: Executor, id: string, status: 'kept' | 'late', at: Date, ticketId: string) {
  return db.updateTable('appointment').set({ status, checked_in_at: at, ticket_id: ticketId }).where('id', '=', id).execute()
}

/**
 * Bookings past their lateness window become no-shows, and their places under the cap are released.
 * Rows are locked in id order and skipped when another sweep holds them: sweeps never deadlock.
 * Returns the bookings marked.
 */
export async function markNoShows(db: Executor, before: Date): Promise<{ id: string; service_id: string; day: string }[]> {
  const due = await db.selectFrom('appointment').select(['id', 'service_id', 'day']).where('status', '=', 'booked')
    .where('starts_at', '<', before).orderBy('id').forUpdate().skipLocked().execute()
  if (!due.length) return []
  await db.updateTable('appointment').set({ status: 'no_show' }).where('id', 'in', due.map((d) => d.id)).execute()
  const groups = new Map<string, { service_id: string; day: string; n: number }>()
  for (const d of due) {
    const key = `${d.service_id}|${d.day}`
    const g = groups.get(key) ?? { service_id: d.service_id, day: d.day, n: 0 }
    g.n++
    groups.set(key, g)
  }
  for (const g of groups.values()) await releaseDayPlaces(db, g.service_id, g.day, g.n)
  return due
}

/** Booked, kept, late, no-show and cancelled per day and service (a booking still open past its window counts as a no-show). */
export function reportRows(db: Executor, centerId: string, from: string, to: string, lateBefore: Date) {
  return db.selectFrom('appointment').innerJoin('service', 'service.id', 'appointment.service_id')
    .select(['appointment.day', 'appointment.service_id', 'service.name_vi', 'service.name_en',
      sql<number>`count(*) FILTER (WHERE appointment.status <> 'cancelled')::int`.as('booked'),
      sql<number>`count(*) FILTER (WHERE appointment.status = 'kept')::int`.as('kept'),
      sql<number>`count(*) FILTER (WHERE appointment.status = 'late')::int`.as('late'),
      sql<number>`count(*) FILTER (WHERE appointment.status = 'no_show' OR (appointment.status = 'booked' AND appointment.starts_at < ${lateBefore}))::int`.as('no_show'),
      sql<number>`count(*) FILTER (WHERE appointment.status = 'cancelled')::int`.as('cancelled')])
    .where('appointment.center_id', '=', centerId).where('appointment.day', '>=', from).where('appointment.day', '<=', to)
    .groupBy(['appointment.day', 'appointment.service_id', 'service.name_vi', 'service.name_en', 'service.sort_order'])
    .orderBy('appointment.day').orderBy('service.sort_order').execute()
}
