import type { SourceKind } from '../flows/record.ts'
import type { Template } from './template.ts'

/** What a data set needs from the export packet it came in, to turn records into flows. */
export interface PacketContext {
  kind: SourceKind
  exporter: string
  domain: number
  receivedAt: number
  /** Export time of the packet, Unix epoch ms (v9: header seconds; IPFIX: export time). */
  exportMs: number
  /** v9 only: the exporter's sysUptime at export time, ms; -1 for IPFIX. */
  uptimeMs: number
}

export interface PendingSet {
  templateId: number
  body: Buffer
  context: PacketContext
}

/**
 * The state of one (exporter address, source id / observation domain): templates, what its
 * options records said about sampling and the exporter's start time, sequence numbers, and the
 * data sets that came before their template.
 */
export interface Session {
  exporter: string
  domain: number
  templates: Map<number, Template>
  /** IPFIX systemInitTimeMilliseconds from options data; NaN until seen. */
  systemInitMs: number
  /** Sampling rate announced without a sampler id (applies to every flow); 0 until announced. */
  defaultRate: number
  /** Sampling rate per sampler / selector id, from options data. */
  samplers: Map<number, number>
  sequence: SequenceState
  pending: PendingSet[]
  pendingBytes: number
  lastSeen: number
}

export interface SequenceState {
  known: boolean
  last: number
  lastCount: number
  lastAltCount: number
}

export function newSession(exporter: string, domain: number): Session {
  return {
    exporter,
    domain,
    templates: new Map(),
    systemInitMs: Number.NaN,
    defaultRate: 0,
    samplers: new Map(),
    sequence: { known: false, last: 0, lastCount: 0, lastAltCount: 0 },
    pending: [],
    pendingBytes: 0,
    lastSeen: 0,
  }
}

/**
 * Checks a packet's sequence number against the previous one. `count` is what this packet
 * advances the counter by (v5 and IPFIX: data records; v9: 1, a packet counter) and `altCount`
 * the same without options records. Besides the RFC's "previous + previous count", exporters
 * that leave options records out of the count or number a message after adding its own records
 * (softflowd's IPFIX does both) are accepted. A jump forward is a gap of that many lost units; a
 * jump back is a restart or reordering, counted apart.
 */
export function observeSequence(state: SequenceState, sequence: number, count: number, altCount = count): { lost: number; reset: boolean } {
  let lost = 0
  let reset = false
  if (state.known) {
    const last = state.last
    const expected = (last + state.lastCount) >>> 0
    const inOrder =
      sequence === expected ||
      sequence === (last + state.lastAltCount) >>> 0 ||
      sequence === (last + count) >>> 0 ||
      sequence === (last + altCount) >>> 0
    if (!inOrder) {
      const ahead = (sequence - expected) >>> 0
      if (ahead < 0x80000000) lost = ahead
      else reset = true
    }
  }
  state.known = true
  state.last = sequence
  state.lastCount = count
  state.lastAltCount = altCount
  return { lost, reset }
}
