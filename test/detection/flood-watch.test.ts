import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { fileURLToPath } from 'node:url'
import { createPcapImporter } from '../../collector/capture/importer.ts'
import { createNetflowDecoder } from '../../collector/netflow/index.ts'
import { createLogger } from '../../core/logger.ts'
import { createDetector, createFloodWatch, detectorConfigFrom, type Detector } from '../../detection/index.ts'
import { openTestDb, type TestDb } from '../helpers/db.ts'
import { exportDatagrams } from '../helpers/export-datagrams.ts'
import { LAB_SERVER, seedLab } from './lab.ts'

// Streaming flood detection on the lab's real softflowd NetFlow v9 export, at the product's
// defaults: the decoded flows go to the watch only — nothing is written to `flows`, so no SQL rule
// can have seen them — and the hping3 SYN flood (5,000 SYNs in 0.8 s on the core SCADA server)
// must be an incident as soon as the datagrams carrying it are decoded.
describe('streaming flood detection', () => {
  let db: TestDb
  let detector: Detector
  beforeAll(async () => {
    db = await openTestDb()
    detector = createDetector(detectorConfigFrom(db.config), { clickhouse: db.clickhouse, logger: createLogger('silent') })
  })
  afterAll(() => db.close())

  it('turns the SYN flood of the lab export into one flood incident from decoded flows alone, with the archive loaded after it started', async () => {
    const config = detectorConfigFrom(db.config)
    const watch = createFloodWatch(config.thresholds, {
      clickhouse: db.clickhouse, logger: createLogger('silent'), onDetection: (d) => void detector.ingest([d]),
    })
    await watch.start()
    // The archive arrives after the service started (as when an operator imports it): the watch
    // notices the change by itself, within seconds.
    await seedLab(db.clickhouse)
    const replay = async () => {
      const decoder = createNetflowDecoder()
      for (const d of exportDatagrams('softflowd-v9.pcap')) watch.observe(decoder.decode(d.payload, '127.0.0.1', d.at))
      await detector.ingest([]) // waits for the verdicts queued before it
      return (await db.rows<{ n: number }>('SELECT count() AS n FROM incidents'))[0]!.n
    }
    await expect.poll(replay, { timeout: 20_000, interval: 500 }).toBeGreaterThan(0)
    watch.stop()
    const rows = await db.rows<{ rule: string; asset_id: string; details: string; flows: number }>(
      'SELECT rule, toString(asset_id) AS asset_id, details, flows FROM incidents ORDER BY id, updated_at DESC LIMIT 1 BY id')
    expect(rows.map((r) => [r.rule, r.asset_id])).toEqual([['flood', LAB_SERVER]])
    const details = JSON.parse(rows[0]!.details) as { class: string; variants: string[]; threshold: { pps: number; grade: string } }
    expect(details).toMatchObject({ class: 'syn', variants: ['streaming'], threshold: { pps: 800, grade: 'core' } })
    expect((await db.rows<{ n: number }>('SELECT count() AS n FROM flows'))[0]!.n).toBe(0)
  })
})

describe('streaming flood detection of an imported capture', () => {
  let db: TestDb
  beforeAll(async () => {
    db = await openTestDb()
    await seedLab(db.clickhouse)
  })
  afterAll(() => db.close())

  it('sees the flows of a capture as serve imports it: the SYN flood is an incident before any SQL pass', async () => {
    const config = detectorConfigFrom(db.config)
    const detector = createDetector(config, { clickhouse: db.clickhouse, logger: createLogger('silent') })
    const watch = createFloodWatch(config.thresholds, { clickhouse: db.clickhouse, logger: createLogger('silent'), onDetection: (d) => void detector.ingest([d]) })
    await watch.start()
    const importer = createPcapImporter(db.config, { clickhouse: db.clickhouse, logger: createLogger('silent'), tap: (flows) => watch.observe(flows) }, 'test')
    const report = await importer.importFile(fileURLToPath(new URL('../fixtures/pcap/dev-capture.pcapng', import.meta.url)), { sensor: 'lab', origin: 'cli' })
    await importer.stop()
    watch.stop()
    await detector.ingest([])
    expect(report.status).toBe('imported')
    const rows = await db.rows<{ rule: string; asset_id: string; details: string }>('SELECT rule, toString(asset_id) AS asset_id, details FROM incidents ORDER BY id, updated_at DESC LIMIT 1 BY id')
    expect(rows.map((r) => [r.rule, r.asset_id, (JSON.parse(r.details) as { class: string }).class])).toEqual([['flood', LAB_SERVER, 'syn']])
  })
})
