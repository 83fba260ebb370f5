import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildApp, type App } from '../../api/app.ts'
import { createTokenStore, ensureFirstAdminToken, hashToken } from '../../archive/tokens.ts'
import { createMetricsRegistry } from '../../core/metrics.ts'
import { openTestDb, type TestDb } from '../helpers/db.ts'

// Bearer-token authentication over real tokens in the embedded database.
const ACTOR = { name: 'test-setup', role: 'admin', address: '127.0.0.1', via: 'cli' } as const
const ORG = '0a000000-0000-4000-8000-0000000000a1'

describe('tokens and authentication', () => {
  let db: TestDb
  let app: App
  let firstAdmin: string
  const bearer = (token: string) => ({ authorization: `Bearer ${token}` })
  let n = 0
  // Each case comes from its own client address, so the failure limit of one does not leak into the next.
  const from = () => `192.0.2.${++n}`

  beforeAll(async () => {
    db = await openTestDb({ env: { HOLOWATCH_ADMIN_TOKEN: 'bootstrap-secret-for-tests' } })
    const printed: string[] = []
    firstAdmin = (await ensureFirstAdminToken(db.clickhouse, (line) => printed.push(line)))!
    expect(printed.join('\n')).toContain(firstAdmin)
    app = await buildApp({ config: db.config, clickhouse: db.clickhouse, engine: 'embedded', metrics: createMetricsRegistry() }, { logger: false })
    await app.ready()
  })
  afterAll(async () => {
    await app.close()
    await db.close()
  })

  it('the first start prints one admin token, stored only as its hash, and never again', async () => {
    expect(firstAdmin).toMatch(/^hw_[A-Za-z0-9_-]{43}$/)
    expect(await ensureFirstAdminToken(db.clickhouse, () => {})).toBeUndefined()
    const stored = await db.rows<{ hash: string; role: string }>('SELECT hash, toString(role) AS role FROM api_tokens')
    expect(stored).toEqual([{ hash: hashToken(firstAdmin), role: 'admin' }])
    expect(JSON.stringify(await db.rows('SELECT * FROM api_tokens'))).not.toContain(firstAdmin)
  })

  it('an admin issues a token over the API; it works, is listed without its secret and audited', async () => {
    const res = await app.inject({ method: 'POST', url: '/api/v1/tokens', headers: bearer(firstAdmin), payload: { name: 'analyst wang', role: 'analyst' } })
    expect(res.statusCode, res.body).toBe(201)
    const { token, info } = res.json()
    expect(info).toMatchObject({ name: 'analyst wang', role: 'analyst', created_by: 'first-admin', revoked_at: null })
    const me = await app.inject({ method: 'GET', url: '/api/v1/attacks', headers: bearer(token) })
    expect(me.statusCode, me.body).toBe(200)
    const list = await app.inject({ method: 'GET', url: '/api/v1/tokens', headers: bearer(firstAdmin) })
    expect(list.body).not.toContain(token)
    const listed = list.json().items.find((t: { id: string }) => t.id === info.id)
    expect(listed.last_used_at).not.toBeNull()
    expect((await app.inject({ method: 'GET', url: '/api/v1/tokens', headers: bearer(token) })).statusCode).toBe(403)
    const audit = await db.rows<{ actor: string; action: string; object_id: string }>(
      "SELECT actor, action, object_id FROM audit_log WHERE object_type = 'token' AND object_id = {id:String}", { id: info.id },
    )
    expect(audit).toEqual([{ actor: 'first-admin', action: 'create', object_id: info.id }])
  })

  it('refuses a missing, malformed, unknown, expired or revoked token with 401 problem+json', async () => {
    const store = createTokenStore(db.clickhouse)
    const expired = await store.create({ name: 'old', role: 'analyst', expiresAt: Date.now() - 1000 }, ACTOR)
    const revoked = await store.create({ name: 'leaked', role: 'analyst' }, ACTOR)
    const before = await app.inject({ method: 'GET', url: '/api/v1/attacks', headers: bearer(revoked.token), remoteAddress: from() })
    expect(before.statusCode).toBe(200)
    const del = await app.inject({ method: 'DELETE', url: `/api/v1/tokens/${revoked.info.id}`, headers: bearer(firstAdmin) })
    expect(del.statusCode).toBe(204)
    const cases: [Record<string, string>, string][] = [
      [{}, 'a bearer token is required'],
      [{ authorization: 'Basic dXNlcjpwYXNz' }, 'must be "Bearer <token>"'],
      [bearer('hw_short'), 'is not a holowatch token'],
      [bearer(`hw_${'A'.repeat(43)}`), 'is not known'],
      [bearer(expired.token), 'has expired'],
      [bearer(revoked.token), 'was revoked'],
    ]
    for (const [headers, detail] of cases) {
      const res = await app.inject({ method: 'GET', url: '/api/v1/attacks', headers, remoteAddress: from() })
      expect(res.statusCode).toBe(401)
      expect(res.headers['content-type']).toContain('application/problem+json')
      expect(res.headers['www-authenticate']).toContain('Bearer')
      expect(res.json()).toMatchObject({ code: 'unauthorized' })
      expect(res.json().detail).toContain(detail)
    }
    expect((await app.inject({ method: 'DELETE', url: `/api/v1/tokens/${revoked.info.id}`, headers: bearer(firstAdmin) })).statusCode).toBe(404)
  })

  it('health, readiness, metrics and the docs stay open', async () => {
    for (const url of ['/healthz', '/readyz', '/metrics', '/docs/json']) {
      expect((await app.inject({ method: 'GET', url })).statusCode, url).toBe(200)
    }
  })

  it('rate-limits ten typos of one token with 429 and Retry-After, and nobody else behind the same address', async () => {
    const proxy = from()
    const typo = `${firstAdmin.slice(0, -1)}${firstAdmin.endsWith('A') ? 'B' : 'A'}`
    for (let i = 0; i < 10; i++) {
      expect((await app.inject({ method: 'GET', url: '/api/v1/attacks', headers: bearer(typo), remoteAddress: proxy })).statusCode).toBe(401)
    }
    const blocked = await app.inject({ method: 'GET', url: '/api/v1/attacks', headers: bearer(firstAdmin), remoteAddress: proxy })
    expect(blocked.statusCode).toBe(429)
    expect(Number(blocked.headers['retry-after'])).toBeGreaterThan(0)
    expect(Number(blocked.headers['retry-after'])).toBeLessThanOrEqual(60)
    expect(blocked.json().detail).toContain('with this token')
    const metrics = (await app.inject({ method: 'GET', url: '/metrics' })).body
    expect(metrics).toMatch(/holowatch_auth_failures_total\{reason="rate_limited"\} [1-9]/)
    expect(metrics).toMatch(/holowatch_auth_failures_total\{reason="revoked"\} 1/)
    // Another person behind the same proxy, with their own token, is not locked out.
    const colleague = (await app.inject({ method: 'POST', url: '/api/v1/tokens', headers: bearer(firstAdmin), payload: { name: 'colleague', role: 'analyst' } })).json().token as string
    expect((await app.inject({ method: 'GET', url: '/api/v1/attacks', headers: bearer(colleague), remoteAddress: proxy })).statusCode).toBe(200)
    // Another address is not affected either.
    expect((await app.inject({ method: 'GET', url: '/api/v1/attacks', headers: bearer(firstAdmin), remoteAddress: from() })).statusCode).toBe(200)
  })

  it('stops an address that guesses with many different tokens, whatever token it sends next', async () => {
    const guesser = from()
    for (let i = 0; i < 100; i++) {
      const guess = `hw_${i.toString(36).padStart(6, '0')}${'x'.repeat(37)}`
      expect((await app.inject({ method: 'GET', url: '/api/v1/attacks', headers: bearer(guess), remoteAddress: guesser })).statusCode).toBe(401)
    }
    const blocked = await app.inject({ method: 'GET', url: '/api/v1/attacks', headers: bearer(firstAdmin), remoteAddress: guesser })
    expect(blocked.statusCode).toBe(429)
    expect(blocked.json().detail).toContain(`failed authentications from ${guesser}`)
  })

  it('accepts the bootstrap token of HOLOWATCH_ADMIN_TOKEN as an admin', async () => {
    const res = await app.inject({ method: 'GET', url: '/api/v1/tokens', headers: bearer('bootstrap-secret-for-tests') })
    expect(res.statusCode).toBe(200)
  })

  it('validates token requests: owner tokens need organisations, unknown fields and past expiry refused', async () => {
    const post = (payload: object) => app.inject({ method: 'POST', url: '/api/v1/tokens', headers: bearer(firstAdmin), payload })
    expect((await post({ name: 'school', role: 'owner' })).statusCode).toBe(400)
    expect((await post({ name: 'school', role: 'owner', orgs: ['not-a-uuid'] })).statusCode).toBe(400)
    expect((await post({ name: 'x', role: 'root' })).statusCode).toBe(400)
    expect((await post({ name: 'x', role: 'analyst', admin: true })).json().detail).toContain('unknown field "admin"')
    expect((await post({ name: 'x', role: 'analyst', expires_at: '2001-01-01T00:00:00Z' })).statusCode).toBe(400)
    expect((await post({ name: "x'; DROP TABLE api_tokens; --", role: 'analyst' })).statusCode).toBe(400)
    const owner = await post({ name: 'school cso', role: 'owner', orgs: [ORG], expires_at: '2099-01-01T00:00:00Z' })
    expect(owner.statusCode).toBe(201)
    expect(owner.json().info).toMatchObject({ orgs: [ORG], expires_at: '2099-01-01T00:00:00.000Z' })
    expect((await db.rows('SELECT count() AS n FROM api_tokens WHERE startsWith(name, {p:String})', { p: "x'" }))).toEqual([{ n: 0 }])
  })
})
