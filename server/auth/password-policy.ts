import { readFileSync } from 'node:fs'
import { randomInt } from 'node:crypto'
import { AppError } from '../errors.js'

/**
 * The password rules, checked wherever a password is set (an account created or reset, one's own change,
 * the set-up page's first admin, `npm run staff:create`), and the generator of one-time and demo passwords.
 * Existing hashes are never re-checked: the rules apply when a password is chosen. docs/staff.md, "Passwords".
 */
export const PASSWORD_MIN_LENGTH = 12
export const PASSWORD_MAX_LENGTH = 200

export type PasswordRule = 'PASSWORD_TOO_SHORT' | 'PASSWORD_TOO_COMMON' | 'PASSWORD_HAS_USERNAME'

let common: Set<string> | undefined
/** common-passwords.txt: the 10,000 most common passwords (its header names the source), read at first use */
function commonPasswords(): Set<string> {
  common ??= new Set(readFileSync(new URL('./common-passwords.txt', import.meta.url), 'utf8')
    .split('\n').filter((l) => l && !l.startsWith('#')))
  return common
}

/** Words of this product and of the Vietnamese "password" that a center's staff would reach for first. */
const CONTEXT_WORDS = new Set(['motcua', 'motcuademo', 'matkhau', 'nasang', 'quantri', 'quanly', 'canbo', 'admin'])

/** lower case, Vietnamese marks taken off (đ → d), letters only: "Mật-khẩu 2026!" → "matkhau" */
function letters(s: string): string {
  return s.toLowerCase().normalize('NFD').replace(/\p{M}/gu, '').replace(/đ/g, 'd').replace(/[^\p{L}]/gu, '')
}

/** "123456789012", "abcdefghijkl", "987654321098": each character one after (or before) the previous one */
function isRun(s: string): boolean {
  const c = [...s.toLowerCase()].map((ch) => ch.codePointAt(0)!)
  const step = (a: number, b: number) => (b - a === 1 || (a === 57 && b === 48) ? 1 : a - b === 1 || (a === 48 && b === 57) ? -1 : 0)
  const first = step(c[0]!, c[1]!)
  return first !== 0 && c.every((x, i) => i === 0 || step(c[i - 1]!, x) === first)
}

/**
 * The first rule a new password breaks, or null when it keeps them all:
 * - PASSWORD_TOO_SHORT: fewer than 12 characters;
 * - PASSWORD_TOO_COMMON: one of the 10,000 most common passwords (whatever its case), or one of them, or a
 *   word of this product, with only digits and signs around it ("Password2026!", "motcua-demo"), or fewer
 *   than 5 different characters ("abababababab"), or a run ("123456789012");
 * - PASSWORD_HAS_USERNAME: the username, or the username inside it.
 */
export function passwordProblem(password: string, opts: { username?: string } = {}): PasswordRule | null {
  if ([...password].length < PASSWORD_MIN_LENGTH) return 'PASSWORD_TOO_SHORT'
  const username = opts.username?.trim().toLowerCase()
  const lower = password.toLowerCase()
  if (username && (lower === username || (username.length >= 4 && lower.includes(username)))) return 'PASSWORD_HAS_USERNAME'
  const core = letters(password)
  const list = commonPasswords()
  if (list.has(lower) || (core.length >= 4 && (list.has(core) || CONTEXT_WORDS.has(core)))) return 'PASSWORD_TOO_COMMON'
  if (new Set(lower).size < 5 || isRun(password)) return 'PASSWORD_TOO_COMMON'
  return null
}

/**
 * Throws the rule a new password breaks (400, Vietnamese first), with `params.field` naming the form field
 * to outline and `params.min` the length.
 */
export function assertPasswordAllowed(password: string, opts: { username?: string; field?: string } = {}): void {
  const problem = passwordProblem(password, opts)
  if (problem) throw new AppError(problem, { min: PASSWORD_MIN_LENGTH, field: opts.field ?? 'password' })
}

/** Lower-case letters of the Vietnamese alphabet and digits, without look-alikes (0/o, 1/l/i) nor f j w z. */
const ALPHABET = 'abcdeghkmnpqrstuvxy23456789'

/**
 * A random password of four groups of four (`k7mq-d3xa-…`, 27^16 ≈ 2^76): easy to read aloud or copy from a
 * screen in Vietnamese. The one-time password of a reset, and the demo password of an install.
 */
export function generatePassword(): string {
  for (;;) {
    const groups = Array.from({ length: 4 }, () => Array.from({ length: 4 }, () => ALPHABET[randomInt(ALPHABET.length)]).join(''))
    const p = groups.join('-')
    if (!passwordProblem(p)) return p
  }
}
