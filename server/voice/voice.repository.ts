import type { Executor } from '../../db/create-db.js'

/** A center's own voice (issue 23): its languages, its clips (bytes only where they are served), what they depend on. */

export function listLanguages(db: Executor, centerId: string) {
  return db.selectFrom('voice_language').selectAll().where('center_id', '=', centerId).orderBy('slot').execute()
}

export function findLanguage(db: Executor, centerId: string, slot: number) {
  return db.selectFrom('voice_language').selectAll().where('center_id', '=', centerId).where('slot', '=', slot).executeTakeFirst()
}

export function upsertLanguage(db: Executor, row: { center_id: string; slot: number; name: string; template: string; updated_at: Date }) {
  return db.insertInto('voice_language').values(row)
    .onConflict((oc) => oc.columns(['center_id', 'slot']).doUpdateSet({ name: row.name, template: row.template, updated_at: row.updated_at }))
    .execute()
}

export function deleteLanguage(db: Executor, centerId: string, slot: number) {
  return db.deleteFrom('voice_language').where('center_id', '=', centerId).where('slot', '=', slot).execute()
}

/** Every recorded clip of the center, without its bytes. */
export function listClips(db: Executor, centerId: string) {
  return db.selectFrom('voice_clip').leftJoin('staff', 'staff.id', 'voice_clip.recorded_by')
    .select(['voice_clip.slot', 'voice_clip.clip', 'voice_clip.content_type', 'voice_clip.size', 'voice_clip.sha256', 'voice_clip.recorded_at', 'staff.full_name'])
    .where('voice_clip.center_id', '=', centerId).orderBy('voice_clip.slot').orderBy('voice_clip.clip').execute()
}

export function findClip(db: Executor, centerId: string, slot: number, clip: string) {
  return db.selectFrom('voice_clip').select(['clip', 'size', 'sha256', 'content_type']).where('center_id', '=', centerId)
    .where('slot', '=', slot).where('clip', '=', clip).executeTakeFirst()
}

export function upsertClip(db: Executor, row: { center_id: string; slot: number; clip: string; content_type: string; data: Uint8Array; size: number; sha256: string; recorded_by: string; recorded_at: Date }) {
  const { center_id: _c, slot: _s, clip: _k, ...set } = row
  return db.insertInto('voice_clip').values(row).onConflict((oc) => oc.columns(['center_id', 'slot', 'clip']).doUpdateSet(set)).execute()
}

export function deleteClips(db: Executor, centerId: string, slot: number, clips?: string[]) {
  let q = db.deleteFrom('voice_clip').where('center_id', '=', centerId).where('slot', '=', slot)
  if (clips) {
    if (!clips.length) return Promise.resolve([])
    q = q.where('clip', 'in', clips)
  }
  return q.returning(['clip']).execute()
}

/** A clip's bytes by its content hash (the same recording in two slots is the same bytes). */
export function clipBySha(db: Executor, centerId: string, sha: string) {
  return db.selectFrom('voice_clip').select(['content_type', 'data']).where('center_id', '=', centerId).where('sha256', '=', sha).limit(1).executeTakeFirst()
}

/** What the checklists depend on: the letters of the active services' prefixes, the active counters' numbers. */
export async function checklistInputs(db: Executor, centerId: string) {
  const [services, counters] = await Promise.all([
    db.selectFrom('service').select('prefix').where('center_id', '=', centerId).where('active', '=', true).execute(),
    db.selectFrom('counter').select('number').where('center_id', '=', centerId).where('active', '=', true).execute(),
  ])
  return { prefixes: services.map((s) => s.prefix), counters: counters.map((c) => c.number) }
}
