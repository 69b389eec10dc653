import type { Executor } from '../../db/create-db.js'
import type { Center } from '../../db/types.js'

// Centers as the admin manages them, and the copy of a template center's settings (all SQL of center-admin.service.ts).

export function listCentersWithCounts(db: Executor) {
  return db.selectFrom('center').selectAll('center')
    .select((eb) => [
      eb.selectFrom('service').select((s) => s.fn.countAll<number>().as('n')).whereRef('service.center_id', '=', 'center.id').where('service.active', '=', true).as('services'),
      eb.selectFrom('counter').select((s) => s.fn.countAll<number>().as('n')).whereRef('counter.center_id', '=', 'center.id').where('counter.active', '=', true).as('counters'),
    ])
    .orderBy('center.name').execute()
}

export function slugTaken(db: Executor, slug: string) {
  return db.selectFrom('center').select('id').where('slug', '=', slug).executeTakeFirst().then(Boolean)
}

export async function insertCenter(db: Executor, row: {
  slug: string; name: string; name_en: string; dossier_prefix: string; address: string; province: string; time_zone?: string; opening_hours: string; ticket_cutoff: string | null
  announcement_template?: string; pause_alert_minutes?: number; rating_scale?: 3 | 5
}): Promise<Center> {
  const center = await db.insertInto('center').values(row).returningAll().executeTakeFirstOrThrow()
  await db.insertInto('center_board_seq').values({ center_id: center.id }).execute()
  return center
}

export function lockCenter(db: Executor, slug: string) {
  return db.selectFrom('center').selectAll().where('slug', '=', slug).forUpdate().executeTakeFirst()
}

export function updateCenter(db: Executor, id: string, set: Record<string, unknown>) {
  return db.updateTable('center').set(set).where('id', '=', id).returningAll().executeTakeFirstOrThrow()
}

/**
 * A row read with `selectAll` made insertable for another center: its own id dropped (a new one is
 * generated), JSON values (a procedure's documents) written back as JSON. Every other column is copied
 * as it is, so a column added to these tables later is copied too.
 */
function copyOf<R extends { id?: unknown }>(row: R, set: Partial<R>): Record<string, unknown> {
  const out: Record<string, unknown> = {}
  for (const [k, v] of Object.entries({ ...row, ...set })) {
    if (k === 'id') continue
    out[k] = v !== null && typeof v === 'object' && !(v instanceof Date) && !(v instanceof Uint8Array) ? JSON.stringify(v) : v
  }
  return out
}

/**
 * Copies a template center's services, procedures, priority groups, counters with their two tiers of
 * services, and calendar days into a new center (the caller's transaction). Counters start closed.
 * Answers how many rows of each were copied.
 */
export async function copyCenterSettings(db: Executor, fromId: string, toId: string, now: Date) {
  const services = await db.selectFrom('service').selectAll().where('center_id', '=', fromId).orderBy('sort_order').execute()
  const serviceIds = new Map<string, string>()
  for (const s of services) {
    const { id } = await db.insertInto('service').values(copyOf(s, { center_id: toId }) as never).returning('id').executeTakeFirstOrThrow()
    serviceIds.set(s.id, id)
  }
  // the services' appointment slots (issue 24) go with them
  const rules = services.length ? await db.selectFrom('appointment_rule').selectAll().where('service_id', 'in', services.map((s) => s.id)).execute() : []
  if (rules.length) await db.insertInto('appointment_rule').values(rules.map((r) => ({ ...r, service_id: serviceIds.get(r.service_id)! }))).execute()
  const procedures = await db.selectFrom('procedure').selectAll().where('center_id', '=', fromId).execute()
  if (procedures.length) await db.insertInto('procedure').values(procedures.map((p) => copyOf(p, { center_id: toId, service_id: serviceIds.get(p.service_id)! }) as never)).execute()
  const groups = await db.selectFrom('priority_group').selectAll().where('center_id', '=', fromId).execute()
  if (groups.length) await db.insertInto('priority_group').values(groups.map((g) => copyOf(g, { center_id: toId }) as never)).execute()
  const counters = await db.selectFrom('counter').selectAll().where('center_id', '=', fromId).orderBy('number').execute()
  const links = await db.selectFrom('counter_service').innerJoin('counter', 'counter.id', 'counter_service.counter_id')
    .selectAll('counter_service').where('counter.center_id', '=', fromId).execute()
  for (const c of counters) {
    const { id } = await db.insertInto('counter').values(copyOf(c, { center_id: toId, status: 'closed', staff_id: null, pause_reason: null, pause_until: null, status_since: now }) as never)
      .returning('id').executeTakeFirstOrThrow()
    const mine = links.filter((l) => l.counter_id === c.id)
    if (mine.length) await db.insertInto('counter_service').values(mine.map((l) => ({ counter_id: id, service_id: serviceIds.get(l.service_id)!, tier: l.tier }))).execute()
  }
  const days = await db.selectFrom('calendar_day').selectAll().where('center_id', '=', fromId).execute()
  if (days.length) await db.insertInto('calendar_day').values(days.map((d) => ({ ...d, center_id: toId }))).execute()
  return { services: services.length, procedures: procedures.length, priorityGroups: groups.length, counters: counters.length, calendarDays: days.length }
}
