import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { loadConfig } from '../../core/config.ts'
import { applyRetention, RETENTION_TABLES, retentionOf, ttlExpression } from '../../sql/ttl.ts'
import { openTestDb, type TestDb } from '../helpers/db.ts'

// Every table with a retention gets it from the settings at migrate time (sql/ttl.ts): raw flows,
// their sample and the scan rollups on two clocks (imported captures from the import, live flows
// from their own time), the traffic rollups on flow time. No fixed number of days is left.
const DEFAULTS = retentionOf(loadConfig({}).config)
const IMPORTED_OR_LIVE = (imported: string, received: string, start: string, importDays: number, liveDays: number) =>
  `if(${imported}, ${received} + toIntervalDay(${importDays}), ${start} + toIntervalDay(${liveDays}))`

describe('retention from the settings', () => {
  let db: TestDb
  const target = { database: 'holowatch' }
  const ttlOf = async (table: string) => {
    const [row] = await db.rows<{ e: string }>('SELECT engine_full AS e FROM system.tables WHERE database = {db:String} AND name = {t:String}', { db: 'holowatch', t: table })
    return /\bTTL\s+(.+?)(?:\s+SETTINGS\b|$)/.exec(row!.e)?.[1]
  }
  beforeAll(async () => {
    db = await openTestDb()
  })
  afterAll(() => db.close())

  it('at the defaults: imports kept 365 days from the import, live flows and scan rollups 180 days, traffic rollups forever', async () => {
    expect(DEFAULTS).toEqual({ flowsDays: 180, importDays: 365, rollupDays: 0 })
    expect(ttlExpression('flows', DEFAULTS)).toBe(IMPORTED_OR_LIVE("source_kind = 'pcap'", 'toDateTime(time_received)', 'toDateTime(time_start)', 365, 180))
    expect(ttlExpression('flow_sources_sample', DEFAULTS)).toBe(IMPORTED_OR_LIVE('imported = 1', 'toDateTime(time_received)', 'toDateTime(time_start)', 365, 180))
    for (const scan of ['fanout_ports_1m', 'fanout_hosts_1m']) expect(ttlExpression(scan, DEFAULTS)).toBe(IMPORTED_OR_LIVE('imported = 1', 'time_received', 'minute', 365, 180))
    expect(ttlExpression('traffic_1m', DEFAULTS)).toBeUndefined()
    expect(ttlExpression('traffic_1d', DEFAULTS)).toBeUndefined()

    // Migration 0004 left the scan rollups at a fixed 30 days; the settings replace it.
    expect(await ttlOf('fanout_ports_1m')).toBe('minute + toIntervalDay(30)')
    const changes = await applyRetention(db.clickhouse, target, DEFAULTS)
    expect(changes).toEqual({ flows: 'set', flow_sources_sample: 'set', fanout_ports_1m: 'set', fanout_hosts_1m: 'set', traffic_1m: 'unchanged', traffic_1d: 'unchanged' })
    for (const table of Object.keys(RETENTION_TABLES)) expect(await ttlOf(table)).toBe(ttlExpression(table, DEFAULTS))
    // ClickHouse prints each expression back as written: applying the same settings changes nothing.
    expect(Object.values(await applyRetention(db.clickhouse, target, DEFAULTS)).every((c) => c === 'unchanged')).toBe(true)
  })

  it('each setting governs its tables, 0 keeps forever, and days past what DateTime holds are refused', async () => {
    const custom = retentionOf(loadConfig({ HOLOWATCH_FLOWS_TTL_DAYS: '90', HOLOWATCH_IMPORT_TTL_DAYS: '0', HOLOWATCH_ROLLUP_TTL_DAYS: '400' }).config)
    await applyRetention(db.clickhouse, target, custom)
    expect(await ttlOf('flows')).toBe("if(source_kind = 'pcap', toDateTime('2106-01-01 00:00:00', 'UTC'), toDateTime(time_start) + toIntervalDay(90))")
    expect(await ttlOf('fanout_hosts_1m')).toBe("if(imported = 1, toDateTime('2106-01-01 00:00:00', 'UTC'), minute + toIntervalDay(90))")
    expect(await ttlOf('traffic_1m')).toBe('minute + toIntervalDay(400)')
    expect(await ttlOf('traffic_1d')).toBe('day + toIntervalDay(400)')

    const changes = await applyRetention(db.clickhouse, target, { flowsDays: 0, importDays: 0, rollupDays: 0 })
    expect(Object.values(changes)).toEqual(Array(6).fill('removed'))
    for (const table of Object.keys(RETENTION_TABLES)) expect(await ttlOf(table)).toBeUndefined()

    // time_start + 36,500 days wraps past 2106 into 1990 and would delete every row on arrival.
    expect(() => loadConfig({ HOLOWATCH_FLOWS_TTL_DAYS: '36500' })).toThrow(/^HOLOWATCH_FLOWS_TTL_DAYS/)
    expect(() => ttlExpression('flows', { ...DEFAULTS, importDays: 30_000 })).toThrow(/import retention must be a whole number of days from 0 to 25000/)
    await applyRetention(db.clickhouse, target, DEFAULTS)
  })

  it('an old live flow goes as it is stored, with its scan rollups; the same flow imported stays, rollups and all', async () => {
    await applyRetention(db.clickhouse, target, DEFAULTS)
    // One SYN probe 400 days old, received now, once from a NetFlow exporter and once from a capture.
    const probe = (kind: string, src: string) => db.clickhouse.command({
      query: `INSERT INTO flows (time_received, time_start, time_end, sensor, exporter, source_kind, src_addr, dst_addr, src_port, dst_port, protocol, tcp_flags, packets, bytes)
        SELECT now64(3), now64(3) - toIntervalDay(400), now64(3) - toIntervalDay(400), 't', toIPv6('::ffff:10.9.9.9'), {kind:String}, toIPv6({src:String}), toIPv6('::ffff:10.77.0.10'), 40000, 22, 6, 2, 1, 60`,
      query_params: { kind, src },
    })
    await probe('netflow9', '::ffff:198.51.100.1')
    await probe('pcap', '::ffff:198.51.100.2')
    for (const table of ['flows', 'fanout_ports_1m', 'fanout_hosts_1m']) await db.clickhouse.command({ query: `OPTIMIZE TABLE ${table} FINAL` })
    const sources = async (table: string) => (await db.rows<{ s: string }>(`SELECT DISTINCT toString(src_addr) AS s FROM ${table} ORDER BY s`)).map((r) => r.s)
    expect(await sources('flows')).toEqual(['::ffff:198.51.100.2'])
    expect(await sources('fanout_ports_1m')).toEqual(['::ffff:198.51.100.2'])
    expect(await sources('fanout_hosts_1m')).toEqual(['::ffff:198.51.100.2'])
    // The traffic rollups keep both (forever at the defaults): the charts show what detection sees, and more.
    expect(await db.rows('SELECT sum(flows) AS n FROM traffic_1m')).toEqual([{ n: 2 }])
  })
})
