/**
 * JSON request bodies, read when a route's `validate()` needs one: after the route's role check and
 * rate limits, so a refused stranger costs no parsing. Bounded in size (20 kB unless a route allows
 * more) and in nesting depth, checked on the raw bytes before JSON.parse sees them.
 */
import express, { type Request, type RequestHandler, type Response } from 'express'
import { AppError } from '../errors.js'

export const BODY_LIMIT_BYTES = 20 * 1024
/** deeper than any request of the API (the online filing nests 3 levels) */
export const MAX_JSON_DEPTH = 20

const allowed = new WeakMap<Request, number>()

/** The routes after this middleware take bodies up to `bytes` (the online filing's attachments). */
export function allowBodyUpTo(bytes: number): RequestHandler {
  return (req, _res, next) => { allowed.set(req, bytes); next() }
}

/** True when the UTF-8 JSON text nests arrays and objects deeper than `max` (brackets inside strings do not count). */
export function nestsDeeperThan(buf: Uint8Array, max: number): boolean {
  let depth = 0
  let inString = false
  for (let i = 0; i < buf.length; i++) {
    const c = buf[i]
    if (inString) {
      if (c === 0x5c) i++ // a backslash escapes the next byte: \" does not end the string
      else if (c === 0x22) inString = false
    } else if (c === 0x22) inString = true
    else if (c === 0x5b || c === 0x7b) { if (++depth > max) return true }
    else if (c === 0x5d || c === 0x7d) depth--
  }
  return false
}

const tooDeep = 'entity.too.deep'

// body-parser calls `verify` with the raw (decompressed, size-bounded) bytes before it parses them
function verify(_req: unknown, _res: unknown, buf: Buffer, encoding: string | null) {
  // JSON between systems is UTF-8 (RFC 8259): the byte scan below relies on it
  if (encoding !== 'utf-8' && encoding !== 'utf8') throw Object.assign(new Error('JSON must be UTF-8'), { type: 'charset.unsupported' })
  if (nestsDeeperThan(buf, MAX_JSON_DEPTH)) throw Object.assign(new Error('JSON nested too deeply'), { type: tooDeep })
}

const parsers = new Map<number, RequestHandler>()
function parserFor(limit: number): RequestHandler {
  let p = parsers.get(limit)
  if (!p) parsers.set(limit, p = express.json({ limit, verify }))
  return p
}

/**
 * Reads the request's JSON body into `req.body`, once (a body already read is not read again).
 * A body of another type (a form, text/plain) is refused: the parser would skip it and a strict schema
 * would read it as "no body".
 */
export async function readJsonBody(req: Request, res: Response): Promise<void> {
  const limit = allowed.get(req) ?? BODY_LIMIT_BYTES
  await new Promise<void>((resolve, reject) => {
    parserFor(limit)(req, res, (err?: unknown) => {
      if (!err) resolve()
      else reject((err as { type?: unknown }).type === tooDeep ? new AppError('BODY_TOO_DEEP', { max: MAX_JSON_DEPTH }) : err)
    })
  })
  const length = Number(req.headers['content-length'] ?? 0)
  if (req.body === undefined && (length > 0 || req.headers['transfer-encoding'] !== undefined)) throw new AppError('BAD_JSON')
}

/** `readJsonBody` as a middleware, for a route whose own limiter reads the body (login's per-username throttle). */
export const jsonBody: RequestHandler = async (req, res, next) => {
  await readJsonBody(req, res)
  next()
}
