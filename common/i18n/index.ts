import { en } from './en.js'
import { vi } from './vi.js'

type Widen<T> = { [K in keyof T]: T[K] extends string ? string : Widen<T[K]> }
export type Catalog = Widen<typeof vi>
export type Lang = 'vi' | 'en'

export const catalogs: Record<Lang, Catalog> = { vi, en }

/** Fills `{name}` placeholders; an unknown placeholder stays as written. */
export function format(template: string, params: Record<string, string | number> = {}): string {
  return template.replace(/\{(\w+)\}/g, (m, k: string) => (k in params ? String(params[k]) : m))
}

/** Vietnamese unless the caller asked for English. */
export function pickLang(hint: string | undefined | null): Lang {
  return hint && /^en\b/i.test(hint.trim()) ? 'en' : 'vi'
}
