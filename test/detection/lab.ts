import type { ClickHouseClient } from '../../core/clickhouse.ts'
import { reloadArchiveDictionary, seedAsset, seedOrganisation } from '../helpers/archive-seed.ts'

/**
 * The lab of test/fixtures/pcap (10.77.0.0/24 and 2001:db8:77::/64) as an archive: the
 * victim web server 10.77.0.10 / 2001:db8:77::10 is a core asset, the curl client 10.77.0.20 a
 * general one; the attacker 10.77.0.66 is outside the archive, like an intruder on the Internet.
 */
export const LAB_ORG = '0a000000-0000-4000-8000-0000000000b1'
export const LAB_SERVER = '0b000000-0000-4000-8000-0000000000b1'
export const LAB_CLIENT = '0b000000-0000-4000-8000-0000000000b2'

export async function seedLab(ch: ClickHouseClient): Promise<void> {
  await seedOrganisation(ch, { id: LAB_ORG, name: 'Lab Water Works', sector: 'water', locality: 'lab-town' })
  await seedAsset(ch, { id: LAB_SERVER, org_id: LAB_ORG, name: 'SCADA web server', grade: 'core', networks: ['10.77.0.10/32', '2001:db8:77::10/128'] })
  await seedAsset(ch, { id: LAB_CLIENT, org_id: LAB_ORG, name: 'operator workstation', grade: 'general', networks: ['10.77.0.20/32'] })
  await reloadArchiveDictionary(ch)
}

/**
 * Thresholds the lab traffic supports, set explicitly for these tests: the product defaults
 * (Zeek, FastNetMon) expect Internet-scale attacks, and the lab's tools were bounded.
 * - port_scan.min_ports 10: the IPv6 scan (event 8) probes 11 ports (default 15).
 * - host_sweep.min_hosts 5: on the lab's flat network only 6 of the 13 swept hosts exist, so only
 *   6 SYNs leave the scanner (the others end in unanswered ARP) (default 25).
 * - flood.min_pps 1000 and flood.min_flows_per_s 500: hping3 sent 5,000 SYNs in 0.8 s, about
 *   2,000 packets/s and 1,000 new flows/s over a 5 s window (defaults 20,000 pps, 3,500 flows/s);
 *   the benign curl traffic stays near 200 packets/s.
 * Brute force keeps its defaults (8 sessions in 2 minutes): the lab made 40 in 8 seconds.
 */
export const LAB_THRESHOLDS = ['port_scan.min_ports=10', 'host_sweep.min_hosts=5', 'flood.min_pps=1000', 'flood.min_flows_per_s=500']

/** The capture's span (truth.json: first packet 2026-11-22 12:08:31.607 UTC, last 12:08:59.511). */
export const LAB_FROM = Date.parse('2026-11-22T12:08:00Z')
export const LAB_TO = Date.parse('2026-11-22T12:10:00Z')
