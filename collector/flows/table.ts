import type { PacketInfo } from '../packet/types.ts'
import type { LiveFlow } from './live-flow.ts'

/*
 * The live-flow table. A flow is found by a 30-bit hash of its 5-tuple (a small integer: V8
 * keeps it unboxed and hashes it for free) and a comparison of the tuple's fields along a short
 * collision chain, so looking up a packet allocates nothing — no key string per packet, which
 * is what makes flow assembly keep up with line rate. Flows are also on a list in creation
 * order, for the sweep of idle and active timeouts and for exporting the oldest flow first when
 * the table is full.
 */

const ICMP = 1
const ICMPV6 = 58

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

function sameAddr(a: Buffer, b: Buffer, off: number): boolean {
  for (let i = 0; i < 16; i++) if (a[i] !== b[off + i]) return false
  return true
}

/** Does `f` carry the packet's tuple (or, with `reverse`, the tuple of its replies)? */
function matches(f: LiveFlow, p: PacketInfo, reverse: boolean): boolean {
  if (f.protocol !== p.protocol || f.v6 !== (p.ipVersion === 6)) return false
  if (reverse) {
    if (f.srcPort !== p.dstPort || f.dstPort !== p.srcPort || f.icmpType !== 0 || f.icmpCode !== 0) return false
  } else if (f.srcPort !== p.srcPort || f.dstPort !== p.dstPort || f.icmpType !== p.icmpType || f.icmpCode !== p.icmpCode) return false
  if (!f.v6) return reverse ? f.src4 === p.dst4 && f.dst4 === p.src4 : f.src4 === p.src4 && f.dst4 === p.dst4
  return reverse
    ? sameAddr(f.src6!, p.buf, p.dstOff) && sameAddr(f.dst6!, p.buf, p.srcOff)
    : sameAddr(f.src6!, p.buf, p.srcOff) && sameAddr(f.dst6!, p.buf, p.dstOff)
}

export class FlowTable {
  private readonly buckets = new Map<number, LiveFlow>()
  private oldest: LiveFlow | null = null
  private newest: LiveFlow | null = null
  size = 0

  /** The live flow of the packet (reverse: of its replies), if any. */
  find(p: PacketInfo, hash: number, reverse: boolean): LiveFlow | undefined {
    for (let f: LiveFlow | null = this.buckets.get(hash) ?? null; f !== null; f = f.chain) if (matches(f, p, reverse)) return f
    return undefined
  }

  add(f: LiveFlow): void {
    f.chain = this.buckets.get(f.hash) ?? null
    this.buckets.set(f.hash, f)
    f.older = this.newest
    f.newer = null
    if (this.newest) this.newest.newer = f
    else this.oldest = f
    this.newest = f
    this.size++
  }

  delete(f: LiveFlow): void {
    const head = this.buckets.get(f.hash)
    if (head === f) {
      if (f.chain) this.buckets.set(f.hash, f.chain)
      else this.buckets.delete(f.hash)
    } else {
      for (let prev: LiveFlow | null = head ?? null; prev; prev = prev.chain) {
        if (prev.chain === f) {
          prev.chain = f.chain
          break
        }
      }
    }
    if (f.older) f.older.newer = f.newer
    else this.oldest = f.newer
    if (f.newer) f.newer.older = f.older
    else this.newest = f.older
    f.chain = f.older = f.newer = null
    this.size--
  }

  /** The flow created longest ago. */
  first(): LiveFlow | null {
    return this.oldest
  }

  /** Calls `fn` on every flow, oldest first; `fn` may delete the flow it is given. */
  each(fn: (f: LiveFlow) => void): void {
    for (let f = this.oldest; f; ) {
      const next = f.newer
      fn(f)
      f = next
    }
  }
}
