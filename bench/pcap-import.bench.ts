// A whole capture import, as `holowatch import-pcap` and the inbox run it, into the embedded
// engine: hashing, reading, decoding, flow assembly, service discovery, the Native inserts into
// flows with its rollups, the services and the import record. Unpinned: the engine's insert
// threads share the machine's cores with the analysis.
// Run: npm run bench pcap-import
import { mkdtempSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createPcapImporter } from '../collector/capture/importer.ts'
import { openClickHouse } from '../core/clickhouse.ts'
import { loadConfig } from '../core/config.ts'
import { createLogger } from '../core/logger.ts'
import { migrate } from '../sql/migrate.ts'
import { writeSyntheticPcap } from './synthetic-pcap.ts'
import { sized } from './smoke.ts'

const dir = mkdtempSync(join(tmpdir(), 'holowatch-bench-import-'))
const file = join(dir, 'synthetic.pcap')
const { packets } = writeSyntheticPcap(file)
const size = statSync(file).size
const { config } = loadConfig({ HOLOWATCH_DATA_DIR: join(dir, 'data') })
const ch = await openClickHouse(config)
await migrate(ch, { database: config.clickhouseDatabase })
const importer = createPcapImporter(config, { clickhouse: ch, logger: createLogger('silent') }, 'bench')

console.log(`synthetic capture: ${packets.toLocaleString('en')} packets, ${(size / 1e6).toFixed(1)} MB; import into the embedded engine`)
console.log('round  seconds   packets/s   flows/s   MB/s')
let stored = 0
for (let round = 1; round <= sized(3, 1); round++) {
  const t0 = performance.now()
  // Forced after the first: the same content stored again, as new rows.
  const report = await importer.importFile(file, { sensor: 'bench', origin: 'cli', force: round > 1, fileName: 'synthetic.pcap' })
  const seconds = (performance.now() - t0) / 1000
  if (report.status !== 'imported' || report.packets !== packets) throw new Error(`import ${report.status}, ${report.packets} packets`)
  stored += report.flows
  console.log(`${String(round).padStart(5)}  ${seconds.toFixed(2).padStart(7)}  ${Math.round(packets / seconds).toLocaleString('en').padStart(10)}  ${Math.round(report.flows / seconds).toLocaleString('en').padStart(8)}  ${(size / 1e6 / seconds).toFixed(1).padStart(5)}`)
}
const rs = await ch.query({ query: "SELECT count() AS n FROM flows WHERE sensor = 'bench'", format: 'JSONEachRow' })
const n = (await rs.json<{ n: string }>())[0]?.n
if (Number(n) !== stored) throw new Error(`flows holds ${n} rows, the imports reported ${stored}`)
console.log(`flows rows after 3 imports: ${Number(n).toLocaleString('en')} (as reported)`)
await importer.stop()
await ch.close()
rmSync(dir, { recursive: true, force: true })
