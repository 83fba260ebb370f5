/**
 * The catalogue of API errors. Every error answer is `application/problem+json` (RFC 9457) with
 * a stable `code` from this list, a `title` that never changes for a code, and a `detail` that
 * says what was wrong with this request. 5xx details never carry internals.
 */
export const PROBLEMS = {
  bad_request: { status: 400, title: 'Bad request' },
  validation_failed: { status: 400, title: 'The request does not match the schema' },
  unauthorized: { status: 401, title: 'Authentication required' },
  forbidden: { status: 403, title: 'Not allowed for this role' },
  not_found: { status: 404, title: 'Not found' },
  method_not_allowed: { status: 405, title: 'Method not allowed' },
  conflict: { status: 409, title: 'Conflict' },
  precondition_failed: { status: 412, title: 'The object changed since it was read' },
  payload_too_large: { status: 413, title: 'Request body too large' },
  unsupported_media_type: { status: 415, title: 'Unsupported media type' },
  unprocessable: { status: 422, title: 'The request cannot be processed' },
  precondition_required: { status: 428, title: 'If-Match header required' },
  rate_limited: { status: 429, title: 'Too many requests' },
  internal: { status: 500, title: 'Internal error' },
  database_unavailable: { status: 503, title: 'The database is unavailable' },
  disk_full: { status: 503, title: 'Not enough disk space' },
  not_ready: { status: 503, title: 'Not ready' },
} as const

export type ProblemCode = keyof typeof PROBLEMS

export interface Problem {
  type: string
  title: string
  status: number
  detail: string
  code: ProblemCode
  instance?: string
  errors?: { field: string; message: string }[]
}

/** An error a route throws on purpose; the error handler answers it as problem+json. */
export class ApiError extends Error {
  readonly status: number
  constructor(
    readonly code: ProblemCode,
    detail: string,
    readonly extra: Partial<Pick<Problem, 'errors'>> = {},
  ) {
    super(detail)
    this.name = 'ApiError'
    this.status = PROBLEMS[code].status
  }
}

export function problem(code: ProblemCode, detail: string, instance?: string): Problem {
  const { status, title } = PROBLEMS[code]
  return { type: `/problems/${code}`, title, status, detail, code, ...(instance ? { instance } : {}) }
}
