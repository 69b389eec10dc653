import type { ApiErrorBody, ErrorCode } from '../common/errors.js'
import { catalogs, format } from '../common/i18n/index.js'
import { getLang } from './i18n.js'

/** The server answered with `{ error: { code, … } }`. */
export class ApiError extends Error {
  constructor(readonly status: number, readonly code: ErrorCode | string, readonly params: Record<string, string | number>, message: string) {
    super(message)
    this.name = 'ApiError'
  }
  /** worth retrying with the same request: the server or its database is briefly unavailable */
  get transient(): boolean {
    return this.status >= 500
  }
}

/** The request did not get an answer (server down, network lost, timed out). */
export class NetworkError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'NetworkError'
  }
}

export async function api<T>(method: 'GET' | 'POST', path: string, body?: unknown, opts: { timeoutMs?: number } = {}): Promise<T> {
  const ctl = new AbortController()
  const timer = setTimeout(() => ctl.abort(), opts.timeoutMs ?? 10_000)
  let res: Response
  try {
    res = await fetch(path, {
      method,
      headers: body === undefined ? { accept: 'application/json' } : { accept: 'application/json', 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: ctl.signal,
      cache: 'no-store',
    })
  } catch (e) {
    throw new NetworkError(String(e))
  } finally {
    clearTimeout(timer)
  }
  let json: unknown
  try {
    json = await res.json()
  } catch {
    // a proxy's HTML error page or a cut connection
    if (res.ok) throw new NetworkError(`bad response ${res.status}`)
    throw new ApiError(res.status, res.status >= 500 ? 'INTERNAL' : 'NOT_FOUND', {}, `HTTP ${res.status}`)
  }
  if (!res.ok) {
    const err = (json as Partial<ApiErrorBody>)?.error
    throw new ApiError(res.status, err?.code ?? 'INTERNAL', err?.params ?? {}, err?.message ?? `HTTP ${res.status}`)
  }
  return json as T
}

export const apiGet = <T>(path: string, opts?: { timeoutMs?: number }) => api<T>('GET', path, undefined, opts)
export const apiPost = <T>(path: string, body: unknown, opts?: { timeoutMs?: number }) => api<T>('POST', path, body, opts)

/** The page's own wording of an API error, in the page's language. */
export function errorMessage(e: unknown): string {
  const words = catalogs[getLang()].errors
  if (e instanceof ApiError) {
    const tpl = (words as Record<string, string>)[e.code]
    return tpl ? format(tpl, e.params) : e.message
  }
  return words.INTERNAL
}

/** One id per tap; `crypto.randomUUID` exists only on https or localhost, a LAN kiosk may be neither. */
export function newRequestId(): string {
  if (typeof crypto.randomUUID === 'function' && globalThis.isSecureContext) return crypto.randomUUID()
  const b = crypto.getRandomValues(new Uint8Array(16))
  return 'k' + Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('')
}

/** `?center=` or the first center the server knows (a one-center install needs no parameter). */
export async function resolveCenter(): Promise<string> {
  const given = new URLSearchParams(location.search).get('center')
  if (given) return given
  for (let attempt = 0; ; attempt++) {
    try {
      const { centers } = await apiGet<{ centers: { slug: string }[] }>('/api/centers')
      if (centers[0]) return centers[0].slug
      throw new ApiError(404, 'CENTER_NOT_FOUND', {}, 'no center')
    } catch (e) {
      if (e instanceof ApiError && e.status === 404) throw e
      await new Promise((r) => setTimeout(r, Math.min(10_000, 1000 * 2 ** attempt)))
    }
  }
}
