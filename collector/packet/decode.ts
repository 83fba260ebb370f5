import type { RawPacket } from '../pcap/types.ts'
import { decodeIpv4 } from './ipv4.ts'
import { decodeIpv6 } from './ipv6.ts'
import { findNetwork, LINK_NON_IP, LINK_TRUNCATED } from './link.ts'
import { decodeTransport } from './transport.ts'
import type { DecodeStatus, PacketInfo } from './types.ts'

const net = { offset: 0 }

/**
 * Decodes one captured frame into `out` (reused between packets): link layer → IPv4/IPv6 →
 * transport. Pure: no allocation, no throw; the status says whether `out` holds an IP packet.
 */
export function decodePacket(raw: RawPacket, out: PacketInfo): DecodeStatus {
  const buf = raw.buf
  const end = raw.offset + raw.capLen
  const version = findNetwork(raw.linkType, buf, raw.offset, end, net)
  if (version <= 0) {
    if (version === LINK_NON_IP) return 'non_ip'
    return version === LINK_TRUNCATED ? 'truncated_packet' : 'unsupported_linktype'
  }
  out.buf = buf
  const ipEnd = version === 4 ? decodeIpv4(buf, net.offset, end, out) : decodeIpv6(buf, net.offset, end, out)
  if (typeof ipEnd !== 'number') return ipEnd
  return decodeTransport(buf, ipEnd, out) ?? 'ip'
}
