import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildApp, type App } from '../../api/app.ts'
import { createTokenStore } from '../../archive/tokens.ts'
import { createMetricsRegistry } from '../../core/metrics.ts'
import { openTestDb, type TestDb } from '../helpers/db.ts'

// A write that answers an error leaves nothing behind, and a retried POST with its
// Idempotency-Key creates nothing twice. The audit log is made unavailable for real (the table
// is detached from the engine), not mocked.
describe('writes are atomic or idempotent', () => {
  let db: TestDb
  let app: App
  let admin: Record<string, string>
  let analyst: Record<string, string>

  const count = async (sql: string, params: Record<string, unknown> = {}) => {
    const rs = await db.clickhouse.query({ query: sql, query_params: params, format: 'JSONEachRow' })
    return Number((await rs.json<{ n: number }>())[0]?.n ?? 0)
  }
  const campaigns = (name: string) => count('SELECT count() AS n FROM hc_campaigns WHERE name = {name:String}', { name })
  const post = (url: string, payload: object, headers: Record<string, string> = admin) =>
    app.inject({ method: 'POST', url, headers: { ...headers, 'content-type': 'application/json' }, payload: JSON.stringify(payload) })

  beforeAll(async () => {
    db = await openTestDb()
    app = await buildApp({ config: db.config, clickhouse: db.clickhouse, engine: 'embedded', metrics: createMetricsRegistry() }, { logger: false })
    await app.ready()
    const store = createTokenStore(db.clickhouse)
    const system = { name: 'test', role: 'system', address: '', via: 'cli' } as const
    admin = { authorization: `Bearer ${(await store.create({ name: 'safety-admin', role: 'admin' }, system)).token}` }
    analyst = { authorization: `Bearer ${(await store.create({ name: 'safety-analyst', role: 'admin' }, system)).token}` }
  })
  afterAll(async () => {
    await db.clickhouse.command({ query: 'ATTACH TABLE audit_log' }).catch(() => undefined)
    await app.close()
    await db.close()
  })

  it('a retried POST with the same Idempotency-Key gets the first answer and creates one campaign', async () => {
    const key = 'c0ffee00-0000-4000-8000-000000000001'
    const first = await post('/api/v1/campaigns', { name: 'retried', year: 2026 }, { ...admin, 'idempotency-key': key })
    expect(first.statusCode).toBe(201)
    const again = await post('/api/v1/campaigns', { name: 'retried', year: 2026 }, { ...admin, 'idempotency-key': key })
    expect(again.statusCode).toBe(201)
    expect(again.headers['idempotent-replayed']).toBe('true')
    expect(again.json().id).toBe(first.json().id)
    expect(await campaigns('retried')).toBe(1)
    // The same key for another request is refused, not replayed.
    const other = await post('/api/v1/campaigns', { name: 'something else', year: 2026 }, { ...admin, 'idempotency-key': key })
    expect(other.statusCode).toBe(422)
    expect(await campaigns('something else')).toBe(0)
    // Keys belong to their caller: another token's same key is its own request.
    const theirs = await post('/api/v1/campaigns', { name: 'retried', year: 2026 }, { ...analyst, 'idempotency-key': key })
    expect(theirs.statusCode).toBe(201)
    expect(theirs.json().id).not.toBe(first.json().id)
    expect(theirs.headers['idempotent-replayed']).toBeUndefined()
  })

  it('two copies of one request sent at once create one campaign', async () => {
    const headers = { ...admin, 'idempotency-key': 'at-once-1' }
    const answers = await Promise.all([1, 2, 3].map(() => post('/api/v1/campaigns', { name: 'at once', year: 2026 }, headers)))
    expect(answers.map((a) => a.statusCode)).toEqual([201, 201, 201])
    expect(new Set(answers.map((a) => a.json().id)).size).toBe(1)
    expect(await campaigns('at once')).toBe(1)
  })

  it('refuses a malformed key', async () => {
    const res = await post('/api/v1/campaigns', { name: 'bad key', year: 2026 }, { ...admin, 'idempotency-key': 'has spaces in it' })
    expect(res.statusCode).toBe(400)
    expect(await campaigns('bad key')).toBe(0)
  })

  it('with the audit log unavailable, a write answers an error and leaves nothing; the retry creates it once, audited', async () => {
    const key = 'audit-down-1'
    const audited = () => count("SELECT count() AS n FROM audit_log WHERE object_type = 'campaign' AND action = 'create'")
    const auditedBefore = await audited()
    await db.clickhouse.command({ query: 'DETACH TABLE audit_log' })
    try {
      const failed = await post('/api/v1/campaigns', { name: 'audit down', year: 2026 }, { ...admin, 'idempotency-key': key })
      expect(failed.statusCode).toBeGreaterThanOrEqual(500)
      expect(await campaigns('audit down')).toBe(0)
      // The same holds for the archive and for tokens.
      const sector = await post('/api/v1/sectors', { code: 'audit-down', name_zh: '审计', name_en: 'Audit down', status: 'active' })
      expect(sector.statusCode).toBeGreaterThanOrEqual(500)
      expect(await count("SELECT count() AS n FROM sectors WHERE code = 'audit-down'")).toBe(0)
      const token = await post('/api/v1/tokens', { name: 'audit-down', role: 'analyst' })
      expect(token.statusCode).toBeGreaterThanOrEqual(500)
      expect(await count("SELECT count() AS n FROM api_tokens WHERE name = 'audit-down'")).toBe(0)
    } finally {
      await db.clickhouse.command({ query: 'ATTACH TABLE audit_log' })
    }
    // A 5xx is not kept: the retry with the same key does the work, once.
    const retried = await post('/api/v1/campaigns', { name: 'audit down', year: 2026 }, { ...admin, 'idempotency-key': key })
    expect(retried.statusCode).toBe(201)
    expect(retried.headers['idempotent-replayed']).toBeUndefined()
    expect(await campaigns('audit down')).toBe(1)
    expect(await audited()).toBe(auditedBefore + 1)
  })
})
