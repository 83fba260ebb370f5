import type { PacketInfo } from '../packet/types.ts'
import { LiveFlow } from './live-flow.ts'
import type { FlowRecord } from './record.ts'
import { FlowTable, tupleHash } from './table.ts'

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
  /** Counts the packet (at its time `p.sec` + `p.ns`) in its flow and returns that flow. */
  add(p: PacketInfo): LiveFlow
  /** The live flow carrying the replies to `p` (reverse 5-tuple), if any: discovery looks for it. */
  reverseOf(p: PacketInfo): LiveFlow | undefined
  /** Takes the flows exported so far. */
  drain(): FlowRecord[]
  /** Number of exported flows waiting to be drained. */
  readonly pending: number
  /** Exports every live flow (end of input). */
  flush(): void
  readonly live: number
  readonly stats: FlowAssemblerStats
}

const TCP = 6
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
  const { sensor, timeReceived } = config
  const flows = new FlowTable()
  let out: FlowRecord[] = []
  // In an object, not closure variables: its double fields are updated in place, where a
  // closure variable would get a new heap number on every packet.
  const clock = { us: -Infinity, nextSweepUs: -Infinity }
  const stats: FlowAssemblerStats = { created: 0, exported: 0, idle: 0, active: 0, tcpEnd: 0, forced: 0, flushed: 0 }

  const exportFlow = (flow: LiveFlow, reason: Exclude<keyof FlowAssemblerStats, 'created' | 'exported'>): void => {
    flows.delete(flow)
    out.push(flow.toRecord(sensor, timeReceived))
    stats.exported++
    stats[reason]++
  }

  const sweep = (): void => {
    flows.each((flow) => {
      if (clock.us - flow.lastUs > idleUs) exportFlow(flow, 'idle')
      else if (clock.us - flow.firstUs > activeUs) exportFlow(flow, 'active')
    })
  }

  return {
    add(p) {
      const sec = p.sec
      const ns = p.ns
      const us = sec * 1e6 + Math.floor(ns / 1000)
      if (us > clock.us) {
        clock.us = us
        if (us >= clock.nextSweepUs) {
          if (clock.nextSweepUs !== -Infinity) sweep()
          clock.nextSweepUs = us + SWEEP_US
        }
      }
      const hash = tupleHash(p, false)
      let flow = flows.find(p, hash, false)
      if (flow !== undefined) {
        if (us - flow.lastUs > idleUs) exportFlow(flow, 'idle')
        else if (us - flow.firstUs > activeUs) exportFlow(flow, 'active')
        else {
          widen(flow, sec, ns, us)
          return count(flow, p)
        }
      }
      if (flows.size >= maxFlows) {
        const oldest = flows.first()
        if (oldest) exportFlow(oldest, 'forced')
      }
      flow = new LiveFlow(hash, p, sec, ns, us)
      flows.add(flow)
      stats.created++
      return count(flow, p)
    },
    reverseOf: (p) => flows.find(p, tupleHash(p, true), true),
    drain() {
      const batch = out
      out = []
      return batch
    },
    get pending() {
      return out.length
    },
    flush() {
      flows.each((flow) => exportFlow(flow, 'flushed'))
    },
    get live() {
      return flows.size
    },
    stats,
  }

  function widen(flow: LiveFlow, sec: number, ns: number, us: number): void {
    if (sec > flow.lastSec || (sec === flow.lastSec && ns > flow.lastNs)) {
      flow.lastSec = sec
      flow.lastNs = ns
      flow.lastUs = us
    } else if (sec < flow.firstSec || (sec === flow.firstSec && ns < flow.firstNs)) {
      flow.firstSec = sec
      flow.firstNs = ns
      flow.firstUs = us
    }
  }

  function count(flow: LiveFlow, p: PacketInfo): LiveFlow {
    flow.packets++
    flow.bytes += p.ipBytes
    if (p.protocol === TCP) {
      flow.tcpFlags |= p.tcpFlags
      if ((p.tcpFlags & FIN_RST) !== 0) exportFlow(flow, 'tcpEnd')
    }
    return flow
  }
}
