import type { PacketInfo } from '../packet/types.ts'

const TCP = 6
const FIRST_SLOTS = 1024

/**
 * Services by endpoint (address, port, TCP or UDP). Discovery asks for every new flow, so IPv4
 * endpoints — nearly all of them — are found in an open-addressing table over typed arrays,
 * with no key object made per question; IPv6 ones by a short string key.
 */
export class EndpointIndex {
  size = 0
  /** Per slot: the IPv4 address, then (port << 1 | UDP) + 1, 0 marking an empty slot. */
  private keys = new Int32Array(FIRST_SLOTS * 2)
  private values = new Int32Array(FIRST_SLOTS)
  private mask = FIRST_SLOTS - 1
  private readonly v6 = new Map<string, number>()

  /** The value stored for one side of the packet (`source`: the sender's), or -1. */
  get(p: PacketInfo, source: boolean): number {
    if (p.ipVersion !== 4) return this.v6.get(ipv6Key(p, source)) ?? -1
    const addr = (source ? p.src4 : p.dst4) | 0
    const tag = endpointTag(p, source)
    const keys = this.keys
    for (let i = slotOf(addr, tag, this.mask); ; i = (i + 1) & this.mask) {
      const t = keys[i * 2 + 1]!
      if (t === 0) return -1
      if (t === tag && keys[i * 2] === addr) return this.values[i]!
    }
  }

  /** Stores `value` for one side of the packet (which must not be stored yet). */
  set(p: PacketInfo, source: boolean, value: number): void {
    this.size++
    if (p.ipVersion !== 4) {
      this.v6.set(ipv6Key(p, source), value)
      return
    }
    if ((this.size - this.v6.size) * 2 > this.mask + 1) this.grow()
    this.place((source ? p.src4 : p.dst4) | 0, endpointTag(p, source), value)
  }

  private place(addr: number, tag: number, value: number): void {
    let i = slotOf(addr, tag, this.mask)
    while (this.keys[i * 2 + 1] !== 0) i = (i + 1) & this.mask
    this.keys[i * 2] = addr
    this.keys[i * 2 + 1] = tag
    this.values[i] = value
  }

  private grow(): void {
    const { keys, values } = this
    this.keys = new Int32Array(keys.length * 2)
    this.values = new Int32Array(values.length * 2)
    this.mask = values.length * 2 - 1
    for (let i = 0; i < values.length; i++) if (keys[i * 2 + 1] !== 0) this.place(keys[i * 2]!, keys[i * 2 + 1]!, values[i]!)
  }
}

function endpointTag(p: PacketInfo, source: boolean): number {
  return (((source ? p.srcPort : p.dstPort) << 1) | (p.protocol === TCP ? 0 : 1)) + 1
}

function slotOf(addr: number, tag: number, mask: number): number {
  let h = Math.imul(addr ^ Math.imul(tag, 0x85ebca6b), 0x9e3779b1)
  h ^= h >>> 16
  return h & mask
}

/** An IPv6 endpoint as a short string of 16-bit code units: protocol, the address, the port. */
function ipv6Key(p: PacketInfo, source: boolean): string {
  const b = p.buf
  const o = source ? p.srcOff : p.dstOff
  const group = (i: number) => (b[o + i]! << 8) | b[o + i + 1]!
  return String.fromCharCode(p.protocol, group(0), group(2), group(4), group(6), group(8), group(10), group(12), group(14), source ? p.srcPort : p.dstPort)
}
