import { createReadStream, readFileSync } from 'node:fs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { analyseCapture } from '../../collector/capture/index.ts'
import type { FlowRecord } from '../../collector/flows/record.ts'
import { createNetflowDecoder } from '../../collector/netflow/index.ts'
import { createFlowWriter, defaultWriterConfig } from '../../collector/writer/index.ts'
import { createLogger } from '../../core/logger.ts'
import { createDetector, detectorConfigFrom, type Incident } from '../../detection/index.ts'
import { openTestDb, type TestDb } from '../helpers/db.ts'
import { exportDatagrams } from '../helpers/export-datagrams.ts'
import { LAB_FROM, LAB_SERVER, LAB_TO, seedLab } from './lab.ts'

// The lab capture of test/fixtures (truth.json lists every attack) imported the two ways a
// centre receives traffic: as a pcap file, and as NetFlow v5 / v9 / IPFIX exported by softflowd
// from the same packets. Detection runs on flow time (the capture's, 2026-11-22 12:08:31 UTC on),
// at the product's defaults, and must find every listed attack with the right type,
// attacker and victim, and nothing else: no incident on the benign curl traffic.
const FIXTURES = new URL('../fixtures/', import.meta.url)

interface TruthEvent {
  id: number
  type: string
  attacker: string | null
  victims: string[]
}
const truth = (JSON.parse(readFileSync(new URL('pcap/truth.json', FIXTURES), 'utf8')) as { events: TruthEvent[] }).events

/**
 * The incident each truth type must produce: its rules (scans and sweeps by one source of one
 * organisation are one incident, under the rule that saw it first) and the variant or flood class.
 */
const EXPECTED: Record<string, { rules: string[]; variant?: string; class?: string }> = {
  port_scan: { rules: ['port_scan', 'host_sweep'], variant: 'vertical' },
  host_sweep: { rules: ['port_scan', 'host_sweep'], variant: 'horizontal' },
  syn_flood: { rules: ['flood'], class: 'syn' },
  brute_force: { rules: ['brute_force'] },
}

async function detectLab(db: TestDb, load: (write: (flows: FlowRecord[]) => void) => Promise<void>): Promise<Incident[]> {
  await seedLab(db.clickhouse)
  const writer = createFlowWriter(defaultWriterConfig(db.dir), { clickhouse: db.clickhouse, logger: createLogger('silent') })
  writer.start()
  await load((flows) => writer.write(flows))
  await writer.stop()
  const detector = createDetector(detectorConfigFrom(db.config), { clickhouse: db.clickhouse, logger: createLogger('silent') })
  const { opened } = await detector.runWindow(LAB_FROM, LAB_TO)
  return opened
}

function checkAgainstTruth(incidents: Incident[], options: { ipv6: boolean }): void {
  const matched = new Set<string>()
  for (const event of truth) {
    if (event.type === 'benign') continue
    // Event 4 is an ARP-only sweep of a flat network: no IP packet, hence no flow. It must not
    // be invented; its victims are checked below to carry no ICMP or ARP-made sweep.
    if (event.id === 4) continue
    if (!options.ipv6 && event.attacker?.includes(':')) continue
    const want = EXPECTED[event.type.replace(/ \(.*\)$/, '')]!
    const found = incidents.find(
      (i) => want.rules.includes(i.rule) && (i.source === event.attacker || i.sources.includes(event.attacker!)) &&
        event.victims.some((v) => i.targets.includes(v)) && (!want.class || i.details.class === want.class) &&
        (!want.variant || (i.details.variants as string[]).includes(want.variant)),
    )
    expect(found, `event ${event.id} (${event.type} by ${event.attacker})`).toBeDefined()
    matched.add(found!.id)
    expect(found!.assets[0]?.id).toBe(LAB_SERVER)
  }
  // Events 2, 3 and 5 (SYN and Xmas scans of the server, a sweep of the LAN on 6379, by the same
  // attacker of the same organisation within minutes) are one incident.
  const scans = incidents.filter((i) => ['port_scan', 'host_sweep'].includes(i.rule) && i.source === '10.77.0.66')
  expect(scans).toHaveLength(1)
  expect(scans[0]!.details.techniques).toEqual(expect.arrayContaining(['syn', 'xmas']))
  expect(scans[0]!.details.variants).toEqual(['horizontal', 'vertical'])
  // Nothing else: no incident from the benign client, none made of the ARP-only sweep.
  expect(incidents.filter((i) => !matched.has(i.id)).map((i) => `${i.rule} ${i.source} → ${i.targets.join(',')}`)).toEqual([])
  expect(incidents.some((i) => i.source === '10.77.0.20' || i.sources.includes('10.77.0.20'))).toBe(false)
  expect(scans[0]!.details.services).toEqual(expect.arrayContaining(['tcp/6379']))
}

describe('real traffic as pcap', () => {
  let db: TestDb
  beforeAll(async () => {
    db = await openTestDb()
  })
  afterAll(() => db.close())

  it('finds every attack of truth.json in dev-capture.pcapng and nothing on benign traffic', async () => {
    const incidents = await detectLab(db, async (write) => {
      await analyseCapture(createReadStream(new URL('pcap/dev-capture.pcapng', FIXTURES)), { sensor: 'lab', onFlows: (batch) => write(batch.toRecords()) })
    })
    checkAgainstTruth(incidents, { ipv6: true })
  })
})

for (const [version, file, ipv6] of [['v5', 'softflowd-v5.pcap', false], ['v9', 'softflowd-v9.pcap', true], ['IPFIX', 'softflowd-ipfix.pcap', true]] as const) {
  describe(`real traffic as NetFlow ${version}`, () => {
    let db: TestDb
    beforeAll(async () => {
      db = await openTestDb()
    })
    afterAll(() => db.close())

    it(`finds every attack of truth.json in ${file}${ipv6 ? '' : ' (v5 carries no IPv6: event 8 is not in it)'}`, async () => {
      const decoder = createNetflowDecoder()
      const incidents = await detectLab(db, async (write) => {
        for (const d of exportDatagrams(file)) write(decoder.decode(d.payload, '127.0.0.1', d.at))
      })
      checkAgainstTruth(incidents, { ipv6 })
    })
  })
}
