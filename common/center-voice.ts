import { z } from 'zod'
import { DEFAULT_ANNOUNCEMENT_TEMPLATE } from './announce.js'
import { CenterSlug } from './schemas.js'
import { digitClipId, letterClipId, numberClipId, PAUSES, type VoiceStep } from './voice.js'

/**
 * A center's own voice (issue 23): clips its manager records, in Vietnamese (slot 0) and in up to two more
 * languages (slots 1 and 2), each with its own template. DOM-free: the server checks uploads and completeness
 * with it, the console draws its checklist, the display builds the plan it plays.
 *
 * A language needs: each fixed part of its template (one phrase clip each, named by a hash of its words, so a
 * changed part needs a new recording and an unchanged one keeps its clip), the letters of the center's active
 * services' prefixes, the ten digits (codes are read digit by digit) and the center's counter numbers.
 */

export const VOICE_SLOTS = [0, 1, 2] as const
export type VoiceSlot = (typeof VOICE_SLOTS)[number]
/** a clip's bytes after decoding: a 5 s WAV at 48 kHz mono is ~480 KB; a recording is ~20–60 KB */
export const MAX_VOICE_CLIP_BYTES = 512 * 1024
export const VOICE_CLIP_TYPES = ['audio/ogg', 'audio/webm', 'audio/wav'] as const
export type VoiceClipType = (typeof VOICE_CLIP_TYPES)[number]

/** what a clip's first bytes say it is (Ogg, WebM/Matroska, RIFF WAVE), or null */
export function sniffAudio(b: Uint8Array): VoiceClipType | null {
  const at = (i: number, s: number[]) => s.every((x, k) => b[i + k] === x)
  if (at(0, [0x4f, 0x67, 0x67, 0x53])) return 'audio/ogg'
  if (at(0, [0x1a, 0x45, 0xdf, 0xa3])) return 'audio/webm'
  if (at(0, [0x52, 0x49, 0x46, 0x46]) && at(8, [0x57, 0x41, 0x56, 0x45])) return 'audio/wav'
  return null
}

/** 32-bit FNV-1a, hex: a phrase clip's name from its words (not a secret, only a stable name). */
function fnv(text: string): string {
  let h = 0x811c9dc5
  for (const ch of new TextEncoder().encode(text)) h = Math.imul(h ^ ch, 0x01000193) >>> 0
  return h.toString(16).padStart(8, '0')
}

/** A template's fixed part as said: NFC, single spaces, no punctuation or spaces at its ends (", đến quầy" → "đến quầy"). */
const cleanPart = (part: string) => part.normalize('NFC').replace(/\s+/g, ' ').replace(/^[^\p{L}\p{N}]+|[^\p{L}\p{N}]+$/gu, '')
export const phraseClipId = (part: string) => `p-${fnv(cleanPart(part).toLocaleLowerCase())}`

export const CLIP_ID = /^(p-[0-9a-f]{8}|l-[a-z]{1,2}|d-[0-9]|n-[1-9][0-9])$/

export type NeededClip = { id: string; kind: 'phrase' | 'letter' | 'digit' | 'number'; say: string }

/** What a language's set needs, in the order a reader records them (the template's parts first). */
export function neededClips(template: string, prefixes: string[], counters: number[]): NeededClip[] {
  const out = new Map<string, NeededClip>()
  for (const part of template.split(/\{code\}|\{counter\}/)) {
    const say = cleanPart(part)
    if (/[\p{L}\p{N}]/u.test(say)) out.set(phraseClipId(say), { id: phraseClipId(say), kind: 'phrase', say })
  }
  const letters = [...new Set(prefixes.join('').toLocaleUpperCase('vi').replace(/[^\p{L}]/gu, ''))].sort((a, b) => a.localeCompare(b, 'vi'))
  for (const l of letters) out.set(letterClipId(l), { id: letterClipId(l), kind: 'letter', say: l })
  for (let d = 0; d <= 9; d++) out.set(digitClipId(d), { id: digitClipId(d), kind: 'digit', say: String(d) })
  for (const n of [...new Set(counters)].sort((a, b) => a - b)) {
    if (n >= 10 && n <= 99) out.set(numberClipId(n), { id: numberClipId(n), kind: 'number', say: String(n) })
  }
  return [...out.values()]
}

/**
 * The clips of one announcement in a center language: its template's parts, `{code}` character by
 * character, `{counter}` as a recorded number (1–9 are the digits; above 99, digit by digit).
 */
export function centerPlan(template: string, code: string, counter: number): VoiceStep[] {
  const steps: VoiceStep[] = []
  const push = (more: VoiceStep[]) => {
    if (!more.length) return
    if (steps.length) steps.push({ pause: PAUSES.part })
    steps.push(...more)
  }
  const chars = (text: string, label: 'code' | 'counter') => {
    const s: VoiceStep[] = []
    for (const ch of text.toLocaleUpperCase('vi')) {
      const id = /[0-9]/.test(ch) ? digitClipId(Number(ch)) : /\p{L}/u.test(ch) ? letterClipId(ch) : null
      if (!id) continue
      if (s.length) s.push({ pause: PAUSES.char })
      s.push({ clip: id, label })
    }
    return s
  }
  for (const part of template.split(/(\{code\}|\{counter\})/)) {
    if (part === '{code}') push(chars(code, 'code'))
    else if (part === '{counter}') push(counter >= 1 && counter <= 99 ? [{ clip: numberClipId(counter), label: 'counter' }] : chars(String(counter), 'counter'))
    else if (/[\p{L}\p{N}]/u.test(part)) push([{ clip: phraseClipId(part), label: 'text' }])
  }
  return steps
}

/** Vietnamese (slot 0) follows the center's announcement template. */
export const vietnameseTemplate = (announcementTemplate: string | null | undefined) =>
  announcementTemplate && announcementTemplate.trim() ? announcementTemplate : DEFAULT_ANNOUNCEMENT_TEMPLATE

// ---------- the API's shapes ----------

/** a language's slot in a path: 0 Vietnamese, 1 and 2 the center's other languages */
export const VoiceSlotParam = z.enum(['0', '1', '2'])
export const ExtraSlotParam = z.enum(['1', '2'])
export const VoiceLanguageBody = z.strictObject({
  name: z.string().trim().min(2).max(40),
  template: z.string().trim().max(200)
    .refine((t) => t.includes('{code}') && t.includes('{counter}'), 'needs {code} and {counter}')
    .refine((t) => (t.match(/\{code\}/g) ?? []).length === 1 && (t.match(/\{counter\}/g) ?? []).length === 1, 'once each'),
})
export type VoiceLanguageBody = z.infer<typeof VoiceLanguageBody>
export const VoiceClipParams = z.strictObject({ center: CenterSlug, slot: VoiceSlotParam, clip: z.string().regex(CLIP_ID) })
/** A clip as base64 (ogg, webm or wav by its bytes), at most MAX_VOICE_CLIP_BYTES once decoded. */
export const VoiceClipBody = z.strictObject({ dataBase64: z.string().min(8).max(Math.ceil(MAX_VOICE_CLIP_BYTES / 3) * 4 + 4).regex(/^[A-Za-z0-9+/]+={0,2}$/) })

export interface RecordedClip { id: string; type: VoiceClipType; size: number; sha: string; recordedAt: string; recordedBy: string | null }
/** A language in the manager's console: its checklist, what is recorded, what is missing. */
export interface VoiceLanguageView {
  slot: VoiceSlot
  name: string
  template: string
  needed: NeededClip[]
  recorded: RecordedClip[]
  missing: string[]
  complete: boolean
}
/** What a display needs: the complete languages, in order, each clip's content hash (its URL). */
export interface VoiceManifest { languages: { slot: VoiceSlot; name: string; template: string; clips: Record<string, string> }[] }
