// Search folding and phone numbers (issue 22): what the dossier search compares, the same in the page,
// the server and the database (migration 0021 folds the stored names with the table below).

/**
 * The letters folded to their base: every precomposed Latin letter whose decomposition is an ASCII letter
 * and marks (ắ → a, Ễ → e), and đ/Đ → d (a letter of its own in Unicode, not d with a mark). Built once
 * from Unicode, in the ranges Vietnamese (and Latin-1) use; `FOLD_FROM[i]` folds to `FOLD_TO[i]`.
 */
export const { FOLD_FROM, FOLD_TO } = (() => {
  let from = 'đĐ'
  let to = 'dd'
  const ranges: [number, number][] = [[0xc0, 0x24f], [0x1e00, 0x1eff]]
  for (const [a, b] of ranges) {
    for (let cp = a; cp <= b; cp++) {
      const ch = String.fromCodePoint(cp)
      const base = ch.normalize('NFD').replace(/\p{M}/gu, '')
      if (base !== ch && /^[A-Za-z]$/.test(base)) { from += ch; to += base.toLowerCase() }
    }
  }
  return { FOLD_FROM: from, FOLD_TO: to }
})()

const FOLD_MAP = new Map([...FOLD_FROM].map((c, i) => [c, FOLD_TO[i]!]))

/**
 * A text as search compares it: NFC, the letters of FOLD_FROM folded, ASCII lower-cased (the database's
 * `lower(translate(…))` in migration 0021 gives the same for these letters whatever its locale).
 * "Nguyễn Văn Tuyết" → "nguyen van tuyet", "Đỗ" → "do".
 */
export function foldText(s: string): string {
  let out = ''
  for (const ch of s.normalize('NFC')) out += FOLD_MAP.get(ch) ?? ch
  return out.replace(/[A-Z]/g, (c) => c.toLowerCase())
}

/**
 * A phone number in one stored form, whatever the spelling: spaces, dots, dashes and brackets dropped;
 * a Vietnamese number with its country code (+84, 84, 0084) written with its trunk 0 instead.
 * "+84 912 345 678", "84912345678", "0912-345-678", "0912.345.678" → "0912345678". Another country's
 * number keeps its "+" and digits. Not a number at all: returned as it came (the schema refuses it).
 */
/** The spellings of a phone number the schemas accept (spaces, dots, dashes, brackets, a leading +)… */
export const PHONE_SPELLING = /^\+?[0-9(][0-9 .\-()]{7,22}[0-9]$/
/** …and the stored form, after `normalizePhone`: a Vietnamese 0… number, or another country's +digits. */
export const PHONE_STORED = /^(0[0-9]{8,10}|\+[1-9][0-9]{7,14})$/

/** A phone number the server takes (the schemas' two checks), for the pages to say which field is wrong first. */
export function isPhone(raw: string): boolean {
  return PHONE_SPELLING.test(raw.trim()) && PHONE_STORED.test(normalizePhone(raw))
}

export function normalizePhone(s: string): string {
  const t = s.trim()
  if (!/^\+?[0-9 .\-()]+$/.test(t)) return t
  const plus = t.startsWith('+')
  let d = t.replace(/[^0-9]/g, '')
  if (!plus && d.startsWith('00')) { d = d.slice(2); return normalizeIntl(d) }
  if (plus) return normalizeIntl(d)
  // 84 + a 9-digit subscriber number (mobile 3/5/7/8/9…, landline 2…), written without the +
  if (/^84[1-9][0-9]{8}$/.test(d)) return `0${d.slice(2)}`
  return d
}

/** A Vietnamese mobile number in its stored form: what SMS and Zalo reach (0 + 3, 5, 7, 8 or 9 + eight digits). */
export const MOBILE_STORED = /^0[35789][0-9]{8}$/

/** The stored mobile number of what was typed, in any spelling `normalizePhone` takes, or null when it is none. */
export function mobileOf(typed: string): string | null {
  const p = normalizePhone(typed)
  return MOBILE_STORED.test(p) ? p : null
}

function normalizeIntl(d: string): string {
  if (d.startsWith('84') && /^84[1-9][0-9]{7,9}$/.test(d)) return `0${d.slice(2)}`
  return `+${d}`
}

/**
 * The digits of a search text, if it looks like (a part of) a phone number in any spelling: used to find
 * the stored form. "0912 345", "+84 912-345" → "0912345"; "Tuyết" → null.
 */
export function phoneSearchDigits(q: string): string | null {
  const t = q.trim()
  if (!/^\+?[0-9(][0-9 .\-()]*$/.test(t)) return null
  let digits = t.replace(/[^0-9]/g, '')
  // the country code of a Vietnamese number, however long the part typed: stored with its trunk 0
  if (/^(\+|00)84/.test(t.replace(/[^0-9+]/g, ''))) digits = `0${digits.replace(/^(00)?84/, '')}`
  else if (/^84[1-9][0-9]{8}$/.test(digits)) digits = `0${digits.slice(2)}`
  return digits.length >= 3 ? digits : null
}

/** A stored phone number as people read it: "0912 345 678", a landline "024 3825 1234"; anything else as it is. */
export function formatPhone(stored: string): string {
  if (/^0[1-9][0-9]{8}$/.test(stored)) return `${stored.slice(0, 4)} ${stored.slice(4, 7)} ${stored.slice(7)}`
  if (/^02[0-9]{9}$/.test(stored)) return `${stored.slice(0, 3)} ${stored.slice(3, 7)} ${stored.slice(7)}`
  return stored
}
