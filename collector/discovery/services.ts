import { NO_FLOW, type FlowTable } from '../flows/table.ts'
import { ipv4Text, ipv6Text } from '../packet/address.ts'
import type { PacketInfo } from '../packet/types.ts'
import { EndpointIndex } from './endpoints.ts'
import { identifyClient, identifyServer } from './identify.ts'
import { MAX_EVIDENCE, type ObservedService } from './types.ts'

export interface DiscoveryConfig {
  sensor: string
  /** Services kept at most per capture; more are counted in `stats.dropped`. Default 100,000. */
  maxServices?: number
}

export interface DiscoveryStats {
  services: number
  dropped: number
  /** Payloads handed to the banner parsers. */
  inspected: number
}

export interface ServiceDiscovery {
  /** Called after the assembler counted `p` in flow `id`. */
  observe(p: PacketInfo, id: number): void
  /** Called by the assembler just before flow `id` is exported: a linked service counts its packets and times. */
  flowEnded(id: number): void
  services(): ObservedService[]
  readonly stats: DiscoveryStats
}

const TCP = 6
const UDP = 17
const SYN = 0x02
const ACK = 0x10
const NO_SERVICE = -1
const UNDECIDED = 0
const NOTHING = 1
const SERVER = 2
const CLIENT = 3
/** Payload packets inspected per flow, and per service and side before giving up on a banner. */
const INSPECT_PER_FLOW = 3
const TRIES_PER_SIDE = 12

interface Service {
  out: ObservedService
  serverDone: boolean
  clientDone: boolean
  serverTries: number
  clientTries: number
}

/**
 * Passive service discovery. A service is (addr, port, protocol) that answered: the source of a
 * SYN-ACK, the source of TCP payload on a connection whose reverse flow carried a SYN, or the
 * source of a UDP packet answering a flow that reached it first. Flows to and from a known
 * service are linked to it (its packets and times are counted from them when they end) and
 * their first few payloads go to the banner parsers until the service is identified from both
 * sides. What discovery notes per flow lives in the flow table's `service`, `role` and `inspect`.
 */
export function createServiceDiscovery(config: DiscoveryConfig, deps: { flows: { reverseOf(p: PacketInfo): number; readonly table: FlowTable } }): ServiceDiscovery {
  const maxServices = config.maxServices ?? 100_000
  const byEndpoint = new EndpointIndex()
  const all: Service[] = []
  const stats: DiscoveryStats = { services: 0, dropped: 0, inspected: 0 }
  const t = deps.flows.table

  const link = (id: number, svc: number, role: number): void => {
    t.note(id, svc, role, INSPECT_PER_FLOW)
  }

  const inspect = (svc: Service, flow: number, p: PacketInfo): void => {
    t.note(flow, t.service(flow), t.role(flow), t.inspectLeft(flow) - 1)
    const server = t.role(flow) === SERVER
    if (server ? svc.serverDone || svc.serverTries >= TRIES_PER_SIDE : svc.clientDone || svc.clientTries >= TRIES_PER_SIDE) return
    stats.inspected++
    if (server) svc.serverTries++
    else svc.clientTries++
    const id = server ? identifyServer(p.buf, p.payloadOff, p.payloadLen, svc.out.port) : identifyClient(p.buf, p.payloadOff, p.payloadLen)
    if (!id) return
    const o = svc.out
    if (!o.service || server) o.service = id.service
    if (id.product && (server || !o.product)) o.product = id.product
    if (server) svc.serverDone = true
    else svc.clientDone = id.evidence !== ''
    if (id.evidence && !o.evidence.includes(id.evidence)) {
      o.evidence = (server ? [id.evidence, o.evidence] : [o.evidence, id.evidence]).filter(Boolean).join('; ').slice(0, 2 * MAX_EVIDENCE)
    }
  }

  /** The service at the packet's source, created if new (NO_SERVICE when the table is full). */
  const serverAt = (p: PacketInfo, ms: number): number => {
    const known = byEndpoint.get(p, true)
    if (known !== NO_SERVICE) return known
    if (byEndpoint.size >= maxServices) {
      stats.dropped++
      return NO_SERVICE
    }
    const addr = p.ipVersion === 4 ? ipv4Text(p.src4) : ipv6Text(p.buf, p.srcOff)
    const out: ObservedService = {
      addr, port: p.srcPort, protocol: p.protocol === TCP ? 'tcp' : 'udp', service: '', product: '', evidence: '',
      firstSeen: ms, lastSeen: ms, packets: 0, sensor: config.sensor,
    }
    all.push({ out, serverDone: false, clientDone: false, serverTries: 0, clientTries: 0 })
    byEndpoint.set(p, true, all.length - 1)
    stats.services++
    return all.length - 1
  }

  /** Makes flow `id` the service side and the reverse flow (if live and unlinked) its client side. */
  const identified = (p: PacketInfo, id: number): void => {
    const svc = serverAt(p, p.sec * 1000 + Math.floor(p.ns / 1e6))
    if (svc === NO_SERVICE) {
      t.note(id, NO_SERVICE, NOTHING, 0)
      return
    }
    link(id, svc, SERVER)
    const rev = deps.flows.reverseOf(p)
    if (rev !== NO_FLOW && t.role(rev) !== CLIENT) link(rev, svc, CLIENT)
    if (p.payloadLen > 0) inspect(all[svc]!, id, p)
  }

  return {
    observe(p, id) {
      const linked = t.service(id)
      if (linked !== NO_SERVICE) {
        if (p.payloadLen > 0 && t.inspectLeft(id) > 0) inspect(all[linked]!, id, p)
        return
      }
      if (t.role(id) !== UNDECIDED) return
      const proto = p.protocol
      if ((proto !== TCP && proto !== UDP) || p.fragment) return t.note(id, NO_SERVICE, NOTHING, 0)
      const first = t.packets(id) === 1
      if (first) {
        const asClient = byEndpoint.get(p, false)
        const known = asClient !== NO_SERVICE ? asClient : byEndpoint.get(p, true)
        if (known !== NO_SERVICE) {
          link(id, known, asClient !== NO_SERVICE ? CLIENT : SERVER)
          if (p.payloadLen > 0) inspect(all[known]!, id, p)
          return
        }
      }
      if (proto === TCP) {
        if ((p.tcpFlags & (SYN | ACK)) === (SYN | ACK)) return identified(p, id)
        if (p.payloadLen === 0) return
        const rev = deps.flows.reverseOf(p)
        if (rev !== NO_FLOW && t.role(rev) !== SERVER && (t.tcpFlags(rev) & SYN) !== 0) return identified(p, id)
        return t.note(id, NO_SERVICE, NOTHING, 0)
      }
      // UDP: a first packet answering a flow that came the other way first.
      if (first && deps.flows.reverseOf(p) !== NO_FLOW) return identified(p, id)
      t.note(id, NO_SERVICE, NOTHING, 0)
    },
    flowEnded(id) {
      const svc = t.service(id)
      if (svc === NO_SERVICE) return
      const o = all[svc]!.out
      o.packets += t.packets(id)
      const first = t.firstMs(id)
      const last = t.lastMs(id)
      if (first < o.firstSeen) o.firstSeen = first
      if (last > o.lastSeen) o.lastSeen = last
    },
    services: () => all.map((s) => ({ ...s.out })),
    stats,
  }
}
