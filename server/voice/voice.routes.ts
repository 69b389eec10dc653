import { createHash } from 'node:crypto'
import { Router, type Request, type Response } from 'express'
import { z } from 'zod'
import { CenterSlug } from '../../common/schemas.js'
import { ExtraSlotParam, MAX_VOICE_CLIP_BYTES, VoiceClipBody, VoiceClipParams, VoiceLanguageBody, type VoiceSlot } from '../../common/center-voice.js'
import { requireRole } from '../auth/auth.middleware.js'
import { allowBodyUpTo } from '../http/body.js'
import { validate } from '../http/validate.js'
import type { VoiceService } from './voice.service.js'

const CenterParams = z.strictObject({ center: CenterSlug })
const LanguageParams = z.strictObject({ center: CenterSlug, slot: ExtraSlotParam })
const ShaParams = z.strictObject({ center: CenterSlug, sha: z.string().regex(/^[0-9a-f]{64}$/) })
/** a clip's base64 and the JSON around it */
const CLIP_BODY_BYTES = Math.ceil(MAX_VOICE_CLIP_BYTES / 3) * 4 + 1024

/** `If-None-Match` names this ETag: the page's copy is current. */
function fresh(req: Request, res: Response, etag: string): boolean {
  res.set('etag', etag)
  const inm = req.get('if-none-match')
  if (inm && inm.split(',').some((t) => t.trim() === etag)) { res.status(304).end(); return true }
  return false
}

/**
 * A center's own voice (issue 23). The console's routes are its managers' and the admins'; displays read
 * the manifest (revalidated on every announcement, so its ETag) and the clips (by content hash, cached forever).
 */
export function voiceRoutes(voice: VoiceService): Router {
  const r = Router()
  const manager = requireRole('manager')
  r.get('/centers/:center/voice', validate({ params: CenterParams }), async (req, res) => {
    const manifest = await voice.manifest(req.input.params.center)
    const body = JSON.stringify(manifest)
    if (fresh(req, res, `"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"`)) return
    res.set('cache-control', 'no-cache').type('json').send(body)
  })
  r.get('/centers/:center/voice/clips/:sha', validate({ params: ShaParams }), async (req, res) => {
    const { center, sha } = req.input.params
    res.set('cache-control', 'public, max-age=31536000, immutable')
    if (fresh(req, res, `"${sha}"`)) return
    const clip = await voice.clip(center, sha)
    res.type(clip.type).send(clip.data)
  })
  r.get('/centers/:center/voice/settings', manager, validate({ params: CenterParams }), async (req, res) => {
    res.set('cache-control', 'no-store').json({ languages: await voice.settings(req.input.params.center, req.auth!.actor) })
  })
  r.put('/centers/:center/voice/languages/:slot', manager, validate({ params: LanguageParams, body: VoiceLanguageBody }), async (req, res) => {
    const { center, slot } = req.input.params
    res.json({ languages: await voice.saveLanguage(center, Number(slot) as 1 | 2, req.input.body, req.auth!.actor) })
  })
  r.delete('/centers/:center/voice/languages/:slot', manager, validate({ params: LanguageParams }), async (req, res) => {
    const { center, slot } = req.input.params
    res.json({ languages: await voice.removeLanguage(center, Number(slot) as 1 | 2, req.auth!.actor) })
  })
  r.put('/centers/:center/voice/languages/:slot/clips/:clip', manager, allowBodyUpTo(CLIP_BODY_BYTES), validate({ params: VoiceClipParams, body: VoiceClipBody }), async (req, res) => {
    const { center, slot, clip } = req.input.params
    res.json({ languages: await voice.putClip(center, Number(slot) as VoiceSlot, clip, req.input.body.dataBase64, req.auth!.actor) })
  })
  r.delete('/centers/:center/voice/languages/:slot/clips/:clip', manager, validate({ params: VoiceClipParams }), async (req, res) => {
    const { center, slot, clip } = req.input.params
    res.json({ languages: await voice.deleteClip(center, Number(slot) as VoiceSlot, clip, req.auth!.actor) })
  })
  return r
}
