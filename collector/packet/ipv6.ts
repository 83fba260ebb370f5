import type { DecodeError, PacketInfo } from './types.ts'
import { u16be } from './bytes.ts'

const HOP_BY_HOP = 0
const ROUTING = 43
const FRAGMENT = 44
const AH = 51
const DEST_OPTS = 60
const MOBILITY = 135

/**
 * IPv6 header at `off`, then the extension headers (hop-by-hop, routing, destination options,
 * mobility, fragment, AH) up to the transport header, whose number becomes `protocol`. Bytes are
 * payload length + 40 (a jumbogram's payload length is 0, so it counts 40: we do not read the
 * jumbo option). A non-first fragment stops the walk with `fragment` set. Returns the end of the
 * packet within the captured bytes, or an error.
 */
export function decodeIpv6(buf: Buffer, off: number, end: number, out: PacketInfo): number | DecodeError {
  if (end - off < 40) return 'truncated_packet'
  if (buf[off]! >> 4 !== 6) return 'bad_ip_header'
  const plen = u16be(buf, off + 4)
  out.ipVersion = 6
  out.ipBytes = plen + 40
  out.fragment = false
  out.srcOff = off + 8
  out.dstOff = off + 24
  out.src4 = 0
  out.dst4 = 0
  const limit = Math.min(end, off + 40 + plen)
  let next = buf[off + 6]!
  let p = off + 40
  while (next === HOP_BY_HOP || next === ROUTING || next === DEST_OPTS || next === MOBILITY || next === FRAGMENT || next === AH) {
    if (p + 8 > limit) return 'truncated_packet'
    const following = buf[p]!
    if (next === FRAGMENT) {
      p += 8
      if ((u16be(buf, p - 6) & 0xfff8) !== 0) {
        out.fragment = true
        next = following
        break
      }
    } else if (next === AH) p += (buf[p + 1]! + 2) * 4
    else p += (buf[p + 1]! + 1) * 8
    next = following
  }
  out.protocol = next
  out.payloadOff = p
  return limit
}
