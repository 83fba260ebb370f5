import { ipv4Text, ipv6Text } from '../packet/address.ts'

/**
 * Addresses from export records as the text the writer stores: the formatting of the packet
 * decoder (cached IPv4 texts, RFC 5952 IPv6), with IPv4-mapped IPv6 written as plain IPv4 so that
 * an exporter's choice of element never changes how an address reads.
 */
export function ipv4At(buf: Buffer, o: number): string {
  return ipv4Text(buf.readUInt32BE(o))
}

export function ipv6At(buf: Buffer, o: number): string {
  const mapped = buf.readUInt32BE(o) === 0 && buf.readUInt32BE(o + 4) === 0 && buf.readUInt32BE(o + 8) === 0xffff
  return mapped ? ipv4At(buf, o + 12) : ipv6Text(buf, o)
}
