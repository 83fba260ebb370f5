import type { PacketInfo } from '../packet/types.ts'
import { FlowColumns, writeIpv4Mapped16 } from './columns.ts'
import { fresh, type FlowMemory } from './memory.ts'
import { NO_FLOW, type FlowTable, tupleHash } from './table.ts'

export interface FlowAssemblerConfig {
  /** The sensor name written into every flow. */
  sensor: string
  /** A flow older than this (first packet to current packet) is exported and restarted. Default 60 s. */
  activeTimeoutMs?: number
  /** A flow with no packet for this long is exported. Default 15 s. */
  idleTimeoutMs?: number
  /** Live flows kept at most; creating one more first exports the oldest. Default 1,000,000. */
  maxFlows?: number
  /** `timeReceived` of every flow (when the file was read). */
  timeReceived: number
  /** Told about every flow just before it is exported and its id freed (discovery reads its counters). */
  onEnd?: (id: number) => void
  /** Memory kept from an earlier assembly, and kept again by `release` (default: fresh memory). */
  memory?: FlowMemory
}

/** Why flows ended, in the words of NetFlow exporters. */
export interface FlowAssemblerStats {
  created: number
  exported: number
  idle: number
  active: number
  tcpEnd: number
  /** Exported early because `maxFlows` was reached. */
  forced: number
  /** Exported by `flush()` at the end of the input. */
  flushed: number
}

export interface FlowAssembler {
  /** Counts the packet (at its time `p.sec` + `p.ns`) in its flow and returns that flow's id in `table`. */
  add(p: PacketInfo): number
  /** The live flow carrying the replies to `p` (reverse 5-tuple), or NO_FLOW: discovery looks for it. */
  reverseOf(p: PacketInfo): number
  /** The live flows (read-only for everyone but the assembler; discovery writes its own notes; `size` counts them). */
  readonly table: FlowTable
  /** Takes the flows exported so far. */
  drain(): FlowColumns
  /** Gives back a drained batch nobody reads any more: its memory holds the next flows. */
  recycle(batch: FlowColumns): void
  /** The capture is done and every batch consumed: the memory goes back to `config.memory`. */
  release(): void
  /** Number of exported flows waiting to be drained. */
  readonly pending: number
  /** Exports live flows, oldest first, `limit` at most (default all): the end of the input. True while some are left. */
  flush(limit?: number): boolean
  readonly stats: FlowAssemblerStats
}

const TCP = 6
/** `flows.source_kind` code of pcap flows (see SOURCE_KINDS). */
const PCAP = 4
const FIN_RST = 0x01 | 0x04
/** Idle and active expiry sweep the whole table at most once per second of packet time. */
const SWEEP_US = 1_000_000

/**
 * Unidirectional 5-tuple flows with NetFlow exporter semantics, on packet time only (never the
 * wall clock): active and idle timeouts, FIN or RST ends a TCP flow after counting that packet,
 * flags OR'ed, bytes = IP bytes. Packets need not be in time order: the clock is the latest
 * packet time seen, and a late packet only widens its flow's first/last times. A packet that
 * finds its flow already past a timeout starts a new flow, so results do not depend on when the
 * sweep runs; the sweep only bounds memory.
 */
export function createFlowAssembler(config: FlowAssemblerConfig): FlowAssembler {
  const activeUs = (config.activeTimeoutMs ?? 60_000) * 1000
  const idleUs = (config.idleTimeoutMs ?? 15_000) * 1000
  const maxFlows = Math.max(1, config.maxFlows ?? 1_000_000)
  const { sensor, timeReceived, onEnd } = config
  const memory = config.memory?.take(maxFlows) ?? fresh(maxFlows)
  const t = memory.table
  let out = memory.columns.pop() ?? new FlowColumns()
  let spare: FlowColumns | null = memory.columns.pop() ?? null
  // In an object, not closure variables: its double fields are updated in place, where a
  // closure variable would get a new heap number on every packet.
  const clock = { us: -Infinity, nextSweepUs: -Infinity }
  const stats: FlowAssemblerStats = { created: 0, exported: 0, idle: 0, active: 0, tcpEnd: 0, forced: 0, flushed: 0 }

  /** Exports flow `id`; the caller counts why (a property per reason, not a keyed update per flow). */
  const exportFlow = (id: number): void => {
    onEnd?.(id)
    writeRow(id)
    t.delete(id)
    stats.exported++
  }

  /** Appends flow `id` to `out` as a `flows` row. */
  const writeRow = (id: number): void => {
    if (out.length === out.capacity) out.reserve(1)
    const i = out.length++
    out.timeReceived[i] = timeReceived
    out.timeStart[i] = t.firstMs(id)
    out.timeEnd[i] = t.lastMs(id)
    out.sensor[i] = sensor
    out.sourceKind[i] = PCAP
    if (t.isV6(id)) {
      for (let b = 0; b < 16; b++) {
        out.srcAddr[i * 16 + b] = t.addr6[id * 32 + b]!
        out.dstAddr[i * 16 + b] = t.addr6[id * 32 + 16 + b]!
      }
    } else {
      writeIpv4Mapped16(out.srcAddr, i * 16, t.src4(id))
      writeIpv4Mapped16(out.dstAddr, i * 16, t.dst4(id))
    }
    out.protocol[i] = t.protocol(id)
    out.srcPort[i] = t.srcPort(id)
    out.dstPort[i] = t.dstPort(id)
    out.icmpType[i] = t.icmpType(id)
    out.icmpCode[i] = t.icmpCode(id)
    out.tcpFlags[i] = t.tcpFlags(id)
    out.packets[i] = t.packets(id)
    out.bytes[i] = t.bytes(id)
    out.samplingRate[i] = 1
  }

  /** The flow a FIN or RST ended, exported before anything else happens. */
  const ending = { id: NO_FLOW }
  const settle = (): void => {
    if (ending.id === NO_FLOW) return
    exportFlow(ending.id)
    stats.tcpEnd++
    ending.id = NO_FLOW
  }

  const sweep = (): void => {
    t.each((id) => {
      if (clock.us - t.lastUs(id) > idleUs) {
        exportFlow(id)
        stats.idle++
      } else if (clock.us - t.firstUs(id) > activeUs) {
        exportFlow(id)
        stats.active++
      }
    })
  }

  return {
    add(p) {
      settle()
      const us = p.sec * 1e6 + Math.floor(p.ns / 1000)
      const sub = p.ns % 1000
      if (us > clock.us) {
        clock.us = us
        if (us >= clock.nextSweepUs) {
          if (clock.nextSweepUs !== -Infinity) sweep()
          clock.nextSweepUs = us + SWEEP_US
        }
      }
      const hash = tupleHash(p, false)
      let id = t.find(p, hash, false)
      if (id !== NO_FLOW) {
        const idle = us - t.lastUs(id) > idleUs
        if (!idle && us - t.firstUs(id) <= activeUs) return count(id, p, us, sub)
        exportFlow(id)
        if (idle) stats.idle++
        else stats.active++
      }
      if (t.size >= maxFlows) {
        exportFlow(t.first())
        stats.forced++
      }
      id = t.add(p, hash, us, sub)
      stats.created++
      return count(id, p, us, sub)
    },
    reverseOf: (p) => t.find(p, tupleHash(p, true), true),
    table: t,
    drain() {
      settle()
      const batch = out
      out = spare ?? new FlowColumns(Math.max(1024, batch.length))
      spare = null
      return batch
    },
    recycle(batch) {
      batch.length = 0
      spare = batch
    },
    release() {
      out.length = 0
      memory.columns = spare ? [out, spare] : [out]
      config.memory?.give(memory)
    },
    get pending() {
      return out.length + (ending.id === NO_FLOW ? 0 : 1)
    },
    flush(limit = Infinity) {
      settle()
      for (let n = 0; n < limit && t.size > 0; n++) {
        exportFlow(t.first())
        stats.flushed++
      }
      return t.size > 0
    },
    stats,
  }

  /**
   * Counts `p` in flow `id`. A FIN or RST ends the flow, but only when the next packet comes (or
   * at drain and flush): whoever looks at the packet after `add` (discovery) still finds its flow.
   */
  function count(id: number, p: PacketInfo, us: number, sub: number): number {
    const tcp = p.protocol === TCP
    t.count(id, p.ipBytes, tcp ? p.tcpFlags : 0, us, sub)
    if (tcp && (p.tcpFlags & FIN_RST) !== 0) ending.id = id
    return id
  }
}
