import type { FlowRecord } from '../flows/record.ts'
import { ipv4At, ipv6At } from './address.ts'
import { Slot, SLOTS } from './fields.ts'
import type { PacketContext, Session } from './session.ts'
import { countDrop, type ExporterStats } from './stats.ts'
import { VARIABLE, type Template, type TimeSource } from './template.ts'

const NTP_EPOCH_OFFSET_S = 2_208_988_800
const TWO_32 = 4_294_967_296

/**
 * Where the current record's values are: `base` + `offsets[slot]` (-1 = absent). Fixed-length
 * templates use their precomputed offsets with the record's start as base; records of
 * variable-length templates are walked into `walked` with base 0.
 */
let buf: Buffer
let base = 0
let offsets: Int32Array
let lengths: Uint8Array
const walked = new Int32Array(SLOTS)

function uintAt(o: number, n: number): number {
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

const has = (slot: Slot): boolean => offsets[slot]! >= 0
/** The unsigned value of a slot (reduced-size encoding: any length from 1 to 8 bytes). */
function num(slot: Slot, fallback = 0): number {
  const o = offsets[slot]!
  return o < 0 ? fallback : uintAt(base + o, lengths[slot]!)
}
/** An NTP timestamp (dateTimeMicroseconds / Nanoseconds) in epoch ms. */
function ntpMs(slot: Slot): number {
  const o = base + offsets[slot]!
  return (buf.readUInt32BE(o) - NTP_EPOCH_OFFSET_S) * 1000 + Math.floor((buf.readUInt32BE(o + 4) / TWO_32) * 1000)
}

/** Finds the value offsets of one variable-length record; returns its end, or -1 if it overruns `end`. */
function walk(o: number, end: number, t: Template): number {
  walked.fill(-1)
  const { slots, lengths: fieldLengths } = t
  for (let i = 0; i < slots.length; i++) {
    let n = fieldLengths[i]!
    if (n === VARIABLE) {
      if (o >= end) return -1
      n = buf[o++]!
      if (n === 255) {
        if (o + 2 > end) return -1
        n = buf.readUInt16BE(o)
        o += 2
      }
    } else {
      const slot = slots[i]!
      if (slot !== Slot.Skip && walked[slot] === -1) walked[slot] = o
    }
    if (o + n > end) return -1
    o += n
  }
  return o
}

/** Absolute flow start or end in epoch ms from the time element the template carries; NaN if none. */
function timeOf(source: TimeSource, ctx: PacketContext, session: Session): number {
  switch (source.kind) {
    case 'millis':
      return num(source.slot)
    case 'ntp':
      return ntpMs(source.slot)
    case 'seconds':
      return num(source.slot) * 1000
    case 'delta':
      return ctx.exportMs - Math.floor(num(source.slot) / 1000)
    case 'uptime': {
      const sysUp = num(source.slot)
      // v9: relative to the header's sysUptime (a signed 32-bit difference survives the wrap).
      if (ctx.uptimeMs >= 0) return ctx.exportMs - ((ctx.uptimeMs - sysUp) | 0)
      // IPFIX: relative to systemInitTimeMilliseconds, from the record or from options data.
      const init = has(Slot.SystemInit) ? num(Slot.SystemInit) : session.systemInitMs
      return init + sysUp
    }
    default:
      return Number.NaN
  }
}

function announcedRate(): number {
  const interval = num(Slot.SamplingInterval)
  if (interval >= 1) return interval
  const packetInterval = num(Slot.PacketInterval)
  if (packetInterval >= 1) return (packetInterval + num(Slot.PacketSpace)) / packetInterval
  return 0
}

function samplingRate(t: Template, session: Session): number {
  if (t.perRecordSampling) {
    const inline = announcedRate()
    if (inline >= 1) return inline
    if (has(Slot.SamplerId)) {
      const rate = session.samplers.get(num(Slot.SamplerId))
      if (rate !== undefined) return rate
    }
  }
  return session.defaultRate >= 1 ? session.defaultRate : 1
}

function address(v4: Slot, v6: Slot): string | undefined {
  if (has(v4)) return ipv4At(buf, base + offsets[v4]!)
  if (has(v6)) return ipv6At(buf, base + offsets[v6]!)
  return undefined
}

function toFlow(t: Template, ctx: PacketContext, session: Session): FlowRecord | undefined {
  const srcAddr = address(Slot.SrcV4, Slot.SrcV6)
  const dstAddr = address(Slot.DstV4, Slot.DstV6)
  if (srcAddr === undefined || dstAddr === undefined) return undefined

  const protocol = num(Slot.Protocol)
  let srcPort = num(Slot.SrcPort)
  let dstPort = num(Slot.DstPort)
  let icmpType = 0
  let icmpCode = 0
  if (protocol === 1 || protocol === 58) {
    // ICMP: explicit type/code elements, else the Cisco convention of type << 8 | code in the destination port.
    const typeCode = num(Slot.IcmpTypeCode, dstPort)
    icmpType = num(Slot.IcmpType, typeCode >>> 8)
    icmpCode = num(Slot.IcmpCode, typeCode & 0xff)
    srcPort = 0
    dstPort = 0
  }

  const rate = samplingRate(t, session)
  const octets = num(t.octets)
  const packets = num(t.packets)

  let timeStart = timeOf(t.start, ctx, session)
  let timeEnd = timeOf(t.end, ctx, session)
  if (Number.isNaN(timeEnd)) timeEnd = Number.isNaN(timeStart) ? ctx.exportMs : timeStart
  if (Number.isNaN(timeStart)) timeStart = timeEnd
  return {
    timeReceived: ctx.receivedAt,
    timeStart,
    timeEnd,
    sensor: ctx.exporter,
    exporter: ctx.exporter,
    sourceKind: ctx.kind,
    observationDomain: ctx.domain,
    srcAddr,
    dstAddr,
    srcPort,
    dstPort,
    protocol,
    tcpFlags: num(Slot.TcpFlags) & 0xff,
    icmpType,
    icmpCode,
    packets: rate === 1 ? packets : Math.round(packets * rate),
    bytes: rate === 1 ? octets : Math.round(octets * rate),
    samplingRate: Math.round(rate),
    inIf: num(Slot.InIf),
    outIf: num(Slot.OutIf),
  }
}

/** Options data: sampler rates (per sampler id or for the whole domain) and the system init time. */
function applyOptions(session: Session): void {
  if (has(Slot.SystemInit)) session.systemInitMs = num(Slot.SystemInit)
  const rate = announcedRate()
  if (rate < 1) return
  if (has(Slot.SamplerId)) session.samplers.set(num(Slot.SamplerId), rate)
  else session.defaultRate = rate
}

/**
 * Decodes the records of one data set (its body, without the 4-byte set header) with its
 * template, appending flows to `out`. Trailing bytes shorter than a record are padding. Returns
 * the number of data records read (flows, options records and records without addresses alike).
 */
export function decodeDataSet(
  data: Buffer,
  start: number,
  end: number,
  t: Template,
  ctx: PacketContext,
  session: Session,
  stats: ExporterStats,
  out: FlowRecord[],
): number {
  buf = data
  lengths = t.slotLengths
  let records = 0
  for (let o = start; end - o >= t.minLength; records++) {
    if (t.fixedLength >= 0) {
      offsets = t.offsets
      base = o
      o += t.fixedLength
    } else {
      const next = walk(o, end, t)
      if (next < 0) {
        countDrop(stats, 'bad_record')
        break
      }
      offsets = walked
      base = 0
      o = next
    }
    if (t.options) applyOptions(session)
    else {
      const flow = toFlow(t, ctx, session)
      if (flow) out.push(flow)
      else countDrop(stats, 'no_address')
    }
  }
  return records
}
