/** Every error code the API answers with, and its HTTP status. Codes are stable: other programs rely on them. */
export const ERROR_STATUS = {
  VALIDATION_FAILED: 400,
  BAD_JSON: 400,
  PAYLOAD_TOO_LARGE: 413,
  NOT_FOUND: 404,
  CENTER_NOT_FOUND: 404,
  SERVICE_NOT_FOUND: 404,
  PRIORITY_GROUP_NOT_FOUND: 404,
  TICKET_NOT_FOUND: 404,
  COUNTER_NOT_FOUND: 404,
  AUTH_REQUIRED: 401,
  LOGIN_FAILED: 401,
  FORBIDDEN: 403,
  WRONG_CENTER: 403,
  NOT_AT_COUNTER: 403,
  NOT_YOUR_HELD_TICKET: 403,
  ORIGIN_MISMATCH: 403,
  SERVICE_INACTIVE: 409,
  CENTER_CLOSED: 409,
  AFTER_CUTOFF: 409,
  DAILY_CAP_REACHED: 409,
  REQUEST_ID_REUSED: 409,
  COUNTER_CLOSED: 409,
  COUNTER_PAUSED: 409,
  COUNTER_NOT_PAUSED: 409,
  COUNTER_NOT_CLOSED: 409,
  COUNTER_IN_USE: 409,
  STAFF_AT_OTHER_COUNTER: 409,
  COUNTER_BUSY: 409,
  NO_OPEN_COUNTER: 409,
  TICKET_NOT_WAITING: 409,
  TICKET_WRONG_STATE: 409,
  TICKET_NOT_TODAY: 409,
  TRANSFER_SAME_SERVICE: 409,
  RATE_LIMITED: 429,
  DB_UNAVAILABLE: 503,
  INTERNAL: 500,
} as const

export type ErrorCode = keyof typeof ERROR_STATUS

export interface ApiErrorBody {
  error: {
    code: ErrorCode
    message: string
    /** every problem of a bad request (VALIDATION_FAILED) */
    details?: { path: string; message: string }[]
    /** values the message was built from, for pages that word it themselves */
    params?: Record<string, string | number>
  }
}
