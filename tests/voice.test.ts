import { createHash } from 'node:crypto'
import { readdirSync, readFileSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from '@jest/globals'
import { AnnouncementQueue, DEFAULT_ANNOUNCEMENT_TEMPLATE, sayingPlan, type PlayInfo } from '../common/announce.js'
import { announcementPlan, LETTER_NAMES, PAUSES, planClips, SHORT_ANNOUNCEMENT_TEMPLATE, textClipId, vietnameseNumber, VOICE_CLIPS } from '../common/voice.js'

// Issue 23, "A voice that ships with Một Cửa" and "No call left behind", without a browser:
// the clip plan, the committed clips (web/voice/vi), and the announcement queue's order and age limit.

const CLIPS = new URL('../web/voice/vi/', import.meta.url).pathname

/** Seconds of an Ogg Opus file from its last page's granule position (48 kHz) less the pre-skip. */
export function oggOpusSeconds(file: Buffer): number {
  expect(file.subarray(0, 4).toString()).toBe('OggS')
  const head = file.indexOf('OpusHead')
  expect(head).toBeGreaterThan(0)
  const preSkip = file.readUInt16LE(head + 10)
  const last = file.lastIndexOf('OggS')
  const granule = Number(file.readBigUInt64LE(last + 6))
  return (granule - preSkip) / 48000
}

describe('Vietnamese numbers and the clip plan', () => {
  it('reads counter numbers as Vietnamese numbers', () => {
    expect([1, 3, 10, 11, 12, 15, 20, 21, 24, 25, 30, 44, 55, 99].map(vietnameseNumber)).toEqual([
      'một', 'ba', 'mười', 'mười một', 'mười hai', 'mười lăm', 'hai mươi', 'hai mươi mốt', 'hai mươi tư',
      'hai mươi lăm', 'ba mươi', 'bốn mươi tư', 'năm mươi lăm', 'chín mươi chín'])
    expect(() => vietnameseNumber(100)).toThrow(RangeError)
  })

  it('gives every spoken text its own file name (mười and mươi differ)', () => {
    expect(textClipId('mười')).not.toBe(textClipId('mươi'))
    expect(textClipId('Xin mời,  công dân')).toBe(textClipId('xin mời công dân'))
    expect(new Set(Object.values(VOICE_CLIPS)).size).toBe(Object.keys(VOICE_CLIPS).length)
  })

  it('plans "Xin mời công dân có số thứ tự A012 đến quầy số 3": phrase, A, 0, 1, 2, phrase, three', () => {
    const { steps, missing } = announcementPlan(DEFAULT_ANNOUNCEMENT_TEMPLATE, 'A012', 3)
    expect(missing).toEqual([])
    expect(planClips(steps)).toEqual([textClipId('xin mời công dân có số thứ tự'), 'l-a', 'd-0', 'd-1', 'd-2', textClipId('đến quầy số'), 'd-3'])
    expect(planClips(steps).map((id) => VOICE_CLIPS[id])).toEqual(['xin mời công dân có số thứ tự', 'a', 'không', 'một', 'hai', 'đến quầy số', 'ba'])
    expect(planClips(announcementPlan(null, 'B105', 12).steps).slice(1).map((id) => VOICE_CLIPS[id])).toEqual(['bê', 'một', 'không', 'năm', 'đến quầy số', 'mười hai'])
  })

  it('speaks a center\'s own template word by word, and falls back to the default wording for a word it has no clip for', () => {
    const own = announcementPlan('Mời ông bà có số {code} tới bàn {counter}', 'C7', 21)
    expect(own.missing).toEqual([])
    expect(planClips(own.steps).map((id) => VOICE_CLIPS[id])).toEqual(['mời', 'ông', 'bà', 'có', 'số', 'xê', 'bảy', 'tới', 'bàn', 'hai mươi mốt'])
    const odd = announcementPlan('Kính mời {code} lên quầy {counter}', 'A1', 2)
    expect(odd.missing).toEqual(['kính', 'lên'])
    expect(planClips(odd.steps)).toEqual(planClips(announcementPlan(DEFAULT_ANNOUNCEMENT_TEMPLATE, 'A1', 2).steps))
  })
})

describe('the committed clips (web/voice/vi, made by scripts/voice-clips.ts)', () => {
  const files = readdirSync(CLIPS).filter((f) => f.endsWith('.ogg'))

  it('are exactly the clips the voice needs, each a distinct Ogg Opus file, under 1 MB in all', () => {
    expect(files.sort()).toEqual(Object.keys(VOICE_CLIPS).map((id) => `${id}.ogg`).sort())
    const total = files.reduce((sum, f) => sum + statSync(join(CLIPS, f)).size, 0)
    console.log(`${files.length} clips, ${(total / 1024).toFixed(1)} KB`)
    expect(total).toBeLessThan(1024 * 1024)
    // two letters that sound the same would make two codes sound the same (D "dê" and G "giê" did)
    const hashes = new Map<string, string>()
    for (const f of files) {
      const hash = createHash('sha256').update(readFileSync(join(CLIPS, f))).digest('hex')
      expect([f, hashes.get(hash)]).toEqual([f, undefined])
      hashes.set(hash, f)
    }
    expect(Object.keys(LETTER_NAMES).length).toBe(27)
  })

  it('last from a syllable to a phrase, and A012 at counter 3 takes 3–10 s', () => {
    const seconds = (id: string) => oggOpusSeconds(readFileSync(join(CLIPS, `${id}.ogg`)))
    for (const id of Object.keys(VOICE_CLIPS)) {
      const s = seconds(id)
      expect([id, s > 0.1 && s < 4]).toEqual([id, true])
    }
    const { steps } = announcementPlan(DEFAULT_ANNOUNCEMENT_TEMPLATE, 'A012', 3)
    const total = steps.reduce((sum, s) => sum + ('clip' in s ? seconds(s.clip) : s.pause / 1000), 0)
    console.log(`A012 → 3: ${total.toFixed(2)} s`)
    expect(total).toBeGreaterThan(3)
    expect(total).toBeLessThan(10)
    expect(PAUSES.char).toBeGreaterThan(0)
  })
})

describe('AnnouncementQueue: no call left behind', () => {
  it('plays every call in call order, tells each how many wait behind it, and drops only one that waited past the limit', async () => {
    let now = 0
    const played: string[] = []
    const dropped: string[] = []
    const infos: { key: string; waiting: number; first: boolean; waitedMs: number }[] = []
    let release!: () => void
    const q = new AnnouncementQueue<{ key: string }>(async (item, info: PlayInfo) => {
      played.push(item.key)
      if (item.key === '1') await new Promise<void>((r) => { release = r })
      // read while it plays: the five pushed after the first started are behind it
      infos.push({ key: item.key, waiting: info.waiting, first: info.first, waitedMs: info.waitedMs })
      now += 20_000 // each announcement takes 20 s on this clock
    }, { maxPending: 50, remember: 200, maxAgeMs: 60_000, now: () => now, onDrop: (item) => dropped.push(item.key) })
    const changes: string[] = []
    q.onChange(() => changes.push([q.current?.key ?? '-', ...q.waiting.map((x) => x.key)].join(' ')))
    for (const k of ['1', '2', '3', '4', '5', '6']) q.push({ key: k })
    // all six are known to the screen at once: the one playing and the five behind it
    expect([q.current?.key, ...q.waiting.map((x) => x.key)]).toEqual(['1', '2', '3', '4', '5', '6'])
    release()
    for (const t0 = Date.now(); q.size > 0 && Date.now() - t0 < 5000;) await new Promise((r) => setTimeout(r, 5))
    // 1 at 0 s, 2 at 20 s, 3 at 40 s, 4 at 60 s (not past the limit), 5 at 80 s and 6 at 80 s: dropped
    expect(played).toEqual(['1', '2', '3', '4'])
    expect(dropped).toEqual(['5', '6'])
    expect(infos.map((i) => [i.key, i.waiting, i.first])).toEqual([['1', 5, true], ['2', 4, false], ['3', 3, false], ['4', 2, false]])
    expect(infos.map((i) => i.waitedMs)).toEqual([0, 20_000, 40_000, 60_000])
    expect(changes.at(-1)).toBe('-')
  })
})

describe('six clerks calling at once (issue 23: the sixth was heard 56 s later)', () => {
  it('with the clip voice, all six are said, in call order, and the last has finished 35 s after the calls', () => {
    const seconds = (id: string) => oggOpusSeconds(readFileSync(join(CLIPS, `${id}.ogg`)))
    const say = (code: string, counter: number, short: boolean) => announcementPlan(short ? SHORT_ANNOUNCEMENT_TEMPLATE : DEFAULT_ANNOUNCEMENT_TEMPLATE, code, counter)
      .steps.reduce((sum, st) => sum + ('clip' in st ? seconds(st.clip) : st.pause / 1000), 0.05)
    // display/main.ts: the chime (1.3 s) opens the run; 0.3 s after a call when others wait, 0.8 s after the last
    const calls = [['A002', 1], ['B001', 2], ['C001', 3], ['D001', 4], ['E001', 5], ['F001', 6]] as const
    let t = 1.3
    const forms: string[] = []
    calls.forEach(([code, counter], i) => {
      const waiting = calls.length - 1 - i
      const { short, repeat } = sayingPlan(waiting, t * 1000)
      forms.push(short ? 'short' : repeat ? 'twice' : 'once')
      t += say(code, counter, short) + (repeat ? 0.6 + say(code, counter, false) : 0) + (waiting ? 0.3 : 0.8)
    })
    console.log(`six calls at once: the last announcement ends after ${t.toFixed(1)} s (${forms.join(', ')})`)
    expect(forms).toEqual(['short', 'short', 'short', 'short', 'once', 'once'])
    expect(t).toBeLessThan(35)
    // a lone call: the full sentence, twice
    expect(sayingPlan(0, 200)).toEqual({ short: false, repeat: true })
  })
})
