// The SQL of the one-time set-up (setup.service.ts): its tokens, the first center and the first admin.
import type { Executor } from '../../db/create-db.js'
import type { OpeningHours } from '../../db/types.js'

export async function hasActiveAdmin(db: Executor): Promise<boolean> {
  return !!await db.selectFrom('staff').select('id').where('role', '=', 'admin').where('active', '=', true).limit(1).executeTakeFirst()
}

/** Every token not used yet stops working (a newer one was printed, or set-up is no longer needed). */
export function replaceUnusedTokens(db: Executor, now: Date) {
  return db.updateTable('setup_token').set({ replaced_at: now })
    .where('used_at', 'is', null).where('replaced_at', 'is', null).execute()
}

export function insertToken(db: Executor, tokenHash: string, now: Date) {
  return db.insertInto('setup_token').values({ token_hash: tokenHash, created_at: now }).execute()
}

/**
 * Uses the token: one conditional UPDATE, so of two requests with the same token only one gets the row
 * (the other waits for its commit, then finds it used); undefined when the token is unknown, used or replaced.
 */
export function claimToken(db: Executor, tokenHash: string, now: Date) {
  return db.updateTable('setup_token').set({ used_at: now })
    .where('token_hash', '=', tokenHash).where('used_at', 'is', null).where('replaced_at', 'is', null)
    .returning('id').executeTakeFirst()
}

export function findToken(db: Executor, tokenHash: string) {
  return db.selectFrom('setup_token').select(['id', 'used_at', 'replaced_at']).where('token_hash', '=', tokenHash).executeTakeFirst()
}

export function markTokenUsedBy(db: Executor, id: string, staffId: string) {
  return db.updateTable('setup_token').set({ used_by: staffId }).where('id', '=', id).execute()
}

export function insertCenter(db: Executor, c: { slug: string; name: string; address: string; province: string; time_zone: string; opening_hours: OpeningHours; dossier_prefix: string }) {
  return db.insertInto('center').values({ ...c, opening_hours: JSON.stringify(c.opening_hours) })
    .returning(['id', 'slug']).executeTakeFirstOrThrow()
}

export async function insertBoardSeq(db: Executor, centerId: string) {
  await db.insertInto('center_board_seq').values({ center_id: centerId }).execute()
}

export function insertAdmin(db: Executor, a: { username: string; full_name: string; password_hash: string }) {
  return db.insertInto('staff').values({ ...a, role: 'admin', center_id: null }).returning('id').executeTakeFirstOrThrow()
}
