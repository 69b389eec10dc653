import { ERROR_STATUS, type ErrorCode } from '../common/errors.js'

/** A domain failure the caller can act on: one stable code, mapped to a status by the HTTP error handler. */
export class AppError extends Error {
  readonly status: number
  constructor(
    readonly code: ErrorCode,
    readonly params: Record<string, string | number> = {},
    readonly details?: { path: string; message: string }[],
  ) {
    super(code)
    this.name = 'AppError'
    this.status = ERROR_STATUS[code]
  }
}
