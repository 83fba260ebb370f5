import type { DecodeError, PacketInfo } from './types.ts'
import { u16be, u32be } from './bytes.ts'

/**
 * IPv4 header at `off`. Options are skipped by the header length. Bytes are the total length
 * field (what NetFlow counts), whatever the snaplen kept. Returns the end of the IP packet
 * within the captured bytes (where the transport parser must stop), or an error.
 */
export function decodeIpv4(buf: Buffer, off: number, end: number, out: PacketInfo): number | DecodeError {
  if (end - off < 20) return 'truncated_packet'
  const vihl = buf[off]!
  const ihl = (vihl & 0x0f) * 4
  if (vihl >> 4 !== 4 || ihl < 20) return 'bad_ip_header'
  if (off + ihl > end) return 'truncated_packet'
  const totalLen = u16be(buf, off + 2)
  if (totalLen < ihl) return 'bad_ip_header'
  out.ipVersion = 4
  out.ipBytes = totalLen
  // Only the first fragment (offset 0) carries the transport header.
  out.fragment = (u16be(buf, off + 6) & 0x1fff) !== 0
  out.protocol = buf[off + 9]!
  out.srcOff = off + 12
  out.dstOff = off + 16
  out.src4 = u32be(buf, off + 12)
  out.dst4 = u32be(buf, off + 16)
  out.payloadOff = off + ihl
  return Math.min(end, off + totalLen)
}
