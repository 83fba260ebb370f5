import { ChunkedReader } from './chunked.ts'
import { MICROSECONDS, resolutionFromOption, toSecNs, type TsResolution } from './timestamp.ts'
import { MAX_BLOCK, MAX_PACKET, type PacketSink, type RawPacket } from './types.ts'
import { u16, u32, u32le } from '../packet/bytes.ts'

export const PCAPNG_MAGIC = 0x0a0d0d0a
const BYTE_ORDER_MAGIC = 0x1a2b3c4d
const IDB = 1
const OPB = 2
const SPB = 3
const EPB = 6

interface Interface {
  linkType: number
  res: TsResolution
  /** if_tsoffset: seconds added to every timestamp of the interface. */
  offsetSec: number
}

/**
 * pcapng: blocks of (type, total length, body, total length) in sections, each section opened by
 * a section header block that fixes the byte order and forgets the previous interfaces. Enhanced,
 * simple and obsolete packet blocks carry packets; every other block type is skipped. A block
 * length that is not a multiple of 4, below 12, above MAX_BLOCK or different from the trailing
 * copy stops reading (`bad_block_length`): there is no way to find the next block.
 */
export class PcapngReader extends ChunkedReader {
  private le = true
  private interfaces: Interface[] = []
  private lastSec = 0
  private lastNs = 0
  private readonly ts = { sec: 0, ns: 0 }
  private readonly packet: RawPacket = { buf: Buffer.alloc(0), offset: 0, capLen: 0, origLen: 0, sec: 0, ns: 0, linkType: 0, iface: 0 }

  constructor(private readonly sink: PacketSink) {
    super('pcapng')
  }

  protected parse(buf: Buffer): number {
    let o = 0
    const end = buf.length
    this.packet.buf = buf
    while (o + 12 <= end) {
      let le = this.le
      const type = u32(buf, o, le)
      if (type === PCAPNG_MAGIC) {
        const bom = u32le(buf, o + 8)
        if (bom === BYTE_ORDER_MAGIC) le = true
        else if (bom === 0x4d3c2b1a) le = false
        else {
          this.stop('bad_file_header')
          return end
        }
      } else if (this.stats.sections === 0) {
        this.stop('bad_file_header')
        return end
      }
      const len = u32(buf, o + 4, le)
      if (len < 12 || (len & 3) !== 0 || len > MAX_BLOCK) {
        this.stop('bad_block_length')
        return end
      }
      if (o + len > end) {
        this.need = len
        return o
      }
      if ((u32(buf, o + len - 4, le)) !== len) {
        this.stop('bad_block_length')
        return end
      }
      if (type === PCAPNG_MAGIC) {
        this.le = le
        this.interfaces = []
        this.stats.sections++
      } else if (type === EPB || type === OPB) this.packetBlock(buf, o, len, type)
      else if (type === SPB) this.simpleBlock(buf, o, len)
      else if (type === IDB) this.interfaceBlock(buf, o, len)
      o += len
    }
    this.need = 12
    return o
  }

  private u32(buf: Buffer, o: number): number {
    return u32(buf, o, this.le)
  }

  private interfaceBlock(buf: Buffer, o: number, len: number): void {
    if (len < 20) return this.count('bad_block')
    const linkType = u16(buf, o + 8, this.le)
    const iface: Interface = { linkType, res: MICROSECONDS, offsetSec: 0 }
    let p = o + 16
    const optEnd = o + len - 4
    while (p + 4 <= optEnd) {
      const code = u16(buf, p, this.le)
      const olen = u16(buf, p + 2, this.le)
      if (code === 0 || p + 4 + olen > optEnd) break
      if (code === 9 && olen >= 1) iface.res = resolutionFromOption(buf[p + 4]!)
      else if (code === 14 && olen >= 8) {
        iface.offsetSec = Number(this.le ? buf.readBigInt64LE(p + 4) : buf.readBigInt64BE(p + 4))
      }
      p += 4 + ((olen + 3) & ~3)
    }
    this.interfaces.push(iface)
    this.noteLinkType(linkType)
  }

  private packetBlock(buf: Buffer, o: number, len: number, type: number): void {
    if (len < 32) return this.count('bad_block')
    const id = type === EPB ? this.u32(buf, o + 8) : u16(buf, o + 8, this.le)
    const capLen = this.u32(buf, o + 20)
    if (28 + capLen > len - 4) return this.count('bad_block')
    const iface = this.interfaces[id]
    if (!iface) return this.count('unknown_interface')
    if (capLen > MAX_PACKET) return this.count('oversized_packet')
    const ts = this.ts
    toSecNs(this.u32(buf, o + 12), this.u32(buf, o + 16), iface.res, ts)
    this.lastSec = ts.sec + iface.offsetSec
    this.lastNs = ts.ns
    this.emit(o + 28, capLen, this.u32(buf, o + 24), iface.linkType, id)
  }

  private simpleBlock(buf: Buffer, o: number, len: number): void {
    if (len < 16) return this.count('bad_block')
    const iface = this.interfaces[0]
    if (!iface) return this.count('unknown_interface')
    const origLen = this.u32(buf, o + 8)
    const capLen = Math.min(origLen, len - 16)
    if (capLen > MAX_PACKET) return this.count('oversized_packet')
    // A simple packet block has no timestamp: it inherits the last one seen.
    this.emit(o + 12, capLen, origLen, iface.linkType, 0)
  }

  private emit(offset: number, capLen: number, origLen: number, linkType: number, iface: number): void {
    const p = this.packet
    p.offset = offset
    p.capLen = capLen
    p.origLen = origLen
    p.sec = this.lastSec
    p.ns = this.lastNs
    p.linkType = linkType
    p.iface = iface
    this.stats.records++
    this.sink(p)
  }
}
