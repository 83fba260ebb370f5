import type { ClickHouseClient } from '../../core/clickhouse.ts'
import { reloadArchiveDictionary, seedAsset, seedOrganisation } from '../helpers/archive-seed.ts'

/**
 * The lab of test/fixtures/pcap (10.77.0.0/24 and 2001:db8:77::/64) as an archive: the
 * victim web server 10.77.0.10 / 2001:db8:77::10 is a core asset, the curl client 10.77.0.20 a
 * general one, and the plant's LAN block 10.77.0.0/27 is registered too (organisations declare
 * their blocks); the attacker 10.77.0.66 is outside the archive, like an intruder on the Internet.
 * Detection runs at the product's defaults on it.
 */
export const LAB_ORG = '0a000000-0000-4000-8000-0000000000b1'
export const LAB_SERVER = '0b000000-0000-4000-8000-0000000000b1'
export const LAB_CLIENT = '0b000000-0000-4000-8000-0000000000b2'
export const LAB_LAN = '0b000000-0000-4000-8000-0000000000b3'

export async function seedLab(ch: ClickHouseClient): Promise<void> {
  await seedOrganisation(ch, { id: LAB_ORG, name: 'Lab Water Works', sector: 'water', locality: 'lab-town' })
  await seedAsset(ch, { id: LAB_SERVER, org_id: LAB_ORG, name: 'SCADA web server', grade: 'core', networks: ['10.77.0.10/32', '2001:db8:77::10/128'] })
  await seedAsset(ch, { id: LAB_CLIENT, org_id: LAB_ORG, name: 'operator workstation', grade: 'general', networks: ['10.77.0.20/32'] })
  await seedAsset(ch, { id: LAB_LAN, org_id: LAB_ORG, name: 'plant LAN', grade: 'general', networks: ['10.77.0.0/27'] })
  await reloadArchiveDictionary(ch)
}

/** The capture's span (truth.json: first packet 2026-11-22 12:08:31.607 UTC, last 12:08:59.511). */
export const LAB_FROM = Date.parse('2026-11-22T12:08:00Z')
export const LAB_TO = Date.parse('2026-11-22T12:10:00Z')
