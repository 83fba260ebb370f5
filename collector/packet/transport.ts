import type { DecodeError, PacketInfo } from './types.ts'
import { u16be } from './bytes.ts'

export const PROTO = { ICMP: 1, TCP: 6, UDP: 17, ICMPV6: 58, SCTP: 132, UDPLITE: 136 } as const

/**
 * The transport header at `out.payloadOff` (set by the IP decoder) up to `end`: ports and flags
 * for TCP, ports for UDP, UDP-Lite and SCTP, type and code for ICMP and ICMPv6. On return
 * `payloadOff`/`payloadLen` describe the TCP or UDP payload as captured. Non-first fragments
 * and other protocols have no ports. Returns null or why the packet cannot be used.
 */
export function decodeTransport(buf: Buffer, end: number, out: PacketInfo): DecodeError | null {
  const p = out.payloadOff
  out.srcPort = 0
  out.dstPort = 0
  out.tcpFlags = 0
  out.icmpType = 0
  out.icmpCode = 0
  out.payloadLen = 0
  if (out.fragment) return null
  switch (out.protocol) {
    case PROTO.TCP: {
      if (p + 20 > end) return 'truncated_packet'
      const dataOff = (buf[p + 12]! >> 4) * 4
      if (dataOff < 20) return 'bad_transport_header'
      out.srcPort = u16be(buf, p)
      out.dstPort = u16be(buf, p + 2)
      out.tcpFlags = buf[p + 13]!
      out.payloadOff = p + dataOff
      out.payloadLen = end > p + dataOff ? end - p - dataOff : 0
      return null
    }
    case PROTO.UDP:
    case PROTO.UDPLITE:
      if (p + 8 > end) return 'truncated_packet'
      out.srcPort = u16be(buf, p)
      out.dstPort = u16be(buf, p + 2)
      out.payloadOff = p + 8
      out.payloadLen = end - p - 8
      return null
    case PROTO.SCTP:
      if (p + 4 > end) return 'truncated_packet'
      out.srcPort = u16be(buf, p)
      out.dstPort = u16be(buf, p + 2)
      return null
    case PROTO.ICMP:
    case PROTO.ICMPV6:
      if (p + 2 > end) return 'truncated_packet'
      out.icmpType = buf[p]!
      out.icmpCode = buf[p + 1]!
      return null
    default:
      return null
  }
}
