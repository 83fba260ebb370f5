import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createLogger } from '../../core/logger.ts'
import { createDetector, detectorConfigFrom, type Detector, type Incident } from '../../detection/index.ts'
import { parseThreatList } from '../../detection/threat-intel.ts'
import { openTestDb, type TestDb } from '../helpers/db.ts'
import { CORE, T0, insertFlows, seedArchive, synProbe } from './scenario.ts'

// How detections become incidents: merging while an attack goes on, alerting again only on a
// tenfold growth, threshold overrides per grade and per asset, the allow-list, reopening, and
// the live loop that follows time_received.
const HOUR = 3_600_000
const range = (a: number, b: number) => Array.from({ length: b - a + 1 }, (_, i) => a + i)
const scan = (src: string, dst: string, ports: number[], at: number) => ports.flatMap((p) => synProbe(src, dst, p, at + p * 20))

describe('incidents from detections', () => {
  let db: TestDb
  let detector: Detector
  const alerts: [string, string][] = []
  beforeAll(async () => {
    db = await openTestDb()
    await seedArchive(db.clickhouse)
    detector = createDetector(detectorConfigFrom(db.config), {
      clickhouse: db.clickhouse, logger: createLogger('silent'), onAlert: (i, kind) => alerts.push([i.rule, kind]),
    })
  })
  afterAll(() => db.close())

  const incidentsOf = (source: string) =>
    db.rows<{ id: string; first_seen: string; last_seen: string; peak: number; alert_count: number; flows: number; versions: number }>(
      `SELECT toString(id) AS id, toString(argMax(first_seen, updated_at)) AS first_seen, toString(argMax(last_seen, updated_at)) AS last_seen,
              argMax(peak, updated_at) AS peak, argMax(alert_count, updated_at) AS alert_count, argMax(flows, updated_at) AS flows, count() AS versions
       FROM incidents WHERE source = {source:String} GROUP BY id ORDER BY first_seen`,
      { source },
    )

  it('one scanner over 20 minutes, evaluated in several runs, is one incident with first/last seen and totals', async () => {
    const t = T0 + 1 * HOUR
    const rows = [0, 5, 10, 15, 20].flatMap((m) => scan('198.51.100.30', '10.1.0.10', range(1, 20), t + m * 60_000))
    await insertFlows(db.clickhouse, rows)
    for (let m = 0; m <= 25; m += 5) await detector.runWindow(t + m * 60_000, t + (m + 5) * 60_000)
    const found = await incidentsOf('198.51.100.30')
    expect(found).toHaveLength(1)
    expect(found[0]).toMatchObject({ first_seen: '2026-11-22 11:00:00.020', peak: 20, alert_count: 1 })
    expect(found[0]!.last_seen.startsWith('2026-11-22 11:20:00.4')).toBe(true)
    // 5 bursts of 20 SYN probes: the windows are summed once each, however often they were evaluated.
    expect(found[0]!.flows).toBe(100)
    // Running the same window again changes nothing.
    await detector.runWindow(t, t + HOUR)
    expect((await incidentsOf('198.51.100.30'))[0]!.flows).toBe(100)
  })

  it('a pause longer than the merge gap opens a new incident', async () => {
    const t = T0 + 2 * HOUR
    await insertFlows(db.clickhouse, [...scan('198.51.100.31', '10.1.0.10', range(1, 20), t), ...scan('198.51.100.31', '10.1.0.10', range(1, 20), t + 40 * 60_000)])
    await detector.runWindow(t, t + HOUR)
    expect(await incidentsOf('198.51.100.31')).toHaveLength(2)
  })

  it('alerts again only when the magnitude grows tenfold', async () => {
    const t = T0 + 3 * HOUR
    alerts.length = 0
    await insertFlows(db.clickhouse, [
      ...scan('198.51.100.32', '10.1.0.10', range(1, 16), t),
      ...scan('198.51.100.32', '10.1.0.10', range(100, 190), t + 6 * 60_000), // 91 ports: not 10×16
      ...scan('198.51.100.32', '10.1.0.10', range(1000, 1160), t + 12 * 60_000), // 161 ports: 10×16
    ])
    for (let m = 0; m < 20; m += 5) await detector.runWindow(t + m * 60_000, t + (m + 5) * 60_000)
    const [i] = await incidentsOf('198.51.100.32')
    expect(i).toMatchObject({ alert_count: 2, peak: 161 })
    expect(alerts).toEqual([['port_scan', 'opened'], ['port_scan', 'escalated']])
  })

  it('thresholds: a per-grade override lowers the bar for core assets, a per-asset one raises it', async () => {
    const t = T0 + 4 * HOUR
    await db.clickhouse.insert({
      table: 'detection_thresholds',
      values: [{ rule: 'port_scan', param: 'min_ports', scope: 'grade', scope_value: 'core', value: 5, status: 'active', changed_by: 'test' }],
      format: 'JSONEachRow',
    })
    await insertFlows(db.clickhouse, [...scan('198.51.100.33', '10.1.0.10', range(1, 6), t), ...scan('198.51.100.34', '10.1.1.9', range(1, 6), t)])
    const first = await detector.runWindow(t, t + 30 * 60_000)
    expect(first.opened.map((i: Incident) => i.source)).toEqual(['198.51.100.33'])
    await db.clickhouse.insert({
      table: 'detection_thresholds',
      values: [{ rule: 'port_scan', param: 'min_ports', scope: 'asset', scope_value: CORE, value: 50, status: 'active', changed_by: 'test' }],
      format: 'JSONEachRow',
    })
    await insertFlows(db.clickhouse, scan('198.51.100.35', '10.1.0.10', range(1, 20), t + 45 * 60_000))
    const second = await detector.runWindow(t + 40 * 60_000, t + HOUR)
    expect(second.opened).toEqual([])
    await db.clickhouse.command({ query: 'TRUNCATE TABLE detection_thresholds' })
  })

  it('the allow-list suppresses an authorised scanner, with its reason, for the rules it names', async () => {
    const t = T0 + 5 * HOUR
    await db.clickhouse.insert({
      table: 'allowlist',
      values: [{ id: '0c000000-0000-4000-8000-000000000001', source_cidr: '192.0.2.0/28', target_cidr: '', rules: ['port_scan'], reason: 'centre vulnerability scanner', status: 'active', changed_by: 'test' }],
      format: 'JSONEachRow',
    })
    await insertFlows(db.clickhouse, [...scan('192.0.2.5', '10.1.0.10', range(1, 20), t), ...scan('192.0.2.50', '10.1.0.10', range(1, 20), t)])
    const result = await detector.runWindow(t, t + HOUR)
    expect(result.suppressed).toBeGreaterThan(0)
    expect(result.opened.map((i) => i.source)).toEqual(['192.0.2.50'])
  })

  it('activity on a resolved incident reopens it, recorded as the detector', async () => {
    const t = T0 + 6 * HOUR
    await insertFlows(db.clickhouse, scan('198.51.100.36', '10.1.0.10', range(1, 20), t))
    const { opened } = await detector.runWindow(t, t + 10 * 60_000)
    const id = opened[0]!.id
    await db.clickhouse.insert({ table: 'incident_states', values: [{ incident_id: id, state: 'resolved', previous_state: 'open', changed_by: 'analyst' }], format: 'JSONEachRow' })
    await insertFlows(db.clickhouse, scan('198.51.100.36', '10.1.0.10', range(1, 20), t + 12 * 60_000))
    await detector.runWindow(t + 10 * 60_000, t + 20 * 60_000)
    const states = await db.rows<{ state: string; changed_by: string }>(
      'SELECT toString(state) AS state, changed_by FROM incident_states WHERE incident_id = {id:UUID} ORDER BY version_at', { id },
    )
    expect(states).toEqual([{ state: 'open', changed_by: 'detector' }, { state: 'resolved', changed_by: 'analyst' }, { state: 'open', changed_by: 'detector' }])
  })

  it('live runs pick up flows by arrival, whatever their flow time, within one run', async () => {
    const live = createDetector({ ...detectorConfigFrom(db.config), intervalMs: 200 }, { clickhouse: db.clickhouse, logger: createLogger('silent') })
    // An imported capture from last week arrives now: it is analysed on its own time.
    const t = T0 - 7 * 24 * HOUR
    const now = Date.now()
    const rows = scan('198.51.100.37', '10.1.0.10', range(1, 20), t).map((r) => ({ ...r, time_received: new Date(now).toISOString().replace('T', ' ').replace('Z', '') }))
    live.start()
    await insertFlows(db.clickhouse, rows)
    const deadline = Date.now() + 60_000
    while (Date.now() < deadline && (await incidentsOf('198.51.100.37')).length === 0) await new Promise((r) => setTimeout(r, 100))
    await live.stop()
    const [i] = await incidentsOf('198.51.100.37')
    expect(i?.first_seen).toBe('2026-11-15 10:00:00.020')
  })

  it('threat lists: text and CSV with headers, comments and junk lines reported', () => {
    expect(parseThreatList('# feed\n1.2.3.4\n10.0.0.0/8 botnet\n2001:db8::1\nfoo\n')).toEqual({
      entries: [{ prefix: '1.2.3.4/32', label: '' }, { prefix: '10.0.0.0/8', label: 'botnet' }, { prefix: '2001:db8::1/128', label: '' }],
      rejected: [{ line: 5, text: 'foo' }],
    })
    expect(parseThreatList('first_seen,dst_ip,dst_port,malware\n2026-01-01,"198.51.100.7",443,Emotet\n').entries).toEqual([])
    expect(parseThreatList('indicator,type,description\n198.51.100.7,ip,"Emotet, C2"\n203.0.113.0/24,cidr,scanners\n').entries).toEqual([
      { prefix: '198.51.100.7/32', label: 'ip' }, { prefix: '203.0.113.0/24', label: 'cidr' },
    ])
  })
})
