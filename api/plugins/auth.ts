import type { FastifyInstance, FastifyRequest } from 'fastify'
import fp from 'fastify-plugin'
import { Counter } from 'prom-client'
import { createTokenStore, matchesBootstrapToken, type TokenStore } from '../../archive/tokens.ts'
import { ApiError } from '../errors.ts'
import type { Caller } from '../routes/attacks/access.ts'

declare module 'fastify' {
  interface FastifyRequest {
    /** The authenticated caller of an /api/v1 request; set by the auth plugin before any route runs. */
    principal?: Caller
  }
  interface FastifyInstance {
    tokens: TokenStore
  }
}

export interface AuthOptions {
  /** Failed authentications one client address may make per minute before it gets 429 (default 10). */
  failuresPerMinute?: number
}

const WINDOW_MS = 60_000
const BEARER = /^Bearer\s+(\S+)\s*$/i

/**
 * Bearer-token authentication for everything under /api/v1 (health, readiness, metrics, the
 * docs and the dashboard stay open). A request without a valid, unexpired, unrevoked token gets
 * 401; a client address with too many failures in the last minute gets 429 with Retry-After
 * until the minute is over, whatever token it sends, so tokens cannot be guessed at speed.
 */
export default fp(
  async function authPlugin(app: FastifyInstance, opts: AuthOptions) {
    const store = createTokenStore(app.clickhouse)
    const limiter = createFailureLimiter(opts.failuresPerMinute ?? 10, WINDOW_MS)
    const failures = new Counter({
      name: 'holowatch_auth_failures_total',
      help: 'API requests refused for want of a valid token, by reason (missing, malformed, unknown, expired, revoked, rate_limited)',
      labelNames: ['reason'] as const,
      registers: [app.metrics],
    })
    app.decorate('tokens', store)
    app.decorateRequest('principal', undefined)

    app.addHook('onRequest', async (request, reply) => {
      if (!needsAuth(request)) return
      const address = request.ip
      const wait = limiter.blockedFor(address)
      if (wait > 0) {
        failures.labels('rate_limited').inc()
        reply.header('retry-after', String(Math.ceil(wait / 1000)))
        throw new ApiError('rate_limited', `too many failed authentications from ${address}; retry in ${Math.ceil(wait / 1000)} s`)
      }
      const fail = (reason: string, detail: string): never => {
        failures.labels(reason).inc()
        limiter.fail(address)
        reply.header('www-authenticate', 'Bearer realm="holowatch"')
        throw new ApiError('unauthorized', detail)
      }
      const header = request.headers.authorization
      if (!header) return fail('missing', 'a bearer token is required (Authorization: Bearer <token>)')
      const presented = BEARER.exec(header)?.[1]
      if (!presented) return fail('malformed', 'the Authorization header must be "Bearer <token>"')
      if (matchesBootstrapToken(presented, app.config.adminToken)) {
        request.principal = { role: 'admin', orgs: [], name: 'bootstrap-admin' }
        return
      }
      const verdict = await store.verify(presented, address)
      if (!verdict.ok) {
        const why = { malformed: 'is not a holowatch token', unknown: 'is not known', expired: 'has expired', revoked: 'was revoked' }[verdict.reason]
        return fail(verdict.reason, `the bearer token ${why}`)
      }
      const t = verdict.token
      request.principal = { role: t.role, orgs: t.orgs, campaigns: t.campaigns, name: t.name, tokenId: t.id }
    })
  },
  { name: 'holowatch-auth' },
)

function needsAuth(request: FastifyRequest): boolean {
  const path = request.url.split('?')[0] ?? ''
  return path === '/api/v1' || path.startsWith('/api/v1/')
}

/** Counts failures per client address over a fixed window; bounded so that a flood of addresses cannot grow it without end. */
export function createFailureLimiter(limit: number, windowMs: number, now: () => number = Date.now) {
  const windows = new Map<string, { start: number; failures: number }>()
  const current = (address: string) => {
    const w = windows.get(address)
    return w && now() - w.start < windowMs ? w : undefined
  }
  return {
    /** Milliseconds until `address` may try again; 0 when it is not blocked. */
    blockedFor(address: string): number {
      const w = current(address)
      return w && w.failures >= limit ? w.start + windowMs - now() : 0
    },
    fail(address: string): void {
      const w = current(address)
      if (w) {
        w.failures++
        return
      }
      if (windows.size >= 100_000) {
        for (const [key, value] of windows) if (now() - value.start >= windowMs) windows.delete(key)
        if (windows.size >= 100_000) windows.clear()
      }
      windows.set(address, { start: now(), failures: 1 })
    },
  }
}
