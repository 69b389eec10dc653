import type { Executor } from '../../db/create-db.js'
import type { ApiTokenTable } from '../../db/types.js'
import type { Insertable } from 'kysely'

// API tokens (migration 0017): the rows, looked up by the SHA-256 of the secret.

export function insertToken(db: Executor, row: Insertable<ApiTokenTable>) {
  return db.insertInto('api_token').values(row).returningAll().executeTakeFirstOrThrow()
}

export function listTokens(db: Executor, centerId: string) {
  return db.selectFrom('api_token').leftJoin('staff', 'staff.id', 'api_token.created_by')
    .selectAll('api_token').select('staff.full_name as created_by_name')
    .where('api_token.center_id', '=', centerId).orderBy('api_token.created_at', 'desc').orderBy('api_token.id').execute()
}

export function findToken(db: Executor, id: string) {
  return db.selectFrom('api_token').selectAll().where('id', '=', id).executeTakeFirst()
}

/** The token of a secret's hash, with its center's slug. */
export function tokenBySecretHash(db: Executor, secretHash: string) {
  return db.selectFrom('api_token').innerJoin('center', 'center.id', 'api_token.center_id')
    .selectAll('api_token').select('center.slug')
    .where('api_token.secret_hash', '=', secretHash).executeTakeFirst()
}

export function revokeToken(db: Executor, id: string, at: Date) {
  return db.updateTable('api_token').set({ revoked_at: at }).where('id', '=', id).where('revoked_at', 'is', null).returningAll().executeTakeFirst()
}

/** Last use, written at most once a minute per token: a busy client costs one write a minute, not one per request. */
export function touchToken(db: Executor, id: string, at: Date, address: string) {
  return db.updateTable('api_token').set({ last_used_at: at, last_used_address: address }).where('id', '=', id)
    .where((eb) => eb.or([eb('last_used_at', 'is', null), eb('last_used_at', '<', new Date(at.getTime() - 60_000))])).execute()
}
