/**
 * A center's own voice on a page (issue 23): the complete languages its manager recorded (GET …/voice,
 * revalidated before each announcement, so a change in the console is heard at the next call) and their clips,
 * fetched by content hash (cached by the browser for good) and played with the shipped voice's player.
 */
import { centerPlan, type VoiceManifest } from '../common/center-voice.js'
import { preloadClips, playPlan, type ClipSource } from './voice.js'

type Language = VoiceManifest['languages'][number]

export class CenterVoices {
  private languages: Language[] = []
  private loading: Promise<void> | null = null

  /** `preload`: fetch every clip of the manifest at once (a display; a phone fetches only what it plays) */
  constructor(private center: string, private preload = true) {}

  /** Fetches the manifest (a 304 when nothing changed); on a network failure the last one stays. */
  refresh(): Promise<void> {
    this.loading ??= fetch(`/api/centers/${encodeURIComponent(this.center)}/voice`, { cache: 'no-cache' })
      .then(async (r) => {
        if (!r.ok) return
        this.languages = ((await r.json()) as VoiceManifest).languages
        // a network cut later still finds every clip in memory
        if (this.preload) void preloadClips(this.languages.flatMap((l) => Object.keys(l.clips).map((id) => this.url(l, id)!)))
      })
      .catch(() => undefined)
      .finally(() => { this.loading = null })
    return this.loading
  }

  /** The center's Vietnamese (slot 0), when complete: it replaces the shipped voice's full form. */
  vietnamese(): Language | undefined {
    return this.languages.find((l) => l.slot === 0)
  }

  /** The other complete languages, in the center's order: said after the Vietnamese. */
  others(): Language[] {
    return this.languages.filter((l) => l.slot !== 0)
  }

  private url(l: Language, id: string): string | undefined {
    const sha = l.clips[id]
    return sha ? `/api/centers/${encodeURIComponent(this.center)}/voice/clips/${sha}` : undefined
  }

  source(l: Language): ClipSource {
    return { lang: `center:${l.slot}`, url: (id) => this.url(l, id) }
  }

  /** Says one call in a language; false when audio is locked or a clip is missing (then nothing is said). */
  say(l: Language, code: string, counter: number): Promise<boolean> {
    return playPlan(centerPlan(l.template, code, counter), this.source(l))
  }
}
