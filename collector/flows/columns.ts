import { writeIpv6 } from '../packet/address-parse.ts'
import { ipv4Text, ipv6Text } from '../packet/address.ts'
import type { FlowRecord, SourceKind } from './record.ts'

/** Source kinds by their code in the `flows.source_kind` Enum8 (code = index + 1). */
export const SOURCE_KINDS: readonly SourceKind[] = ['netflow5', 'netflow9', 'ipfix', 'pcap']
const KIND_CODE: Record<SourceKind, number> = { netflow5: 1, netflow9: 2, ipfix: 3, pcap: 4 }
type Column = Float64Array | Uint8Array | Uint16Array | Uint32Array
const V4_MAPPED_PREFIX = Buffer.from([0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff])

/**
 * Flows column by column, the way ClickHouse's Native format wants them: the writer's open batch,
 * and what the pcap flow assembler hands over. Addresses are the 16 bytes of ClickHouse's IPv6
 * type (IPv4 mapped as ::ffff:a.b.c.d), so the assembler never writes an address as text and the
 * writer never parses one back. NetFlow decoders still emit FlowRecord objects: `pushRecord`
 * copies one in. Grows by doubling; `view` shares the arrays of a row range.
 */
export class FlowColumns {
  length = 0
  timeReceived!: Float64Array
  timeStart!: Float64Array
  timeEnd!: Float64Array
  sensor!: string[]
  /** 16 bytes per row. */
  exporter!: Buffer
  /** Code of the Enum8 (see SOURCE_KINDS). */
  sourceKind!: Uint8Array
  observationDomain!: Uint32Array
  /** 16 bytes per row. */
  srcAddr!: Buffer
  dstAddr!: Buffer
  srcPort!: Uint16Array
  dstPort!: Uint16Array
  protocol!: Uint8Array
  tcpFlags!: Uint8Array
  icmpType!: Uint8Array
  icmpCode!: Uint8Array
  packets!: Float64Array
  bytes!: Float64Array
  samplingRate!: Uint32Array
  inIf!: Uint32Array
  outIf!: Uint32Array

  constructor(capacity = 1024) {
    this.allocate(Math.max(1, capacity))
  }

  get capacity(): number {
    return this.timeStart.length
  }

  /** Room for `more` rows after the current ones, growing the arrays when needed. */
  reserve(more: number): void {
    const want = this.length + more
    if (want <= this.capacity) return
    let cap = this.capacity
    while (cap < want) cap *= 2
    const old = this.columns()
    this.allocate(cap)
    const now = this.columns()
    for (let i = 0; i < old.length; i++) now[i]!.set(old[i]!.subarray(0, this.length * (old[i]!.length / old[0]!.length)))
  }

  /** Row `i` onwards for `n` rows, sharing this batch's memory. */
  view(from: number, to: number): FlowColumns {
    const v = Object.create(FlowColumns.prototype) as FlowColumns
    v.length = to - from
    v.timeReceived = this.timeReceived.subarray(from, to)
    v.timeStart = this.timeStart.subarray(from, to)
    v.timeEnd = this.timeEnd.subarray(from, to)
    v.sensor = this.sensor.slice(from, to)
    v.exporter = this.exporter.subarray(from * 16, to * 16)
    v.sourceKind = this.sourceKind.subarray(from, to)
    v.observationDomain = this.observationDomain.subarray(from, to)
    v.srcAddr = this.srcAddr.subarray(from * 16, to * 16)
    v.dstAddr = this.dstAddr.subarray(from * 16, to * 16)
    v.srcPort = this.srcPort.subarray(from, to)
    v.dstPort = this.dstPort.subarray(from, to)
    v.protocol = this.protocol.subarray(from, to)
    v.tcpFlags = this.tcpFlags.subarray(from, to)
    v.icmpType = this.icmpType.subarray(from, to)
    v.icmpCode = this.icmpCode.subarray(from, to)
    v.packets = this.packets.subarray(from, to)
    v.bytes = this.bytes.subarray(from, to)
    v.samplingRate = this.samplingRate.subarray(from, to)
    v.inIf = this.inIf.subarray(from, to)
    v.outIf = this.outIf.subarray(from, to)
    return v
  }

  /** Copies rows `from`…`to` of `src` after this batch's rows. */
  append(src: FlowColumns, from = 0, to = src.length): void {
    const n = to - from
    this.reserve(n)
    const at = this.length
    const mine = this.columns()
    const theirs = src.columns()
    for (let c = 0; c < mine.length; c++) {
      const width = mine[c]!.length / this.capacity
      mine[c]!.set(theirs[c]!.subarray(from * width, to * width), at * width)
    }
    for (let i = 0; i < n; i++) this.sensor[at + i] = src.sensor[from + i]!
    this.length += n
  }

  /** Appends one flow given as an object (addresses as text). */
  pushRecord(f: FlowRecord): void {
    if (this.length === this.capacity) this.reserve(1)
    const i = this.length++
    this.timeReceived[i] = f.timeReceived
    this.timeStart[i] = f.timeStart
    this.timeEnd[i] = f.timeEnd
    this.sensor[i] = f.sensor
    writeIpv6(this.exporter, i * 16, f.exporter)
    this.sourceKind[i] = KIND_CODE[f.sourceKind]
    this.observationDomain[i] = f.observationDomain
    writeIpv6(this.srcAddr, i * 16, f.srcAddr)
    writeIpv6(this.dstAddr, i * 16, f.dstAddr)
    this.srcPort[i] = f.srcPort
    this.dstPort[i] = f.dstPort
    this.protocol[i] = f.protocol
    this.tcpFlags[i] = f.tcpFlags
    this.icmpType[i] = f.icmpType
    this.icmpCode[i] = f.icmpCode
    this.packets[i] = f.packets
    this.bytes[i] = f.bytes
    this.samplingRate[i] = f.samplingRate
    this.inIf[i] = f.inIf
    this.outIf[i] = f.outIf
  }

  /** Row `i` as an object, addresses as text (IPv4-mapped addresses as dotted quads). */
  record(i: number): FlowRecord {
    return {
      timeReceived: this.timeReceived[i]!,
      timeStart: this.timeStart[i]!,
      timeEnd: this.timeEnd[i]!,
      sensor: this.sensor[i]!,
      exporter: addressText(this.exporter, i * 16),
      sourceKind: SOURCE_KINDS[this.sourceKind[i]! - 1]!,
      observationDomain: this.observationDomain[i]!,
      srcAddr: addressText(this.srcAddr, i * 16),
      dstAddr: addressText(this.dstAddr, i * 16),
      srcPort: this.srcPort[i]!,
      dstPort: this.dstPort[i]!,
      protocol: this.protocol[i]!,
      tcpFlags: this.tcpFlags[i]!,
      icmpType: this.icmpType[i]!,
      icmpCode: this.icmpCode[i]!,
      packets: this.packets[i]!,
      bytes: this.bytes[i]!,
      samplingRate: this.samplingRate[i]!,
      inIf: this.inIf[i]!,
      outIf: this.outIf[i]!,
    }
  }

  toRecords(): FlowRecord[] {
    return Array.from({ length: this.length }, (_, i) => this.record(i))
  }

  static fromRecords(records: readonly FlowRecord[]): FlowColumns {
    const c = new FlowColumns(records.length)
    for (const f of records) c.pushRecord(f)
    return c
  }

  /** The typed columns in a fixed order (every one but `sensor`). */
  private columns(): Column[] {
    return [
      this.timeReceived, this.timeStart, this.timeEnd, this.exporter, this.sourceKind, this.observationDomain, this.srcAddr,
      this.dstAddr, this.srcPort, this.dstPort, this.protocol, this.tcpFlags, this.icmpType, this.icmpCode, this.packets,
      this.bytes, this.samplingRate, this.inIf, this.outIf,
    ]
  }

  private allocate(n: number): void {
    this.timeReceived = new Float64Array(n)
    this.timeStart = new Float64Array(n)
    this.timeEnd = new Float64Array(n)
    this.sensor ??= []
    this.exporter = Buffer.alloc(n * 16)
    this.sourceKind = new Uint8Array(n)
    this.observationDomain = new Uint32Array(n)
    this.srcAddr = Buffer.alloc(n * 16)
    this.dstAddr = Buffer.alloc(n * 16)
    this.srcPort = new Uint16Array(n)
    this.dstPort = new Uint16Array(n)
    this.protocol = new Uint8Array(n)
    this.tcpFlags = new Uint8Array(n)
    this.icmpType = new Uint8Array(n)
    this.icmpCode = new Uint8Array(n)
    this.packets = new Float64Array(n)
    this.bytes = new Float64Array(n)
    this.samplingRate = new Uint32Array(n)
    this.inIf = new Uint32Array(n)
    this.outIf = new Uint32Array(n)
  }
}

/** Writes an IPv4 address (unsigned 32-bit number) as the 16 bytes of ::ffff:a.b.c.d. */
export function writeIpv4Mapped16(buf: Buffer, o: number, addr: number): void {
  for (let i = 0; i < 10; i++) buf[o + i] = 0
  buf[o + 10] = 0xff
  buf[o + 11] = 0xff
  buf[o + 12] = addr >>> 24
  buf[o + 13] = (addr >>> 16) & 0xff
  buf[o + 14] = (addr >>> 8) & 0xff
  buf[o + 15] = addr & 0xff
}

function addressText(buf: Buffer, o: number): string {
  for (let i = 0; i < 12; i++) if (buf[o + i] !== V4_MAPPED_PREFIX[i]) return ipv6Text(buf, o)
  return ipv4Text(buf.readUInt32BE(o + 12))
}
