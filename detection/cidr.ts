/**
 * Addresses and networks as 128-bit integers (IPv4 mapped into ::ffff:0:0/96, as ClickHouse
 * stores them), for the allow-list and for validating threat-intel entries.
 */
export interface Network {
  base: bigint
  bits: number
  /** Canonical text: a.b.c.d/n for IPv4, the compressed IPv6 form otherwise. */
  text: string
}

const V4_MAPPED = 0xffffn << 32n

export function parseAddress(text: string): bigint | undefined {
  const s = text.trim()
  const v4 = parseIpv4(s)
  if (v4 !== undefined) return V4_MAPPED | v4
  if (s.toLowerCase().startsWith('::ffff:') && parseIpv4(s.slice(7)) !== undefined) return V4_MAPPED | parseIpv4(s.slice(7))!
  return parseIpv6(s)
}

function parseIpv4(s: string): bigint | undefined {
  const parts = s.split('.')
  if (parts.length !== 4) return undefined
  let v = 0n
  for (const p of parts) {
    if (!/^\d{1,3}$/.test(p) || Number(p) > 255) return undefined
    v = (v << 8n) | BigInt(p)
  }
  return v
}

function parseIpv6(s: string): bigint | undefined {
  if (!/^[0-9a-fA-F:.]+$/.test(s)) return undefined
  const halves = s.split('::')
  if (halves.length > 2) return undefined
  const groups = (h: string | undefined) => (h ? h.split(':') : [])
  const head = groups(halves[0])
  const tail = groups(halves[1])
  const words: number[] = []
  for (const g of [...head, ...(halves.length === 2 ? ['*'] : []), ...tail]) {
    if (g === '*') continue
    if (!/^[0-9a-fA-F]{1,4}$/.test(g)) return undefined
  }
  const missing = 8 - head.length - tail.length
  if (halves.length === 2 ? missing < 1 : missing !== 0) return undefined
  for (const g of head) words.push(parseInt(g, 16))
  for (let i = 0; i < missing && halves.length === 2; i++) words.push(0)
  for (const g of tail) words.push(parseInt(g, 16))
  return words.reduce((acc, w) => (acc << 16n) | BigInt(w), 0n)
}

/** Parses "a.b.c.d", "a.b.c.d/n", "x::y" or "x::y/n"; undefined when it is neither. */
export function parseNetwork(text: string): Network | undefined {
  const [addr, len, extra] = text.trim().split('/')
  if (addr === undefined || extra !== undefined) return undefined
  const value = parseAddress(addr)
  if (value === undefined) return undefined
  const v4 = parseIpv4(addr.trim()) !== undefined
  const max = v4 ? 32 : 128
  if (len !== undefined && !/^\d{1,3}$/.test(len)) return undefined
  const n = len === undefined ? max : Number(len)
  if (n > max) return undefined
  const bits = v4 ? 96 + n : n
  const mask = bits === 0 ? 0n : ((1n << BigInt(bits)) - 1n) << BigInt(128 - bits)
  const base = value & mask
  return { base, bits, text: `${formatAddress(base)}/${n}` }
}

export function contains(net: Network, address: bigint): boolean {
  const shift = BigInt(128 - net.bits)
  return net.bits === 0 || address >> shift === net.base >> shift
}

/** IPv4-mapped addresses as a.b.c.d, everything else in compressed IPv6 form. */
export function formatAddress(v: bigint): string {
  if (v >> 32n === 0xffffn) return [24n, 16n, 8n, 0n].map((s) => String((v >> s) & 255n)).join('.')
  const words = Array.from({ length: 8 }, (_, i) => Number((v >> BigInt(112 - 16 * i)) & 0xffffn))
  let best = -1
  let bestLen = 1
  for (let i = 0; i < 8; ) {
    let j = i
    while (j < 8 && words[j] === 0) j++
    if (j - i > bestLen) [best, bestLen] = [i, j - i]
    i = j === i ? i + 1 : j
  }
  const hex = words.map((w) => w.toString(16))
  if (best < 0) return hex.join(':')
  return `${hex.slice(0, best).join(':')}::${hex.slice(best + bestLen).join(':')}`
}

/** Address text as ClickHouse prints it (::ffff:a.b.c.d) turned into the form people read. */
export function displayAddress(text: string): string {
  return text.startsWith('::ffff:') && text.includes('.') ? text.slice(7) : text
}
