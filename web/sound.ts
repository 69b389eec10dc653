/** Chime (WebAudio) and speech (speechSynthesis, vi-VN when the browser has it). */

let ctx: AudioContext | null = null

function context(): AudioContext | null {
  if (ctx) return ctx
  const Ctor = window.AudioContext ?? (window as unknown as { webkitAudioContext?: typeof AudioContext }).webkitAudioContext
  if (!Ctor) return null
  try { ctx = new Ctor() } catch { ctx = null }
  return ctx
}

/** The page's one audio context (the chime and the clip voice share it); null without Web Audio. */
export function audioContext(): AudioContext | null {
  return context()
}

/**
 * Whether sound may play without a touch first. True in Chromium started with
 * `--autoplay-policy=no-user-gesture-required` (the wall display's kiosk flag), false in a normal browser
 * until the page was touched.
 */
export function audioAllowed(): boolean {
  const c = context()
  return !!c && c.state === 'running'
}

/** Resolves true once audio runs without a touch, false if it has not after `ms` (a context starts suspended). */
export function audioAllowedSoon(ms = 1000): Promise<boolean> {
  const c = context()
  if (!c) return Promise.resolve(false)
  if (c.state === 'running') return Promise.resolve(true)
  return new Promise((resolve) => {
    const done = () => { clearTimeout(timer); c.removeEventListener('statechange', check); resolve(c.state === 'running') }
    const check = () => { if (c.state === 'running') done() }
    const timer = setTimeout(done, ms)
    c.addEventListener('statechange', check)
  })
}

/** Called whenever audio starts running (e.g. after the unlock touch, or late on its own). */
export function onAudioRunning(fn: () => void): void {
  const c = context()
  c?.addEventListener('statechange', () => { if (c.state === 'running') fn() })
}

/** Call from a touch/click handler: unlocks WebAudio and speech for the rest of the page's life. */
export async function unlockAudio(): Promise<boolean> {
  const c = context()
  try { await c?.resume() } catch { /* stays locked */ }
  try {
    if ('speechSynthesis' in window) {
      const u = new SpeechSynthesisUtterance(' ')
      u.volume = 0
      speechSynthesis.speak(u)
    }
  } catch { /* no speech */ }
  return audioAllowed()
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms))

/** A two-tone "ding-dong" (about 1.2 s); resolves when it has finished (at once without audio). */
export async function chime(): Promise<void> {
  const c = context()
  if (!c || c.state !== 'running') return
  const t0 = c.currentTime + 0.05
  const notes: [number, number][] = [[659.25, 0], [523.25, 0.45]]
  for (const [freq, at] of notes) {
    const osc = c.createOscillator()
    const gain = c.createGain()
    osc.type = 'sine'
    osc.frequency.value = freq
    gain.gain.setValueAtTime(0.0001, t0 + at)
    gain.gain.exponentialRampToValueAtTime(0.5, t0 + at + 0.02)
    gain.gain.exponentialRampToValueAtTime(0.0001, t0 + at + 0.75)
    osc.connect(gain).connect(c.destination)
    osc.start(t0 + at)
    osc.stop(t0 + at + 0.8)
  }
  await sleep(1300)
}

/** The browser's Vietnamese voice, if it has one (voices load asynchronously: ask each time). */
export function vietnameseVoice(): SpeechSynthesisVoice | null {
  if (!('speechSynthesis' in window)) return null
  try {
    const voices = speechSynthesis.getVoices()
    return voices.find((v) => /^vi([-_]|$)/i.test(v.lang)) ?? null
  } catch {
    return null
  }
}

if ('speechSynthesis' in window) {
  // Chromium fills the voice list late; touching it early starts the loading
  try { speechSynthesis.getVoices() } catch { /* ignore */ }
}

/** Speaks Vietnamese text; resolves when done, on error, or after a generous timeout (some engines never end). */
export function speakVietnamese(text: string): Promise<boolean> {
  const voice = vietnameseVoice()
  if (!voice) return Promise.resolve(false)
  return new Promise((resolve) => {
    let done = false
    const finish = (ok: boolean) => { if (!done) { done = true; clearTimeout(timer); resolve(ok) } }
    const timer = setTimeout(() => finish(false), 4000 + text.length * 120)
    try {
      const u = new SpeechSynthesisUtterance(text)
      u.lang = 'vi-VN'
      try { u.voice = voice } catch { /* a stand-in voice object */ }
      u.rate = 0.9
      u.onend = () => finish(true)
      u.onerror = () => finish(false)
      speechSynthesis.speak(u)
    } catch {
      finish(false)
    }
  })
}

/** Vibration on a phone (needs a prior touch on the page in Chrome). */
export function vibrate(pattern: number[]): void {
  try { navigator.vibrate?.(pattern) } catch { /* not supported */ }
}
