import type { ErrorRequestHandler, RequestHandler } from 'express'
import type { Logger } from 'pino'
import { catalogs, format, pickLang, type Lang } from '../../common/i18n/index.js'
import type { ApiErrorBody, ErrorCode } from '../../common/errors.js'
import { AppError } from '../errors.js'

export const chooseLanguage: RequestHandler = (req, _res, next) => {
  const q = typeof req.query.lang === 'string' ? req.query.lang : undefined
  req.lang = pickLang(q ?? req.headers['accept-language']?.split(',')[0])
  next()
}

export const notFound: RequestHandler = () => { throw new AppError('NOT_FOUND') }

// body-parser's ways of failing to read a JSON body: bad syntax, a charset or compression it cannot decode
const BODY_UNREADABLE = new Set(['entity.parse.failed', 'charset.unsupported', 'encoding.unsupported', 'request.size.invalid'])

const DB_DOWN = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', '57P01', '57P03', '08006', '08001', '08003'])

/** The one error format: `{ error: { code, message } }`, never a stack trace. */
export function errorHandler(logger: Logger): ErrorRequestHandler {
  return (err, req, res, _next) => {
    const { status, body } = errorAnswer(err, req.lang ?? 'vi', logger, req.id)
    if (res.headersSent) return
    res.status(status).json(body)
  }
}

/** What an error is answered with (status and body), in the reader's language; unexpected ones are logged. */
export function errorAnswer(err: any, lang: Lang, logger: Logger, reqId: unknown): { status: number; body: ApiErrorBody } {
  let code: ErrorCode = 'INTERNAL', status = 500
  let params: Record<string, string | number> = {}, details: AppError['details']
  if (err instanceof AppError) {
    ({ code, status, params, details } = err)
  } else if (BODY_UNREADABLE.has(err?.type)) {
    code = 'BAD_JSON'; status = 400
  } else if (err?.type === 'entity.too.large') {
    code = 'PAYLOAD_TOO_LARGE'; status = 413
  } else if (err instanceof URIError && (err as { status?: number }).status === 400) {
    // a path the router cannot percent-decode (`/api/tickets/%E0%A4%A`)
    code = 'VALIDATION_FAILED'; status = 400
    details = [{ path: 'params', message: catalogs[lang].validation.invalid }]
  } else if (typeof err?.status === 'number' && err.status >= 400 && err.status < 500) {
    code = err.status === 404 ? 'NOT_FOUND' : 'VALIDATION_FAILED'; status = err.status === 404 ? 404 : 400
  } else if (DB_DOWN.has(err?.code) || /Connection terminated|connect ECONNREFUSED/.test(String(err?.message))) {
    code = 'DB_UNAVAILABLE'; status = 503
    logger.warn({ err, reqId }, 'database unavailable')
  } else {
    logger.error({ err, reqId }, 'unhandled error')
  }
  const words = catalogs[lang]
  // a ticket status in a message is worded in the reader's language; params keep the raw code
  const shown = typeof params.status === 'string' && params.status in words.ticketStatus
    ? { ...params, status: words.ticketStatus[params.status as keyof typeof words.ticketStatus] } : params
  const body: ApiErrorBody = { error: { code, message: format(words.errors[code], shown) } }
  if (details?.length) body.error.details = details
  if (Object.keys(params).length) body.error.params = params
  return { status, body }
}
