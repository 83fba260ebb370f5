import { contains, parseAddress, parseNetwork, type Network } from '../detection/cidr.ts'

export type { Network }

/** The broadest networks an asset may declare: anything wider would claim other people's traffic. */
const MIN_V4_PREFIX = 8
const MIN_V6_PREFIX = 16

/**
 * Parses an asset network strictly: an IPv4 or IPv6 address (a /32 or /128) or a CIDR whose
 * host bits are zero. No leading zeros in IPv4 octets (010.0.0.1 is octal to some tools and
 * decimal to others), no zone ids, no spaces inside. Returns the canonical network or the reason.
 */
export function parseAssetNetwork(text: string, what = 'one asset'): { network: Network } | { problem: string } {
  if (text !== text.trim() || text === '') return { problem: `"${text}" has spaces around it or is empty` }
  const [addr = '', len] = text.split('/')
  if (/^[\d.]+$/.test(addr) && addr.split('.').some((o) => o.length > 1 && o.startsWith('0'))) {
    return { problem: `"${text}": IPv4 octets must not have leading zeros` }
  }
  if (len !== undefined && (len === '' || (len.length > 1 && len.startsWith('0')))) return { problem: `"${text}": bad prefix length` }
  const network = parseNetwork(text)
  if (!network) return { problem: `"${text}" is not an IPv4/IPv6 address or CIDR` }
  const v4 = !addr.includes(':')
  const prefix = v4 ? network.bits - 96 : network.bits
  if (prefix < (v4 ? MIN_V4_PREFIX : MIN_V6_PREFIX)) {
    return { problem: `"${text}" is too broad for ${what} (at least /${v4 ? MIN_V4_PREFIX : MIN_V6_PREFIX})` }
  }
  if (parseAddress(addr) !== network.base) {
    return { problem: `"${text}" has host bits set; the network is ${network.text}` }
  }
  return { network }
}

/** Whether `outer` holds every address of `inner`. */
export function within(inner: Network, outer: Network): boolean {
  return outer.bits <= inner.bits && contains(outer, inner.base)
}

/** Whether two networks share any address (one contains the other: CIDRs never partly overlap). */
export function overlaps(a: Network, b: Network): boolean {
  return a.bits <= b.bits ? contains(a, b.base) : contains(b, a.base)
}
