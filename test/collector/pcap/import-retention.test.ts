import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildApp, type App } from '../../../api/app.ts'
import { importCaptureFile } from '../../../collector/capture/import.ts'
import { createPcapImporter } from '../../../collector/capture/importer.ts'
import { loadConfig } from '../../../core/config.ts'
import { createLogger } from '../../../core/logger.ts'
import { createMetricsRegistry } from '../../../core/metrics.ts'
import { createDetector, detectorConfigFrom, type Incident } from '../../../detection/index.ts'
import { applyRetention, retentionOf } from '../../../sql/ttl.ts'
import { LAB_FROM, LAB_SERVER, LAB_TO, seedLab } from '../../detection/lab.ts'
import { runCli } from '../../helpers/cli.ts'
import { openTestDb, type TestDb } from '../../helpers/db.ts'
import { LOCAL } from './helpers.ts'

// Last year's capture: the lab capture of test/fixtures/pcap moved 400 days back with
// `editcap -t` (pcapng, gzipped; first packet 2025-10-18 12:08:31 UTC), older than the 180 days live flows are
// kept. Imported at the defaults (retention set as every command sets it), its flows stay for
// forensics, its summary says how long, and detection finds its attacks.
const OLD_CAPTURE = fileURLToPath(new URL('dev-capture-2025.pcap.gz', LOCAL))
const SHIFT_MS = 400 * 86_400_000
const FLOWS = 10_698 // the same packets as dev-capture.pcap, hence the same flows
const DAY_MS = 86_400_000
const logger = createLogger('silent')

describe('importing a capture older than the flows retention', () => {
  let db: TestDb
  const count = async (query: string) => Number((await db.rows<{ n: string }>(query))[0]!.n)
  beforeAll(async () => {
    db = await openTestDb({ retention: true })
    await seedLab(db.clickhouse)
  })
  afterAll(() => db.close())

  it('keeps its flows and scan rollups, by import time, through TTL merges', async () => {
    const importer = createPcapImporter(db.config, { clickhouse: db.clickhouse, logger }, 'cli')
    const before = Date.now()
    const report = await importer.importFile(OLD_CAPTURE, { sensor: 'lab-2025', origin: 'cli' })
    expect(report).toMatchObject({ status: 'imported', flows: FLOWS, firstPacket: '2025-10-18T12:08:31.607231000Z' })
    // Merges apply TTLs; forcing them now shows what the retention keeps.
    for (const table of ['flows', 'fanout_ports_1m', 'fanout_hosts_1m', 'flow_sources_sample']) await db.clickhouse.command({ query: `OPTIMIZE TABLE ${table} FINAL` })
    expect(await count("SELECT count() AS n FROM flows WHERE sensor = 'lab-2025'")).toBe(FLOWS)
    expect(await count('SELECT count() AS n FROM fanout_ports_1m')).toBeGreaterThan(0)
    expect(await count('SELECT count() AS n FROM fanout_hosts_1m')).toBeGreaterThan(0)
    expect(await count('SELECT count() AS n FROM flow_sources_sample')).toBeGreaterThan(0)
    // The capture's day holds only imported rows: its partition goes whole, a year after the import.
    const [part] = await db.rows<{ partition: string; ttl: string }>(
      "SELECT partition, toUnixTimestamp(min(delete_ttl_info_min)) * 1000 AS ttl FROM system.parts WHERE database = 'holowatch' AND table = 'flows' AND active GROUP BY partition")
    expect(part!.partition).toBe('2025-10-18')
    expect(Number(part!.ttl)).toBeGreaterThanOrEqual(Math.floor(before / 1000) * 1000 + 365 * DAY_MS)
    expect(Number(part!.ttl)).toBeLessThanOrEqual(Date.now() + 365 * DAY_MS)
    // The summary: kept 365 days from the import, nothing lost at once, no warning.
    expect(report.retention).toEqual({ flowsExpireAt: expect.any(String), trafficExpireAt: null, expiringAtOnce: { flows: 0, traffic: 0 }, warnings: [] })
    const expires = Date.parse(report.retention!.flowsExpireAt!)
    expect(expires - 365 * DAY_MS).toBeGreaterThanOrEqual(before)
    expect(expires - 365 * DAY_MS).toBeLessThanOrEqual(Date.now())
  })

  it('detection at the defaults finds its attacks, live as serve runs it and over its own range as `holowatch detect` does', async () => {
    // This year's capture (2026-11-22) arrives too: serve's next live run sees the flows received
    // in the last minutes on their own time, two stretches 400 days apart, and analyses each on
    // its own instead of one range over the months between them.
    const importer = createPcapImporter(db.config, { clickhouse: db.clickhouse, logger }, 'cli')
    await importer.importFile(fileURLToPath(new URL('dev-capture.pcap.gz', LOCAL)), { sensor: 'lab-2026', origin: 'cli' })
    const live = createDetector(detectorConfigFrom(db.config), { clickhouse: db.clickhouse, logger })
    const both = await live.runLive()
    expect(both!.earlier).toHaveLength(1)
    expect(both!.earlier![0]!.from).toBeGreaterThanOrEqual(LAB_FROM - SHIFT_MS)
    expect(both!.earlier![0]!.to).toBeLessThanOrEqual(LAB_TO - SHIFT_MS)
    expect(both!.from).toBeGreaterThanOrEqual(LAB_FROM)
    expect(both!.to).toBeLessThanOrEqual(LAB_TO)
    const lastYear = both!.opened.filter((i) => i.lastSeen < LAB_TO - SHIFT_MS)
    const thisYear = both!.opened.filter((i) => i.firstSeen >= LAB_FROM)
    expect(lastYear.length + thisYear.length).toBe(both!.opened.length)
    const run = { ...both!, opened: lastYear }
    // The attacks of truth.json: scans and the sweep (one incident per attacker), the SYN flood, the SSH brute force.
    const found = (incidents: Incident[]) => incidents
      .filter((i) => i.assets[0]?.id === LAB_SERVER)
      .map((i) => `${i.rule === 'host_sweep' ? 'port_scan' : i.rule} ${i.source || i.sources.join(',')}`)
      .sort()
    const expected = ['brute_force 10.77.0.66', 'flood 10.77.0.66', 'port_scan 10.77.0.66', 'port_scan 2001:db8:77::66']
    expect(found(run!.opened)).toEqual(expected)
    const scan = run!.opened.find((i) => i.source === '10.77.0.66' && (i.rule === 'port_scan' || i.rule === 'host_sweep'))!
    expect(scan.details.techniques).toEqual(expect.arrayContaining(['syn', 'xmas']))
    expect(scan.firstSeen).toBeGreaterThanOrEqual(LAB_FROM - SHIFT_MS)
    expect(scan.lastSeen).toBeLessThan(LAB_TO - SHIFT_MS)
    expect(run!.opened.find((i) => i.rule === 'flood')!.details.class).toBe('syn')
    expect(found(thisYear)).toEqual(expected)
    await live.stop()
    // The same range analysed again (what `holowatch detect --from --to` does) finds the same incidents: nothing new is opened.
    const again = await createDetector(detectorConfigFrom(db.config), { clickhouse: db.clickhouse, logger }).runWindow(LAB_FROM - SHIFT_MS, LAB_TO - SHIFT_MS)
    expect(again.opened).toEqual([])
    expect(found(again.updated)).toEqual(expected)
  })

  it("a long import's batches are received as they are stored, so live detection sees the later ones too", async () => {
    // serve's live run reads what was received since its last look: a batch stamped with the
    // import's start would look older than live traffic received while the import ran, and be missed.
    const since = Date.now()
    await importCaptureFile(OLD_CAPTURE, { sensor: 'lab-2025-batches', origin: 'cli', force: true }, { clickhouse: db.clickhouse, logger, batchRows: 1_000 })
    const stamps = await db.rows<{ t: string; n: string }>(
      "SELECT toUnixTimestamp64Milli(time_received) AS t, count() AS n FROM flows WHERE sensor = 'lab-2025-batches' GROUP BY t ORDER BY t")
    expect(stamps.reduce((n, r) => n + Number(r.n), 0)).toBe(FLOWS)
    expect(stamps.length).toBeGreaterThan(1)
    expect(Number(stamps[0]!.t)).toBeGreaterThanOrEqual(since)
    await db.clickhouse.command({ query: "DELETE FROM flows WHERE sensor = 'lab-2025-batches'" })
  })

  it('says so when a setting still drops part of it at once: traffic rollups shorter than the capture is old', async () => {
    const { config } = loadConfig({ HOLOWATCH_DATA_DIR: db.dir, HOLOWATCH_ROLLUP_TTL_DAYS: '180' })
    await applyRetention(db.clickhouse, { database: 'holowatch' }, retentionOf(config))
    const chart = () => count(`SELECT sum(flows) AS n FROM traffic_1m WHERE minute < now() - INTERVAL 180 DAY`)
    const charted = await chart()
    const importer = createPcapImporter(config, { clickhouse: db.clickhouse, logger }, 'cli')
    const report = await importer.importFile(OLD_CAPTURE, { sensor: 'lab-2025-again', origin: 'cli', force: true })
    expect(report.retention).toMatchObject({
      trafficExpireAt: new Date(Date.parse('2025-10-18T12:08:00Z') + 180 * DAY_MS).toISOString(),
      expiringAtOnce: { flows: 0, traffic: FLOWS },
      warnings: [expect.stringMatching(/^10698 flows are older than the traffic rollups keep \(HOLOWATCH_ROLLUP_TTL_DAYS 180\): they stay in flows/)],
    })
    // And it is true: the flows are stored, the charts got nothing of them.
    expect(await count("SELECT count() AS n FROM flows WHERE sensor = 'lab-2025-again'")).toBe(FLOWS)
    expect(await chart()).toBe(charted)
    await applyRetention(db.clickhouse, { database: 'holowatch' }, retentionOf(db.config))
  })

  it('POST /api/v1/pcaps answers with the retention of the upload', async () => {
    const app: App = await buildApp({ config: db.config, clickhouse: db.clickhouse, engine: 'embedded', metrics: createMetricsRegistry() }, { logger: false })
    try {
      await app.ready()
      const { token } = await app.tokens.create({ role: 'sensor', name: 'tap-old' }, { name: 'test-setup', role: 'admin', address: '127.0.0.1', via: 'cli' })
      const answer = await app.inject({
        method: 'POST', url: '/api/v1/pcaps?force=true&name=last-year.pcap.gz', payload: readFileSync(OLD_CAPTURE),
        headers: { 'content-type': 'application/gzip', authorization: `Bearer ${token}` },
      })
      expect(answer.statusCode).toBe(201)
      expect(answer.json()).toMatchObject({
        status: 'imported', sensor: 'tap-old', flows: FLOWS,
        retention: { flowsExpireAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/), trafficExpireAt: null, expiringAtOnce: { flows: 0, traffic: 0 }, warnings: [] },
      })
    } finally {
      await app.close()
    }
  })
})

describe('holowatch import-pcap of an old capture', () => {
  const dir = mkdtempSync(join(tmpdir(), 'holowatch-import-retention-'))
  afterAll(() => rmSync(dir, { recursive: true, force: true }))

  it('prints how long it is kept, and a warning when part of it expires at once', async () => {
    const env = { HOLOWATCH_DATA_DIR: dir, HOLOWATCH_LOG_LEVEL: 'error' }
    const first = await runCli(['import-pcap', '--sensor', 'tap-1', OLD_CAPTURE], env)
    expect(first.code).toBe(0)
    expect(first.stdout).toMatch(/\n {2}flows kept until \d{4}-\d\d-\d\dT\S+Z {2}traffic charts forever$/m)
    expect(first.stdout).not.toContain('warning')
    const short = await runCli(['import-pcap', '--sensor', 'tap-1', '--force', OLD_CAPTURE], { ...env, HOLOWATCH_ROLLUP_TTL_DAYS: '30' })
    expect(short.code).toBe(0)
    expect(short.stdout).toContain('traffic charts until 2025-11-17T12:08:00.000Z')
    expect(short.stdout).toContain('  warning: 10698 flows are older than the traffic rollups keep (HOLOWATCH_ROLLUP_TTL_DAYS 30)')
  })
})
