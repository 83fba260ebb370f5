import type { PacketInfo } from '../packet/types.ts'

/*
 * Endpoint keys (address, port, protocol) for service discovery, built straight from the header
 * numbers (no text formatting) and only used as Map keys, for TCP and UDP (what discovery
 * keeps). IPv4: one exact number below 2^49 (port, TCP or UDP, and the address side by side).
 * IPv6: a short string of 16-bit code units (protocol, the address, the port). Flows have their
 * own table (table.ts).
 */

const fc = String.fromCharCode
const TWO_32 = 0x1_0000_0000
const TCP = 6

function a6(buf: Buffer, o: number, i: number): number {
  return (buf[o + i]! << 8) | buf[o + i + 1]!
}

/** Key of one side of a TCP or UDP packet (address, port, protocol): `source` picks the sender. */
export function endpointKey(p: PacketInfo, source: boolean): number | string {
  const port = source ? p.srcPort : p.dstPort
  if (p.ipVersion === 4) return ((port << 1) | (p.protocol === TCP ? 0 : 1)) * TWO_32 + ((source ? p.src4 : p.dst4) >>> 0)
  const b = p.buf
  const o = source ? p.srcOff : p.dstOff
  return fc(p.protocol, a6(b, o, 0), a6(b, o, 2), a6(b, o, 4), a6(b, o, 6), a6(b, o, 8), a6(b, o, 10), a6(b, o, 12), a6(b, o, 14), port)
}
