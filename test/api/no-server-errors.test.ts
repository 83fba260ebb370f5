import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildApp, type App } from '../../api/app.ts'
import { createTokenStore, type NewToken } from '../../archive/tokens.ts'
import { createMetricsRegistry } from '../../core/metrics.ts'
import { openTestDb, type TestDb } from '../helpers/db.ts'
import { awkward, listOperations, type Operation } from '../helpers/openapi.ts'

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
    operations = await listOperations(app)
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
