import type { PacketInfo } from '../packet/types.ts'

/*
 * Endpoint keys (address, port, protocol) for service discovery are short strings of 16-bit code
 * units built straight from the header numbers (no text formatting): protocol and IP version, the
 * address, then the port. They are only used as Map keys. Flows have their own table (table.ts).
 */

const fc = String.fromCharCode

function a6(buf: Buffer, o: number, i: number): number {
  return (buf[o + i]! << 8) | buf[o + i + 1]!
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
