import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildApp, type App } from '../../api/app.ts'
import { createTokenStore } from '../../archive/tokens.ts'
import { createMetricsRegistry } from '../../core/metrics.ts'
import { openTestDb, type TestDb } from '../helpers/db.ts'
import { awkward, listOperations, type Operation } from '../helpers/openapi.ts'

// Every route that takes a JSON body, fed the corner cases of JSON and of text: each is a 400
// problem+json before any handler runs, and nothing is written.

/** Every string of a value with a lone surrogate inside (the escape is JSON; the result is not text). */
function withSurrogates(value: unknown, escape: string): string {
  // A body without any string gets one (the parser must refuse it before the schema could).
  const text = JSON.stringify(value)
  if (!text.includes('"')) value = value !== null && typeof value === 'object' && !Array.isArray(value) ? { ...value, note: '' } : [value, '']
  return JSON.stringify(value, (_k, v: unknown) => (typeof v === 'string' ? `${v}\u0001SURROGATE\u0001` : v))
    .replaceAll('\\u0001SURROGATE\\u0001', escape)
}

const RAW_BODIES: { name: string; body: (valid: unknown) => string | Buffer }[] = [
  { name: 'lone high surrogate', body: (v) => withSurrogates(v, '\\ud800') },
  { name: 'lone low surrogate', body: (v) => withSurrogates(v, 'x\\udfffy') },
  { name: 'surrogate pair reversed', body: (v) => withSurrogates(v, '\\udc00\\ud800') },
  { name: 'invalid UTF-8 byte', body: (v) => Buffer.concat([Buffer.from(JSON.stringify(v).slice(0, -1)), Buffer.from(',"x":"\xff'.replace('\xff', ''), 'utf8'), Buffer.from([0xff, 0x22, 0x7d])]) },
  { name: 'UTF-8 encoded surrogate (CESU-8)', body: () => Buffer.from([0x7b, 0x22, 0x6e, 0x61, 0x6d, 0x65, 0x22, 0x3a, 0x22, 0xed, 0xa0, 0x80, 0x22, 0x7d]) },
  { name: 'overlong UTF-8', body: () => Buffer.from([0x7b, 0x22, 0x6e, 0x22, 0x3a, 0x22, 0xc0, 0xaf, 0x22, 0x7d]) },
  { name: 'truncated document', body: (v) => JSON.stringify(v).slice(0, -1) || '{' },
  { name: 'trailing garbage', body: (v) => `${JSON.stringify(v)} x` },
  { name: 'empty body', body: () => '' },
  { name: 'whitespace only', body: () => ' \n ' },
  { name: 'number out of range', body: () => '{"limit":1e400,"name":"x"}' },
  { name: 'NaN literal', body: () => '{"limit":NaN}' },
  { name: 'single quotes', body: () => "{'name':'x'}" },
  { name: 'comment', body: () => '{/* c */"name":"x"}' },
  { name: 'deep nesting', body: () => '['.repeat(100_000) + ']'.repeat(100_000) },
  { name: 'prototype poisoning', body: () => '{"__proto__":{"admin":true},"name":"x"}' },
  { name: 'surrogate in a field name', body: () => '{"na\\ud800me":"x"}' },
]

describe('malformed JSON bodies are a 400 on every route that takes one', () => {
  let db: TestDb
  let app: App
  let auth: Record<string, string>
  let operations: Operation[] = []

  beforeAll(async () => {
    db = await openTestDb()
    app = await buildApp({ config: db.config, clickhouse: db.clickhouse, engine: 'embedded', metrics: createMetricsRegistry() }, { logger: false })
    await app.ready()
    const token = (await createTokenStore(db.clickhouse).create({ name: 'malformed-admin', role: 'admin' }, { name: 'test', role: 'system', address: '', via: 'cli' })).token
    auth = { authorization: `Bearer ${token}` }
    operations = (await listOperations(app)).filter((op) => op.body !== undefined && !op.path.startsWith('/docs'))
  })
  afterAll(async () => {
    await app.close()
    await db.close()
  })

  it('covers every route with a JSON body', () => {
    expect(operations.length).toBeGreaterThan(15)
  })

  it('answers 400 problem+json with the reason, and writes nothing', async () => {
    const countRows = async () => {
      const rs = await db.clickhouse.query({ query: "SELECT sum(total_rows) AS n FROM system.tables WHERE database = currentDatabase() AND engine LIKE '%MergeTree' AND name != 'api_token_usage'", format: 'JSONEachRow' })
      return Number((await rs.json<{ n: number }>())[0]?.n ?? 0)
    }
    const before = await countRows()
    const failures: string[] = []
    for (const op of operations) {
      const path = op.path.replace(/\{[^}]+\}/g, '00000000-0000-4000-8000-000000000000')
      const valid = awkward(op.body, 2)
      for (const raw of RAW_BODIES) {
        const res = await app.inject({
          method: op.method as 'POST', url: path,
          headers: { ...auth, 'content-type': 'application/json', 'if-match': '"0"' },
          payload: raw.body(valid),
        })
        if (res.statusCode !== 400 || !String(res.headers['content-type']).startsWith('application/problem+json')) {
          failures.push(`${op.method} ${op.path} ${raw.name} → ${res.statusCode} ${res.body.slice(0, 160)}`)
        }
      }
    }
    expect(failures).toEqual([])
    // Every table but the token's last use (signing in happens before the body is read), the audit log included.
    expect(await countRows()).toBe(before)
  }, 180_000)

  it('names what is wrong', async () => {
    const res = await app.inject({
      method: 'POST', url: '/api/v1/campaigns',
      headers: { ...auth, 'content-type': 'application/json' }, payload: '{"name":"a\\ud800b","year":2026}',
    })
    expect(res.statusCode).toBe(400)
    expect(res.json().detail).toContain('body.name: contains a lone UTF-16 surrogate')
    const bad = await app.inject({
      method: 'POST', url: '/api/v1/campaigns',
      headers: { ...auth, 'content-type': 'application/json' }, payload: Buffer.from([0x7b, 0x22, 0x6e, 0x22, 0x3a, 0x22, 0xff, 0x22, 0x7d]),
    })
    expect(bad.statusCode).toBe(400)
    expect(bad.json().detail).toContain('not valid UTF-8')
  })

  it('still takes a well-formed body with astral characters and a byte order mark', async () => {
    const res = await app.inject({
      method: 'POST', url: '/api/v1/sectors',
      headers: { ...auth, 'content-type': 'application/json' },
      payload: Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(JSON.stringify({ code: 'astral', name_zh: '𠀀漢字😀', name_en: 'Astral 😀', status: 'active' }))]),
    })
    expect(res.statusCode).toBe(201)
    expect(res.json().name_zh).toBe('𠀀漢字😀')
  })
})
