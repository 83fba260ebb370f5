import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildApp, type App } from '../../api/app.ts'
import { createMetricsRegistry } from '../../core/metrics.ts'
import { openTestDb, type TestDb } from '../helpers/db.ts'

// The headers a browser needs to keep the dashboard and the API safe, on pages, on JSON, on
// errors and on the operations endpoints alike.
describe('security headers', () => {
  let db: TestDb
  let app: App

  beforeAll(async () => {
    db = await openTestDb()
    app = await buildApp({ config: db.config, clickhouse: db.clickhouse, engine: 'embedded', metrics: createMetricsRegistry() }, { logger: false })
    await app.ready()
  })
  afterAll(async () => {
    await app.close()
    await db.close()
  })

  const common = (headers: Record<string, unknown>) => {
    expect(headers['x-frame-options']).toBe('DENY')
    expect(headers['x-content-type-options']).toBe('nosniff')
    expect(headers['referrer-policy']).toBe('no-referrer')
    expect(String(headers['content-security-policy'])).toContain("frame-ancestors 'none'")
  }

  it('the dashboard page: its own scripts only, never framed', async () => {
    const res = await app.inject({ method: 'GET', url: '/' })
    expect(res.statusCode).toBe(200)
    common(res.headers)
    const csp = String(res.headers['content-security-policy'])
    const script = /script-src ([^;]+)/.exec(csp)?.[1] ?? /default-src ([^;]+)/.exec(csp)?.[1]
    expect(script).toBe("'self'")
    expect(csp).toContain("object-src 'none'")
    const asset = await app.inject({ method: 'GET', url: '/app.js' })
    expect(asset.statusCode).toBe(200)
    common(asset.headers)
    // A reload revalidates the page: the 304 carries the same policy (a browser keeps the 304's for the cached page).
    const again = await app.inject({ method: 'GET', url: '/', headers: { 'if-none-match': String(res.headers.etag) } })
    expect(again.statusCode).toBe(304)
    expect(again.headers['content-security-policy']).toBe(csp)
  })

  it('API answers, errors and operations endpoints', async () => {
    for (const url of ['/api/v1/me', '/api/v1/nothing-here', '/healthz', '/readyz', '/metrics', '/docs/json']) {
      const res = await app.inject({ method: 'GET', url })
      common(res.headers)
      if (url.startsWith('/api')) expect(String(res.headers['content-security-policy'])).toContain("default-src 'none'")
    }
    const refused = await app.inject({ method: 'POST', url: '/api/v1/campaigns', headers: { 'content-type': 'application/json' }, payload: '{' })
    expect(refused.statusCode).toBeGreaterThanOrEqual(400)
    common(refused.headers)
  })
})
