/**
 * The clip voice (issue 23): the committed Vietnamese clips (web/voice/vi/*.ogg, made by
 * scripts/voice-clips.ts) played back to back with Web Audio. No speechSynthesis, no internet.
 *
 * Every clip's compressed bytes (~0.6 MB in all) are fetched once when the page starts, so a display
 * keeps its voice through a network cut; they are decoded when needed, and the last 40 decoded clips
 * are kept (a decoded second of audio is ~190 KB). A center's recorded clips play through the same
 * player from their own source (web/center-voice.ts).
 */
import { planClips, type VoiceStep } from '../common/voice.js'
import { audioContext } from './sound.js'

const URLS = import.meta.glob('./voice/vi/*.ogg', { query: '?url', import: 'default', eager: true }) as Record<string, string>
const urlOf = new Map(Object.entries(URLS).map(([path, url]) => [path.replace(/^.*\//, '').replace(/\.ogg$/, ''), url]))

/** Where a plan's clips come from: the shipped Vietnamese set, or a center's recorded language (web/center-voice.ts). */
export interface ClipSource { lang: string; url(id: string): string | undefined }
export const SHIPPED: ClipSource = { lang: 'vi', url: (id) => urlOf.get(id) }

// both kept by URL: a center's clip URL names its content, so a re-recorded clip is a new entry
const bytes = new Map<string, Promise<ArrayBuffer | null>>()
const decoded = new Map<string, AudioBuffer>()
const DECODED_KEPT = 40

/** The built URL of a clip (hashed, cached for a year), or undefined for an unknown id. */
export function clipUrl(id: string): string | undefined {
  return urlOf.get(id)
}

function fetchClip(url: string | undefined): Promise<ArrayBuffer | null> {
  if (!url) return Promise.resolve(null)
  let p = bytes.get(url)
  if (!p) {
    p = fetch(url).then((r) => (r.ok ? r.arrayBuffer() : null)).catch(() => null)
    bytes.set(url, p)
    // a failed fetch is tried again next time
    void p.then((b) => { if (!b) bytes.delete(url) })
  }
  return p
}

/** Fetches clips' bytes (a few at a time, so it never competes with the board): every shipped clip by default. */
export async function preloadClips(urls: string[] = [...urlOf.values()]): Promise<void> {
  for (let i = 0; i < urls.length; i += 8) await Promise.all(urls.slice(i, i + 8).map(fetchClip))
}

async function decodeClip(ctx: BaseAudioContext, url: string | undefined): Promise<AudioBuffer | null> {
  const hit = url ? decoded.get(url) : undefined
  if (url && hit) {
    decoded.delete(url)
    decoded.set(url, hit)
    return hit
  }
  const b = await fetchClip(url)
  if (!b || !url) return null
  try {
    const buf = await ctx.decodeAudioData(b.slice(0))
    decoded.set(url, buf)
    while (decoded.size > DECODED_KEPT) decoded.delete(decoded.keys().next().value!)
    return buf
  } catch {
    return null
  }
}

/** Whether every clip of a plan exists in the source (the built set by default). */
export function hasClips(steps: VoiceStep[], source: ClipSource = SHIPPED): boolean {
  return planClips(steps).every((id) => source.url(id) !== undefined)
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms))

/** The plan playing now: its scheduled sources, and how to end its wait early (stopVoice). */
let playing: { sources: AudioBufferSourceNode[]; end: () => void } | null = null
/** bumped by stopVoice: a plan still loading its clips then never starts */
let generation = 0

/** Silences the plan playing now (the kiosk's next screen, a second tap); its playPlan resolves at once. */
export function stopVoice(): void {
  generation++
  const p = playing
  playing = null
  if (!p) return
  for (const src of p.sources) { try { src.stop() } catch { /* not started yet */ } }
  p.end()
}

/** What the clip voice played, newest last (bounded): the display's diagnostics and the browser tests read it. `lang`: 'vi' the shipped voice, else the center's language ('center:1'). */
export const voiceLog: { clips: string[]; seconds: number; at: number; lang: string }[] = []
;(window as unknown as { __voiceLog: typeof voiceLog }).__voiceLog = voiceLog

/**
 * Plays a plan's clips back to back, its pauses between them; resolves when it has finished. false when
 * audio is locked or a clip could not be loaded (nothing is played then: half a sentence helps no one).
 */
export async function playPlan(steps: VoiceStep[], source: ClipSource = SHIPPED): Promise<boolean> {
  const ctx = audioContext()
  if (!ctx || ctx.state !== 'running') return false
  const gen = generation
  const buffers = await Promise.all(steps.map((s) => ('clip' in s ? decodeClip(ctx, source.url(s.clip)) : Promise.resolve(null))))
  if (steps.some((s, i) => 'clip' in s && !buffers[i]) || gen !== generation) return false
  let t = ctx.currentTime + 0.05
  const start = t
  const sources: AudioBufferSourceNode[] = []
  steps.forEach((s, i) => {
    if ('pause' in s) { t += s.pause / 1000; return }
    const src = ctx.createBufferSource()
    src.buffer = buffers[i]!
    src.connect(ctx.destination)
    src.start(t)
    sources.push(src)
    t += buffers[i]!.duration
  })
  voiceLog.push({ clips: planClips(steps), seconds: t - start, at: Date.now(), lang: source.lang })
  if (voiceLog.length > 50) voiceLog.shift()
  await new Promise<void>((resolve) => {
    const me = { sources, end: resolve }
    playing = me
    void sleep((t - ctx.currentTime) * 1000 + 30).then(() => { if (playing === me) playing = null; resolve() })
  })
  return true
}
