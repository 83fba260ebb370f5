import { ipv4Text, ipv6Text } from '../packet/address.ts'
import type { PacketInfo } from '../packet/types.ts'
import type { FlowRecord } from './record.ts'

/**
 * A flow being assembled. Times are kept exactly (seconds + nanoseconds) for first and last
 * packet, plus microseconds since the epoch (exact in a double) for timeout arithmetic.
 * `service` and `inspect` belong to passive discovery, which links a flow to the service it
 * talks to or from and inspects a few of its payloads.
 */
export class LiveFlow {
  readonly v6: boolean
  readonly src4: number
  readonly dst4: number
  /** IPv6 addresses, copied out of the capture buffer (null for IPv4). */
  readonly src6: Buffer | null
  readonly dst6: Buffer | null
  readonly protocol: number
  readonly srcPort: number
  readonly dstPort: number
  readonly icmpType: number
  readonly icmpCode: number
  tcpFlags = 0
  packets = 0
  bytes = 0
  firstSec: number
  firstNs: number
  firstUs: number
  lastSec: number
  lastNs: number
  lastUs: number
  service: unknown = null
  /** Discovery's view of the flow: 0 undecided, 1 nothing to learn, 2 a service's replies, 3 a client's requests. */
  role = 0
  inspect = 0
  /** Links of the flow table: the next flow of the same hash bucket, and the creation-order list. */
  chain: LiveFlow | null = null
  older: LiveFlow | null = null
  newer: LiveFlow | null = null

  constructor(readonly hash: number, p: PacketInfo, sec: number, ns: number, us: number) {
    this.v6 = p.ipVersion === 6
    this.src4 = p.src4
    this.dst4 = p.dst4
    this.src6 = this.v6 ? Buffer.from(p.buf.subarray(p.srcOff, p.srcOff + 16)) : null
    this.dst6 = this.v6 ? Buffer.from(p.buf.subarray(p.dstOff, p.dstOff + 16)) : null
    this.protocol = p.protocol
    this.srcPort = p.srcPort
    this.dstPort = p.dstPort
    this.icmpType = p.icmpType
    this.icmpCode = p.icmpCode
    this.firstSec = this.lastSec = sec
    this.firstNs = this.lastNs = ns
    this.firstUs = this.lastUs = us
  }

  srcText(): string {
    return this.src6 ? ipv6Text(this.src6, 0) : ipv4Text(this.src4)
  }

  dstText(): string {
    return this.dst6 ? ipv6Text(this.dst6, 0) : ipv4Text(this.dst4)
  }

  toRecord(sensor: string, timeReceived: number): FlowRecord {
    return {
      timeReceived,
      timeStart: this.firstSec * 1000 + Math.floor(this.firstNs / 1e6),
      timeEnd: this.lastSec * 1000 + Math.floor(this.lastNs / 1e6),
      sensor,
      exporter: '::',
      sourceKind: 'pcap',
      observationDomain: 0,
      srcAddr: this.srcText(),
      dstAddr: this.dstText(),
      srcPort: this.srcPort,
      dstPort: this.dstPort,
      protocol: this.protocol,
      tcpFlags: this.tcpFlags,
      icmpType: this.icmpType,
      icmpCode: this.icmpCode,
      packets: this.packets,
      bytes: this.bytes,
      samplingRate: 1,
      inIf: 0,
      outIf: 0,
    }
  }
}
