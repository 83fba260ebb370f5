import type { ClickHouseClient } from '../../core/clickhouse.ts'
import { flowRow, reloadArchiveDictionary, seedAsset, seedOrganisation } from '../helpers/archive-seed.ts'

/** Builders for synthetic flows written straight into `flows`, in flow time from T0. */
export const T0 = Date.parse('2026-11-22T10:00:00.000Z')
const text = (ms: number) => new Date(ms).toISOString().replace('T', ' ').replace('Z', '')

export type Row = Record<string, unknown>

export function flow(src: string, dst: string, atMs: number, extra: Row = {}, durationMs = 1): Row {
  return flowRow(src, dst, { time_start: text(atMs), time_end: text(atMs + durationMs), time_received: text(atMs + 1000), ...extra })
}

/** A SYN probe and, when `answer` says so, the victim's RST-ACK (closed) or SYN-ACK (open). */
export function synProbe(src: string, dst: string, port: number, atMs: number, answer: 'rst' | 'synack' | 'none' = 'rst'): Row[] {
  const rows = [flow(src, dst, atMs, { src_port: 40000, dst_port: port, tcp_flags: answer === 'synack' ? 0x06 : 0x02, packets: answer === 'synack' ? 2 : 1, bytes: 44 })]
  if (answer !== 'none') rows.push(flow(dst, src, atMs, { src_port: port, dst_port: 40000, tcp_flags: answer === 'rst' ? 0x14 : 0x12, packets: 1, bytes: 40 }))
  return rows
}

/** A completed short TCP session (both directions), as a login attempt looks. */
export function session(src: string, dst: string, port: number, atMs: number, packetsEachWay = 5, srcPort = 50000): Row[] {
  return [
    flow(src, dst, atMs, { src_port: srcPort, dst_port: port, tcp_flags: 0x1b, packets: packetsEachWay, bytes: packetsEachWay * 60 }, 200),
    flow(dst, src, atMs, { src_port: port, dst_port: srcPort, tcp_flags: 0x1b, packets: packetsEachWay, bytes: packetsEachWay * 70 }, 200),
  ]
}

export async function insertFlows(ch: ClickHouseClient, rows: Row[]): Promise<void> {
  await ch.insert({ table: 'flows', values: rows, format: 'JSONEachRow' })
}

export const ORG = '0a000000-0000-4000-8000-0000000000a1'
export const CORE = '0b000000-0000-4000-8000-0000000000c1'
export const IMPORTANT = '0b000000-0000-4000-8000-0000000000c2'
export const GENERAL = '0b000000-0000-4000-8000-0000000000c3'

/** One organisation with a core host, an important /28 and a general /24 (mostly unused addresses). */
export async function seedArchive(ch: ClickHouseClient): Promise<void> {
  await seedOrganisation(ch, { id: ORG, name: 'County Hospital', sector: 'health', locality: 'west-town' })
  await seedAsset(ch, { id: CORE, org_id: ORG, name: 'HIS database', grade: 'core', networks: ['10.1.0.10/32', '2001:db8:1::10/128'] })
  await seedAsset(ch, { id: IMPORTANT, org_id: ORG, name: 'web portal', grade: 'important', networks: ['10.1.1.0/28'] })
  await seedAsset(ch, { id: GENERAL, org_id: ORG, name: 'office network', grade: 'general', networks: ['10.1.2.0/24'] })
  await reloadArchiveDictionary(ch)
}
