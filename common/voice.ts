import { DEFAULT_ANNOUNCEMENT_TEMPLATE } from './announce.js'

/**
 * The voice that ships with Một Cửa (issue 23): an announcement is a sequence of short recorded clips
 * (the template's fixed words, the code's letters and digits, the counter's number read as a Vietnamese
 * number) played back to back. DOM-free: the display plays the plan (web/voice.ts), the script that makes
 * the clips (scripts/voice-clips.ts) reads VOICE_CLIPS, and tests check both.
 */

const DIGITS = ['không', 'một', 'hai', 'ba', 'bốn', 'năm', 'sáu', 'bảy', 'tám', 'chín']

/** 12 → "mười hai", 21 → "hai mươi mốt", 15 → "mười lăm", 24 → "hai mươi tư", 30 → "ba mươi" (0–99). */
export function vietnameseNumber(n: number): string {
  if (!Number.isInteger(n) || n < 0 || n > 99) throw new RangeError(`0–99 only: ${n}`)
  if (n < 10) return DIGITS[n]!
  const tens = Math.floor(n / 10)
  const ones = n % 10
  const head = tens === 1 ? 'mười' : `${DIGITS[tens]} mươi`
  if (ones === 0) return head
  const tail = ones === 5 ? 'lăm' : ones === 1 && tens > 1 ? 'mốt' : ones === 4 && tens > 1 ? 'tư' : DIGITS[ones]!
  return `${head} ${tail}`
}

/** How a service's letter is named aloud in Vietnamese ("Q" → "quy", "Đ" → "đê"). G is "gờ", not "giê": in the
 * Northern voice "giê" sounds exactly like D's "dê" (their clips came out byte for byte the same). */
export const LETTER_NAMES: Record<string, string> = {
  A: 'a', B: 'bê', C: 'xê', D: 'dê', Đ: 'đê', E: 'e', F: 'ép', G: 'gờ', H: 'hát', I: 'i', J: 'gi', K: 'ca',
  L: 'e lờ', M: 'em mờ', N: 'en nờ', O: 'o', P: 'pê', Q: 'quy', R: 'e rờ', S: 'ét xì', T: 'tê', U: 'u', V: 'vê',
  W: 'vê kép', X: 'ích xì', Y: 'i dài', Z: 'dét',
}

/**
 * The default template's two fixed parts, recorded as whole phrases (better prosody than word by word),
 * and the words a center's own template may use, one clip each. A template with any other word is spoken
 * in the default wording by the clip voice (`announcementPlan` says which words were missing).
 */
export const VOICE_PHRASES = ['xin mời công dân có số thứ tự', 'đến quầy số'] as const
export const VOICE_WORDS = [
  'xin', 'mời', 'công', 'dân', 'ông', 'bà', 'anh', 'chị', 'khách', 'hàng', 'người', 'có', 'số', 'thứ', 'tự',
  'đến', 'tới', 'quầy', 'bàn', 'phòng', 'cửa', 'làm', 'việc', 'vui', 'lòng', 'và', 'của', 'nộp', 'nhận', 'kết',
  'quả', 'hồ', 'sơ', 'tiếp', 'theo', 'giao', 'dịch', 'lượt', 'ạ',
] as const

/**
 * What the kiosk reads aloud (kiosk/speak.ts): its sentences as whole phrases, and the syllables of the
 * services' names a commune center uses (a name is read word by word; one with a word outside this list is
 * read by its letter only).
 */
export const KIOSK_PHRASES = ['số của bạn là', 'người trước bạn', 'sắp đến lượt bạn', 'mời chọn lĩnh vực', 'mời chọn lĩnh vực ưu tiên'] as const
export const SERVICE_WORDS = [
  'hộ', 'tịch', 'chứng', 'thực', 'đất', 'đai', 'lao', 'động', 'thương', 'binh', 'xã', 'hội', 'kinh', 'doanh', 'xây', 'dựng',
  'hỗ', 'trợ', 'vụ', 'trực', 'tuyến', 'trả', 'đăng', 'ký', 'khai', 'sinh', 'tử', 'hôn', 'nhân', 'tư', 'pháp', 'tài', 'nguyên',
  'môi', 'trường', 'nông', 'nghiệp', 'chính', 'sách', 'bảo', 'hiểm', 'y tế', 'giáo', 'dục', 'văn', 'hóa', 'thuế', 'phí',
  'giấy', 'tờ', 'cấp', 'đổi', 'thông', 'tin', 'tra', 'cứu', 'ưu', 'tiên', 'khác', 'chung',
] as const

/** The short form used when several calls wait: the code and the counter only. */
export const SHORT_ANNOUNCEMENT_TEMPLATE = 'Số {code} đến quầy số {counter}'

const MARKS: Record<string, string> = { '\u0300': 'f', '\u0301': 's', '\u0303': 'x', '\u0309': 'r', '\u0323': 'j', '\u0302': 'a', '\u0306': 'w', '\u031b': 'w' }

/** A file-safe, collision-free id for a spoken text: Telex-like ASCII ("mười" → "muwowfi", "mươi" → "muwowi"). */
export function textClipId(text: string): string {
  return 'w-' + normalizeWords(text).normalize('NFD').replace(/đ/g, 'dd')
    .replace(/[\u0300-\u036f]/g, (m) => MARKS[m] ?? '').replace(/\s+/g, '-')
}

/** Lower case, NFC, punctuation to spaces, single spaces. */
export function normalizeWords(text: string): string {
  return text.normalize('NFC').toLocaleLowerCase('vi').replace(/[^\p{L}\p{N}\s]/gu, ' ').replace(/\s+/g, ' ').trim()
}

export const letterClipId = (letter: string) => `l-${textClipId(letter).slice(2)}`
export const digitClipId = (d: number) => `d-${d}`
/** 1–9 are the digits' clips; 10–99 have their own. */
export const numberClipId = (n: number) => (n < 10 ? digitClipId(n) : `n-${n}`)

/** Every clip the voice needs: id → the Vietnamese text eSpeak NG reads for it. */
export const VOICE_CLIPS: Record<string, string> = (() => {
  const clips: Record<string, string> = {}
  for (const p of VOICE_PHRASES) clips[textClipId(p)] = p
  for (const w of VOICE_WORDS) clips[textClipId(w)] = w
  for (const p of KIOSK_PHRASES) clips[textClipId(p)] = p
  for (const w of SERVICE_WORDS) clips[textClipId(w)] = w
  for (const [l, name] of Object.entries(LETTER_NAMES)) clips[letterClipId(l)] = name
  for (let d = 0; d <= 9; d++) clips[digitClipId(d)] = DIGITS[d]!
  for (let n = 10; n <= 99; n++) clips[numberClipId(n)] = vietnameseNumber(n)
  return clips
})()

/** A step of an announcement: a clip by id, or a pause. `label` says which part of the sentence it is. */
export type VoiceStep = { clip: string; label: 'text' | 'code' | 'counter' } | { pause: number }

/** Pauses (ms): between the code's characters, around the code and the counter, between words. */
export const PAUSES = { char: 90, part: 180, word: 40 }

function textSteps(text: string, missing: string[]): VoiceStep[] {
  const norm = normalizeWords(text)
  if (!norm) return []
  if (VOICE_CLIPS[textClipId(norm)] !== undefined) return [{ clip: textClipId(norm), label: 'text' }]
  // longest known phrase first, then word by word
  const words = norm.split(' ')
  const steps: VoiceStep[] = []
  for (let i = 0; i < words.length;) {
    let took = 0
    for (let j = words.length; j > i; j--) {
      const id = textClipId(words.slice(i, j).join(' '))
      if (VOICE_CLIPS[id] !== undefined) {
        if (steps.length) steps.push({ pause: PAUSES.word })
        steps.push({ clip: id, label: 'text' })
        took = j - i
        break
      }
    }
    if (!took) { missing.push(words[i]!); took = 1 }
    i += took
  }
  return steps
}

function codeSteps(code: string, missing: string[]): VoiceStep[] {
  const steps: VoiceStep[] = []
  for (const ch of code.toLocaleUpperCase('vi')) {
    let id: string | null = null
    if (/[0-9]/.test(ch)) id = digitClipId(Number(ch))
    else if (LETTER_NAMES[ch] !== undefined) id = letterClipId(ch)
    if (!id) { missing.push(ch); continue }
    if (steps.length) steps.push({ pause: PAUSES.char })
    steps.push({ clip: id, label: 'code' })
  }
  return steps
}

function counterSteps(counter: number | string, missing: string[]): VoiceStep[] {
  const n = Number(counter)
  if (Number.isInteger(n) && n >= 1 && n <= 99) return [{ clip: numberClipId(n), label: 'counter' }]
  // beyond 99 (none in practice): digit by digit
  return codeSteps(String(counter), missing).map((s) => ('clip' in s ? { ...s, label: 'counter' as const } : s))
}

/**
 * The clips of one announcement in the center's template: `{code}` letter by letter and digit by digit,
 * `{counter}` as a number ("mười hai"). When the template has words the clip set lacks, the plan is the
 * default template's and `missing` names those words (the display logs them).
 */
export function announcementPlan(template: string | null | undefined, code: string, counter: number | string): { steps: VoiceStep[]; missing: string[] } {
  const t = template && template.trim() ? template : DEFAULT_ANNOUNCEMENT_TEMPLATE
  const missing: string[] = []
  const steps: VoiceStep[] = []
  for (const part of t.split(/(\{code\}|\{counter\})/)) {
    const more = part === '{code}' ? codeSteps(code, missing) : part === '{counter}' ? counterSteps(counter, missing) : textSteps(part, missing)
    if (!more.length) continue
    if (steps.length) steps.push({ pause: PAUSES.part })
    steps.push(...more)
  }
  if (missing.length && t !== DEFAULT_ANNOUNCEMENT_TEMPLATE) {
    return { steps: announcementPlan(DEFAULT_ANNOUNCEMENT_TEMPLATE, code, counter).steps, missing }
  }
  return { steps, missing }
}

/** The clip ids of a plan, in order (what a test expects the Web Audio graph to play). */
export function planClips(steps: VoiceStep[]): string[] {
  return steps.flatMap((s) => ('clip' in s ? [s.clip] : []))
}
