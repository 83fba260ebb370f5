/**
 * Addresses from export records as the text the writer stores. IPv4 strings are cached by
 * value (a busy exporter repeats the same few thousand addresses); the cache is cleared when it
 * grows past its bound, so hostile traffic with random addresses cannot grow it.
 */
const IPV4_CACHE_MAX = 1 << 16
let ipv4Cache = new Map<number, string>()

export function ipv4At(buf: Buffer, o: number): string {
  const value = buf.readUInt32BE(o)
  let text = ipv4Cache.get(value)
  if (text === undefined) {
    text = `${buf[o]}.${buf[o + 1]}.${buf[o + 2]}.${buf[o + 3]}`
    if (ipv4Cache.size >= IPV4_CACHE_MAX) ipv4Cache = new Map()
    ipv4Cache.set(value, text)
  }
  return text
}

/** RFC 5952 text of the 16 bytes at `o`: lower case, longest run of zero groups as '::'. */
export function ipv6At(buf: Buffer, o: number): string {
  const groups = new Array<number>(8)
  for (let i = 0; i < 8; i++) groups[i] = buf.readUInt16BE(o + i * 2)
  // IPv4-mapped addresses are stored the same way as plain IPv4 ones.
  if (groups[0] === 0 && groups[1] === 0 && groups[2] === 0 && groups[3] === 0 && groups[4] === 0 && groups[5] === 0xffff) {
    return ipv4At(buf, o + 12)
  }
  let bestStart = -1, bestLen = 1
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
  if (bestStart < 0) return groups.map((g) => g.toString(16)).join(':')
  const head = groups.slice(0, bestStart).map((g) => g.toString(16)).join(':')
  const tail = groups.slice(bestStart + bestLen).map((g) => g.toString(16)).join(':')
  return `${head}::${tail}`
}
