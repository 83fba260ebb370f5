import type { SourceKind } from '../flows/record.ts'

/** Why an export packet, set or record was not turned into flows. */
export type DropReason =
  | 'short_packet'
  | 'unknown_version'
  | 'bad_length'
  | 'bad_count'
  | 'bad_set'
  | 'bad_template'
  | 'template_limit'
  | 'no_template'
  | 'bad_record'
  | 'no_address'
  | 'internal'

export type ExportVersion = Exclude<SourceKind, 'pcap'>

/** Counters of one exporter address, over all its source ids / observation domains. */
export interface ExporterStats {
  exporter: string
  firstSeen: number
  lastSeen: number
  packets: Record<ExportVersion, number>
  flows: number
  /** Packets, sets or records dropped, by reason (see docs/collector.md). */
  drops: Partial<Record<DropReason, number>>
  /** Data sets that arrived before their template (held, then decoded or dropped as no_template). */
  templateMisses: number
  /** Jumps forward in the export sequence numbers. */
  sequenceGaps: number
  /** Flows lost according to v5 and IPFIX sequence numbers. */
  lostFlows: number
  /** Export packets lost according to v9 sequence numbers. */
  lostPackets: number
  /** Sequence numbers that went backwards (exporter restart or reordering). */
  sequenceResets: number
}

export function newExporterStats(exporter: string, now: number): ExporterStats {
  return {
    exporter,
    firstSeen: now,
    lastSeen: now,
    packets: { netflow5: 0, netflow9: 0, ipfix: 0 },
    flows: 0,
    drops: {},
    templateMisses: 0,
    sequenceGaps: 0,
    lostFlows: 0,
    lostPackets: 0,
    sequenceResets: 0,
  }
}

export function countDrop(stats: ExporterStats, reason: DropReason, n = 1): void {
  stats.drops[reason] = (stats.drops[reason] ?? 0) + n
}
