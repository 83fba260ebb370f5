// Latency of the overview, top lists and traffic queries the API runs, over 100 million flows on
// the embedded engine. Flows are generated inside ClickHouse (INSERT … SELECT FROM numbers), in
// chunks so that memory stays bounded, through the same materialized views as real inserts.
// Run: npm run bench query        (HOLOWATCH_BENCH_FLOWS=10000000 for a quicker run)
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { listAttacks } from '../api/routes/attacks/queries.ts'
import { statsOverview } from '../api/routes/stats/queries.ts'
import { trafficSummary, trafficTimeseries, trafficTop, type TopDimension } from '../api/routes/traffic/queries.ts'
import { openClickHouse } from '../core/clickhouse.ts'
import { loadConfig } from '../core/config.ts'
import { migrate } from '../sql/migrate.ts'
import { sized } from './smoke.ts'

const TOTAL = Number(process.env.HOLOWATCH_BENCH_FLOWS ?? sized(100_000_000, 200_000))
const CHUNK = 5_000_000
const ASSETS = 3000
const ORGS = 300
const DAYS = 30
const START = Date.parse('2026-10-01T00:00:00Z')
const SECTORS = ['education', 'health', 'transport', 'water', 'power', 'economy_it']

const dir = mkdtempSync(join(tmpdir(), 'holowatch-bench-query-'))
const { config } = loadConfig({ HOLOWATCH_DATA_DIR: dir })
const ch = await openClickHouse(config)
await migrate(ch, { database: config.clickhouseDatabase })

// The archive: 300 organisations in 6 sectors and 20 localities, 3,000 assets of one /28 each
// (10 % core, 30 % important, the rest general).
const uuid = (kind: number, n: number) => `0${kind}000000-0000-4000-8000-${n.toString(16).padStart(12, '0')}`
await ch.insert({
  table: 'organisations',
  values: Array.from({ length: ORGS }, (_, i) => ({
    id: uuid(1, i), name: `org ${i}`, credit_code: `91350100M${String(i).padStart(9, '0')}`, sector: SECTORS[i % 6], locality: `town-${i % 20}`, status: 'active',
  })),
  format: 'JSONEachRow',
})
await ch.insert({
  table: 'assets',
  values: Array.from({ length: ASSETS }, (_, i) => ({
    id: uuid(2, i), org_id: uuid(1, i % ORGS), name: `asset ${i}`, category: 'website', grade: i % 10 === 0 ? 'core' : i % 10 < 4 ? 'important' : 'general',
    mlps_level: 2, networks: [`10.${i >> 8}.${i & 255}.0/28`], status: 'active',
  })),
  format: 'JSONEachRow',
})
await ch.command({ query: 'SYSTEM RELOAD DICTIONARY asset_networks_dict' })

// One flow per number n: 70 % inbound to an archive host (assets skewed: a few take most
// traffic), 30 % outbound; two million sources; destination ports skewed towards 443, 80, 53,
// a third of the flows answers to ephemeral client ports, 5 % random low ports; one flow in ten
// a SYN-only probe.
const flowSelect = `
SELECT
    t AS time_received, t AS time_start, t + toIntervalMillisecond(h % 5000) AS time_end,
    'bench' AS sensor, toIPv6('::') AS exporter, 'ipfix' AS source_kind, 0 AS observation_domain,
    if(inbound, remote, local) AS src_addr, if(inbound, local, remote) AS dst_addr,
    toUInt16(1024 + h % 60000) AS src_port, port AS dst_port,
    toUInt8(multiIf(r % 100 < 85, 6, r % 100 < 98, 17, 1)) AS protocol,
    toUInt8(if(r % 10 = 0, 2, 27)) AS tcp_flags, toUInt8(0) AS icmp_type, toUInt8(0) AS icmp_code,
    toUInt64(1 + h % 100) AS packets, toUInt64((1 + h % 100) * (60 + r % 1400)) AS bytes,
    toUInt32(1) AS sampling_rate, toUInt32(1) AS in_if, toUInt32(2) AS out_if
FROM
(
    SELECT
        number,
        cityHash64(number) AS h,
        cityHash64(number, 1) AS r,
        fromUnixTimestamp64Milli(toInt64(${START} + intDiv(number * ${DAYS * 86_400_000}, ${TOTAL})), 'UTC') AS t,
        r % 10 < 7 AS inbound,
        toUInt32(floor(pow((h % 1000000) / 1000000, 3) * ${ASSETS})) AS asset,
        toIPv6(IPv4NumToString(toUInt32(167772160 + (intDiv(asset, 256) * 65536) + ((asset % 256) * 256) + (h % 16)))) AS local,
        toIPv6(IPv4NumToString(toUInt32(16777216 + cityHash64(number, 2) % 2000000))) AS remote,
        toUInt16(multiIf(r % 1000 < 300, 443, r % 1000 < 450, 80, r % 1000 < 550, 53, r % 1000 < 580, 22, r % 1000 < 600, 3389,
            r % 1000 < 950, 32768 + cityHash64(number, 3) % 28232, 1 + cityHash64(number, 3) % 10000)) AS port
    FROM numbers({offset:UInt64}, {count:UInt64})
)`

const columns = 'time_received, time_start, time_end, sensor, exporter, source_kind, observation_domain, src_addr, dst_addr, src_port, dst_port, protocol, tcp_flags, icmp_type, icmp_code, packets, bytes, sampling_rate, in_if, out_if'
console.log(`loading ${TOTAL.toLocaleString('en-US')} flows over ${DAYS} days, ${ASSETS} assets, in chunks of ${CHUNK.toLocaleString('en-US')}…`)
const loadStart = performance.now()
for (let offset = 0; offset < TOTAL; offset += CHUNK) {
  await ch.command({
    query: `INSERT INTO flows (${columns}) ${flowSelect}`,
    query_params: { offset, count: Math.min(CHUNK, TOTAL - offset) },
    clickhouse_settings: { max_insert_threads: '2', max_block_size: '1048576', min_insert_block_size_rows: '1048576' },
  })
  const done = Math.min(offset + CHUNK, TOTAL)
  const s = (performance.now() - loadStart) / 1000
  process.stdout.write(`\r  ${done.toLocaleString('en-US')} flows, ${s.toFixed(0)} s, ${Math.round(done / s).toLocaleString('en-US')} flows/s   `)
}
const loadSeconds = (performance.now() - loadStart) / 1000
console.log(`\nloaded in ${loadSeconds.toFixed(0)} s (${Math.round(TOTAL / loadSeconds).toLocaleString('en-US')} flows/s)`)

// 20,000 incidents over the same month, as detection would have written them.
await ch.command({
  query: `INSERT INTO incidents (id, rule, incident_key, source, sources, source_count, targets, target_count, ports, protocols, asset_id, org_id,
            sector, locality, grade, asset_ids, org_ids, sectors, localities, grades, first_seen, last_seen, peak, peak_unit, alerted_magnitude,
            alert_count, packets, bytes, flows, severity, details)
          SELECT generateUUIDv4(), ['port_scan', 'host_sweep', 'flood', 'brute_force', 'threat_intel'][1 + number % 5], toString(number), '1.2.3.4', [], 1,
            [], 1, [], [6], a.id, a.org_id, '', '', toString(a.grade), [a.id], [a.org_id], [''], [''], [toString(a.grade)],
            fromUnixTimestamp64Milli(toInt64(${START} + number * 129600), 'UTC') AS f, f + INTERVAL 5 MINUTE, 20, 'ports', 20, 1, 100, 10000, 10,
            ['low', 'medium', 'high', 'critical'][1 + number % 4], '{}'
          FROM numbers(20000) AS n
          JOIN (SELECT id, org_id, grade, rowNumberInAllBlocks() AS k FROM assets) AS a ON a.k = n.number % ${ASSETS}`,
})
const rollupRows = await (await ch.query({ query: "SELECT table, sum(rows) AS rows FROM system.parts WHERE active AND database = currentDatabase() AND table IN ('flows', 'flow_sources_sample', 'traffic_1m', 'traffic_1d', 'incidents') GROUP BY table ORDER BY table", format: 'JSONEachRow' })).json()
console.log('rows:', rollupRows)
await ch.command({ query: 'OPTIMIZE TABLE traffic_1d FINAL' })

const range = { from: START, to: START + DAYS * 86_400_000 }
const month = { ...range, orgs: [] as string[] }
async function time(label: string, fn: () => Promise<unknown>, rounds = 15): Promise<void> {
  await fn()
  const ms: number[] = []
  for (let i = 0; i < rounds; i++) {
    const t0 = performance.now()
    await fn()
    ms.push(performance.now() - t0)
  }
  ms.sort((a, b) => a - b)
  const p = (q: number) => ms[Math.min(ms.length - 1, Math.ceil(q * ms.length) - 1)]!
  console.log(`${label.padEnd(52)} median ${p(0.5).toFixed(0).padStart(6)} ms   p95 ${p(0.95).toFixed(0).padStart(6)} ms`)
}

console.log(`\nquery latency over ${TOTAL.toLocaleString('en-US')} flows (${DAYS} days), embedded engine, the API's own functions:`)
await time('GET /stats/overview (30 days)', () => statsOverview(ch, range, []))
await time('GET /stats/overview (one owner organisation)', () => statsOverview(ch, range, [uuid(1, 7)]))
await time('GET /traffic/summary (30 days)', () => trafficSummary(ch, month))
await time('GET /traffic/summary (30 days 12:34 → 29 days 01:00)', () => trafficSummary(ch, { from: range.from + 45_240_000, to: range.to - 82_800_000, orgs: [] }))
for (const by of ['asset', 'organisation', 'sector', 'locality', 'destination_port', 'protocol'] as TopDimension[]) {
  await time(`GET /traffic/top?by=${by} (30 days)`, () => trafficTop(ch, month, by, 'bytes', 10))
}
await time('GET /traffic/top?by=source (30 days, 1-in-16 sample, estimated)', () => trafficTop(ch, month, 'source', 'bytes', 10), 5)
await time('GET /traffic/top?by=source (one day, raw flows)', () => trafficTop(ch, { from: range.from, to: range.from + 86_400_000, orgs: [] }, 'source', 'bytes', 10), 5)
await time('GET /traffic/timeseries (30 days, daily points)', () => trafficTimeseries(ch, month, 86_400))
await time('GET /traffic/timeseries (one day, 5-minute points)', () => trafficTimeseries(ch, { from: range.from, to: range.from + 86_400_000, orgs: [] }, 300))
await time('GET /attacks (30 days, first page by severity)', () =>
  listAttacks(ch, { ...range, scopeOrgs: [], sort: 'severity', order: 'desc', limit: 50, offset: 0 }))
console.log(`peak RSS ${(process.memoryUsage().rss / 1024 / 1024).toFixed(0)} MiB`)
await ch.close()
rmSync(dir, { recursive: true, force: true })
