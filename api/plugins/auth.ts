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
  /**
   * Failed authentications one client address may make per minute with one token (its first
   * characters) before that token gets 429 there (default 10); the address as a whole may fail
   * ADDRESS_FACTOR times as often before everything from it gets 429.
   */
  failuresPerMinute?: number
}

const WINDOW_MS = 60_000
const ADDRESS_FACTOR = 10
const BEARER = /^Bearer\s+(\S+)\s*$/i
/** Characters of a presented token that tell one person's typos from another's token behind the same proxy. */
const PREFIX_LENGTH = 9

/**
 * Bearer-token authentication for everything under /api/v1 (health, readiness, metrics, the
 * docs and the dashboard stay open). A request without a valid, unexpired, unrevoked token gets
 * 401. Failures are counted per client address *and* token prefix: ten typos of one token get
 * that token 429 with Retry-After until the minute is over, while the other people behind the
 * same proxy (other tokens) sign in as usual. An address failing with many different tokens
 * (guessing) is stopped as a whole at ten times that rate, so tokens cannot be guessed at speed.
 */
export default fp(
  async function authPlugin(app: FastifyInstance, opts: AuthOptions) {
    const store = createTokenStore(app.clickhouse)
    const perToken = opts.failuresPerMinute ?? 10
    const byToken = createFailureLimiter(perToken, WINDOW_MS)
    const byAddress = createFailureLimiter(perToken * ADDRESS_FACTOR, WINDOW_MS)
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
      const header = request.headers.authorization
      const presented = header ? BEARER.exec(header)?.[1] : undefined
      const key = `${address} ${(presented ?? header ?? '').slice(0, PREFIX_LENGTH)}`
      const [tokenWait, addressWait] = [byToken.blockedFor(key), byAddress.blockedFor(address)]
      const wait = Math.max(tokenWait, addressWait)
      if (wait > 0) {
        failures.labels('rate_limited').inc()
        reply.header('retry-after', String(Math.ceil(wait / 1000)))
        const what = addressWait > 0 ? `failed authentications from ${address}` : `failed attempts with this token from ${address}`
        throw new ApiError('rate_limited', `too many ${what}; retry in ${Math.ceil(wait / 1000)} s`)
      }
      const fail = (reason: string, detail: string): never => {
        failures.labels(reason).inc()
        byToken.fail(key)
        byAddress.fail(address)
        reply.header('www-authenticate', 'Bearer realm="holowatch"')
        throw new ApiError('unauthorized', detail)
      }
      if (!header) return fail('missing', 'a bearer token is required (Authorization: Bearer <token>)')
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

/** Counts failures per key (an address, or an address and a token prefix) over a fixed window; bounded so that a flood of addresses cannot grow it without end. */
export function createFailureLimiter(limit: number, windowMs: number, now: () => number = Date.now) {
  const windows = new Map<string, { start: number; failures: number }>()
  const current = (key: string) => {
    const w = windows.get(key)
    return w && now() - w.start < windowMs ? w : undefined
  }
  return {
    /** Milliseconds until `key` may try again; 0 when it is not blocked. */
    blockedFor(key: string): number {
      const w = current(key)
      return w && w.failures >= limit ? w.start + windowMs - now() : 0
    },
    fail(key: string): void {
      const w = current(key)
      if (w) {
        w.failures++
        return
      }
      if (windows.size >= 100_000) {
        for (const [key, value] of windows) if (now() - value.start >= windowMs) windows.delete(key)
        if (windows.size >= 100_000) windows.clear()
      }
      windows.set(key, { start: now(), failures: 1 })
    },
  }
}
