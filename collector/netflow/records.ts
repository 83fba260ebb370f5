import type { FlowRecord } from '../flows/record.ts'
import { ipv4At, ipv6At } from './address.ts'
import { Slot, SLOTS } from './fields.ts'
import type { PacketContext, Session } from './session.ts'
import { countDrop, type ExporterStats } from './stats.ts'
import { VARIABLE, type Template } from './template.ts'

const NTP_EPOCH_OFFSET_S = 2_208_988_800
const TWO_32 = 4_294_967_296

/** Values of the current record by slot; NaN = absent. Addresses hold the field's offset. */
const values = new Float64Array(SLOTS)

function uintAt(buf: Buffer, o: number, n: number): number {
  switch (n) {
    case 1:
      return buf[o]!
    case 2:
      return buf.readUInt16BE(o)
    case 4:
      return buf.readUInt32BE(o)
    case 8:
      return buf.readUInt32BE(o) * TWO_32 + buf.readUInt32BE(o + 4)
    default: {
      let v = 0
      for (let i = 0; i < n; i++) v = v * 256 + buf[o + i]!
      return v
    }
  }
}

/** Reads one record's fields into `values`; returns the offset after it, or -1 if it overruns `end`. */
function readRecord(buf: Buffer, o: number, end: number, t: Template): number {
  values.fill(Number.NaN)
  const { slots, lengths } = t
  for (let i = 0; i < slots.length; i++) {
    let n = lengths[i]!
    if (n === VARIABLE) {
      if (o >= end) return -1
      n = buf[o++]!
      if (n === 255) {
        if (o + 2 > end) return -1
        n = buf.readUInt16BE(o)
        o += 2
      }
      if (o + n > end) return -1
      o += n
      continue
    }
    if (o + n > end) return -1
    const slot = slots[i]!
    if (slot !== Slot.Skip) {
      if (slot <= Slot.DstV6) values[slot] = o
      else if (slot === Slot.StartNtp || slot === Slot.EndNtp) {
        values[slot] = (buf.readUInt32BE(o) - NTP_EPOCH_OFFSET_S) * 1000 + (buf.readUInt32BE(o + 4) / TWO_32) * 1000
      } else values[slot] = uintAt(buf, o, n)
    }
    o += n
  }
  return o
}

const has = (slot: Slot): boolean => !Number.isNaN(values[slot]!)
const get = (slot: Slot, fallback = 0): number => {
  const v = values[slot]!
  return Number.isNaN(v) ? fallback : v
}

/** Absolute flow start or end in epoch ms from whichever time field the record carries. */
function timeOf(ms: Slot, ntp: Slot, s: Slot, delta: Slot, uptime: Slot, ctx: PacketContext, session: Session): number {
  if (has(ms)) return values[ms]!
  if (has(ntp)) return Math.floor(values[ntp]!)
  if (has(s)) return values[s]! * 1000
  if (has(delta)) return ctx.exportMs - Math.floor(values[delta]! / 1000)
  if (has(uptime)) {
    const sysUp = values[uptime]!
    // v9: relative to the header's sysUptime (signed 32-bit difference survives the wrap).
    if (ctx.uptimeMs >= 0) return ctx.exportMs - ((ctx.uptimeMs - sysUp) | 0)
    // IPFIX: relative to systemInitTimeMilliseconds, from the record or the options data.
    const init = has(Slot.SystemInit) ? values[Slot.SystemInit]! : session.systemInitMs
    if (!Number.isNaN(init)) return init + sysUp
  }
  return Number.NaN
}

function samplingRate(session: Session): number {
  const interval = get(Slot.SamplingInterval)
  if (interval >= 1) return interval
  const packetInterval = get(Slot.PacketInterval)
  if (packetInterval >= 1) return (packetInterval + get(Slot.PacketSpace)) / packetInterval
  if (has(Slot.SamplerId)) {
    const rate = session.samplers.get(values[Slot.SamplerId]!)
    if (rate !== undefined) return rate
  }
  return session.defaultRate >= 1 ? session.defaultRate : 1
}

function toFlow(buf: Buffer, ctx: PacketContext, session: Session): FlowRecord | undefined {
  let srcAddr: string, dstAddr: string
  if (has(Slot.SrcV4)) srcAddr = ipv4At(buf, values[Slot.SrcV4]!)
  else if (has(Slot.SrcV6)) srcAddr = ipv6At(buf, values[Slot.SrcV6]!)
  else return undefined
  if (has(Slot.DstV4)) dstAddr = ipv4At(buf, values[Slot.DstV4]!)
  else if (has(Slot.DstV6)) dstAddr = ipv6At(buf, values[Slot.DstV6]!)
  else return undefined

  const protocol = get(Slot.Protocol)
  let srcPort = get(Slot.SrcPort)
  let dstPort = get(Slot.DstPort)
  let icmpType = 0
  let icmpCode = 0
  if (protocol === 1 || protocol === 58) {
    // ICMP: explicit type/code elements, else the Cisco convention of type << 8 | code in the destination port.
    const typeCode = has(Slot.IcmpTypeCode) ? values[Slot.IcmpTypeCode]! : dstPort
    icmpType = has(Slot.IcmpType) ? values[Slot.IcmpType]! : typeCode >>> 8
    icmpCode = has(Slot.IcmpCode) ? values[Slot.IcmpCode]! : typeCode & 0xff
    srcPort = 0
    dstPort = 0
  }

  const rate = samplingRate(session)
  const octets = has(Slot.Octets) ? values[Slot.Octets]! : has(Slot.TotalOctets) ? values[Slot.TotalOctets]! : get(Slot.PostOctets)
  const packets = has(Slot.Packets) ? values[Slot.Packets]! : has(Slot.TotalPackets) ? values[Slot.TotalPackets]! : get(Slot.PostPackets)

  let timeStart = timeOf(Slot.StartMillis, Slot.StartNtp, Slot.StartSeconds, Slot.StartDeltaMicros, Slot.StartUptime, ctx, session)
  let timeEnd = timeOf(Slot.EndMillis, Slot.EndNtp, Slot.EndSeconds, Slot.EndDeltaMicros, Slot.EndUptime, ctx, session)
  if (Number.isNaN(timeEnd)) timeEnd = Number.isNaN(timeStart) ? ctx.exportMs : timeStart
  if (Number.isNaN(timeStart)) timeStart = timeEnd
  return {
    timeReceived: ctx.receivedAt,
    timeStart: Math.floor(timeStart),
    timeEnd: Math.floor(timeEnd),
    sensor: ctx.exporter,
    exporter: ctx.exporter,
    sourceKind: ctx.kind,
    observationDomain: ctx.domain,
    srcAddr,
    dstAddr,
    srcPort,
    dstPort,
    protocol,
    tcpFlags: get(Slot.TcpFlags) & 0xff,
    icmpType,
    icmpCode,
    packets: Math.round(packets * rate),
    bytes: Math.round(octets * rate),
    samplingRate: Math.round(rate),
    inIf: get(Slot.InIf),
    outIf: get(Slot.OutIf),
  }
}

/** Options data: sampler rates (per sampler id or for the whole domain) and the system init time. */
function applyOptions(session: Session): void {
  if (has(Slot.SystemInit)) session.systemInitMs = values[Slot.SystemInit]!
  let rate = 0
  const interval = get(Slot.SamplingInterval)
  const packetInterval = get(Slot.PacketInterval)
  if (interval >= 1) rate = interval
  else if (packetInterval >= 1) rate = (packetInterval + get(Slot.PacketSpace)) / packetInterval
  if (rate < 1) return
  if (has(Slot.SamplerId)) session.samplers.set(values[Slot.SamplerId]!, rate)
  else session.defaultRate = rate
}

/**
 * Decodes the records of one data set (body without the 4-byte set header) with its template,
 * appending flows to `out`. Trailing bytes shorter than a record are padding. Returns the number
 * of data records read (flows, options records and records without addresses alike).
 */
export function decodeDataSet(
  buf: Buffer,
  start: number,
  end: number,
  t: Template,
  ctx: PacketContext,
  session: Session,
  stats: ExporterStats,
  out: FlowRecord[],
): number {
  let o = start
  let records = 0
  const min = t.minLength
  while (end - o >= min) {
    const next = readRecord(buf, o, end, t)
    if (next < 0) {
      countDrop(stats, 'bad_record')
      break
    }
    o = next
    records++
    if (t.options) applyOptions(session)
    else {
      const flow = toFlow(buf, ctx, session)
      if (flow) out.push(flow)
      else countDrop(stats, 'no_address')
    }
  }
  return records
}
