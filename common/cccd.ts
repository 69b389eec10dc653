// The QR on the chip ID card (CCCD gắn chip), read from a scanner that types like a keyboard or from a
// camera: one line, fields separated by '|' (docs/staff.md "The ID card's QR"; the layouts seen in public
// parsers are in ../shared/reference/cccd-qr.md). Pure: no DOM, no clock; the pages and tests share it.
// A payload is taken whole or not at all: any field that fails its check refuses the card, so a
// partial or garbled scan never prefills a field with a wrong value.

export type CccdSex = 'male' | 'female'

export interface CccdCard {
  /** số định danh cá nhân: 12 digits */
  idNumber: string
  /** the old 9-digit CMND, when the card carries it */
  oldIdNumber: string | null
  /** NFC, as printed (upper case on the card) */
  fullName: string
  /** 'YYYY-MM-DD' */
  birthDate: string
  sex: CccdSex
  /** nơi thường trú, NFC */
  address: string
  /** 'YYYY-MM-DD', when present */
  issueDate: string | null
  /** how many fields the payload had: 7 (the usual), 6 (no CMND column) or 8 (an expiry date after the issue date) */
  fields: 6 | 7 | 8
}

/** Why a payload was refused; the pages say it in the clerk's language (i18n `cccd.problems`). */
export const CCCD_PROBLEMS = [
  'empty', 'not_cccd', 'separator', 'field_count', 'bad_id', 'bad_old_id', 'bad_name', 'bad_birth_date',
  'bad_sex', 'bad_address', 'bad_issue_date', 'id_mismatch', 'encoding', 'typing_mode', 'no_diacritics',
] as const
export type CccdProblem = (typeof CCCD_PROBLEMS)[number]

export type CccdResult = { ok: true; card: CccdCard } | { ok: false; problem: CccdProblem }

/** 12 digits then a non-digit: what a scan looks like from its first keystrokes (staff/intake-scan.ts). */
export const CCCD_PREFIX = /^\d{12}\D/

const SEP = '|'
/** a keyboard layout other than the scanner's may type the '|' key as one of these */
const OTHER_SEPS = /[¦｜]/g
const MAX_PAYLOAD = 1000

/**
 * Latin-1 / Windows-1252 read of UTF-8 (Ữ → "á»®", Đ → "Ä\u0090", Ơ → "Æ\u00a0"), C1 controls, U+FFFD,
 * percent-escapes; none of these occur in Vietnamese text.
 */
const ENCODING = /[\u0080-\u009f\ufffd\u00c4\u00c5\u00c6\u00d0\u00de\u00df\u00f0\u00fe]|á[\u00b8-\u00bb\u00ba\u00b9]|[ÃÂ][\u00a0-\u00bf\u2018-\u203a\u0152-\u0178\u02c6\u02dc\u20ac]|%[0-9A-F]{2}/i

/** letters Vietnamese words never hold: Telex types tones and marks with them (s f r x j, w, aa/ee/oo/dd) */
const TELEX_WORD = /[fjwz]|dd|aa|ee|(?<![o])oo(?!ng)|[aeiouy][aeiouy]?[sfrxj]$/i
/** VNI types marks as digits after the letter ("Nguye64n"); a name never holds a digit */
const VNI_WORD = /[a-z][0-9]|[0-9][a-z]/i
const HEX_FIELD = /^(?:[0-9a-f]{2}){6,}$/i

/** 'ddMMyyyy' or 'dd/MM/yyyy' → 'YYYY-MM-DD' when it is a real date from 1900 to 2199. */
export function cccdDate(s: string): string | null {
  const m = /^(\d{2})\/?(\d{2})\/?(\d{4})$/.exec(s)
  if (!m || (s.includes('/') && s.length !== 10)) return null
  const [, d, mo, y] = m
  const iso = `${y}-${mo}-${d}`
  const t = new Date(`${iso}T00:00:00Z`)
  if (Number.isNaN(t.getTime()) || t.toISOString().slice(0, 10) !== iso) return null
  return Number(y) >= 1900 && Number(y) < 2200 ? iso : null
}

function sexOf(s: string): CccdSex | null {
  const v = s.normalize('NFC').trim().toLocaleLowerCase('vi')
  return v === 'nam' ? 'male' : v === 'nữ' ? 'female' : null
}

/** A garbled name or address says how it was garbled; null when it reads as Vietnamese. */
function textProblem(name: string, address: string): CccdProblem | null {
  const both = `${name} ${address}`
  if (ENCODING.test(both)) return 'encoding'
  if (HEX_FIELD.test(name) || HEX_FIELD.test(address)) return 'encoding'
  const words = name.split(/\s+/).filter(Boolean)
  if (words.some((w) => VNI_WORD.test(w))) return 'typing_mode'
  // every Vietnamese address names its commune, ward or province ("Xã", "Phường", "Tỉnh", "Thành phố"):
  // name and address with no letter beyond ASCII were typed by a scanner that drops the marks
  if (!/[^\x00-\x7f]/.test(both)) {
    if (words.some((w) => TELEX_WORD.test(w))) return 'typing_mode'
    return 'no_diacritics'
  }
  return null
}

/**
 * The number carries the sex and the century in its 4th digit (0/1: 1900s man/woman, 2/3: 2000s, 4/5: 2100s,
 * 8/9: 1800s) and the year's last two digits in the 5th and 6th (Thông tư 59/2021/TT-BCA Art. 4): a payload
 * whose columns slipped disagrees with itself.
 */
function idAgrees(id: string, birthDate: string, sex: CccdSex): boolean {
  const code = Number(id[3])
  const century = [1900, 1900, 2000, 2000, 2100, 2100, 2200, 2200, 1800, 1800][code]!
  return (code % 2 === 0) === (sex === 'male') && String(century + Number(id.slice(4, 6))) === birthDate.slice(0, 4)
}

const digits = (s: string, n: number) => s.length === n && /^\d+$/.test(s)

/** Reads a scanned payload; see the file's opening comment. */
export function parseCccd(raw: string): CccdResult {
  const fail = (problem: CccdProblem): CccdResult => ({ ok: false, problem })
  // scanners end with CR, LF or Tab; a BOM or stray spaces may lead
  let s = raw.replace(/^[\ufeff\s]+|[\r\n\t ]+$/g, '')
  if (!s) return fail('empty')
  if (s.length > MAX_PAYLOAD) return fail('field_count')
  s = s.normalize('NFC')
  if (!s.includes(SEP)) {
    if (OTHER_SEPS.test(s)) s = s.replace(OTHER_SEPS, SEP)
    else return /^\d{12}/.test(s) ? fail('separator') : fail('not_cccd')
  }
  const parts = s.split(SEP).map((p) => p.trim())
  // a health-insurance card (BHYT) or anything else with '|': its first field is not a 12-digit number
  if (!digits(parts[0]!, 12)) return /^\d+$/.test(parts[0]!) ? fail('bad_id') : fail('not_cccd')

  let f: { old: string; name: string; dob: string; sex: string; address: string; issue: string; expiry?: string }
  if (parts.length === 7 || parts.length === 8) {
    const [, old, name, dob, sex, address, issue, expiry] = parts as [string, string, string, string, string, string, string, string | undefined]
    f = { old, name, dob, sex, address, issue, ...(expiry !== undefined ? { expiry } : {}) }
  } else if (parts.length === 6) {
    // told apart from a 7-field payload cut short by its second field: a name, not a number or nothing
    if (/^\d*$/.test(parts[1]!)) return fail('field_count')
    const [, name, dob, sex, address, issue] = parts as [string, string, string, string, string, string]
    f = { old: '', name, dob, sex, address, issue }
  } else {
    return fail('field_count')
  }
  // a 7-field payload whose second field is a name is a 6-field card with one separator too many
  if (f.old && !/^\d+$/.test(f.old)) return fail('field_count')
  if (f.old && !digits(f.old, 9) && !digits(f.old, 12)) return fail('bad_old_id')
  const garbled = textProblem(f.name, f.address)
  if (garbled) return fail(garbled)
  if (!/^[\p{L}\p{M}][\p{L}\p{M} .'-]{0,119}$/u.test(f.name)) return fail('bad_name')
  const birthDate = cccdDate(f.dob)
  if (!birthDate) return fail('bad_birth_date')
  const sex = sexOf(f.sex)
  if (!sex) return fail('bad_sex')
  if (f.address.length < 3 || f.address.length > 300 || /[\u0000-\u001f<>]/.test(f.address)) return fail('bad_address')
  if (!idAgrees(parts[0]!, birthDate, sex)) return fail('id_mismatch')
  const issueDate = f.issue ? cccdDate(f.issue) : null
  if (f.issue && (!issueDate || issueDate < birthDate)) return fail('bad_issue_date')
  if (f.expiry && !cccdDate(f.expiry)) return fail('bad_issue_date')
  return {
    ok: true,
    card: {
      idNumber: parts[0]!, oldIdNumber: f.old || null, fullName: f.name.replace(/\s+/g, ' '), birthDate, sex,
      address: f.address.replace(/\s+/g, ' '), issueDate, fields: parts.length as 6 | 7 | 8,
    },
  }
}
