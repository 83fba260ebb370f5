import type { PacketInfo } from '../packet/types.ts'

/*
 * The live-flow table. Flows live in typed arrays indexed by a flow id (a small integer), not in
 * objects: assembling a capture then allocates nothing per packet or per flow, and the garbage
 * collector has nothing to trace however many flows are live. A flow is found through an
 * open-addressing index (linear probing over the 30-bit hash of its 5-tuple, then a comparison
 * of the tuple's fields); ids are reused through a free list. Flows are also on a list in
 * creation order, for the sweep of idle and active timeouts and for exporting the oldest flow
 * first when the table is full.
 */

export const NO_FLOW = -1
const ICMP = 1
const ICMPV6 = 58
const FIRST_CAPACITY = 4096

function mix(h: number, v: number): number {
  h = Math.imul(h ^ v, 0x9e3779b1)
  return h ^ (h >>> 15)
}

/** Hash of the tuple (src, dst, srcPort, dstSlot) of `p`, or of its reverse. */
export function tupleHash(p: PacketInfo, reverse: boolean): number {
  const slot = p.protocol === ICMP || p.protocol === ICMPV6 ? (p.icmpType << 8) | p.icmpCode : p.dstPort
  let h = mix(0x2545f491, p.protocol | (p.ipVersion << 8))
  if (reverse) h = mix(h, (p.dstPort << 16) | p.srcPort)
  else h = mix(h, (p.srcPort << 16) | slot)
  if (p.ipVersion === 4) {
    h = mix(h, reverse ? p.dst4 : p.src4)
    h = mix(h, reverse ? p.src4 : p.dst4)
  } else {
    const b = p.buf
    const s = reverse ? p.dstOff : p.srcOff
    const d = reverse ? p.srcOff : p.dstOff
    for (let i = 0; i < 16; i += 4) h = mix(h, b.readInt32LE(s + i))
    for (let i = 0; i < 16; i += 4) h = mix(h, b.readInt32LE(d + i))
  }
  return h & 0x3fffffff
}

type Column = Int32Array | Uint8Array | Uint16Array | Uint32Array | Float64Array

export class FlowTable {
  size = 0
  /** Tuple: protocol | ipVersion << 8, ports, ICMP type << 8 | code, IPv4 addresses. */
  hash = new Int32Array(0)
  kind = new Uint16Array(0)
  srcPort = new Uint16Array(0)
  dstPort = new Uint16Array(0)
  icmp = new Uint16Array(0)
  src4 = new Uint32Array(0)
  dst4 = new Uint32Array(0)
  /** IPv6 flows: 32 bytes per flow, source then destination address. */
  addr6 = Buffer.alloc(0)
  tcpFlags = new Uint8Array(0)
  packets = new Float64Array(0)
  bytes = new Float64Array(0)
  /** First and last packet: seconds since the epoch and nanoseconds within the second. */
  firstSec = new Float64Array(0)
  firstNs = new Uint32Array(0)
  lastSec = new Float64Array(0)
  lastNs = new Uint32Array(0)
  /** Passive discovery's notes: linked service (-1 none), role, payloads still to inspect. */
  service = new Int32Array(0)
  role = new Uint8Array(0)
  inspect = new Uint8Array(0)
  /** Creation-order list (and, for free ids, the free list through `newer`). */
  private older = new Int32Array(0)
  private newer = new Int32Array(0)
  private oldest = NO_FLOW
  private newest = NO_FLOW
  private free = NO_FLOW
  private used = 0
  /** The index: flow id + 1 per slot (0 = empty) and that flow's hash, power-of-two sized. */
  private slots = new Int32Array(FIRST_CAPACITY * 2)
  private slotHash = new Int32Array(FIRST_CAPACITY * 2)

  /** `maxFlows` bounds the arrays: they start small and double up to it. */
  constructor(private readonly maxFlows: number) {
    this.resize(Math.min(FIRST_CAPACITY, maxFlows))
  }

  /** The live flow of the packet (reverse: of its replies), or NO_FLOW. */
  find(p: PacketInfo, hash: number, reverse: boolean): number {
    const slots = this.slots
    const mask = slots.length - 1
    for (let i = hash & mask; ; i = (i + 1) & mask) {
      const s = slots[i]!
      if (s === 0) return NO_FLOW
      if (this.slotHash[i] === hash && this.matches(s - 1, p, reverse)) return s - 1
    }
  }

  /** A new flow for the packet's tuple, counters at zero and times at (sec, ns). */
  add(p: PacketInfo, hash: number, sec: number, ns: number): number {
    let id = this.free
    if (id !== NO_FLOW) this.free = this.newer[id]!
    else {
      if (this.used === this.hash.length) this.resize(Math.min(this.maxFlows, this.hash.length * 2))
      id = this.used++
    }
    const v6 = p.ipVersion === 6
    this.hash[id] = hash
    this.kind[id] = p.protocol | (p.ipVersion << 8)
    this.srcPort[id] = p.srcPort
    this.dstPort[id] = p.dstPort
    this.icmp[id] = (p.icmpType << 8) | p.icmpCode
    this.src4[id] = p.src4
    this.dst4[id] = p.dst4
    if (v6) {
      p.buf.copy(this.addr6, id * 32, p.srcOff, p.srcOff + 16)
      p.buf.copy(this.addr6, id * 32 + 16, p.dstOff, p.dstOff + 16)
    }
    this.tcpFlags[id] = 0
    this.packets[id] = 0
    this.bytes[id] = 0
    this.firstSec[id] = this.lastSec[id] = sec
    this.firstNs[id] = this.lastNs[id] = ns
    this.service[id] = -1
    this.role[id] = 0
    this.inspect[id] = 0
    this.older[id] = this.newest
    this.newer[id] = NO_FLOW
    if (this.newest !== NO_FLOW) this.newer[this.newest] = id
    else this.oldest = id
    this.newest = id
    this.size++
    this.place(id, hash)
    if (this.size * 2 > this.slots.length) this.rehash(this.slots.length * 2)
    return id
  }

  delete(id: number): void {
    const slots = this.slots
    const mask = slots.length - 1
    let i = this.hash[id]! & mask
    while (slots[i] !== id + 1) i = (i + 1) & mask
    // Backward-shift deletion: later entries of the probe run move up into the hole.
    for (let j = (i + 1) & mask; slots[j] !== 0; j = (j + 1) & mask) {
      const home = this.slotHash[j]! & mask
      if ((j > i && (home <= i || home > j)) || (j < i && home <= i && home > j)) {
        slots[i] = slots[j]!
        this.slotHash[i] = this.slotHash[j]!
        i = j
      }
    }
    slots[i] = 0
    const older = this.older[id]!
    const newer = this.newer[id]!
    if (older !== NO_FLOW) this.newer[older] = newer
    else this.oldest = newer
    if (newer !== NO_FLOW) this.older[newer] = older
    else this.newest = older
    this.newer[id] = this.free
    this.free = id
    this.size--
  }

  /** The flow created longest ago, or NO_FLOW. */
  first(): number {
    return this.oldest
  }

  /** Calls `fn` on every flow, oldest first; `fn` may delete the flow it is given. */
  each(fn: (id: number) => void): void {
    for (let id = this.oldest; id !== NO_FLOW; ) {
      const next = this.newer[id]!
      fn(id)
      id = next
    }
  }

  isV6(id: number): boolean {
    return this.kind[id]! >> 8 === 6
  }

  protocol(id: number): number {
    return this.kind[id]! & 0xff
  }

  private matches(id: number, p: PacketInfo, reverse: boolean): boolean {
    if (this.kind[id] !== (p.protocol | (p.ipVersion << 8))) return false
    if (reverse) {
      if (this.srcPort[id] !== p.dstPort || this.dstPort[id] !== p.srcPort || this.icmp[id] !== 0) return false
    } else if (this.srcPort[id] !== p.srcPort || this.dstPort[id] !== p.dstPort || this.icmp[id] !== ((p.icmpType << 8) | p.icmpCode)) return false
    if (p.ipVersion === 4) return reverse ? this.src4[id] === p.dst4 && this.dst4[id] === p.src4 : this.src4[id] === p.src4 && this.dst4[id] === p.dst4
    const at = id * 32
    return reverse
      ? this.sameAddr(at, p.buf, p.dstOff) && this.sameAddr(at + 16, p.buf, p.srcOff)
      : this.sameAddr(at, p.buf, p.srcOff) && this.sameAddr(at + 16, p.buf, p.dstOff)
  }

  private sameAddr(at: number, b: Buffer, off: number): boolean {
    const a = this.addr6
    for (let i = 0; i < 16; i++) if (a[at + i] !== b[off + i]) return false
    return true
  }

  private place(id: number, hash: number): void {
    const slots = this.slots
    const mask = slots.length - 1
    let i = hash & mask
    while (slots[i] !== 0) i = (i + 1) & mask
    slots[i] = id + 1
    this.slotHash[i] = hash
  }

  private rehash(size: number): void {
    this.slots = new Int32Array(size)
    this.slotHash = new Int32Array(size)
    this.each((id) => this.place(id, this.hash[id]!))
  }

  /** Grows every per-flow array to `n` flows, keeping the contents. */
  private resize(n: number): void {
    const grow = <T extends Column>(a: T, width = 1): T => {
      const b = new (a.constructor as new (n: number) => T)(n * width)
      b.set(a)
      return b
    }
    this.hash = grow(this.hash)
    this.kind = grow(this.kind)
    this.srcPort = grow(this.srcPort)
    this.dstPort = grow(this.dstPort)
    this.icmp = grow(this.icmp)
    this.src4 = grow(this.src4)
    this.dst4 = grow(this.dst4)
    const addr6 = Buffer.alloc(n * 32)
    this.addr6.copy(addr6)
    this.addr6 = addr6
    this.tcpFlags = grow(this.tcpFlags)
    this.packets = grow(this.packets)
    this.bytes = grow(this.bytes)
    this.firstSec = grow(this.firstSec)
    this.firstNs = grow(this.firstNs)
    this.lastSec = grow(this.lastSec)
    this.lastNs = grow(this.lastNs)
    this.service = grow(this.service)
    this.role = grow(this.role)
    this.inspect = grow(this.inspect)
    this.older = grow(this.older)
    this.newer = grow(this.newer)
  }
}
