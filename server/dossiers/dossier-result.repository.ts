import type { Insertable } from 'kysely'
import type { Executor } from '../../db/create-db.js'
import type { DossierResultTable } from '../../db/types-integration.js'

/** The SQL of a dossier's electronic result (migration 0024) and of the province's code of a dossier. */

/** The result's description, without its bytes (the staff view). */
export function resultInfo(db: Executor, dossierId: string) {
  return db.selectFrom('dossier_result as r')
    .leftJoin('staff as s', 's.id', 'r.attached_by')
    .leftJoin('api_token as t', 't.id', 'r.api_token_id')
    .select(['r.name', 'r.size', 'r.sha256', 'r.attached_at', 'r.downloads', 'r.last_downloaded_at', 's.full_name as attached_by_name', 't.name as token_name'])
    .where('r.dossier_id', '=', dossierId).executeTakeFirst()
}

export function resultFile(db: Executor, dossierId: string) {
  return db.selectFrom('dossier_result').select(['name', 'content_type', 'size', 'data']).where('dossier_id', '=', dossierId).executeTakeFirst()
}

/** Attaches the result, or replaces the one before (a corrected result). */
export function upsertResult(db: Executor, row: Insertable<DossierResultTable>) {
  return db.insertInto('dossier_result').values(row).onConflict((oc) => oc.column('dossier_id').doUpdateSet({
    name: row.name, content_type: row.content_type, size: row.size, sha256: row.sha256, data: row.data,
    attached_by: row.attached_by ?? null, api_token_id: row.api_token_id ?? null, attached_at: row.attached_at, downloads: 0, last_downloaded_at: null,
  })).execute()
}

/** One more download by the citizen; returns the count before it (0: the first). */
export async function countDownload(db: Executor, dossierId: string, at: Date): Promise<number> {
  const r = await db.updateTable('dossier_result').set((eb) => ({ downloads: eb('downloads', '+', 1), last_downloaded_at: at }))
    .where('dossier_id', '=', dossierId).returning('downloads').executeTakeFirst()
  return (r?.downloads ?? 1) - 1
}

export function findByProvincialCode(db: Executor, centerId: string, provincialCode: string) {
  return db.selectFrom('dossier').select(['id', 'center_id']).where('center_id', '=', centerId).where('provincial_code', '=', provincialCode).executeTakeFirst()
}
