import type { ClickHouseClient } from '../../core/clickhouse.ts'

/** Writes archive rows straight into the versioned tables (the archive API is tested elsewhere). */
export async function seedOrganisation(ch: ClickHouseClient, org: { id: string; name: string; sector: string; locality: string }): Promise<void> {
  await ch.insert({
    table: 'organisations',
    values: [{ ...org, credit_code: '91350100M000100Y43', status: 'active', changed_by: 'test' }],
    format: 'JSONEachRow',
  })
}

export async function seedAsset(
  ch: ClickHouseClient,
  asset: { id: string; org_id: string; name: string; grade: 'core' | 'important' | 'general'; networks: string[]; version_at?: string },
): Promise<void> {
  await ch.insert({
    table: 'assets',
    values: [{ category: 'website', mlps_level: 3, status: 'active', changed_by: 'test', ...asset }],
    format: 'JSONEachRow',
  })
}

export async function reloadArchiveDictionary(ch: ClickHouseClient): Promise<void> {
  await ch.command({ query: 'SYSTEM RELOAD DICTIONARY asset_networks_dict' })
}

/** A flow row with the given addresses and otherwise plain values, as the writer would store it. */
export function flowRow(src: string, dst: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    time_received: '2026-11-22 10:00:00.000',
    time_start: '2026-11-22 10:00:00.000',
    time_end: '2026-11-22 10:00:01.000',
    sensor: 'test',
    exporter: '::',
    source_kind: 'pcap',
    observation_domain: 0,
    src_addr: src,
    dst_addr: dst,
    src_port: 40000,
    dst_port: 443,
    protocol: 6,
    tcp_flags: 0x1b,
    icmp_type: 0,
    icmp_code: 0,
    packets: 10,
    bytes: 4000,
    sampling_rate: 1,
    in_if: 0,
    out_if: 0,
    ...extra,
  }
}
