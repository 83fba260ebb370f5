import { createHash } from 'node:crypto'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import fp from 'fastify-plugin'
import { loadSql } from '../../sql/queries.ts'
import { ApiError } from '../errors.ts'

/** Printable ASCII, as long as a UUID or a little more (draft-ietf-httpapi-idempotency-key-header). */
const KEY = /^[\x21-\x7e]{1,255}$/
const REPLAYED_HEADERS = ['content-type', 'location', 'etag'] as const

interface Pending {
  caller: string
  key: string
  fingerprint: string
  release: () => void
}

declare module 'fastify' {
  interface FastifyRequest {
    idempotency?: Pending
  }
}

interface Stored {
  fingerprint: string
  status: number
  headers: string
  body: string
}

/**
 * `Idempotency-Key` on POST: the first answer (anything but a 5xx) to a caller's key is kept a
 * day, and the same request sent again with the same key gets that answer again, with
 * `Idempotent-Replayed: true`, instead of doing the work twice. The same key with another
 * request (method, URL or JSON body) is 422; a retry that arrives while the first is still
 * running waits for it. Keys are per caller (token): nobody can replay another's answer. A
 * multipart upload is fingerprinted by method and URL only (its body is read by the route).
 */
export default fp(
  async function idempotencyPlugin(app: FastifyInstance) {
    const running = new Map<string, Promise<void>>()

    app.addHook('preHandler', async (request, reply) => {
      const key = request.headers['idempotency-key']
      if (request.method !== 'POST' || key === undefined || !request.principal) return
      if (typeof key !== 'string' || !KEY.test(key)) throw new ApiError('bad_request', 'Idempotency-Key must be 1–255 printable ASCII characters (a UUID is a good choice)')
      const caller = request.principal.tokenId ?? request.principal.name
      const slot = `${caller}\u0000${key}`
      const fingerprint = createHash('sha256').update(`${request.method} ${request.url}\n`).update(request.body === undefined || isStream(request.body) ? '' : JSON.stringify(request.body)).digest('hex')
      while (running.has(slot)) await running.get(slot)
      // Claimed before the first await, so that copies arriving together wait for this one.
      let release!: () => void
      running.set(slot, new Promise<void>((resolve) => (release = () => {
        running.delete(slot)
        resolve()
      })))
      let stored: Stored | undefined
      try {
        stored = await lookup(app, caller, key)
      } catch (err) {
        release()
        throw err
      }
      if (stored) {
        release()
        return replay(reply, stored, fingerprint)
      }
      request.idempotency = { caller, key, fingerprint, release }
    })

    app.addHook('onSend', async (request, reply, payload) => {
      const pending = request.idempotency
      if (!pending || reply.statusCode >= 500 || (typeof payload !== 'string' && !Buffer.isBuffer(payload))) return payload
      const headers = Object.fromEntries(REPLAYED_HEADERS.map((h) => [h, reply.getHeader(h)]).filter(([, v]) => v !== undefined))
      try {
        await app.clickhouse.insert({
          table: 'idempotency_keys', format: 'JSONEachRow',
          values: [{ caller: pending.caller, key: pending.key, fingerprint: pending.fingerprint, status: reply.statusCode, headers: JSON.stringify(headers), body: String(payload) }],
        })
      } catch (err) {
        request.log.warn({ err }, 'could not keep the answer of an Idempotency-Key request; a retry would run again')
      }
      return payload
    })

    const done = async (request: FastifyRequest) => request.idempotency?.release()
    app.addHook('onResponse', done)
    app.addHook('onRequestAbort', done)
  },
  { name: 'holowatch-idempotency', dependencies: ['holowatch-auth'] },
)

async function lookup(app: FastifyInstance, caller: string, key: string): Promise<Stored | undefined> {
  const rs = await app.clickhouse.query({ query: loadSql('api/idempotency_get'), query_params: { caller, key }, format: 'JSONEachRow' })
  return (await rs.json<Stored>())[0]
}

function replay(reply: FastifyReply, stored: Stored, fingerprint: string): FastifyReply {
  if (stored.fingerprint !== fingerprint) {
    throw new ApiError('unprocessable', 'this Idempotency-Key was used for another request (method, URL or body); use a new key for a new request')
  }
  const headers = JSON.parse(stored.headers) as Record<string, string>
  return reply.code(stored.status).headers({ ...headers, 'idempotent-replayed': 'true' }).send(stored.body)
}

function isStream(body: unknown): boolean {
  return typeof (body as { pipe?: unknown }).pipe === 'function'
}
