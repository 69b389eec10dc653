// The center's own voice (issue 23): languages and their templates, clips uploaded as generated WAV through the
// console's route (type checked by bytes, size-limited, only the checklist's), complete languages in the displays'
// manifest, clips served by content hash with caching, roles, center checks and the audit log.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { centerPlan, MAX_VOICE_CLIP_BYTES, neededClips, phraseClipId, sniffAudio, type VoiceLanguageView, type VoiceManifest } from '../common/center-voice.js'
import { planClips } from '../common/voice.js'
import { DEFAULT_ANNOUNCEMENT_TEMPLATE } from '../common/announce.js'
import { backends } from './helpers/db.js'
import { addOtherCenter, startHarness, type Harness } from './helpers/harness.js'
import type { Agent } from './queue-fixtures.js'
import { toneBase64, toneWav } from './voice-wav.js'

const THAI = { name: 'Tiếng Thái', template: 'Mời số {code}, đến quầy {counter}' }
const base = '/api/centers/na-sang/voice'

describe('a center language\'s checklist and plan (no database)', () => {
  it('needs each template part once, the letters of the prefixes (Đ as dd), the digits and counters 10–99 only', () => {
    const needed = neededClips('{code} — mời đến quầy {counter} ạ', ['A', 'Đ', 'QA'], [1, 12, 12, 105])
    expect(needed.map((n) => n.id)).toEqual([phraseClipId('mời đến quầy'), phraseClipId('ạ'), 'l-a', 'l-dd', 'l-q',
      'd-0', 'd-1', 'd-2', 'd-3', 'd-4', 'd-5', 'd-6', 'd-7', 'd-8', 'd-9', 'n-12'])
    // the same words in another case or spacing are the same recording
    expect(phraseClipId('  Mời   ĐẾN quầy ')).toBe(phraseClipId('mời đến quầy'))
  })

  it('plans a call: parts, the code character by character, the counter as one number (digit by digit above 99)', () => {
    const t = 'Mời số {code} đến quầy {counter}'
    const [p1, p2] = neededClips(t, [], []).map((n) => n.id)
    expect(planClips(centerPlan(t, 'Đ012', 12))).toEqual([p1, 'l-dd', 'd-0', 'd-1', 'd-2', p2, 'n-12'])
    expect(planClips(centerPlan(t, 'A001', 105))).toEqual([p1, 'l-a', 'd-0', 'd-0', 'd-1', p2, 'd-1', 'd-0', 'd-5'])
  })

  it('tells Ogg, WebM and WAV by their first bytes, and nothing else', () => {
    expect(sniffAudio(Buffer.from('OggS\0\0\0\0'))).toBe('audio/ogg')
    expect(sniffAudio(Buffer.from([0x1a, 0x45, 0xdf, 0xa3, 0, 0]))).toBe('audio/webm')
    expect(sniffAudio(toneWav(0))).toBe('audio/wav')
    expect(sniffAudio(Buffer.from('RIFF\0\0\0\0AVI '))).toBeNull()
    expect(sniffAudio(Buffer.from('%PDF-1.7'))).toBeNull()
  })
})

describe.each(backends)('the center\'s own voice on %s', (kind) => {
  let h: Harness
  let manager: Agent, clerk: Agent, otherManager: Agent, admin: Agent
  const languages = async () => (await manager.get(`${base}/settings`).expect(200)).body.languages as VoiceLanguageView[]
  const slot = async (n: number) => (await languages()).find((l) => l.slot === n)
  const upload = (agent: Agent, s: number, clip: string, dataBase64: string) => agent.put(`${base}/languages/${s}/clips/${clip}`).send({ dataBase64 })
  const voiceAudit = async () => (await h.handle.db.selectFrom('audit_log').selectAll().where('entity', '=', 'voice').orderBy('id').execute())
  const clipCount = async () => Number((await h.handle.db.selectFrom('voice_clip').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n)

  beforeAll(async () => {
    h = await startHarness(kind)
    await addOtherCenter(h)
    ;[manager, clerk, otherManager, admin] = await Promise.all(['quanly', 'canbo1', 'quanly.muongpon', 'quantri'].map((u) => h.login(u))) as Agent[] as [Agent, Agent, Agent, Agent]
  }, 60_000)
  afterAll(async () => { await h?.close() })

  it('lists Vietnamese with its checklist: the template\'s two phrases, the services\' letters, the ten digits', async () => {
    const [vi, ...rest] = await languages()
    expect(rest).toEqual([])
    expect(vi).toMatchObject({ slot: 0, name: 'Tiếng Việt', template: DEFAULT_ANNOUNCEMENT_TEMPLATE, recorded: [], complete: false })
    expect(vi!.needed.filter((n) => n.kind === 'phrase').map((n) => n.say)).toEqual(['Xin mời công dân có số thứ tự', 'đến quầy số'])
    expect(vi!.needed.filter((n) => n.kind === 'letter').map((n) => n.say)).toEqual(['A', 'B', 'C', 'D', 'E', 'F', 'G'])
    expect(vi!.needed.filter((n) => n.kind === 'digit')).toHaveLength(10)
    // the demo's counters are 1–6: their numbers are the digits
    expect(vi!.needed.filter((n) => n.kind === 'number')).toEqual([])
    expect(vi!.missing).toHaveLength(19)
  })

  it('refuses the console to a clerk, a stranger and another center\'s manager; an admin may', async () => {
    expect((await clerk.get(`${base}/settings`).expect(403)).body.error.code).toBe('FORBIDDEN')
    expect((await h.http.get(`${base}/settings`).expect(401)).body.error.code).toBe('AUTH_REQUIRED')
    expect((await otherManager.get(`${base}/settings`).expect(403)).body.error.code).toBe('WRONG_CENTER')
    expect((await otherManager.put(`${base}/languages/1`).send(THAI).expect(403)).body.error.code).toBe('WRONG_CENTER')
    expect((await upload(clerk, 0, 'd-1', toneBase64(1)).expect(403)).body.error.code).toBe('FORBIDDEN')
    await admin.get(`${base}/settings`).expect(200)
    expect(await voiceAudit()).toEqual([])
  })

  it('names a language with its template (audited), and refuses a template without {code} or {counter}, a third slot, a taken name', async () => {
    const bad = await manager.put(`${base}/languages/1`).send({ name: 'Tiếng Thái', template: 'Mời số {code}' }).expect(400)
    expect(bad.body.error.code).toBe('VALIDATION_FAILED')
    expect((await manager.put(`${base}/languages/3`).send(THAI).expect(400)).body.error.code).toBe('VALIDATION_FAILED')
    const res = await manager.put(`${base}/languages/1`).send(THAI).expect(200)
    const thai = (res.body.languages as VoiceLanguageView[]).find((l) => l.slot === 1)!
    expect(thai).toMatchObject({ name: 'Tiếng Thái', template: THAI.template, complete: false })
    // ", đến quầy" is said "đến quầy": the punctuation is the template's, not a word
    expect(thai.needed.filter((n) => n.kind === 'phrase').map((n) => n.say)).toEqual(['Mời số', 'đến quầy'])
    const taken = await manager.put(`${base}/languages/2`).send({ name: 'tiếng thái', template: '{code} {counter}' }).expect(400)
    expect(taken.body.error.code).toBe('VALIDATION_FAILED')
    expect((await voiceAudit()).map((a) => [a.action, a.entity_id])).toEqual([['create', 'Tiếng Thái']])
  })

  it('refuses a clip that is not audio, too large, not on the checklist, or of a language the center has not named; stores nothing', async () => {
    const png = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, ...new Array(64).fill(0)]).toString('base64')
    expect((await upload(manager, 1, 'd-1', png).expect(400)).body.error.code).toBe('VOICE_CLIP_REJECTED')
    const big = toneWav(1, (MAX_VOICE_CLIP_BYTES / 2 / 16000) + 0.1).toString('base64')
    expect([400, 413]).toContain((await upload(manager, 1, 'd-1', big)).status)
    expect((await upload(manager, 1, 'l-z', toneBase64(1)).expect(400)).body.error.code).toBe('VOICE_CLIP_NOT_NEEDED')
    expect((await upload(manager, 2, 'd-1', toneBase64(1)).expect(404)).body.error.code).toBe('VOICE_LANGUAGE_NOT_FOUND')
    expect((await upload(manager, 1, 'x-1', toneBase64(1)).expect(400)).body.error.code).toBe('VALIDATION_FAILED')
    expect(await clipCount()).toBe(0)
  })

  it('completes Tiếng Thái from generated WAV clips: the displays\' manifest lists it, each clip served by its hash, cached for good', async () => {
    const thai = (await slot(1))!
    for (const [i, n] of thai.needed.entries()) await upload(manager, 1, n.id, toneBase64(i)).expect(200)
    const after = (await slot(1))!
    expect(after).toMatchObject({ complete: true, missing: [] })
    expect(new Set(after.recorded.map((c) => c.type))).toEqual(new Set(['audio/wav']))
    expect(after.recorded.every((c) => typeof c.recordedBy === 'string' && c.recordedBy.length > 0)).toBe(true)

    const m = await h.http.get(base).expect(200)
    expect(m.headers['cache-control']).toBe('no-cache')
    const manifest = m.body as VoiceManifest
    // Vietnamese is not recorded: the displays keep the shipped voice for it
    expect(manifest.languages.map((l) => [l.slot, l.name])).toEqual([[1, 'Tiếng Thái']])
    expect(Object.keys(manifest.languages[0]!.clips).sort()).toEqual(thai.needed.map((n) => n.id).sort())
    // unchanged: 304 on revalidation
    await h.http.get(base).set('if-none-match', m.headers.etag!).expect(304)

    const id = thai.needed[0]!.id
    const sha = manifest.languages[0]!.clips[id]!
    const clip = await h.http.get(`${base}/clips/${sha}`).buffer(true).parse((res, cb) => {
      const parts: Buffer[] = []
      res.on('data', (c: Buffer) => parts.push(c)).on('end', () => cb(null, Buffer.concat(parts)))
    }).expect(200)
    expect(clip.headers['content-type']).toBe('audio/wav')
    expect(clip.headers['cache-control']).toBe('public, max-age=31536000, immutable')
    expect(Buffer.compare(clip.body as Buffer, toneWav(0))).toBe(0)
    await h.http.get(`${base}/clips/${sha}`).set('if-none-match', `"${sha}"`).expect(304)
    expect((await h.http.get(`${base}/clips/${'0'.repeat(64)}`).expect(404)).body.error.code).toBe('VOICE_CLIP_NOT_FOUND')
    // another center does not serve Na Sang's clips
    await h.http.get(`/api/centers/muong-pon/voice/clips/${sha}`).expect(404)
    expect((await voiceAudit()).filter((a) => a.action === 'create' && a.entity_id.startsWith('Tiếng Thái · '))).toHaveLength(thai.needed.length)
  })

  it('skips Tiếng Thái once a clip is deleted, and names the missing clip; re-recording it completes it again', async () => {
    const before = await h.http.get(base).expect(200)
    const del = await manager.delete(`${base}/languages/1/clips/l-b`).expect(200)
    const thai = (del.body.languages as VoiceLanguageView[]).find((l) => l.slot === 1)!
    expect(thai).toMatchObject({ complete: false, missing: ['l-b'] })
    const after = await h.http.get(base).set('if-none-match', before.headers.etag!).expect(200)
    expect((after.body as VoiceManifest).languages).toEqual([])
    expect((await manager.delete(`${base}/languages/1/clips/l-b`).expect(404)).body.error.code).toBe('VOICE_CLIP_NOT_FOUND')
    await upload(manager, 1, 'l-b', toneBase64(40)).expect(200)
    expect(((await h.http.get(base).expect(200)).body as VoiceManifest).languages.map((l) => l.slot)).toEqual([1])
    expect((await voiceAudit()).filter((a) => a.entity_id === 'Tiếng Thái · l-b').map((a) => a.action)).toEqual(['create', 'delete', 'create'])
  })

  it('a changed template part loses its old recording; the unchanged part keeps its own', async () => {
    const old = (await slot(1))!
    const res = await manager.put(`${base}/languages/1`).send({ name: 'Tiếng Thái', template: 'Mời số {code}, pây quầy {counter}' }).expect(200)
    const thai = (res.body.languages as VoiceLanguageView[]).find((l) => l.slot === 1)!
    const phrases = thai.needed.filter((n) => n.kind === 'phrase')
    expect(phrases.map((n) => n.say)).toEqual(['Mời số', 'pây quầy'])
    expect(thai.missing).toEqual([phrases[1]!.id])
    expect(thai.recorded.map((c) => c.id)).toContain(phrases[0]!.id)
    expect(thai.recorded.map((c) => c.id)).not.toContain(old.needed.find((n) => n.say === 'đến quầy')!.id)
    const audit = (await voiceAudit()).at(-1)!
    expect(audit.action).toBe('update')
    expect(Object.keys(typeof audit.changes === 'string' ? JSON.parse(audit.changes) : audit.changes).sort()).toEqual(['recording', 'template'])
  })

  it('the center\'s Vietnamese, once complete, is in the manifest before the other languages', async () => {
    const vi = (await slot(0))!
    for (const [i, n] of vi.needed.entries()) await upload(manager, 0, n.id, toneBase64(60 + i)).expect(200)
    const thai = (await slot(1))!
    for (const id of thai.missing) await upload(manager, 1, id, toneBase64(90)).expect(200)
    const manifest = (await h.http.get(base).expect(200)).body as VoiceManifest
    expect(manifest.languages.map((l) => [l.slot, l.name])).toEqual([[0, 'Tiếng Việt'], [1, 'Tiếng Thái']])
    expect(manifest.languages[0]!.template).toBe(DEFAULT_ANNOUNCEMENT_TEMPLATE)
  })

  it('deleting a language deletes its clips (audited); Vietnamese cannot be deleted', async () => {
    expect((await manager.delete(`${base}/languages/0`).expect(400)).body.error.code).toBe('VALIDATION_FAILED')
    const before = await clipCount()
    const res = await manager.delete(`${base}/languages/1`).expect(200)
    expect((res.body.languages as VoiceLanguageView[]).map((l) => l.slot)).toEqual([0])
    expect(await clipCount()).toBe(before - neededClips(THAI.template, ['A', 'B', 'C', 'D', 'E', 'F', 'G'], [1]).length)
    expect((await voiceAudit()).at(-1)).toMatchObject({ action: 'delete', entity_id: 'Tiếng Thái' })
    expect((await manager.delete(`${base}/languages/1`).expect(404)).body.error.code).toBe('VOICE_LANGUAGE_NOT_FOUND')
  })
})
