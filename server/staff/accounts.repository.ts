import type { Executor } from '../../db/create-db.js'
import type { Insertable } from 'kysely'
import type { StaffTable } from '../../db/types.js'

function accountRows(db: Executor) {
  return db.selectFrom('staff').leftJoin('center', 'center.id', 'staff.center_id').leftJoin('counter', 'counter.staff_id', 'staff.id')
    .select(['staff.id', 'staff.username', 'staff.full_name', 'staff.role', 'staff.active', 'staff.created_at', 'staff.center_id', 'staff.must_change_password',
      'center.slug as center_slug', 'counter.number as counter_number'])
}

/** A center's staff accounts (and, when asked, the admins, who belong to no center), with the counter each has open. */
export function listAccounts(db: Executor, centerId: string, withAdmins: boolean) {
  return accountRows(db)
    .where((eb) => withAdmins ? eb.or([eb('staff.center_id', '=', centerId), eb('staff.center_id', 'is', null)]) : eb('staff.center_id', '=', centerId))
    // active first; then admin, manager, clerk (the enum's order); then by username
    .orderBy('staff.active', 'desc').orderBy('staff.role').orderBy('staff.username').execute()
}

export function findAccountRow(db: Executor, id: string) {
  return accountRows(db).where('staff.id', '=', id).executeTakeFirstOrThrow()
}

export type AccountRow = Awaited<ReturnType<typeof listAccounts>>[number]

export function findAccount(db: Executor, id: string) {
  return db.selectFrom('staff').select(['id', 'username', 'full_name', 'role', 'active', 'center_id']).where('id', '=', id).executeTakeFirst()
}

export function lockAccount(db: Executor, id: string) {
  return db.selectFrom('staff').select(['id', 'username', 'full_name', 'role', 'active', 'center_id']).where('id', '=', id).forUpdate().executeTakeFirstOrThrow()
}

export function usernameTaken(db: Executor, username: string) {
  return db.selectFrom('staff').select('id').where('username', '=', username).executeTakeFirst().then(Boolean)
}

export function insertAccount(db: Executor, row: Insertable<StaffTable>) {
  return db.insertInto('staff').values(row).returning('id').executeTakeFirstOrThrow()
}

export function updateAccount(db: Executor, id: string, set: Record<string, unknown>) {
  return db.updateTable('staff').set(set).where('id', '=', id).execute()
}

/**
 * Every active admin, locked in one order: two admins deactivating each other at once are serialised here
 * (never deadlocked), and the second finds only itself left.
 */
export function lockActiveAdmins(db: Executor) {
  return db.selectFrom('staff').select('id').where('role', '=', 'admin').where('active', '=', true).orderBy('id').forUpdate().execute()
}

/** Ends every live session of the account (all of them but `keepTokenHash`, the caller's own). */
export function revokeSessions(db: Executor, staffId: string, at: Date, keepTokenHash?: string) {
  let q = db.updateTable('staff_session').set({ revoked_at: at }).where('staff_id', '=', staffId).where('revoked_at', 'is', null)
  if (keepTokenHash) q = q.where('token_hash', '!=', keepTokenHash)
  return q.execute()
}
