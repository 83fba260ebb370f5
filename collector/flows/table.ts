import type { PacketInfo } from '../packet/types.ts'
import { u32le } from '../packet/bytes.ts'

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
/** Flows the arrays hold at first (about 6 MB); they double from there up to maxFlows. */
const FIRST_CAPACITY = 65_536

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
    for (let i = 0; i < 16; i += 4) h = mix(h, u32le(b, s + i))
    for (let i = 0; i < 16; i += 4) h = mix(h, u32le(b, d + i))
  }
  return h & 0x3fffffff
}

type Column = Int32Array | Uint32Array | Float64Array

/*
 * A flow is one 64-byte record — one cache line — seen through two views of the same memory:
 * finding a packet's flow, counting the packet and discovery's check of the flow all touch that
 * line and one line of the index. Int32 view (16 per record): the tuple, the sub-microsecond
 * parts of the times, the TCP flags with discovery's role and payload budget, the linked
 * service. Float64 view (8 per record): packets, bytes, first and last packet time in
 * microseconds since the epoch.
 */
const I32 = 16
const F64 = 8
const KIND_ICMP = 0 // (protocol | ipVersion << 8) << 16 | icmpType << 8 | icmpCode
const PORTS = 1 // srcPort << 16 | dstPort
const SRC4 = 2
const DST4 = 3
const PACKETS = 2 // Float64 view
const BYTES = 3
const FIRST_US = 4
const LAST_US = 5
const FIRST_SUB = 12 // Int32 view: nanoseconds below the microsecond
const LAST_SUB = 13
const NOTES = 14 // TCP flags | role << 8 | payloads to inspect << 16
const SERVICE = 15

const kindIcmp = (p: PacketInfo): number => (((p.protocol | (p.ipVersion << 8)) << 16) | (p.icmpType << 8) | p.icmpCode)
const ports = (src: number, dst: number): number => (src << 16) | dst

export class FlowTable {
  size = 0
  /** The records (I32 / F64 views of one buffer). */
  private i32 = new Int32Array(0)
  private f64 = new Float64Array(0)
  private hash = new Int32Array(0)
  /** IPv6 flows: 32 bytes per flow, source then destination address. */
  addr6 = Buffer.alloc(0)
  /** Creation-order list (and, for free ids, the free list through `newer`). */
  private older = new Int32Array(0)
  private newer = new Int32Array(0)
  private oldest = NO_FLOW
  private newest = NO_FLOW
  private free = NO_FLOW
  private used = 0
  private capacity = 0
  /** The index, power-of-two sized: per slot, flow id + 1 (0 = empty) and that flow's hash. */
  private slots = new Int32Array(FIRST_CAPACITY * 4)
  private mask = FIRST_CAPACITY * 2 - 1
  private v6 = false

  /** `maxFlows` bounds the arrays: they start small and double up to it. */
  constructor(private maxFlows: number) {
    this.resize(Math.min(FIRST_CAPACITY, maxFlows))
  }

  /** Flows the arrays hold now (without growing). */
  get room(): number {
    return this.capacity
  }

  /** Empties the table for another capture, keeping its memory (up to `maxFlows` from now on). */
  reset(maxFlows: number): void {
    this.maxFlows = Math.max(maxFlows, 1)
    this.size = 0
    this.oldest = this.newest = this.free = NO_FLOW
    this.used = 0
    this.slots.fill(0)
  }

  /** The live flow of the packet (reverse: of its replies), or NO_FLOW. */
  find(p: PacketInfo, hash: number, reverse: boolean): number {
    const slots = this.slots
    const mask = this.mask
    for (let i = hash & mask; ; i = (i + 1) & mask) {
      const s = slots[i * 2]!
      if (s === 0) return NO_FLOW
      if (slots[i * 2 + 1] === hash && this.matches(s - 1, p, reverse)) return s - 1
    }
  }

  /** A new flow for the packet's tuple, counters at zero and times at `us` (+ `sub` ns). */
  add(p: PacketInfo, hash: number, us: number, sub: number): number {
    let id = this.free
    if (id !== NO_FLOW) this.free = this.newer[id]!
    else {
      if (this.used === this.capacity) this.resize(Math.min(this.maxFlows, this.capacity * 2))
      id = this.used++
    }
    this.hash[id] = hash
    const r = id * I32
    const i32 = this.i32
    i32[r + KIND_ICMP] = kindIcmp(p)
    i32[r + PORTS] = ports(p.srcPort, p.dstPort)
    i32[r + SRC4] = p.src4
    i32[r + DST4] = p.dst4
    i32[r + FIRST_SUB] = i32[r + LAST_SUB] = sub
    i32[r + NOTES] = 0
    i32[r + SERVICE] = -1
    const f = id * F64
    this.f64[f + PACKETS] = 0
    this.f64[f + BYTES] = 0
    this.f64[f + FIRST_US] = this.f64[f + LAST_US] = us
    if (p.ipVersion === 6) {
      this.v6 = true
      p.buf.copy(this.addr6, id * 32, p.srcOff, p.srcOff + 16)
      p.buf.copy(this.addr6, id * 32 + 16, p.dstOff, p.dstOff + 16)
    }
    this.older[id] = this.newest
    this.newer[id] = NO_FLOW
    if (this.newest !== NO_FLOW) this.newer[this.newest] = id
    else this.oldest = id
    this.newest = id
    this.size++
    this.place(id, hash)
    if (this.size * 2 > this.mask + 1) this.rehash((this.mask + 1) * 2)
    return id
  }

  /** Counts one packet of `ipBytes` bytes and TCP `flags` at `us` (+ `sub` ns) in flow `id`. */
  count(id: number, ipBytes: number, flags: number, us: number, sub: number): void {
    const f = id * F64
    const r = id * I32
    const f64 = this.f64
    const i32 = this.i32
    f64[f + PACKETS]! += 1
    f64[f + BYTES]! += ipBytes
    if (flags !== 0) i32[r + NOTES]! |= flags
    // Packets may come out of time order: a late one only widens the flow's span.
    const last = f64[f + LAST_US]!
    if (us > last || (us === last && sub > i32[r + LAST_SUB]!)) {
      f64[f + LAST_US] = us
      i32[r + LAST_SUB] = sub
      return
    }
    const first = f64[f + FIRST_US]!
    if (us < first || (us === first && sub < i32[r + FIRST_SUB]!)) {
      f64[f + FIRST_US] = us
      i32[r + FIRST_SUB] = sub
    }
  }

  delete(id: number): void {
    const slots = this.slots
    const mask = this.mask
    let i = this.hash[id]! & mask
    while (slots[i * 2] !== id + 1) i = (i + 1) & mask
    // Backward-shift deletion: later entries of the probe run move up into the hole.
    for (let j = (i + 1) & mask; slots[j * 2] !== 0; j = (j + 1) & mask) {
      const home = slots[j * 2 + 1]! & mask
      if ((j > i && (home <= i || home > j)) || (j < i && home <= i && home > j)) {
        slots[i * 2] = slots[j * 2]!
        slots[i * 2 + 1] = slots[j * 2 + 1]!
        i = j
      }
    }
    slots[i * 2] = 0
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
    return this.i32[id * I32 + KIND_ICMP]! >>> 24 === 6
  }
  protocol(id: number): number {
    return (this.i32[id * I32 + KIND_ICMP]! >>> 16) & 0xff
  }
  icmpType(id: number): number {
    return (this.i32[id * I32 + KIND_ICMP]! >>> 8) & 0xff
  }
  icmpCode(id: number): number {
    return this.i32[id * I32 + KIND_ICMP]! & 0xff
  }
  srcPort(id: number): number {
    return this.i32[id * I32 + PORTS]! >>> 16
  }
  dstPort(id: number): number {
    return this.i32[id * I32 + PORTS]! & 0xffff
  }
  /** IPv4 addresses as unsigned 32-bit numbers. */
  src4(id: number): number {
    return this.i32[id * I32 + SRC4]! >>> 0
  }
  dst4(id: number): number {
    return this.i32[id * I32 + DST4]! >>> 0
  }
  packets(id: number): number {
    return this.f64[id * F64 + PACKETS]!
  }
  bytes(id: number): number {
    return this.f64[id * F64 + BYTES]!
  }
  tcpFlags(id: number): number {
    return this.i32[id * I32 + NOTES]! & 0xff
  }
  /** First and last packet, microseconds since the epoch. */
  firstUs(id: number): number {
    return this.f64[id * F64 + FIRST_US]!
  }
  lastUs(id: number): number {
    return this.f64[id * F64 + LAST_US]!
  }
  /** First and last packet, milliseconds since the epoch (what `flows` stores). */
  firstMs(id: number): number {
    return Math.floor(this.f64[id * F64 + FIRST_US]! / 1000)
  }
  lastMs(id: number): number {
    return Math.floor(this.f64[id * F64 + LAST_US]! / 1000)
  }
  /** Passive discovery's notes on the flow: linked service (-1 none), role, payloads left to inspect. */
  service(id: number): number {
    return this.i32[id * I32 + SERVICE]!
  }
  role(id: number): number {
    return (this.i32[id * I32 + NOTES]! >>> 8) & 0xff
  }
  inspectLeft(id: number): number {
    return this.i32[id * I32 + NOTES]! >>> 16
  }
  note(id: number, service: number, role: number, inspect: number): void {
    const r = id * I32
    this.i32[r + SERVICE] = service
    this.i32[r + NOTES] = (this.i32[r + NOTES]! & 0xff) | (role << 8) | (inspect << 16)
  }

  private matches(id: number, p: PacketInfo, reverse: boolean): boolean {
    const i32 = this.i32
    const r = id * I32
    if (reverse) {
      if (i32[r + KIND_ICMP] !== (p.protocol | (p.ipVersion << 8)) << 16 || i32[r + PORTS] !== ports(p.dstPort, p.srcPort)) return false
    } else if (i32[r + KIND_ICMP] !== kindIcmp(p) || i32[r + PORTS] !== ports(p.srcPort, p.dstPort)) return false
    if (p.ipVersion === 4) {
      return reverse ? i32[r + SRC4] === (p.dst4 | 0) && i32[r + DST4] === (p.src4 | 0) : i32[r + SRC4] === (p.src4 | 0) && i32[r + DST4] === (p.dst4 | 0)
    }
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
    const mask = this.mask
    let i = hash & mask
    while (slots[i * 2] !== 0) i = (i + 1) & mask
    slots[i * 2] = id + 1
    slots[i * 2 + 1] = hash
  }

  private rehash(size: number): void {
    this.slots = new Int32Array(size * 2)
    this.mask = size - 1
    this.each((id) => this.place(id, this.hash[id]!))
  }

  /** Grows every per-flow array to `n` flows, keeping the contents. */
  private resize(n: number): void {
    const grow = <T extends Column>(a: T, stride: number): T => {
      const b = new (a.constructor as new (n: number) => T)(n * stride)
      b.set(a)
      return b
    }
    this.i32 = grow(this.i32, I32)
    this.f64 = new Float64Array(this.i32.buffer)
    this.hash = grow(this.hash, 1)
    this.older = grow(this.older, 1)
    this.newer = grow(this.newer, 1)
    // Left untouched while no IPv6 flow came: its pages are never faulted in.
    const addr6 = Buffer.alloc(n * 32)
    if (this.v6) this.addr6.copy(addr6)
    this.addr6 = addr6
    this.capacity = n
  }
}
