import type { FlowRecord } from '../flows/record.ts'
import { ipv4At } from './address.ts'
import { observeSequence } from './session.ts'
import type { DecoderState } from './state.ts'
import { countDrop, type ExporterStats } from './stats.ts'

const VERSION = 'netflow5'
const HEADER = 24
const RECORD = 48
const MAX_RECORDS = 30

/**
 * NetFlow v5: a 24-byte header (sysUptime, export time with nanoseconds, flow sequence, engine
 * type and id, sampling mode and interval) and up to 30 fixed 48-byte IPv4 records.
 */
export function decodeV5(buf: Buffer, exporter: string, receivedAt: number, state: DecoderState, stats: ExporterStats, out: FlowRecord[]): void {
  if (buf.length < HEADER) return countDrop(stats, 'short_packet')
  const count = buf.readUInt16BE(2)
  if (count === 0 || count > MAX_RECORDS || buf.length < HEADER + count * RECORD) return countDrop(stats, 'bad_count')
  const uptime = buf.readUInt32BE(4)
  const exportMs = buf.readUInt32BE(8) * 1000 + Math.floor(buf.readUInt32BE(12) / 1e6)
  const sequence = buf.readUInt32BE(16)
  const domain = (buf[20]! << 8) | buf[21]!
  const interval = buf.readUInt16BE(22) & 0x3fff
  const rate = interval > 1 ? interval : 1
  const session = state.session(exporter, VERSION, domain, receivedAt)

  for (let i = 0, o = HEADER; i < count; i++, o += RECORD) {
    const protocol = buf[o + 38]!
    let srcPort = buf.readUInt16BE(o + 32)
    let dstPort = buf.readUInt16BE(o + 34)
    let icmpType = 0
    let icmpCode = 0
    if (protocol === 1) {
      // ICMP type and code travel in the destination port (type << 8 | code).
      icmpType = dstPort >>> 8
      icmpCode = dstPort & 0xff
      srcPort = 0
      dstPort = 0
    }
    out.push({
      timeReceived: receivedAt,
      timeStart: exportMs - ((uptime - buf.readUInt32BE(o + 24)) | 0),
      timeEnd: exportMs - ((uptime - buf.readUInt32BE(o + 28)) | 0),
      sensor: exporter,
      exporter,
      sourceKind: VERSION,
      observationDomain: domain,
      srcAddr: ipv4At(buf, o),
      dstAddr: ipv4At(buf, o + 4),
      srcPort,
      dstPort,
      protocol,
      tcpFlags: buf[o + 37]!,
      icmpType,
      icmpCode,
      packets: buf.readUInt32BE(o + 16) * rate,
      bytes: buf.readUInt32BE(o + 20) * rate,
      samplingRate: rate,
      inIf: buf.readUInt16BE(o + 12),
      outIf: buf.readUInt16BE(o + 14),
    })
  }
  const { lost, reset } = observeSequence(session.sequence, sequence, count)
  if (lost > 0) {
    stats.sequenceGaps++
    stats.lostFlows += lost
  }
  if (reset) stats.sequenceResets++
}
