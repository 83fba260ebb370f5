import type { FastifyInstance, FastifyRequest } from 'fastify'
import fp from 'fastify-plugin'
import { ApiError } from '../errors.ts'

/** Deeper than this, a body is not a holowatch request but an attempt to exhaust a stack. */
export const MAX_JSON_DEPTH = 64

const UTF8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false })
/** A high surrogate not followed by a low one, or a low one not preceded by a high one. */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/

/**
 * The JSON body parser every route uses. Beyond Fastify's (prototype poisoning refused), a body
 * must be valid UTF-8, its strings well-formed text (a lone UTF-16 surrogate such as "\ud800"
 * is JSON but not text, and no database column can store it), its numbers finite (1e400 parses
 * to Infinity) and its nesting at most MAX_JSON_DEPTH deep. Each is a 400 naming where the
 * body is wrong, before any handler runs: a request that fails here has changed nothing.
 */
export default fp(
  async function jsonBodyPlugin(app: FastifyInstance) {
    const parseJson = app.getDefaultJsonParser('error', 'error')
    app.removeContentTypeParser('application/json')
    app.addContentTypeParser('application/json', { parseAs: 'buffer' }, (request: FastifyRequest, body: Buffer, done) => {
      let text: string
      try {
        text = UTF8.decode(body)
      } catch {
        return done(new ApiError('bad_request', `the body is not valid UTF-8 (first bad byte at offset ${firstBadByte(body)})`), undefined)
      }
      if (text.trim() === '') return done(new ApiError('bad_request', 'the body is empty; send a JSON document or no Content-Type'), undefined)
      parseJson(request, text, (err, value) => {
        if (err) return done(new ApiError('bad_request', `the body is not valid JSON: ${err.message}`), undefined)
        const wrong = malformed(value)
        if (wrong) return done(new ApiError('bad_request', wrong), undefined)
        done(null, value)
      })
    })
  },
  { name: 'holowatch-json-body' },
)

/** What makes a parsed JSON value unfit as input, with its path (body.a[2].b), or undefined. */
export function malformed(root: unknown): string | undefined {
  const stack: { value: unknown; path: string; depth: number }[] = [{ value: root, path: 'body', depth: 0 }]
  while (stack.length > 0) {
    const { value, path, depth } = stack.pop()!
    if (typeof value === 'string') {
      if (LONE_SURROGATE.test(value)) return `${path}: contains a lone UTF-16 surrogate, which is not text`
    } else if (typeof value === 'number') {
      if (!Number.isFinite(value)) return `${path}: the number is out of range`
    } else if (value !== null && typeof value === 'object') {
      if (depth >= MAX_JSON_DEPTH) return `${path}: nested deeper than ${MAX_JSON_DEPTH} levels`
      const entries = Array.isArray(value) ? value.map((v, i) => [`[${i}]`, v] as const) : Object.entries(value).map(([k, v]) => [`.${k}`, v] as const)
      for (const [key, child] of entries) {
        if (LONE_SURROGATE.test(key)) return `${path}: a field name contains a lone UTF-16 surrogate, which is not text`
        stack.push({ value: child, path: `${path}${key}`, depth: depth + 1 })
      }
    }
  }
  return undefined
}

/** The offset of the first byte that breaks UTF-8 (for the error message). */
function firstBadByte(bytes: Buffer): number {
  let lo = 0
  let hi = bytes.length
  // The longest valid prefix, by bisection on the fatal decoder.
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2)
    try {
      new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(0, mid), { stream: true })
      lo = mid
    } catch {
      hi = mid - 1
    }
  }
  return lo
}
