import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildApp, type App } from '../../api/app.ts'
import { createTokenStore } from '../../archive/tokens.ts'
import { flowsToNative } from '../../collector/writer/index.ts'
import { newBatch } from '../../collector/writer/batch.ts'
import { insertBatch } from '../../collector/writer/insert.ts'
import { createMetricsRegistry } from '../../core/metrics.ts'
import { openTestDb, type TestDb } from '../helpers/db.ts'
import { syntheticFlows } from '../helpers/flows.ts'

// Top source addresses: exact from raw flows up to a day, estimated from the 1-in-16 flow sample
// beyond (migration 0024). Three days of traffic: three heavy sources of known size among 5,000
// light ones; the estimate must rank them right and be close to the exact sums.
const DAY = 86_400_000
const T0 = Date.UTC(2026, 10, 20)
const HEAVY = [
  { addr: '198.51.100.1', flows: 6000, bytes: 9000 },
  { addr: '198.51.100.2', flows: 4000, bytes: 9000 },
  { addr: '198.51.100.3', flows: 2000, bytes: 9000 },
]

describe('GET /api/v1/traffic/top?by=source', () => {
  let db: TestDb
  let app: App
  let token: string
  beforeAll(async () => {
    db = await openTestDb()
    const base = syntheticFlows(1)[0]!
    const flows = [
      ...HEAVY.flatMap((h) => Array.from({ length: h.flows }, (_, i) => ({ ...base, srcAddr: h.addr, dstAddr: `203.0.113.${i % 250}`, srcPort: 1024 + (i % 60000), bytes: h.bytes, timeStart: T0 + ((i * 7919) % (3 * DAY)) }))),
      ...Array.from({ length: 20_000 }, (_, i) => ({ ...base, srcAddr: `10.9.${(i % 5000) >> 8}.${i % 250}`, dstAddr: '203.0.113.9', srcPort: 2000 + (i % 50000), bytes: 500, timeStart: T0 + ((i * 104729) % (3 * DAY)) })),
    ].map((f) => ({ ...f, timeEnd: f.timeStart + 10 }))
    for (let i = 0; i < flows.length; i += 10_000) await insertBatch(db.clickhouse, newBatch(Math.min(10_000, flows.length - i), flowsToNative(flows.slice(i, i + 10_000))))
    app = await buildApp({ config: db.config, clickhouse: db.clickhouse, engine: 'embedded', metrics: createMetricsRegistry() }, { logger: false })
    token = (await createTokenStore(db.clickhouse).create({ name: 'analyst', role: 'analyst' }, { name: 'test', role: 'system', address: '', via: 'cli' })).token
  })
  afterAll(async () => {
    await app.close()
    await db.close()
  })
  const top = async (from: number, to: number, metric = 'bytes') => {
    const res = await app.inject({
      method: 'GET',
      url: `/api/v1/traffic/top?by=source&metric=${metric}&limit=5&from=${new Date(from).toISOString()}&to=${new Date(to).toISOString()}`,
      headers: { authorization: `Bearer ${token}` },
    })
    expect(res.statusCode).toBe(200)
    return res.json() as { estimated: boolean; items: { key: string; flows: number; bytes: number }[] }
  }

  it('over a day: exact sums from the flows', async () => {
    const day = await top(T0, T0 + DAY)
    expect(day.estimated).toBe(false)
    const exact = await db.rows<{ key: string; bytes: number }>(
      `SELECT IPv6NumToString(src_addr) AS key, sum(bytes) AS bytes FROM flows WHERE time_start >= {f:DateTime64(3)} AND time_start < {t:DateTime64(3)} GROUP BY key ORDER BY bytes DESC, key LIMIT 3`,
      { f: T0 / 1000, t: (T0 + DAY) / 1000 },
    )
    expect(day.items.slice(0, 3).map((i) => [i.key, i.bytes])).toEqual(exact.map((e) => [e.key.replace('::ffff:', ''), e.bytes]))
  })

  it('over three days: estimated from the sample, heavy hitters ranked right and within 15 %', async () => {
    const three = await top(T0, T0 + 3 * DAY, 'flows')
    expect(three.estimated).toBe(true)
    expect(three.items.slice(0, 3).map((i) => i.key)).toEqual(HEAVY.map((h) => h.addr))
    for (const [i, h] of HEAVY.entries()) {
      expect(Math.abs(three.items[i]!.flows - h.flows) / h.flows).toBeLessThan(0.15)
      expect(three.items[i]!.flows % 16).toBe(0)
    }
  })
})
