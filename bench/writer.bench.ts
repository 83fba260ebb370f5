// Insert throughput of the flow writer into the embedded engine, and the insert formats compared.
// Run: npm run bench writer
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Readable } from 'node:stream'
import { createFlowWriter, defaultWriterConfig, flowsToNative, NATIVE_COLUMNS } from '../collector/writer/index.ts'
import { flowsToTsv, FLOW_COLUMNS } from './tsv-baseline.ts'
import { openClickHouse } from '../core/clickhouse.ts'
import { loadConfig } from '../core/config.ts'
import { createLogger } from '../core/logger.ts'
import { migrate } from '../sql/migrate.ts'
import { syntheticFlows } from '../test/helpers/flows.ts'
import { sized } from './smoke.ts'

const dir = mkdtempSync(join(tmpdir(), 'holowatch-bench-writer-'))
const { config } = loadConfig({ HOLOWATCH_DATA_DIR: dir })
const ch = await openClickHouse(config)
await migrate(ch, { database: config.clickhouseDatabase })

const BATCH = sized(100_000, 10_000)
// A realistic mix: 250k distinct sources, one flow in ten a SYN-only probe (what the fan-out
// rollups keep), the rest established TCP.
const flows = syntheticFlows(BATCH).map((f, i) => ({
  ...f,
  srcAddr: `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`,
  dstAddr: `203.0.113.${i % 200}`,
  tcpFlags: i % 10 === 0 ? 0x02 : 0x1b,
}))
const text = (ms: number) => new Date(ms).toISOString().replace('T', ' ').replace('Z', '')
const rowsOf = (f: (typeof flows)[number]) => ({
  time_received: text(f.timeReceived), time_start: text(f.timeStart), time_end: text(f.timeEnd), sensor: f.sensor,
  exporter: f.exporter, source_kind: f.sourceKind, observation_domain: f.observationDomain, src_addr: f.srcAddr, dst_addr: f.dstAddr,
  src_port: f.srcPort, dst_port: f.dstPort, protocol: f.protocol, tcp_flags: f.tcpFlags, icmp_type: f.icmpType, icmp_code: f.icmpCode,
  packets: f.packets, bytes: f.bytes, sampling_rate: f.samplingRate, in_if: f.inIf, out_if: f.outIf,
})

async function timeIt(label: string, rounds: number, fn: () => Promise<void>): Promise<number> {
  await fn() // warm-up
  const t0 = performance.now()
  for (let i = 0; i < rounds; i++) await fn()
  const rate = (rounds * BATCH) / ((performance.now() - t0) / 1000)
  console.log(`${label.padEnd(44)} ${Math.round(rate).toLocaleString('en-US').padStart(12)} flows/s`)
  return rate
}

console.log(`insert formats, batches of ${BATCH.toLocaleString('en-US')} flows into flows (+3 rollup views), embedded engine:`)
await timeIt('Native (serialise + insert), the writer\'s', 5, async () => {
  const query = `INSERT INTO flows (${NATIVE_COLUMNS.join(', ')}) FORMAT Native`
  const result = await ch.exec({ query, values: Readable.from([flowsToNative(flows)]) })
  result.stream.resume()
})
await timeIt('TabSeparated (serialise + insert)', 5, async () => {
  await ch.insert({ table: 'flows', columns: [...FLOW_COLUMNS], format: 'TabSeparated', values: Readable.from([flowsToTsv(flows)], { objectMode: false }) })
})
await timeIt('JSONEachRow (objects + insert)', 5, async () => {
  await ch.insert({ table: 'flows', format: 'JSONEachRow', values: flows.map(rowsOf) })
})
for (const [label, serialise] of [['Native', flowsToNative], ['TabSeparated', flowsToTsv]] as const) {
  serialise(flows)
  const t0 = performance.now()
  for (let i = 0; i < 10; i++) serialise(flows)
  const rate = Math.round((10 * BATCH) / ((performance.now() - t0) / 1000))
  console.log(`${(label + ' serialisation alone').padEnd(44)} ${rate.toLocaleString('en-US').padStart(12)} flows/s`)
}

const writer = createFlowWriter(defaultWriterConfig(dir), { clickhouse: ch, logger: createLogger('silent') })
writer.start()
const total = 2_000_000
const w0 = performance.now()
for (let i = 0; i < total / BATCH; i++) writer.write(flows)
await writer.flush(600_000)
const seconds = (performance.now() - w0) / 1000
await writer.stop()
console.log(`${'writer end to end (2,000,000 flows)'.padEnd(44)} ${Math.round(total / seconds).toLocaleString('en-US').padStart(12)} flows/s`)
console.log(`peak RSS ${(process.memoryUsage().rss / 1024 / 1024).toFixed(0)} MiB`)
await ch.close()
rmSync(dir, { recursive: true, force: true })
