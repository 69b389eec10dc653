/**
 * The request log: one line a request, with its id (given by a proxy as X-Request-Id, or made here).
 * A log is read by more people than the secrets in a request: no session, no lookup code, no search.
 */
import { randomUUID } from 'node:crypto'
import type { RequestHandler } from 'express'
import type { Logger } from 'pino'
import { pinoHttp } from 'pino-http'

/**
 * Query parameters whose values are logged: the ones known to carry no secret and no personal data.
 * Any other value (`lookupCode`, a search `q`, a dossier `code`, Socket.IO's `sid`, a name added later)
 * is written as [redacted].
 */
const LOGGED_QUERY = new Set([
  'center', 'lang', 'status', 'view', 'procedureId', 'limit', 'from', 'to', 'groupBy', 'format', 'year',
  'entity', 'day', 'staff', 'counter', 'EIO', 'transport',
])
export const REDACTED = '[redacted]'

/** `url` (a path or an absolute address) with the values of its query redacted but for LOGGED_QUERY's. */
export function redactUrl(url: string): string {
  const q = url.indexOf('?')
  if (q < 0) return url
  const hash = url.indexOf('#', q)
  const query = url.slice(q + 1, hash < 0 ? undefined : hash)
  const pairs = [...new URLSearchParams(query)].map(([k, v]) => `${encodeURIComponent(k)}=${LOGGED_QUERY.has(k) ? encodeURIComponent(v) : REDACTED}`)
  return `${url.slice(0, q)}?${pairs.join('&')}`
}

function redactQuery(query: unknown): unknown {
  if (query === null || typeof query !== 'object') return query
  return Object.fromEntries(Object.entries(query).map(([k, v]) => [k, LOGGED_QUERY.has(k) ? v : REDACTED]))
}

/** pino-http's request serializer after the standard one: new objects, the live request is not touched. */
function redactRequest(req: { url?: string; query?: unknown; headers?: Record<string, unknown> }) {
  if (typeof req.url === 'string') req.url = redactUrl(req.url)
  req.query = redactQuery(req.query)
  const referer = req.headers?.referer
  if (typeof referer === 'string') req.headers = { ...req.headers, referer: redactUrl(referer) }
  return req
}

export function requestLogger(logger: Logger): RequestHandler {
  const httpLogger = pinoHttp({
    logger,
    // a session token in a log line is a session anyone reading the logs can use
    redact: { paths: ['req.headers.cookie', 'req.headers.authorization', 'res.headers["set-cookie"]'], censor: REDACTED },
    serializers: { req: redactRequest },
    genReqId: (req, res) => {
      const given = req.headers['x-request-id']
      const id = typeof given === 'string' && /^[\w-]{1,64}$/.test(given) ? given : randomUUID()
      res.setHeader('x-request-id', id)
      return id
    },
  })
  return httpLogger as unknown as RequestHandler
}
