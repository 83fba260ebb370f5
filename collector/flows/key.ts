import type { PacketInfo } from '../packet/types.ts'

/*
 * Flow and endpoint keys are short strings of 16-bit code units built straight from the header
 * numbers (no text formatting): protocol and IP version, the addresses, then the ports (for
 * ICMP/ICMPv6 the destination slot holds type << 8 | code). They are only used as Map keys.
 */

const fc = String.fromCharCode

function a6(buf: Buffer, o: number, i: number): number {
  return (buf[o + i]! << 8) | buf[o + i + 1]!
}

/** The unidirectional 5-tuple of the packet (ICMP: type/code instead of ports). */
export function flowKey(p: PacketInfo): string {
  return tupleKey(p, p.srcOff, p.dstOff, p.src4, p.dst4, p.srcPort, portSlot(p))
}

/** The key of the flow going the other way (replies to this packet). */
export function reverseKey(p: PacketInfo): string {
  return tupleKey(p, p.dstOff, p.srcOff, p.dst4, p.src4, p.dstPort, p.srcPort)
}

function portSlot(p: PacketInfo): number {
  return p.protocol === 1 || p.protocol === 58 ? (p.icmpType << 8) | p.icmpCode : p.dstPort
}

function tupleKey(p: PacketInfo, so: number, dO: number, s4: number, d4: number, sp: number, dp: number): string {
  const head = p.protocol | (p.ipVersion << 8)
  if (p.ipVersion === 4) return fc(head, s4 >>> 16, s4 & 0xffff, d4 >>> 16, d4 & 0xffff, sp, dp)
  const b = p.buf
  return fc(
    head, a6(b, so, 0), a6(b, so, 2), a6(b, so, 4), a6(b, so, 6), a6(b, so, 8), a6(b, so, 10), a6(b, so, 12), a6(b, so, 14),
    a6(b, dO, 0), a6(b, dO, 2), a6(b, dO, 4), a6(b, dO, 6), a6(b, dO, 8), a6(b, dO, 10), a6(b, dO, 12), a6(b, dO, 14),
    sp, dp,
  )
}

/** Key of one side of the packet (address, port, protocol): `source` picks the sender. */
export function endpointKey(p: PacketInfo, source: boolean): string {
  const head = p.protocol | (p.ipVersion << 8)
  const port = source ? p.srcPort : p.dstPort
  if (p.ipVersion === 4) {
    const a = source ? p.src4 : p.dst4
    return fc(head, a >>> 16, a & 0xffff, port)
  }
  const b = p.buf
  const o = source ? p.srcOff : p.dstOff
  return fc(head, a6(b, o, 0), a6(b, o, 2), a6(b, o, 4), a6(b, o, 6), a6(b, o, 8), a6(b, o, 10), a6(b, o, 12), a6(b, o, 14), port)
}
