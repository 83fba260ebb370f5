import { u16be, u32be, u32le } from './bytes.ts'

/** Link types we decode (LINKTYPE_* values from tcpdump.org/linktypes.html). */
export const LINKTYPE = {
  NULL: 0,
  ETHERNET: 1,
  RAW_12: 12,
  RAW_14: 14,
  RAW: 101,
  LOOP: 108,
  LINUX_SLL: 113,
  IPV4: 228,
  IPV6: 229,
  LINUX_SLL2: 276,
} as const

/** The link layer's verdict: 4 or 6 for an IP packet at `out.offset`, 0 for anything else, negative on error. */
export const LINK_NON_IP = 0
export const LINK_TRUNCATED = -1
export const LINK_UNSUPPORTED = -2

const ETHERTYPE_IPV4 = 0x0800
const ETHERTYPE_IPV6 = 0x86dd
const ETHERTYPE_MPLS = 0x8847
const ETHERTYPE_MPLS_MULTICAST = 0x8848
const ETHERTYPE_PPPOE_SESSION = 0x8864
const PPP_IPV4 = 0x0021
const PPP_IPV6 = 0x0057

/**
 * Finds the IP header in a frame. Ethernet may carry any number of 802.1Q / 802.1ad (QinQ)
 * tags, then IP directly, over an MPLS label stack or in a PPPoE session; Linux cooked captures (v1 and v2) carry an ethertype; raw link types start with the IP
 * header; BSD null/loop headers carry an address family (host order for null, network order for
 * OpenBSD loop, but we accept both since captures move between machines).
 */
export function findNetwork(linkType: number, buf: Buffer, off: number, end: number, out: { offset: number }): number {
  switch (linkType) {
    case LINKTYPE.ETHERNET:
      if (end - off < 14) return LINK_TRUNCATED
      return ethertype(buf, off + 12, off + 14, end, out)
    case LINKTYPE.LINUX_SLL:
      if (end - off < 16) return LINK_TRUNCATED
      return ethertype(buf, off + 14, off + 16, end, out)
    case LINKTYPE.LINUX_SLL2:
      if (end - off < 20) return LINK_TRUNCATED
      return ethertype(buf, off, off + 20, end, out)
    case LINKTYPE.RAW:
    case LINKTYPE.RAW_12:
    case LINKTYPE.RAW_14:
    case LINKTYPE.IPV4:
    case LINKTYPE.IPV6:
      return ipVersion(buf, off, end, out)
    case LINKTYPE.NULL:
    case LINKTYPE.LOOP: {
      if (end - off < 4) return LINK_TRUNCATED
      let family = u32le(buf, off)
      if (family > 0xffff) family = u32be(buf, off)
      // AF_INET is 2 everywhere; AF_INET6 is 10 (Linux), 24 (NetBSD/OpenBSD), 28 (FreeBSD), 30 (macOS).
      if (family === 2) return at(off + 4, end, 4, out)
      if (family === 10 || family === 24 || family === 28 || family === 30) return at(off + 4, end, 6, out)
      return LINK_NON_IP
    }
    default:
      return LINK_UNSUPPORTED
  }
}

function ethertype(buf: Buffer, typeOff: number, next: number, end: number, out: { offset: number }): number {
  let type = u16be(buf, typeOff)
  // 802.1Q, 802.1ad and the pre-standard QinQ ethertypes: 4 bytes each, any depth.
  while (type === 0x8100 || type === 0x88a8 || type === 0x9100 || type === 0x9200) {
    if (next + 4 > end) return LINK_TRUNCATED
    type = u16be(buf, next + 2)
    next += 4
  }
  if (type === ETHERTYPE_IPV4) return at(next, end, 4, out)
  if (type === ETHERTYPE_IPV6) return at(next, end, 6, out)
  if (type === ETHERTYPE_MPLS || type === ETHERTYPE_MPLS_MULTICAST) return mpls(buf, next, end, out)
  if (type === ETHERTYPE_PPPOE_SESSION) {
    // PPPoE header (6 bytes), then the PPP protocol number.
    if (next + 8 > end) return LINK_TRUNCATED
    const ppp = u16be(buf, next + 6)
    if (ppp === PPP_IPV4) return at(next + 8, end, 4, out)
    if (ppp === PPP_IPV6) return at(next + 8, end, 6, out)
    return LINK_NON_IP
  }
  return LINK_NON_IP
}

/**
 * An MPLS label stack: 4-byte entries up to the one with the bottom-of-stack bit. MPLS does not
 * say what it carries; like Wireshark, IP is recognised by the version nibble (anything else —
 * a pseudowire control word, Ethernet over MPLS — is not IP here).
 */
function mpls(buf: Buffer, off: number, end: number, out: { offset: number }): number {
  for (;;) {
    if (off + 4 > end) return LINK_TRUNCATED
    const bottom = (buf[off + 2]! & 1) === 1
    off += 4
    if (bottom) return ipVersion(buf, off, end, out)
  }
}

function ipVersion(buf: Buffer, off: number, end: number, out: { offset: number }): number {
  if (off >= end) return LINK_TRUNCATED
  const v = buf[off]! >> 4
  return v === 4 || v === 6 ? at(off, end, v, out) : LINK_NON_IP
}

function at(offset: number, end: number, version: number, out: { offset: number }): number {
  if (offset >= end) return LINK_TRUNCATED
  out.offset = offset
  return version
}
