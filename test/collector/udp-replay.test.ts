import { createSocket } from 'node:dgram'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildApp } from '../../api/app.ts'
import { createCollector, type Collector } from '../../collector/index.ts'
import { loadConfig } from '../../core/config.ts'
import { createLogger } from '../../core/logger.ts'
import { createMetricsRegistry, type Registry } from '../../core/metrics.ts'
import { createTokenStore } from '../../archive/tokens.ts'
import { openTestDb, type TestDb } from '../helpers/db.ts'
import { exportDatagrams } from '../helpers/export-datagrams.ts'

// softflowd's exports replayed over UDP on loopback to a running collector (listeners, decoder,
// writer) on the embedded engine: ClickHouse must hold nfdump's totals for each version, and the
// exporter's counters must be on /metrics and GET /api/v1/exporters.
const TOTALS = {
  netflow5: { file: 'softflowd-v5.pcap', flows: 10596, packets: 16883, bytes: 1250902 },
  netflow9: { file: 'softflowd-v9.pcap', flows: 10620, packets: 16909, bytes: 1252554 },
  ipfix: { file: 'softflowd-ipfix.pcap', flows: 10620, packets: 16909, bytes: 1252554 },
} as const

async function replay(port: number, datagrams: Buffer[]): Promise<void> {
  const socket = createSocket('udp4')
  for (const d of datagrams) await new Promise<void>((resolve, reject) => socket.send(d, port, '127.0.0.1', (err) => (err ? reject(err) : resolve())))
  await new Promise<void>((resolve) => socket.close(() => resolve()))
}

describe('UDP replay of real exports into a running collector', () => {
  let db: TestDb
  let collector: Collector
  let metrics: Registry
  let port: number

  beforeAll(async () => {
    db = await openTestDb()
    const { config } = loadConfig({
      HOLOWATCH_DATA_DIR: db.dir,
      HOLOWATCH_COLLECTOR_HOST: '127.0.0.1',
      HOLOWATCH_NETFLOW_PORT: '0',
      HOLOWATCH_IPFIX_PORT: '0',
      HOLOWATCH_WRITER_FLUSH_MS: '200',
    })
    metrics = createMetricsRegistry()
    collector = createCollector(config, { clickhouse: db.clickhouse, logger: createLogger('silent'), metrics })
    await collector.start()
    port = collector.listener.ports()[0]!
  })
  afterAll(async () => {
    await collector.stop()
    await db.close()
  })

  it('stores exactly the flows, packets and bytes nfdump decoded, per version', async () => {
    for (const { file } of Object.values(TOTALS)) await replay(port, exportDatagrams(file).map((d) => d.payload))
    const expected = Object.values(TOTALS).reduce((n, t) => n + t.flows, 0)
    const deadline = Date.now() + 90_000
    while (collector.writer.stats().rowsWritten < expected && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100))
    expect(await collector.writer.flush(10_000)).toBe(true)

    const rows = await db.rows<{ source_kind: string; flows: number; packets: number; bytes: number }>(
      `SELECT toString(source_kind) AS source_kind, count() AS flows, sum(packets) AS packets, sum(bytes) AS bytes
       FROM flows WHERE exporter = toIPv6('127.0.0.1') GROUP BY source_kind ORDER BY source_kind`,
    )
    expect(rows).toEqual(
      Object.entries(TOTALS)
        .map(([kind, t]) => ({ source_kind: kind, flows: t.flows, packets: t.packets, bytes: t.bytes }))
        .sort((a, b) => a.source_kind.localeCompare(b.source_kind)),
    )
  }, 180_000)

  it('garbage datagrams are counted drops, and the collector keeps decoding', async () => {
    await replay(port, [Buffer.alloc(0), Buffer.from('GET / HTTP/1.1\r\n\r\n'), Buffer.alloc(1400, 0xff), Buffer.from([0, 9, 0, 1])])
    await new Promise((r) => setTimeout(r, 300))
    const [exporter] = collector.exporters()
    expect(exporter).toMatchObject({ exporter: '127.0.0.1', packets: { netflow5: 354, netflow9: 339, ipfix: 338 }, datagrams: 354 + 338 + 338 + 4 })
    // An empty datagram and a v9 header cut at 4 bytes are short; text and 0xffff are no version.
    expect(exporter!.drops).toEqual({ short_packet: 2, unknown_version: 2 })
  })

  it('publishes the exporter on /metrics and on GET /api/v1/exporters for the centre staff only', async () => {
    const text = await metrics.metrics()
    expect(text).toContain('holowatch_netflow_flows_total{exporter="127.0.0.1"} 31836')
    expect(text).toContain('holowatch_netflow_packets_total{exporter="127.0.0.1",version="ipfix"} 338')
    expect(text).toContain('holowatch_netflow_drops_total{exporter="127.0.0.1",reason="unknown_version"} 2')
    expect(text).toMatch(/holowatch_writer_rows_written_total \d+/)
    expect(text).toContain('holowatch_udp_dropped_datagrams_total{where="kernel"} 0')

    const app = await buildApp({ config: db.config, clickhouse: db.clickhouse, engine: 'embedded', metrics: createMetricsRegistry(), collector }, { logger: false })
    const tokens = createTokenStore(db.clickhouse)
    const actor = { name: 'test', role: 'system', address: '', via: 'cli' } as const
    const analyst = (await tokens.create({ name: 'analyst', role: 'analyst' }, actor)).token
    const owner = (await tokens.create({ name: 'owner', role: 'owner', orgs: [] }, actor)).token
    const get = (token?: string) => app.inject({ method: 'GET', url: '/api/v1/exporters', headers: token ? { authorization: `Bearer ${token}` } : {} })
    const res = await get(analyst)
    expect(res.statusCode).toBe(200)
    expect(res.json()).toMatchObject({ collecting: true, items: [{ exporter: '127.0.0.1', flows: 31836, templates: 10, sequenceGaps: 0 }] })
    expect((await get(owner)).statusCode).toBe(403)
    expect((await get()).statusCode).toBe(401)
    await app.close()
  })
})
