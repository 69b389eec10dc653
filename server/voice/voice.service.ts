import { createHash } from 'node:crypto'
import type { Db } from '../../db/create-db.js'
import {
  MAX_VOICE_CLIP_BYTES, neededClips, sniffAudio, vietnameseTemplate,
  type RecordedClip, type VoiceClipType, type VoiceLanguageBody, type VoiceLanguageView, type VoiceManifest, type VoiceSlot,
} from '../../common/center-voice.js'
import { AppError } from '../errors.js'
import type { Clock } from '../clock.js'
import type { Actor } from '../auth/actor.js'
import { findCenterBySlug } from '../centers/center.repository.js'
import { centerFor } from '../staff/settings.support.js'
import { insertAudit } from '../staff/settings.repository.js'
import * as repo from './voice.repository.js'

/** The name Vietnamese goes by in the console and the audit log. */
const VIETNAMESE = 'Tiếng Việt'
const kb = (n: number) => `${(n / 1024).toFixed(1)} KB`

/**
 * A center's own voice (issue 23): its managers (and the admins) name up to two languages besides
 * Vietnamese, each with a template, and record each language's clips; every change is audited. Displays
 * read the complete languages (`manifest`) and fetch each clip by its content hash (`clip`).
 */
export class VoiceService {
  constructor(private db: Db, private clock: Clock) {}

  private async views(center: { id: string; announcement_template: string }): Promise<VoiceLanguageView[]> {
    const [langs, clips, inputs] = await Promise.all([repo.listLanguages(this.db, center.id), repo.listClips(this.db, center.id), repo.checklistInputs(this.db, center.id)])
    const all = [{ slot: 0, name: VIETNAMESE, template: vietnameseTemplate(center.announcement_template) }, ...langs]
    return all.map((l) => {
      const needed = neededClips(l.template, inputs.prefixes, inputs.counters)
      const recorded: RecordedClip[] = clips.filter((c) => c.slot === l.slot).map((c) => ({
        id: c.clip, type: c.content_type as VoiceClipType, size: c.size, sha: c.sha256, recordedAt: new Date(c.recorded_at).toISOString(), recordedBy: c.full_name,
      }))
      const have = new Set(recorded.map((c) => c.id))
      const missing = needed.filter((n) => !have.has(n.id)).map((n) => n.id)
      return { slot: l.slot as VoiceSlot, name: l.name, template: l.template, needed, recorded, missing, complete: missing.length === 0 }
    })
  }

  async settings(slug: string, actor: Actor): Promise<VoiceLanguageView[]> {
    return this.views(await centerFor(this.db, slug, actor))
  }

  /** Names a language and its template; a template part that changed loses its old recording. */
  async saveLanguage(slug: string, slot: 1 | 2, body: VoiceLanguageBody, actor: Actor): Promise<VoiceLanguageView[]> {
    const center = await centerFor(this.db, slug, actor)
    await this.db.transaction().execute(async (trx) => {
      const before = await repo.findLanguage(trx, center.id, slot)
      const other = (await repo.listLanguages(trx, center.id)).find((l) => l.slot !== slot && l.name.toLocaleLowerCase() === body.name.toLocaleLowerCase())
      if (other) throw new AppError('VALIDATION_FAILED', {}, [{ path: 'body.name', message: 'already used' }])
      if (before && before.name === body.name && before.template === body.template) return
      await repo.upsertLanguage(trx, { center_id: center.id, slot, name: body.name, template: body.template, updated_at: this.clock() })
      const keep = new Set(neededClips(body.template, [], []).filter((n) => n.kind === 'phrase').map((n) => n.id))
      const stale = (await repo.listClips(trx, center.id)).filter((c) => c.slot === slot && c.clip.startsWith('p-') && !keep.has(c.clip)).map((c) => c.clip)
      await repo.deleteClips(trx, center.id, slot, stale)
      await insertAudit(trx, { centerId: center.id, staffId: actor.staffId, entity: 'voice', entityId: body.name, action: before ? 'update' : 'create', at: this.clock(),
        changes: {
          ...(before?.name !== body.name ? { language: { from: before?.name ?? null, to: body.name } } : {}),
          ...(before?.template !== body.template ? { template: { from: before?.template ?? null, to: body.template } } : {}),
          ...(stale.length ? { recording: { from: stale, to: null } } : {}),
        } })
    })
    return this.views(center)
  }

  async removeLanguage(slug: string, slot: 1 | 2, actor: Actor): Promise<VoiceLanguageView[]> {
    const center = await centerFor(this.db, slug, actor)
    await this.db.transaction().execute(async (trx) => {
      const before = await repo.findLanguage(trx, center.id, slot)
      if (!before) throw new AppError('VOICE_LANGUAGE_NOT_FOUND')
      const removed = await repo.deleteClips(trx, center.id, slot)
      await repo.deleteLanguage(trx, center.id, slot)
      await insertAudit(trx, { centerId: center.id, staffId: actor.staffId, entity: 'voice', entityId: before.name, action: 'delete', at: this.clock(),
        changes: { language: { from: before.name, to: null }, recording: { from: `${removed.length}`, to: null } } })
    })
    return this.views(center)
  }

  /** Stores one clip of a language's checklist: Ogg, WebM or WAV by its bytes, at most MAX_VOICE_CLIP_BYTES. */
  async putClip(slug: string, slot: VoiceSlot, clip: string, dataBase64: string, actor: Actor): Promise<VoiceLanguageView[]> {
    const center = await centerFor(this.db, slug, actor)
    const language = (await this.views(center)).find((l) => l.slot === slot)
    if (!language) throw new AppError('VOICE_LANGUAGE_NOT_FOUND')
    if (!language.needed.some((n) => n.id === clip)) throw new AppError('VOICE_CLIP_NOT_NEEDED', { clip })
    const data = Buffer.from(dataBase64, 'base64')
    const type = sniffAudio(data)
    if (!type || data.length > MAX_VOICE_CLIP_BYTES || data.length < 44) throw new AppError('VOICE_CLIP_REJECTED', { clip })
    const sha = createHash('sha256').update(data).digest('hex')
    await this.db.transaction().execute(async (trx) => {
      const before = await repo.findClip(trx, center.id, slot, clip)
      if (before?.sha256 === sha) return
      await repo.upsertClip(trx, { center_id: center.id, slot, clip, content_type: type, data, size: data.length, sha256: sha, recorded_by: actor.staffId, recorded_at: this.clock() })
      await insertAudit(trx, { centerId: center.id, staffId: actor.staffId, entity: 'voice', entityId: `${language.name} · ${clip}`, action: before ? 'update' : 'create', at: this.clock(),
        changes: { recording: { from: before ? `${before.content_type}, ${kb(before.size)}` : null, to: `${type}, ${kb(data.length)}` } } })
    })
    return this.views(center)
  }

  async deleteClip(slug: string, slot: VoiceSlot, clip: string, actor: Actor): Promise<VoiceLanguageView[]> {
    const center = await centerFor(this.db, slug, actor)
    const language = (await this.views(center)).find((l) => l.slot === slot)
    if (!language) throw new AppError('VOICE_LANGUAGE_NOT_FOUND')
    await this.db.transaction().execute(async (trx) => {
      const before = await repo.findClip(trx, center.id, slot, clip)
      if (!before) throw new AppError('VOICE_CLIP_NOT_FOUND', { clip })
      await repo.deleteClips(trx, center.id, slot, [clip])
      await insertAudit(trx, { centerId: center.id, staffId: actor.staffId, entity: 'voice', entityId: `${language.name} · ${clip}`, action: 'delete', at: this.clock(),
        changes: { recording: { from: `${before.content_type}, ${kb(before.size)}`, to: null } } })
    })
    return this.views(center)
  }

  /** For displays: the center's complete languages only (Vietnamese's when complete, else the shipped voice speaks). */
  async manifest(slug: string): Promise<VoiceManifest> {
    const center = await findCenterBySlug(this.db, slug)
    if (!center) throw new AppError('CENTER_NOT_FOUND')
    return {
      languages: (await this.views(center)).filter((l) => l.complete).map((l) => ({
        slot: l.slot, name: l.name, template: l.template,
        clips: Object.fromEntries(l.recorded.filter((c) => l.needed.some((n) => n.id === c.id)).map((c) => [c.id, c.sha])),
      })),
    }
  }

  async clip(slug: string, sha: string): Promise<{ type: string; data: Buffer }> {
    const center = await findCenterBySlug(this.db, slug)
    if (!center) throw new AppError('CENTER_NOT_FOUND')
    const row = await repo.clipBySha(this.db, center.id, sha)
    if (!row) throw new AppError('VOICE_CLIP_NOT_FOUND', { clip: sha.slice(0, 12) })
    return { type: row.content_type, data: Buffer.from(row.data) }
  }
}
