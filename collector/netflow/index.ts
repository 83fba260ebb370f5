import type { FlowRecord } from '../flows/record.ts'
import { decodeIpfix } from './ipfix.ts'
import { DEFAULT_LIMITS, DecoderState, type NetflowLimits } from './state.ts'
import { countDrop, type ExporterStats } from './stats.ts'
import { decodeV5 } from './v5.ts'
import { decodeV9 } from './v9.ts'

export { newExporterStats, type DropReason, type ExporterStats, type ExportVersion } from './stats.ts'
export type { NetflowLimits } from './state.ts'

export interface NetflowDecoder {
  /**
   * Decodes one export datagram (NetFlow v5, v9 or IPFIX, told apart by the version field)
   * into flows. Never throws: whatever cannot be decoded is counted on the exporter.
   */
  decode(packet: Buffer, exporter: string, receivedAt: number): FlowRecord[]
  /** Counters per exporter address, with the number of templates it has defined. */
  exporters(): Array<ExporterStats & { templates: number; domains: number[] }>
  /** Drops data sets that waited longer than the hold time for their template. */
  expire(now: number): void
}

const EXPIRE_EVERY_MS = 1000

/**
 * The NetFlow v5 / v9 / IPFIX decoder: pure over its input, with per-exporter state (templates,
 * sampling, sequence numbers, data waiting for templates) bounded by `limits`.
 */
export function createNetflowDecoder(limits: Partial<NetflowLimits> = {}): NetflowDecoder {
  const state = new DecoderState({ ...DEFAULT_LIMITS, ...limits })
  let lastExpire = 0

  return {
    decode(packet, exporter, receivedAt) {
      const out: FlowRecord[] = []
      const stats = state.stats(exporter, receivedAt)
      if (receivedAt - lastExpire >= EXPIRE_EVERY_MS) {
        lastExpire = receivedAt
        state.expire(receivedAt)
      }
      if (packet.length < 2) {
        countDrop(stats, 'short_packet')
        return out
      }
      const version = packet.readUInt16BE(0)
      try {
        if (version === 5) {
          stats.packets.netflow5++
          decodeV5(packet, exporter, receivedAt, state, stats, out)
        } else if (version === 9) {
          stats.packets.netflow9++
          decodeV9(packet, exporter, receivedAt, state, stats, out)
        } else if (version === 10) {
          stats.packets.ipfix++
          decodeIpfix(packet, exporter, receivedAt, state, stats, out)
        } else countDrop(stats, 'unknown_version')
      } catch {
        // Bounds are checked before every read; this is the last line of defence, and counted.
        countDrop(stats, 'internal')
      }
      stats.flows += out.length
      return out
    },
    exporters() {
      const templates = new Map<string, { templates: number; domains: number[] }>()
      for (const session of state.sessions.values()) {
        const t = templates.get(session.exporter) ?? { templates: 0, domains: [] }
        t.templates += session.templates.size
        if (!t.domains.includes(session.domain)) t.domains.push(session.domain)
        templates.set(session.exporter, t)
      }
      return [...state.exporters.values()].map((s) => ({
        ...s,
        drops: { ...s.drops },
        packets: { ...s.packets },
        ...(templates.get(s.exporter) ?? { templates: 0, domains: [] }),
      }))
    },
    expire(now) {
      state.expire(now)
    },
  }
}
