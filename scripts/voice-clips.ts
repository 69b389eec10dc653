/**
 * Makes the display's Vietnamese clips (issue 23, "A voice that ships with Một Cửa") from eSpeak NG's
 * Vietnamese voice, offline: every text of common/voice.ts VOICE_CLIPS → WAV (espeak-ng) → leading and
 * trailing silence cut (here) → Ogg Opus, mono, low bitrate (opusenc) → web/voice/vi/<id>.ogg.
 *
 * A maintainer reruns it when VOICE_CLIPS changes; the clips are committed, so neither CI nor an install
 * needs eSpeak NG. Needs (Debian): apt-get install -y espeak-ng opus-tools
 *
 *   npx tsx scripts/voice-clips.ts            # writes every clip, removes clips no longer listed
 *   npx tsx scripts/voice-clips.ts --check    # exits 1 when a listed clip is missing or an extra one is there
 */
import { execFileSync } from 'node:child_process'
import { mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { VOICE_CLIPS } from '../common/voice.js'

const OUT = new URL('../web/voice/vi/', import.meta.url).pathname
/** eSpeak NG: the Northern voice, a little slower than its default 175 words a minute (elderly listeners). */
const ESPEAK = ['-v', 'vi', '-s', '135', '-p', '45', '-g', '2']
/** 20 kb/s Opus: speech stays clear; ~2.5 KB per second of voice. */
const OPUS = ['--quiet', '--bitrate', '20', '--downmix-mono', '--comp', '10']
/** Silence below this (of 32768) is cut from both ends, keeping 30 ms. */
const THRESHOLD = 500
const KEEP_MS = 30

/** Cuts silence off both ends of a 16-bit mono PCM WAV (espeak-ng's output). */
export function trimWav(wav: Buffer): Buffer {
  const dataAt = wav.indexOf('data', 12)
  if (dataAt < 0) throw new Error('no data chunk')
  const rate = wav.readUInt32LE(24)
  const start = dataAt + 8
  const samples = (wav.length - start) >> 1
  const at = (i: number) => Math.abs(wav.readInt16LE(start + i * 2))
  let first = 0
  while (first < samples && at(first) < THRESHOLD) first++
  let last = samples - 1
  while (last > first && at(last) < THRESHOLD) last--
  const keep = Math.round((rate * KEEP_MS) / 1000)
  first = Math.max(0, first - keep)
  last = Math.min(samples - 1, last + keep)
  const data = wav.subarray(start + first * 2, start + (last + 1) * 2)
  const head = Buffer.from(wav.subarray(0, start))
  head.writeUInt32LE(36 + data.length, 4)
  head.writeUInt32LE(data.length, dataAt + 4)
  return Buffer.concat([head, data])
}

function main(): void {
  const check = process.argv.includes('--check')
  mkdirSync(OUT, { recursive: true })
  const wanted = new Set(Object.keys(VOICE_CLIPS).map((id) => `${id}.ogg`))
  const present = readdirSync(OUT).filter((f) => f.endsWith('.ogg'))
  if (check) {
    const missing = [...wanted].filter((f) => !present.includes(f))
    const extra = present.filter((f) => !wanted.has(f))
    if (missing.length || extra.length) {
      console.error(`missing: ${missing.join(' ') || '-'}\nextra: ${extra.join(' ') || '-'}`)
      process.exit(1)
    }
    console.log(`${wanted.size} clips, all present`)
    return
  }
  const tmp = join(tmpdir(), `voice-clips-${process.pid}`)
  mkdirSync(tmp, { recursive: true })
  try {
    for (const [id, text] of Object.entries(VOICE_CLIPS)) {
      const raw = join(tmp, `${id}.wav`)
      const trimmed = join(tmp, `${id}.trim.wav`)
      execFileSync('espeak-ng', [...ESPEAK, '-w', raw, text])
      writeFileSync(trimmed, trimWav(readFileSync(raw)))
      // no date or encoder comment in the file: a rerun with the same tools gives the same bytes
      execFileSync('opusenc', [...OPUS, '--discard-comments', '--serial', '1', trimmed, join(OUT, `${id}.ogg`)])
    }
    for (const f of present) if (!wanted.has(f)) rmSync(join(OUT, f))
  } finally {
    rmSync(tmp, { recursive: true, force: true })
  }
  const total = [...wanted].reduce((sum, f) => sum + statSync(join(OUT, f)).size, 0)
  const version = execFileSync('espeak-ng', ['--version']).toString().trim()
  console.log(`${wanted.size} clips in web/voice/vi, ${(total / 1024).toFixed(1)} KB (${version})`)
}

main()
