import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { openTestDb, type TestDb } from '../helpers/db.ts'
import { flowRow, reloadArchiveDictionary, seedAsset, seedOrganisation } from '../helpers/archive-seed.ts'

const ORG_SCHOOL = '0a000000-0000-4000-8000-000000000001'
const ORG_HOSPITAL = '0a000000-0000-4000-8000-000000000002'
const CAMPUS = '0b000000-0000-4000-8000-000000000001'
const DATABASE = '0b000000-0000-4000-8000-000000000002'
const HIS = '0b000000-0000-4000-8000-000000000003'
const NIL = '00000000-0000-0000-0000-000000000000'

interface Enriched {
  src: string
  dst: string
  src_asset: string
  dst_asset: string
  dst_org: string
  dst_sector: string
  dst_locality: string
  dst_grade: string
  direction: string
}

describe('flow enrichment from the archive dictionary', () => {
  let db: TestDb
  beforeAll(async () => {
    db = await openTestDb()
    const ch = db.clickhouse
    await seedOrganisation(ch, { id: ORG_SCHOOL, name: 'No. 1 Middle School', sector: 'education', locality: 'east-street' })
    await seedOrganisation(ch, { id: ORG_HOSPITAL, name: 'County Hospital', sector: 'health', locality: 'west-town' })
    await seedAsset(ch, { id: CAMPUS, org_id: ORG_SCHOOL, name: 'campus network', grade: 'general', networks: ['10.20.0.0/16', '2001:db8:20::/48'] })
    await seedAsset(ch, { id: DATABASE, org_id: ORG_SCHOOL, name: 'student records DB', grade: 'core', networks: ['10.20.5.0/24'] })
    await seedAsset(ch, { id: HIS, org_id: ORG_HOSPITAL, name: 'hospital information system', grade: 'important', networks: ['192.0.2.10/32', '2001:db8:99::10/128'] })
    await reloadArchiveDictionary(ch)
    await ch.insert({
      table: 'flows',
      format: 'JSONEachRow',
      values: [
        flowRow('198.51.100.7', '10.20.1.1'), // inbound to the campus /16
        flowRow('198.51.100.7', '10.20.5.9'), // inbound to the /24 inside the /16: the database
        flowRow('2001:db8:ffff::1', '2001:db8:20::80'), // IPv6 inbound to the campus /48
        flowRow('10.20.5.9', '192.0.2.10'), // school database to the hospital: internal
        flowRow('2001:db8:99::10', '2001:db8:ffff::1'), // hospital outbound over IPv6
        flowRow('198.51.100.7', '203.0.113.9'), // outside every network
        // A telnet sweep: SYN-only probes to two archive hosts and one outside.
        flowRow('198.51.100.66', '10.20.1.1', { dst_port: 23, tcp_flags: 0x02, packets: 1, bytes: 40 }),
        flowRow('198.51.100.66', '10.20.5.9', { dst_port: 23, tcp_flags: 0x02, packets: 1, bytes: 40 }),
        flowRow('198.51.100.66', '203.0.113.9', { dst_port: 23, tcp_flags: 0x02, packets: 1, bytes: 40 }),
      ],
    })
  })
  afterAll(() => db.close())

  async function enriched(): Promise<Enriched[]> {
    return db.rows<Enriched>(`
      SELECT IPv6NumToString(src_addr) AS src, IPv6NumToString(dst_addr) AS dst, src_asset, dst_asset, dst_org,
             dst_sector, dst_locality, dst_grade, toString(direction) AS direction
      FROM flows ORDER BY dst, src`)
  }

  it('attributes IPv4 and IPv6 destinations to their asset, organisation, sector, locality and grade', async () => {
    const rows = await enriched()
    const byDst = new Map(rows.map((r) => [r.dst, r]))
    expect(byDst.get('::ffff:10.20.1.1')).toMatchObject({
      dst_asset: CAMPUS, dst_org: ORG_SCHOOL, dst_sector: 'education', dst_locality: 'east-street', dst_grade: 'general', direction: 'inbound',
    })
    expect(byDst.get('2001:db8:20::80')).toMatchObject({ dst_asset: CAMPUS, dst_grade: 'general', direction: 'inbound' })
  })

  it('lets the most specific prefix win: a /24 inside another asset\'s /16 belongs to the /24', async () => {
    const row = (await enriched()).find((r) => r.dst === '::ffff:10.20.5.9')
    expect(row).toMatchObject({ dst_asset: DATABASE, dst_grade: 'core', dst_sector: 'education' })
  })

  it('gives the direction: internal between archive assets, outbound from one, external outside all', async () => {
    const rows = await enriched()
    expect(rows.find((r) => r.dst === '::ffff:192.0.2.10')).toMatchObject({
      src_asset: DATABASE, dst_asset: HIS, dst_org: ORG_HOSPITAL, dst_sector: 'health', dst_locality: 'west-town', direction: 'internal',
    })
    expect(rows.find((r) => r.src === '2001:db8:99::10')).toMatchObject({ src_asset: HIS, dst_asset: NIL, direction: 'outbound' })
  })

  it('leaves an address outside every network without asset', async () => {
    const row = (await enriched()).find((r) => r.dst === '::ffff:203.0.113.9')
    expect(row).toMatchObject({ src_asset: NIL, dst_asset: NIL, dst_org: NIL, dst_sector: '', dst_grade: '', direction: 'external' })
  })

  it('feeds the per-minute rollups through the materialized views', async () => {
    const traffic = await db.rows<{ direction: string; dst_asset: string; flows: number; bytes: number; sources: number }>(`
      SELECT toString(direction) AS direction, dst_asset, sum(flows) AS flows, sum(bytes) AS bytes, uniqMerge(sources) AS sources
      FROM traffic_1m GROUP BY direction, dst_asset ORDER BY direction, dst_asset`)
    expect(traffic).toContainEqual({ direction: 'inbound', dst_asset: CAMPUS, flows: 3, bytes: 8040, sources: 3 })
    expect(traffic).toContainEqual({ direction: 'inbound', dst_asset: DATABASE, flows: 2, bytes: 4040, sources: 2 })
    const fanout = await db.rows(`
      SELECT IPv6NumToString(src_addr) AS src, service, sum(probes) AS probes, uniqMerge(hosts) AS hosts,
             uniqIfMerge(archive_hosts) AS archive_hosts
      FROM fanout_hosts_1m GROUP BY src_addr, service ORDER BY src`)
    // Only probes land in the fan-out rollups: the established HTTPS flows (ACK set) do not.
    expect(fanout).toEqual([{ src: '::ffff:198.51.100.66', service: 23, probes: 3, hosts: 3, archive_hosts: 2 }])
    const ports = await db.rows(`
      SELECT IPv6NumToString(dst_addr) AS dst, dst_asset, uniqMerge(ports) AS ports
      FROM fanout_ports_1m GROUP BY dst_addr, dst_asset ORDER BY dst`)
    expect(ports).toContainEqual({ dst: '::ffff:10.20.5.9', dst_asset: DATABASE, ports: 1 })
  })
})
