import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import fp from 'fastify-plugin'
import { ApiError, problem, type Problem, type ProblemCode } from '../errors.ts'

/**
 * ClickHouse error codes (from the server's ErrorCodes) that mean "the database is not
 * answering" rather than "this request was wrong". Mapped by code, never by message text.
 */
const UNAVAILABLE_CLICKHOUSE_CODES = new Set(['159', '209', '210', '241', '242', '394', '425'])
const UNAVAILABLE_NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENOTFOUND', 'EPIPE'])
/** A full disk, here (ENOSPC, EDQUOT) or in ClickHouse (NOT_ENOUGH_SPACE): 503, send it again later. */
const DISK_FULL_CODES = new Set(['ENOSPC', 'EDQUOT', '243'])
/** How long a client should wait before sending again what a 503 refused. */
const RETRY_AFTER_S = 60

/** Turns every error into problem+json: 4xx with the reason, 5xx logged and kept opaque. */
export default fp(
  async function errorsPlugin(app: FastifyInstance) {
    app.setErrorHandler((err: FastifyError, request, reply) => {
      const answer = toProblem(err, request)
      if (answer.status >= 500) {
        request.log.error({ err, code: answer.code }, 'request failed')
      }
      if (answer.status === 503 && !reply.hasHeader('retry-after')) reply.header('retry-after', String(RETRY_AFTER_S))
      return sendProblem(reply, answer)
    })
    app.setNotFoundHandler((request, reply) =>
      sendProblem(reply, problem('not_found', `no route ${request.method} ${request.url.split('?')[0]}`, request.url)),
    )
  },
  { name: 'holowatch-errors' },
)

export function sendProblem(reply: FastifyReply, body: Problem): FastifyReply {
  return reply.code(body.status).type('application/problem+json').send(body)
}

function toProblem(err: FastifyError, request: FastifyRequest): Problem {
  const instance = request.url
  if (err instanceof ApiError) return { ...problem(err.code, err.message, instance), ...err.extra }
  if (err.validation) {
    const errors = err.validation.map((v) => ({
      field: `${err.validationContext ?? 'body'}${v.instancePath || ''}`.replace(/\//g, '.'),
      message: describeValidation(v),
    }))
    const detail = errors.map((e) => `${e.field}: ${e.message}`).join('; ')
    return { ...problem('validation_failed', detail, instance), errors }
  }
  const status = err.statusCode ?? 500
  if (status < 500) return problem(codeForStatus(status), err.message, instance)
  const dbCode = (err as { code?: string }).code
  if (dbCode && DISK_FULL_CODES.has(dbCode)) return problem('disk_full', 'the disk is full; nothing was stored: send it again later', instance)
  if (dbCode && (UNAVAILABLE_CLICKHOUSE_CODES.has(dbCode) || UNAVAILABLE_NETWORK_CODES.has(dbCode))) {
    return problem('database_unavailable', 'ClickHouse did not answer; try again shortly', instance)
  }
  return problem('internal', 'an internal error occurred; it has been logged', instance)
}

function describeValidation(v: { keyword: string; message?: string; params?: Record<string, unknown> }): string {
  if (v.keyword === 'additionalProperties') return `unknown field "${String(v.params?.additionalProperty)}"`
  return v.message ?? v.keyword
}

function codeForStatus(status: number): ProblemCode {
  switch (status) {
    case 401: return 'unauthorized'
    case 403: return 'forbidden'
    case 404: return 'not_found'
    case 405: return 'method_not_allowed'
    case 409: return 'conflict'
    case 412: return 'precondition_failed'
    case 413: return 'payload_too_large'
    case 415: return 'unsupported_media_type'
    case 422: return 'unprocessable'
    case 428: return 'precondition_required'
    case 429: return 'rate_limited'
    default: return 'bad_request'
  }
}
