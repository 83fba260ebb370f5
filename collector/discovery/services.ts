import { endpointKey } from '../flows/key.ts'
import type { LiveFlow } from '../flows/live-flow.ts'
import { ipv4Text, ipv6Text } from '../packet/address.ts'
import type { PacketInfo } from '../packet/types.ts'
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
  /** Called after the assembler counted `p` in `flow`. */
  observe(p: PacketInfo, flow: LiveFlow): void
  services(): ObservedService[]
  readonly stats: DiscoveryStats
}

const TCP = 6
const UDP = 17
const SYN = 0x02
const ACK = 0x10
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
 * service are linked to it (its packets and times are counted from them) and their first few
 * payloads go to the banner parsers until the service is identified from both sides.
 */
export function createServiceDiscovery(config: DiscoveryConfig, deps: { flows: { reverseOf(p: PacketInfo): LiveFlow | undefined } }): ServiceDiscovery {
  const maxServices = config.maxServices ?? 100_000
  const byKey = new Map<string, Service>()
  const stats: DiscoveryStats = { services: 0, dropped: 0, inspected: 0 }

  const touch = (svc: Service, ms: number, packets: number): void => {
    const o = svc.out
    o.packets += packets
    if (ms < o.firstSeen) o.firstSeen = ms
    if (ms > o.lastSeen) o.lastSeen = ms
  }

  const link = (flow: LiveFlow, svc: Service, role: number): void => {
    flow.service = svc
    flow.role = role
    flow.inspect = INSPECT_PER_FLOW
  }

  const inspect = (svc: Service, flow: LiveFlow, p: PacketInfo): void => {
    flow.inspect--
    const server = flow.role === SERVER
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

  /** The service at the packet's source, created if new (null when the table is full). */
  const serverAt = (p: PacketInfo, ms: number): Service | null => {
    const key = endpointKey(p, true)
    let svc = byKey.get(key)
    if (svc) return svc
    if (byKey.size >= maxServices) {
      stats.dropped++
      return null
    }
    const addr = p.ipVersion === 4 ? ipv4Text(p.src4) : ipv6Text(p.buf, p.srcOff)
    const out: ObservedService = {
      addr, port: p.srcPort, protocol: p.protocol === TCP ? 'tcp' : 'udp', service: '', product: '', evidence: '',
      firstSeen: ms, lastSeen: ms, packets: 0, sensor: config.sensor,
    }
    svc = { out, serverDone: false, clientDone: false, serverTries: 0, clientTries: 0 }
    byKey.set(key, svc)
    stats.services++
    return svc
  }

  /** Makes `flow` the service side and the reverse flow (if live and unlinked) its client side. */
  const identified = (p: PacketInfo, flow: LiveFlow, ms: number): void => {
    const svc = serverAt(p, ms)
    if (!svc) {
      flow.role = NOTHING
      return
    }
    link(flow, svc, SERVER)
    touch(svc, ms, flow.packets)
    const rev = deps.flows.reverseOf(p)
    if (rev && rev.role !== CLIENT) {
      link(rev, svc, CLIENT)
      touch(svc, rev.firstSec * 1000 + Math.floor(rev.firstNs / 1e6), rev.packets)
    }
    if (p.payloadLen > 0) inspect(svc, flow, p)
  }

  return {
    observe(p, flow) {
      const ms = p.sec * 1000 + Math.floor(p.ns / 1e6)
      const linked = flow.service as Service | null
      if (linked !== null) {
        touch(linked, ms, 1)
        if (p.payloadLen > 0 && flow.inspect > 0) inspect(linked, flow, p)
        return
      }
      if (flow.role !== UNDECIDED) return
      const proto = p.protocol
      if ((proto !== TCP && proto !== UDP) || p.fragment) {
        flow.role = NOTHING
        return
      }
      if (flow.packets === 1) {
        const asClient = byKey.get(endpointKey(p, false))
        const known = asClient ?? byKey.get(endpointKey(p, true))
        if (known) {
          link(flow, known, asClient ? CLIENT : SERVER)
          touch(known, ms, 1)
          if (p.payloadLen > 0) inspect(known, flow, p)
          return
        }
      }
      if (proto === TCP) {
        if ((p.tcpFlags & (SYN | ACK)) === (SYN | ACK)) return identified(p, flow, ms)
        if (p.payloadLen === 0) return
        const rev = deps.flows.reverseOf(p)
        if (rev && rev.role !== SERVER && (rev.tcpFlags & SYN) !== 0) return identified(p, flow, ms)
        flow.role = NOTHING
        return
      }
      // UDP: a first packet answering a flow that came the other way first.
      if (flow.packets === 1 && deps.flows.reverseOf(p)) return identified(p, flow, ms)
      flow.role = NOTHING
    },
    services: () => [...byKey.values()].map((s) => ({ ...s.out })),
    stats,
  }
}
