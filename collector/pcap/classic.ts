import { ChunkedReader } from './chunked.ts'
import { MAX_PACKET, type CaptureFormat, type PacketSink, type RawPacket } from './types.ts'
import { u32 } from '../packet/bytes.ts'

const FILE_HEADER = 24

/** Classic pcap magic numbers as read little-endian, with what each one means. */
export const CLASSIC_MAGICS: ReadonlyMap<number, { format: CaptureFormat; littleEndian: boolean }> = new Map([
  [0xa1b2c3d4, { format: 'pcap', littleEndian: true }],
  [0xd4c3b2a1, { format: 'pcap', littleEndian: false }],
  [0xa1b23c4d, { format: 'pcap-ns', littleEndian: true }],
  [0x4d3cb2a1, { format: 'pcap-ns', littleEndian: false }],
  // Alexey Kuznetzov's patched libpcap: 8 more bytes per record header (ifindex, protocol, type).
  [0xa1b2cd34, { format: 'pcap-modified', littleEndian: true }],
  [0x34cdb2a1, { format: 'pcap-modified', littleEndian: false }],
])

/**
 * Classic libpcap files: a 24-byte file header, then records of a 16-byte header and the packet.
 * Both byte orders, micro- and nanosecond timestamps. A record length larger than any real
 * packet means the file is corrupt from there on (there is no way to find the next record), so
 * reading stops with `bad_record_length`.
 */
export class ClassicPcapReader extends ChunkedReader {
  private readonly le: boolean
  private readonly nsPerTick: number
  private readonly recordHeader: number
  private headerDone = false
  private linkType = 0
  private readonly packet: RawPacket = { buf: Buffer.alloc(0), offset: 0, capLen: 0, origLen: 0, sec: 0, ns: 0, linkType: 0, iface: 0 }

  constructor(magicLE: number, private readonly sink: PacketSink) {
    const kind = CLASSIC_MAGICS.get(magicLE)
    if (!kind) throw new Error(`not a classic pcap magic: ${magicLE.toString(16)}`)
    super(kind.format)
    this.le = kind.littleEndian
    this.nsPerTick = kind.format === 'pcap-ns' ? 1 : 1000
    this.recordHeader = kind.format === 'pcap-modified' ? 24 : 16
    this.stats.sections = 1
  }

  protected parse(buf: Buffer): number {
    let o = 0
    const end = buf.length
    if (!this.headerDone) {
      if (end < FILE_HEADER) {
        this.need = FILE_HEADER
        return 0
      }
      const raw = u32(buf, 20, this.le)
      // The upper bits carry FCS length information; the link type is the low 16 bits.
      this.linkType = raw & 0xffff
      this.packet.linkType = this.linkType
      this.noteLinkType(this.linkType)
      this.headerDone = true
      o = FILE_HEADER
    }
    const le = this.le
    const hdr = this.recordHeader
    const p = this.packet
    p.buf = buf
    while (o + hdr <= end) {
      const sec = u32(buf, o, le)
      const frac = u32(buf, o + 4, le)
      const capLen = u32(buf, o + 8, le)
      const origLen = u32(buf, o + 12, le)
      if (capLen > MAX_PACKET) {
        this.stop('bad_record_length')
        return end
      }
      if (o + hdr + capLen > end) {
        this.need = hdr + capLen
        return o
      }
      const ns = frac * this.nsPerTick
      // Writers should keep the fraction below one second; carry it over if one did not.
      if (ns < 1e9) {
        p.sec = sec
        p.ns = ns
      } else {
        p.sec = sec + Math.floor(ns / 1e9)
        p.ns = ns % 1e9
      }
      p.offset = o + hdr
      p.capLen = capLen
      p.origLen = origLen
      this.stats.records++
      this.sink(p)
      o += hdr + capLen
    }
    this.need = hdr
    return o
  }
}
