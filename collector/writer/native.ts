import { endianness } from 'node:os'
import { FlowColumns } from '../flows/columns.ts'
import type { FlowRecord } from '../flows/record.ts'

/**
 * Renders flows as one ClickHouse Native block: column by column, which is how FlowColumns holds
 * them, so most columns are one copy of a typed array (Native is little-endian, like the typed
 * arrays of every machine this runs on; a big-endian one takes the per-value path). It is the
 * cheapest format to produce here and to parse there (see bench/writer.bench.ts for the figures
 * against TabSeparated and JSONEachRow).
 */
const SOURCE_KIND_ENUM = "Enum8('netflow5' = 1, 'netflow9' = 2, 'ipfix' = 3, 'pcap' = 4)"
const LITTLE_ENDIAN = endianness() === 'LE'

type Typed = Uint8Array | Uint16Array | Uint32Array
/** `width`: bytes per row when a row is more than one array element (IPv6 addresses). */
type Column = { name: string; type: string; width?: number; get: (c: FlowColumns) => Typed | Float64Array }

const COLUMNS: Column[] = [
  { name: 'time_received', type: "DateTime64(3, 'UTC')", get: (c) => c.timeReceived },
  { name: 'time_start', type: "DateTime64(3, 'UTC')", get: (c) => c.timeStart },
  { name: 'time_end', type: "DateTime64(3, 'UTC')", get: (c) => c.timeEnd },
  { name: 'sensor', type: 'String', get: () => new Uint8Array(0) },
  { name: 'exporter', type: 'IPv6', width: 16, get: (c) => c.exporter },
  { name: 'source_kind', type: SOURCE_KIND_ENUM, get: (c) => c.sourceKind },
  { name: 'src_addr', type: 'IPv6', width: 16, get: (c) => c.srcAddr },
  { name: 'dst_addr', type: 'IPv6', width: 16, get: (c) => c.dstAddr },
  { name: 'observation_domain', type: 'UInt32', get: (c) => c.observationDomain },
  { name: 'src_port', type: 'UInt16', get: (c) => c.srcPort },
  { name: 'dst_port', type: 'UInt16', get: (c) => c.dstPort },
  { name: 'protocol', type: 'UInt8', get: (c) => c.protocol },
  { name: 'tcp_flags', type: 'UInt8', get: (c) => c.tcpFlags },
  { name: 'icmp_type', type: 'UInt8', get: (c) => c.icmpType },
  { name: 'icmp_code', type: 'UInt8', get: (c) => c.icmpCode },
  { name: 'packets', type: 'UInt64', get: (c) => c.packets },
  { name: 'bytes', type: 'UInt64', get: (c) => c.bytes },
  { name: 'sampling_rate', type: 'UInt32', get: (c) => c.samplingRate },
  { name: 'in_if', type: 'UInt32', get: (c) => c.inIf },
  { name: 'out_if', type: 'UInt32', get: (c) => c.outIf },
]

export const NATIVE_COLUMNS: readonly string[] = COLUMNS.map((c) => c.name)

/** Flows given as objects (NetFlow decoders, tests) as one Native block. */
export function flowsToNative(flows: readonly FlowRecord[]): Buffer {
  return columnsToNative(FlowColumns.fromRecords(flows))
}

/** The rows of `cols` as one Native block. */
export function columnsToNative(cols: FlowColumns): Buffer {
  const n = cols.length
  let stringBytes = 0
  let last: string | undefined
  let size = 0
  for (let i = 0; i < n; i++) {
    const s = cols.sensor[i]!
    if (s !== last) size = Buffer.byteLength(s) + 5
    stringBytes += size
    last = s
  }
  const buf = Buffer.allocUnsafe(1024 + n * (3 * 8 + 16 * 3 + 1 + 4 * 4 + 2 * 2 + 4 + 8 * 2) + stringBytes)
  let o = writeVarUInt(buf, 0, COLUMNS.length)
  o = writeVarUInt(buf, o, n)
  for (const column of COLUMNS) {
    o = writeString(buf, o, column.name)
    o = writeString(buf, o, column.type)
    const values = column.get(cols)
    if (column.name === 'sensor') o = writeSensors(buf, o, cols.sensor, n)
    else if (values instanceof Float64Array) for (let i = 0; i < n; i++) o = writeUInt64(buf, o, values[i]!)
    else o = copyColumn(buf, o, values, n * (column.width ?? values.BYTES_PER_ELEMENT))
  }
  return buf.subarray(0, o)
}

/** Sensor names repeat from row to row: each distinct run is encoded once and copied. */
function writeSensors(buf: Buffer, o: number, sensors: readonly string[], n: number): number {
  let last = '', at = 0, end = 0
  for (let i = 0; i < n; i++) {
    const s = sensors[i]!
    if (s === last && end > at) o += buf.copy(buf, o, at, end)
    else {
      at = o
      o = writeString(buf, o, s)
      end = o
      last = s
    }
  }
  return o
}

/** The first `bytes` bytes of a typed column, little-endian. */
function copyColumn(buf: Buffer, o: number, values: Typed, bytes: number): number {
  const size = values.BYTES_PER_ELEMENT
  if (LITTLE_ENDIAN || size === 1) buf.set(new Uint8Array(values.buffer, values.byteOffset, bytes), o)
  else if (size === 2) for (let i = 0; i < bytes / 2; i++) buf.writeUInt16LE(values[i]!, o + i * 2)
  else for (let i = 0; i < bytes / 4; i++) buf.writeUInt32LE(values[i]!, o + i * 4)
  return o + bytes
}

function writeUInt64(buf: Buffer, o: number, value: number): number {
  const v = value > 0 ? Math.floor(value) : 0
  if (v < 0x1_0000_0000) {
    buf.writeUInt32LE(v, o)
    buf.writeUInt32LE(0, o + 4)
  } else {
    buf.writeUInt32LE(v % 0x1_0000_0000, o)
    buf.writeUInt32LE(Math.floor(v / 0x1_0000_0000), o + 4)
  }
  return o + 8
}

function writeVarUInt(buf: Buffer, o: number, value: number): number {
  let v = value
  while (v >= 0x80) {
    buf[o++] = (v & 0x7f) | 0x80
    v = Math.floor(v / 128)
  }
  buf[o++] = v
  return o
}

function writeString(buf: Buffer, o: number, text: string): number {
  const len = Buffer.byteLength(text)
  o = writeVarUInt(buf, o, len)
  return o + buf.write(text, o, 'utf8')
}
