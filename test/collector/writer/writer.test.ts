import { existsSync, readdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { createFlowWriter, defaultWriterConfig, flowsToNative, type FlowWriterConfig } from '../../../collector/writer/index.ts'
import { createLogger } from '../../../core/logger.ts'
import { createMetricsRegistry } from '../../../core/metrics.ts'
import { openTestDb, type TestDb } from '../../helpers/db.ts'
import { syntheticFlows } from '../../helpers/flows.ts'
import { withOutage } from '../../helpers/outage.ts'

const logger = createLogger('silent')

describe('the flow writer', () => {
  let db: TestDb
  let spoolCounter = 0
  let config: FlowWriterConfig
  beforeAll(async () => {
    db = await openTestDb()
  })
  afterAll(() => db.close())
  beforeEach(async () => {
    await db.clickhouse.command({ query: 'TRUNCATE TABLE flows' })
    await db.clickhouse.command({ query: 'TRUNCATE TABLE traffic_1m' })
    config = { ...defaultWriterConfig(db.dir), spoolDir: join(db.dir, `spool-${++spoolCounter}`), retryMinMs: 20, retryMaxMs: 50 }
  })

  const totals = async () =>
    (await db.rows<{ flows: number; packets: number; bytes: number }>('SELECT count() AS flows, sum(packets) AS packets, sum(bytes) AS bytes FROM flows'))[0]!
  const rollupFlows = async () => (await db.rows<{ n: number }>('SELECT sum(flows) AS n FROM traffic_1m'))[0]!.n

  it('batches by size and stores every field of every flow', async () => {
    const writer = createFlowWriter({ ...config, batchRows: 1000 }, { clickhouse: db.clickhouse, logger })
    writer.start()
    writer.write(syntheticFlows(2500, { srcAddr: '2001:db8::7', sensor: 'edge\tsensor' }))
    expect(await writer.flush()).toBe(true)
    await writer.stop()
    expect(await totals()).toEqual({ flows: 2500, packets: 25_000, bytes: 3_750_000 })
    const [row] = await db.rows(`SELECT time_start, time_end, sensor, IPv6NumToString(src_addr) AS src, IPv6NumToString(dst_addr) AS dst,
      src_port, dst_port, protocol, tcp_flags, toString(source_kind) AS kind, observation_domain, sampling_rate, in_if, out_if
      FROM flows ORDER BY src_port LIMIT 1`)
    expect(row).toEqual({
      time_start: '2026-11-22 10:00:00.000', time_end: '2026-11-22 10:00:00.250', sensor: 'edge\tsensor', src: '2001:db8::7',
      dst: '::ffff:203.0.113.10', src_port: 1024, dst_port: 443, protocol: 6, tcp_flags: 0x1b, kind: 'ipfix',
      observation_domain: 1, sampling_rate: 1, in_if: 1, out_if: 2,
    })
    expect(writer.stats()).toMatchObject({ rowsWritten: 2500, rowsDropped: 0, queueBatches: 0, spoolBatches: 0 })
  })

  it('closes a batch after the flush interval without waiting for it to fill', async () => {
    const writer = createFlowWriter({ ...config, flushIntervalMs: 100 }, { clickhouse: db.clickhouse, logger })
    writer.start()
    writer.write(syntheticFlows(10))
    const deadline = Date.now() + 60_000
    while ((await totals()).flows < 10 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50))
    expect((await totals()).flows).toBe(10)
    await writer.stop()
  })

  it('keeps batches in memory during an outage, then spools, and replays everything once it is back', async () => {
    const outage = withOutage(db.clickhouse)
    outage.down = true
    const registry = createMetricsRegistry()
    const batch = syntheticFlows(1000)
    const batchBytes = 1000 * 120 // roughly: a TSV flow line is ~100-130 bytes
    const writer = createFlowWriter({ ...config, batchRows: 1000, maxQueueBytes: batchBytes * 2 }, { clickhouse: outage.client, logger, metrics: registry })
    writer.start()
    for (let i = 0; i < 6; i++) writer.write(batch)
    expect(await writer.flush(300)).toBe(false)
    const during = writer.stats()
    expect(during.queueBatches).toBeGreaterThan(0)
    expect(during.spoolBatches).toBeGreaterThan(0)
    expect(during.queueBatches + during.spoolBatches).toBe(6)
    expect(outage.attempts).toBeGreaterThan(1)
    expect(await registry.getSingleMetricAsString('holowatch_writer_spool_batches')).toContain(`holowatch_writer_spool_batches ${during.spoolBatches}`)
    expect((await totals()).flows).toBe(0)

    outage.down = false
    expect(await writer.flush(10_000)).toBe(true)
    await writer.stop()
    expect(await totals()).toEqual({ flows: 6000, packets: 60_000, bytes: 9_000_000 })
    expect(await rollupFlows()).toBe(6000)
    expect(readdirSync(config.spoolDir).filter((f) => f.endsWith('.native'))).toEqual([])
  })

  it('spools what is queued at shutdown and a restart replays it exactly once', async () => {
    const outage = withOutage(db.clickhouse)
    outage.down = true
    const first = createFlowWriter({ ...config, batchRows: 500 }, { clickhouse: outage.client, logger })
    first.start()
    first.write(syntheticFlows(1500))
    await first.stop(200)
    const spooled = readdirSync(config.spoolDir).filter((f) => f.endsWith('.native'))
    expect(spooled.length).toBe(3)

    const second = createFlowWriter(config, { clickhouse: db.clickhouse, logger })
    second.start()
    expect(await second.flush(10_000)).toBe(true)
    await second.stop()
    expect((await totals()).flows).toBe(1500)

    // A crash after an insert landed but before its spool file was removed: the replay is
    // deduplicated by the batch token, in flows and in the rollups.
    const outage3 = withOutage(db.clickhouse)
    outage3.down = true
    const third = createFlowWriter({ ...config, batchRows: 700 }, { clickhouse: outage3.client, logger })
    third.start()
    third.write(syntheticFlows(700, { dstPort: 8443 }))
    await third.stop(100)
    const file = readdirSync(config.spoolDir).find((f) => f.endsWith('.native'))!
    const replay = createFlowWriter(config, { clickhouse: db.clickhouse, logger })
    replay.start()
    await replay.flush(10_000)
    await replay.stop()
    writeFileSync(join(config.spoolDir, file), flowsToNative(syntheticFlows(700, { dstPort: 8443 })))
    const again = createFlowWriter(config, { clickhouse: db.clickhouse, logger })
    again.start()
    await again.flush(10_000)
    await again.stop()
    expect((await totals()).flows).toBe(2200)
    expect(await rollupFlows()).toBe(2200)
  })

  it('counts rows it must drop when memory and spool are both full, and never throws', async () => {
    const outage = withOutage(db.clickhouse)
    outage.down = true
    const writer = createFlowWriter({ ...config, batchRows: 100, maxQueueBytes: 1, maxSpoolBytes: 1 }, { clickhouse: outage.client, logger })
    writer.start()
    writer.write(syntheticFlows(300))
    await writer.flush(50)
    expect(writer.stats()).toMatchObject({ rowsDropped: 300, queueBatches: 0, spoolBatches: 0 })
    await writer.stop(50)
    expect(existsSync(config.spoolDir)).toBe(true)
  })
})
