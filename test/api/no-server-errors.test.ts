import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildApp, type App } from '../../api/app.ts'
import { createTokenStore, type NewToken } from '../../archive/tokens.ts'
import { createMetricsRegistry } from '../../core/metrics.ts'
import { openTestDb, type TestDb } from '../helpers/db.ts'

// Every route of the OpenAPI document, called as an admin with hostile path parameters, query
// strings and bodies, then with values that pass the schemas at their edges (longest texts with
// quotes and SQL, boundary numbers, far dates, nil UUIDs): the answer is a 2xx, 3xx or 4xx, never
// a 5xx.
const HOSTILE_STRINGS = ["' OR 1=1 --", '../../etc/passwd', '%00', 'x'.repeat(5000), '😀漢字', '-1', '1e309', 'null', '00000000-0000-0000-0000-000000000000']
const HOSTILE_BODIES: unknown[] = [
  {},
  [],
  'text',
  42,
  null,
  { name: { $gt: '' }, id: ["' OR 1=1"], networks: ['999.1.1.1/33', '::/200'], limit: -5, from: 'yesterday' },
  JSON.parse('{"a":'.repeat(64) + '1' + '}'.repeat(64)),
  { __proto__: { admin: true }, constructor: { prototype: { x: 1 } } },
]

interface Schema {
  type?: string | string[]
  format?: string
  properties?: Record<string, Schema>
  required?: string[]
  items?: Schema
  enum?: unknown[]
  const?: unknown
  anyOf?: Schema[]
  oneOf?: Schema[]
  minimum?: number
  maximum?: number
  minLength?: number
  maxLength?: number
  pattern?: string
}

interface Operation {
  method: string
  path: string
  query: string[]
  querySchema: Record<string, Schema>
  body?: Schema
}

/**
 * A value that passes the schema's types and formats but is as awkward as it can be: the longest
 * allowed text with quotes and SQL, boundary numbers, far dates, the nil UUID.
 */
function awkward(schema: Schema | undefined, seed: number, depth = 0): unknown {
  if (!schema || depth > 6) return null
  if (schema.const !== undefined) return schema.const
  if (schema.enum) return schema.enum[seed % schema.enum.length]
  const alternatives = schema.anyOf ?? schema.oneOf
  if (alternatives) return awkward(alternatives[seed % alternatives.length], seed, depth + 1)
  const type = Array.isArray(schema.type) ? schema.type[seed % schema.type.length] : schema.type
  switch (type) {
    case 'object': {
      const out: Record<string, unknown> = {}
      for (const [k, v] of Object.entries(schema.properties ?? {})) if (schema.required?.includes(k) || seed % 2 === 0) out[k] = awkward(v, seed + k.length, depth + 1)
      return out
    }
    case 'array':
      return seed % 3 === 0 ? [] : [awkward(schema.items, seed, depth + 1), awkward(schema.items, seed + 1, depth + 1)]
    case 'integer':
    case 'number':
      return [schema.minimum ?? 0, schema.maximum ?? 2_147_483_647, schema.minimum ?? -1][seed % 3]
    case 'boolean':
      return seed % 2 === 0
    case 'string': {
      if (schema.format === 'uuid') return ['00000000-0000-4000-8000-000000000000', 'ffffffff-ffff-4fff-bfff-ffffffffffff'][seed % 2]
      if (schema.format === 'date-time') return ['1970-01-01T00:00:00Z', '2999-12-31T23:59:59Z', '2026-11-26T00:00:00Z'][seed % 3]
      if (schema.format === 'date') return '2026-11-26'
      if (schema.format === 'email') return 'a@b.example'
      if (schema.format === 'ipv4') return '10.0.0.1'
      if (schema.pattern) return undefined
      const text = ["x' OR '1'='1", '漢字😀', '../..', 'x'][seed % 4]!
      const max = schema.maxLength ?? 300
      const min = schema.minLength ?? 0
      return text.repeat(Math.max(1, Math.ceil(Math.min(max, Math.max(min, 40)) / text.length))).slice(0, max).padEnd(min, 'x')
    }
    case 'null':
      return null
    default:
      return 'x'
  }
}

describe('no route answers 5xx to hostile input', () => {
  let db: TestDb
  let app: App
  let auth: Record<string, string>
  const roleAuth: Record<string, Record<string, string>> = {}
  let operations: Operation[] = []

  beforeAll(async () => {
    db = await openTestDb()
    app = await buildApp({ config: db.config, clickhouse: db.clickhouse, engine: 'embedded', metrics: createMetricsRegistry() }, { logger: false })
    await app.ready()
    const token = (await createTokenStore(db.clickhouse).create({ name: 'fuzz-admin', role: 'admin' }, { name: 'test', role: 'system', address: '', via: 'cli' })).token
    auth = { authorization: `Bearer ${token}` }
    const store = createTokenStore(db.clickhouse)
    const system = { name: 'test', role: 'system', address: '', via: 'cli' } as const
    const specs: NewToken[] = [
      { name: 'fuzz-analyst', role: 'analyst' },
      { name: 'fuzz-owner', role: 'owner', orgs: ['00000000-0000-4000-8000-000000000000'] },
      { name: 'fuzz-vendor', role: 'vendor', campaigns: ['00000000-0000-4000-8000-000000000000'] },
      { name: 'fuzz-sensor', role: 'sensor' },
    ]
    for (const spec of specs) roleAuth[spec.role] = { authorization: `Bearer ${(await store.create(spec, system)).token}` }
    const spec = (await app.inject({ method: 'GET', url: '/docs/json' })).json() as {
      paths: Record<string, Record<string, { parameters?: { in: string; name: string; schema?: Schema }[]; requestBody?: { content?: Record<string, { schema?: Schema }> } }>>
    }
    operations = Object.entries(spec.paths).flatMap(([path, methods]) =>
      Object.entries(methods)
        .filter(([m]) => ['get', 'post', 'put', 'patch', 'delete'].includes(m))
        .map(([method, op]) => {
          const queryParams = (op.parameters ?? []).filter((p) => p.in === 'query')
          return {
            method: method.toUpperCase(),
            path,
            query: queryParams.map((p) => p.name),
            querySchema: Object.fromEntries(queryParams.map((p) => [p.name, p.schema ?? {}])),
            body: op.requestBody?.content?.['application/json']?.schema,
          }
        }),
    )
  })
  afterAll(async () => {
    await app.close()
    await db.close()
  })

  it('covers the API', () => {
    expect(operations.length).toBeGreaterThan(40)
  })

  it('hostile path parameters, query strings and bodies never give a 5xx', async () => {
    const failures: string[] = []
    const statuses: Record<number, number> = {}
    for (const op of operations) {
      if (op.path.startsWith('/docs')) continue
      for (const [i, text] of HOSTILE_STRINGS.entries()) {
        const path = op.path.replace(/\{[^}]+\}/g, encodeURIComponent(text))
        const query = op.query.map((q) => `${q}=${encodeURIComponent(HOSTILE_STRINGS[(i + q.length) % HOSTILE_STRINGS.length]!)}`).join('&')
        const url = query ? `${path}?${query}` : path
        const bodies = ['GET', 'DELETE'].includes(op.method) ? [undefined] : [HOSTILE_BODIES[i % HOSTILE_BODIES.length]]
        for (const body of bodies) {
          const res = await app.inject({
            method: op.method as 'GET',
            url,
            headers: { ...auth, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
            ...(body === undefined ? {} : { payload: JSON.stringify(body) }),
          })
          statuses[res.statusCode] = (statuses[res.statusCode] ?? 0) + 1
          if (res.statusCode >= 500) failures.push(`${op.method} ${url.slice(0, 120)} → ${res.statusCode} ${res.body.slice(0, 200)}`)
        }
      }
    }
    expect(failures).toEqual([])
    expect(statuses[200]).toBeGreaterThan(50)
  }, 180_000)

  it('values that pass the schemas but sit at their edges never give a 5xx either, for every role', async () => {
    const failures: string[] = []
    const statuses: Record<number, number> = {}
    for (const who of ['admin', 'analyst', 'owner', 'vendor', 'sensor']) for (const op of operations) {
      if (op.path.startsWith('/docs')) continue
      for (let seed = 0; seed < 6; seed++) {
        const path = op.path.replace(/\{[^}]+\}/g, () => ['00000000-0000-4000-8000-000000000000', 'x', '1', 'education'][seed % 4]!)
        const query = Object.entries(op.querySchema)
          .filter((_, i) => (seed + i) % 2 === 0)
          .map(([k, v]) => [k, awkward(v, seed)] as const)
          .filter(([, v]) => v !== undefined && v !== null && typeof v !== 'object')
          .map(([k, v]) => `${k}=${encodeURIComponent(String(v))}`)
          .join('&')
        const url = query ? `${path}?${query}` : path
        const body = ['GET', 'DELETE'].includes(op.method) ? undefined : awkward(op.body ?? { type: 'object' }, seed)
        const res = await app.inject({
          method: op.method as 'GET',
          url,
          headers: { ...(who === 'admin' ? auth : roleAuth[who]), 'if-match': '"0"', ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
          ...(body === undefined ? {} : { payload: JSON.stringify(body) }),
        })
        statuses[res.statusCode] = (statuses[res.statusCode] ?? 0) + 1
        if (res.statusCode >= 500) failures.push(`${who} ${op.method} ${url.slice(0, 160)} ${JSON.stringify(body)?.slice(0, 200)} → ${res.statusCode} ${res.body.slice(0, 300)}`)
      }
    }
    expect(failures).toEqual([])
    // The edges got past validation: handlers ran and answered (found, not found, conflicts).
    expect(statuses[200]).toBeGreaterThan(200)
    expect(statuses[403]).toBeGreaterThan(100)
  }, 180_000)
})
