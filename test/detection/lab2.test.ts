import { readFileSync } from 'node:fs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { fileURLToPath } from 'node:url'
import { createPcapImporter } from '../../collector/capture/importer.ts'
import { createNetflowDecoder } from '../../collector/netflow/index.ts'
import { createFlowWriter, defaultWriterConfig } from '../../collector/writer/index.ts'
import { createLogger } from '../../core/logger.ts'
import { createDetector, detectorConfigFrom, type Incident } from '../../detection/index.ts'
import { reloadArchiveDictionary, seedAsset, seedOrganisation } from '../helpers/archive-seed.ts'
import { openTestDb, type TestDb } from '../helpers/db.ts'
import { exportDatagrams } from '../helpers/export-datagrams.ts'

// The second lab (test/fixtures/lab2, README.md there): real hping3 floods of 1.4-2.1k packets/s, DNS
// and NTP reflection through real dnsmasq and ntpsec answering spoofed requests, masscan over 16
// hosts × 300 ports, an nmap sweep of 5 hosts × 3 ports, ncrack against SSH on port 902, and benign
// traffic beside them (a paced 70-second download, a busy web client, a busy DNS client, outbound
// browsing, low-rate SYN-ACK backscatter). Imported as the pcap and as softflowd's NetFlow v9 export,
// judged at the product's defaults: every attack with its type, attacker and victim, one incident
// per attack, nothing on the benign traffic, no reflection called a scan.
const LAB2 = new URL('../fixtures/lab2/', import.meta.url)
const ORG = '0a000000-0000-4000-8000-0000000000d1'
const SERVER = '0b000000-0000-4000-8000-0000000000d1'
const LAN = '0b000000-0000-4000-8000-0000000000d2'

interface TruthEvent { id: number; type: string; attacker: string | null; victim: string; start_ms: number; end_ms: number; expect: string }
const truth = JSON.parse(readFileSync(new URL('truth.json', LAB2), 'utf8')) as { capture: { first_packet_epoch_ms: number; last_packet_epoch_ms: number }; events: TruthEvent[] }
const FROM = Math.floor(truth.capture.first_packet_epoch_ms / 60_000) * 60_000
const TO = Math.ceil(truth.capture.last_packet_epoch_ms / 60_000) * 60_000 + 60_000

/**
 * The lab's archive: the server (core) and the plant LAN (general). `declareSsh` declares OpenSSH on
 * port 902 of the server; without it only passive discovery can tell that 902 is SSH.
 */
async function seedLab2(db: TestDb, declareSsh: boolean): Promise<void> {
  await seedOrganisation(db.clickhouse, { id: ORG, name: 'Lab 2 Water Works', sector: 'water', locality: 'lab-town' })
  await seedAsset(db.clickhouse, {
    id: SERVER, org_id: ORG, name: 'control server', grade: 'core', networks: ['10.78.0.10/32'],
    ...(declareSsh ? { services: [{ port: 902, protocol: 'tcp', product: 'OpenSSH', version: '9.2p1' }] } : {}),
  })
  await seedAsset(db.clickhouse, { id: LAN, org_id: ORG, name: 'plant LAN', grade: 'general', networks: ['10.78.0.0/27'] })
  await reloadArchiveDictionary(db.clickhouse)
}

async function detect(db: TestDb): Promise<Incident[]> {
  const detector = createDetector(detectorConfigFrom(db.config), { clickhouse: db.clickhouse, logger: createLogger('silent') })
  return (await detector.runWindow(FROM, TO)).opened
}

/** Every attack of truth.json by one incident of its type on its victim, and nothing else. */
function check(incidents: Incident[]): void {
  const describe_ = (i: Incident) => `${i.rule} ${i.source || `${i.sourceCount} sources`} → ${i.targets.slice(0, 3).join(',')} ${JSON.stringify(i.details.class ?? i.details.vectors ?? i.details.services ?? '')} ${i.sources.slice(0, 3).join(',')}`
  const used = new Set<string>()
  for (const e of truth.events.filter((x) => x.expect !== 'none')) {
    const rules = e.expect === 'port_scan' || e.expect === 'host_sweep' ? ['port_scan', 'host_sweep'] : [e.expect]
    const victims = e.victim.includes('-') ? ['10.78.0.10'] : e.victim.split(',')
    const floodClass = e.expect === 'flood' ? e.type.replace('_flood', '') : undefined
    const vector = e.expect === 'amplification' ? e.type.replace('_amplification', '').toUpperCase() : undefined
    const hit = incidents.find((i) => rules.includes(i.rule) && victims.some((v) => i.targets.includes(v)) &&
      (e.expect === 'flood' || e.expect === 'amplification' || i.source === e.attacker) &&
      (!floodClass || i.details.class === floodClass) && (!vector || i.key.endsWith(`|${vector}`)) &&
      i.firstSeen <= e.end_ms + 1000 && i.lastSeen >= e.start_ms - 1000)
    expect(hit, `event ${e.id} ${e.type}: ${incidents.map(describe_).join('; ')}`).toBeDefined()
    used.add(hit!.id)
  }
  // One incident per attack: the masscan and the nmap sweep of the same organisation by the same
  // source are one; the three floods and the two reflections one each; nothing on benign traffic.
  expect(incidents.map(describe_).sort(), incidents.map(describe_).join('; ')).toHaveLength(7)
  expect(incidents.filter((i) => !used.has(i.id)).map(describe_)).toEqual([])
  expect(incidents.filter((i) => i.rule === 'flood').map((i) => i.details.class).sort()).toEqual(['icmp', 'syn', 'udp'])
  // One incident per vector (a window over both attacks names both).
  const reflections = incidents.filter((i) => i.rule === 'amplification').map((i) => i.details.vectors as string[])
  expect(reflections).toHaveLength(2)
  expect([...new Set(reflections.flat())].sort()).toEqual(['DNS', 'NTP'])
  // No reflector is ever a scanner, and the backscatter's victim is no attacker.
  for (const i of incidents) expect(i.source).not.toMatch(/^10\.78\.0\.(10[1-8]|150|12|20|200)$/)
  const brute = incidents.find((i) => i.rule === 'brute_force')!
  expect(brute.ports).toEqual([902])
}

describe('lab 2 at the product defaults', () => {
  let db: TestDb
  beforeAll(async () => {
    db = await openTestDb()
  })
  afterAll(() => db.close())

  it('the pcap, imported as a sensor uploads it: every attack once, with its type, attacker and victim; nothing on benign traffic or backscatter', async () => {
    await seedLab2(db, false)
    // The import's discovery sees the SSH banner on 902: brute force there is watched without any declaration.
    const importer = createPcapImporter(db.config, { clickhouse: db.clickhouse, logger: createLogger('silent') }, 'test')
    importer.start()
    const report = await importer.importFile(fileURLToPath(new URL('attacks.pcap.gz', LAB2)), { sensor: 'lab2', origin: 'cli' })
    await importer.stop()
    expect(report.status).toBe('imported')
    check(await detect(db))
  })
})

describe('lab 2 as NetFlow v9 at the product defaults', () => {
  let db: TestDb
  beforeAll(async () => {
    db = await openTestDb()
  })
  afterAll(() => db.close())

  it("softflowd's export: the same attacks, the same incidents", async () => {
    // NetFlow carries no banner: the archive declares OpenSSH on 902, as the owner registered it.
    await seedLab2(db, true)
    const decoder = createNetflowDecoder()
    const writer = createFlowWriter(defaultWriterConfig(db.dir), { clickhouse: db.clickhouse, logger: createLogger('silent') })
    writer.start()
    for (const d of exportDatagrams(new URL('attacks-v9.pcap.gz', LAB2))) writer.write(decoder.decode(d.payload, '127.0.0.1', d.at))
    await writer.stop()
    check(await detect(db))
  })
})
