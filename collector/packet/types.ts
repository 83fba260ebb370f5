/**
 * What the decoder learnt about one packet. The decoder fills one reused object per capture
 * (no allocation per packet); addresses stay in the capture buffer as offsets and are only
 * copied or turned into text by whoever keeps them (the flow assembler, once per flow).
 */
export interface PacketInfo {
  /** 4 or 6. */
  ipVersion: number
  /** The bytes the address offsets point into (the reader's current chunk). */
  buf: Buffer
  srcOff: number
  dstOff: number
  /** IPv4 addresses as unsigned 32-bit integers (0 for IPv6). */
  src4: number
  dst4: number
  /** Transport protocol number: the header after the IPv6 extension headers. */
  protocol: number
  srcPort: number
  dstPort: number
  tcpFlags: number
  icmpType: number
  icmpCode: number
  /** IPv4 total length, or IPv6 payload length + 40. */
  ipBytes: number
  /** A non-first fragment: there is no transport header, ports stay 0. */
  fragment: boolean
  /** TCP/UDP payload as captured (may be shorter than on the wire). */
  payloadOff: number
  payloadLen: number
  /**
   * Packet time (seconds since the epoch and nanoseconds within it), set by the caller from the
   * capture record. Kept here rather than passed as arguments: numbers this large are not small
   * integers, and V8 would box them on every call (one allocation per packet).
   */
  sec: number
  ns: number
}

/** The decoder's verdict: `ip` for a decoded IP packet, `non_ip` for ARP and friends, else why it was skipped. */
export type DecodeStatus = 'ip' | 'non_ip' | DecodeError

export type DecodeError = 'truncated_packet' | 'bad_ip_header' | 'bad_transport_header' | 'unsupported_linktype'

export function newPacketInfo(): PacketInfo {
  return {
    ipVersion: 0, buf: Buffer.alloc(0), srcOff: 0, dstOff: 0, src4: 0, dst4: 0, protocol: 0, srcPort: 0, dstPort: 0,
    tcpFlags: 0, icmpType: 0, icmpCode: 0, ipBytes: 0, fragment: false, payloadOff: 0, payloadLen: 0, sec: 0, ns: 0,
  }
}
