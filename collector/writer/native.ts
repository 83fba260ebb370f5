import type { FlowRecord } from '../flows/record.ts'
import { writeIpv6 } from './ip.ts'

/**
 * Renders flows as one ClickHouse Native block: column by column, fixed-width values written
 * straight into one Buffer. It is the cheapest format to produce here and to parse there
 * (see bench/writer.bench.ts for the figures against TabSeparated and JSONEachRow).
 */
const SOURCE_KIND_ENUM = "Enum8('netflow5' = 1, 'netflow9' = 2, 'ipfix' = 3, 'pcap' = 4)"
const SOURCE_KIND_CODE: Record<FlowRecord['sourceKind'], number> = { netflow5: 1, netflow9: 2, ipfix: 3, pcap: 4 }

type Fixed = { name: string; type: string; width: 1 | 2 | 4 | 8; get: (f: FlowRecord) => number }

const FIXED_COLUMNS: Fixed[] = [
  { name: 'observation_domain', type: 'UInt32', width: 4, get: (f) => f.observationDomain },
  { name: 'src_port', type: 'UInt16', width: 2, get: (f) => f.srcPort },
  { name: 'dst_port', type: 'UInt16', width: 2, get: (f) => f.dstPort },
  { name: 'protocol', type: 'UInt8', width: 1, get: (f) => f.protocol },
  { name: 'tcp_flags', type: 'UInt8', width: 1, get: (f) => f.tcpFlags },
  { name: 'icmp_type', type: 'UInt8', width: 1, get: (f) => f.icmpType },
  { name: 'icmp_code', type: 'UInt8', width: 1, get: (f) => f.icmpCode },
  { name: 'packets', type: 'UInt64', width: 8, get: (f) => f.packets },
  { name: 'bytes', type: 'UInt64', width: 8, get: (f) => f.bytes },
  { name: 'sampling_rate', type: 'UInt32', width: 4, get: (f) => f.samplingRate },
  { name: 'in_if', type: 'UInt32', width: 4, get: (f) => f.inIf },
  { name: 'out_if', type: 'UInt32', width: 4, get: (f) => f.outIf },
]

export const NATIVE_COLUMNS: readonly string[] = [
  'time_received', 'time_start', 'time_end', 'sensor', 'exporter', 'source_kind', 'src_addr', 'dst_addr',
  ...FIXED_COLUMNS.map((c) => c.name),
]

export function flowsToNative(flows: readonly FlowRecord[]): Buffer {
  const n = flows.length
  let stringBytes = 0
  for (const f of flows) stringBytes += Buffer.byteLength(f.sensor) + 5
  const size = 1024 + n * (3 * 8 + 16 * 3 + 1 + 4 * 4 + 2 * 2 + 4 + 8 * 2) + stringBytes
  const buf = Buffer.allocUnsafe(size)
  let o = writeVarUInt(buf, 0, NATIVE_COLUMNS.length)
  o = writeVarUInt(buf, o, n)

  const header = (name: string, type: string) => {
    o = writeString(buf, o, name)
    o = writeString(buf, o, type)
  }
  for (const [name, get] of [
    ['time_received', (f: FlowRecord) => f.timeReceived],
    ['time_start', (f: FlowRecord) => f.timeStart],
    ['time_end', (f: FlowRecord) => f.timeEnd],
  ] as const) {
    header(name, "DateTime64(3, 'UTC')")
    for (const f of flows) o = writeUInt64(buf, o, get(f))
  }
  // Sensor and exporter repeat from row to row: each distinct run is encoded once and copied.
  header('sensor', 'String')
  let last = '', at = 0, end = 0
  for (const f of flows) {
    if (f.sensor === last && end > at) o += buf.copy(buf, o, at, end)
    else {
      at = o
      o = writeString(buf, o, f.sensor)
      end = o
      last = f.sensor
    }
  }
  header('exporter', 'IPv6')
  let lastExporter: string | undefined
  for (const f of flows) {
    if (f.exporter === lastExporter) o += buf.copy(buf, o, o - 16, o)
    else {
      o = writeIpv6(buf, o, f.exporter)
      lastExporter = f.exporter
    }
  }
  header('source_kind', SOURCE_KIND_ENUM)
  for (const f of flows) buf[o++] = SOURCE_KIND_CODE[f.sourceKind]
  header('src_addr', 'IPv6')
  for (const f of flows) o = writeIpv6(buf, o, f.srcAddr)
  header('dst_addr', 'IPv6')
  for (const f of flows) o = writeIpv6(buf, o, f.dstAddr)
  for (const c of FIXED_COLUMNS) {
    header(c.name, c.type)
    switch (c.width) {
      case 1:
        for (const f of flows) buf[o++] = c.get(f) & 0xff
        break
      case 2:
        for (const f of flows) o = buf.writeUInt16LE(c.get(f) & 0xffff, o)
        break
      case 4:
        for (const f of flows) o = buf.writeUInt32LE(c.get(f) >>> 0, o)
        break
      case 8:
        for (const f of flows) o = writeUInt64(buf, o, c.get(f))
        break
    }
  }
  return buf.subarray(0, o)
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
