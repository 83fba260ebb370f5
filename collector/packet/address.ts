/** Dotted quad of an unsigned 32-bit IPv4 address. */
/**
 * Dotted-quad text of an IPv4 address held as a 32-bit number. Texts are cached by value: flows
 * repeat the same servers and clients, and each text is then made once (the cache is dropped
 * when it reaches its bound, so random addresses cannot grow it).
 */
const IPV4_CACHE_MAX = 1 << 16
let ipv4Cache = new Map<number, string>()

export function ipv4Text(n: number): string {
  let text = ipv4Cache.get(n)
  if (text === undefined) {
    text = `${n >>> 24}.${(n >>> 16) & 255}.${(n >>> 8) & 255}.${n & 255}`
    if (ipv4Cache.size >= IPV4_CACHE_MAX) ipv4Cache = new Map()
    ipv4Cache.set(n, text)
  }
  return text
}

/**
 * RFC 5952 text of the 16-byte IPv6 address at `off`: lower-case hex, leading zeros dropped,
 * the longest run of two or more zero groups (the first one on a tie) written as `::`.
 */
export function ipv6Text(buf: Buffer, off: number): string {
  const groups: number[] = new Array<number>(8)
  for (let i = 0; i < 8; i++) groups[i] = buf.readUInt16BE(off + i * 2)
  let bestStart = -1
  let bestLen = 1
  for (let i = 0; i < 8; ) {
    if (groups[i] !== 0) {
      i++
      continue
    }
    let j = i
    while (j < 8 && groups[j] === 0) j++
    if (j - i > bestLen) {
      bestStart = i
      bestLen = j - i
    }
    i = j
  }
  const hex = (from: number, to: number) => groups.slice(from, to).map((g) => g.toString(16)).join(':')
  if (bestStart < 0) return hex(0, 8)
  return `${hex(0, bestStart)}::${hex(bestStart + bestLen, 8)}`
}
