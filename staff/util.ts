import { ApiError, NetworkError } from '../web/api.js'
import { duration, fmt, getLang, t } from '../web/i18n.js'

/** The server's clock as last seen: waiting times tick from it, not from the counter PC's own clock. */
let skewMs = 0
export function syncClock(serverNow: string): void {
  skewMs = new Date(serverNow).getTime() - Date.now()
}
export function serverNow(): number {
  return Date.now() + skewMs
}

export function minutesSince(iso: string): number {
  return Math.max(0, Math.floor((serverNow() - new Date(iso).getTime()) / 60_000))
}

/** "12 phút", "1 giờ 5 phút"; under a minute "0 phút". */
export function sinceText(iso: string): string {
  return duration(minutesSince(iso))
}

/** 245 → "4 phút 5 giây" */
export function secondsText(s: number | null): string {
  if (s === null) return t().staff.noValue
  const m = Math.floor(s / 60), sec = s % 60
  if (m && !sec) return fmt(t().pages.minutes, { n: m })
  return m ? fmt(t().staff.secondsShort, { m, s: sec }) : fmt(t().staff.secondsOnly, { s: sec })
}

/** An API error in the page's language (a ticket status in it worded too). */
export function errorText(e: unknown): string {
  const words = t()
  if (e instanceof ApiError) {
    const tpl = (words.errors as Record<string, string>)[e.code]
    if (!tpl) return e.message
    const status = e.params.status
    const params = typeof status === 'string' && status in words.ticketStatus
      ? { ...e.params, status: words.ticketStatus[status as keyof typeof words.ticketStatus] } : e.params
    return fmt(tpl, params)
  }
  if (e instanceof NetworkError) return words.staff.offline
  return words.errors.INTERNAL
}

/** A state conflict: another tab, another clerk or the server's rules got there first. */
export function isConflict(e: unknown): boolean {
  return e instanceof ApiError && (e.status === 409 || e.status === 403 || e.status === 404)
}

export function debounce(fn: () => void, ms: number): () => void {
  let timer: ReturnType<typeof setTimeout> | undefined
  return () => {
    clearTimeout(timer)
    timer = setTimeout(fn, ms)
  }
}

/** Keeps every `[data-since]` element's "n phút" current between refetches. */
export function tickDurations(root: ParentNode = document): void {
  for (const el of root.querySelectorAll<HTMLElement>('[data-since]')) {
    const tpl = el.dataset.tpl
    const text = sinceText(el.dataset.since!)
    el.textContent = tpl ? fmt(tpl, { time: text }) : text
  }
}

/** A refused request with every problem of its body (`VALIDATION_FAILED`). */
export class ApiValidationError extends ApiError {
  constructor(status: number, code: string, params: Record<string, string | number>, message: string, readonly details: { path: string; message: string }[]) {
    super(status, code, params, message)
  }
}

/** Any write, with the error's details kept (web/api.ts speaks GET and POST only and drops them): forms outline each refused field. */
export async function apiWrite<T>(method: 'POST' | 'PATCH' | 'PUT' | 'DELETE', path: string, body?: unknown): Promise<T> {
  let res: Response
  try {
    res = await fetch(path, { method, headers: { accept: 'application/json', 'content-type': 'application/json' }, body: JSON.stringify(body ?? {}), cache: 'no-store' })
  } catch (e) {
    throw new NetworkError(String(e))
  }
  const json = (await res.json().catch(() => null)) as { error?: { code?: string; message?: string; params?: Record<string, string | number>; details?: { path: string; message: string }[] } } | null
  if (!res.ok) {
    const err = json?.error
    throw new ApiValidationError(res.status, err?.code ?? 'INTERNAL', err?.params ?? {}, err?.message ?? `HTTP ${res.status}`, err?.details ?? [])
  }
  if (json === null) throw new NetworkError(`bad response ${res.status}`)
  return json as T
}

export const apiPatch = <T>(path: string, body: unknown): Promise<T> => apiWrite<T>('PATCH', path, body)

/** A service's name in the page's language. */
export function serviceName(s: { nameVi: string; nameEn: string }): string {
  return getLang() === 'en' ? s.nameEn : s.nameVi
}
