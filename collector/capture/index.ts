import type { Readable } from 'node:stream'
import { createServiceDiscovery } from '../discovery/services.ts'
import { createFlowAssembler } from '../flows/assembler.ts'
import type { FlowColumns } from '../flows/columns.ts'
import type { FlowMemory } from '../flows/memory.ts'
import { decodePacket } from '../packet/decode.ts'
import { newPacketInfo } from '../packet/types.ts'
import { openCapture } from '../pcap/open.ts'
import type { RawPacket } from '../pcap/types.ts'
import { packetTime, type CaptureSummary, type SkipReason } from './summary.ts'

export type { CaptureSummary, PacketTime, SkipReason } from './summary.ts'
export type { ObservedService } from '../discovery/types.ts'
export { NotACaptureError } from '../pcap/types.ts'

export interface CaptureOptions {
  /** Sensor name written into every flow and service. */
  sensor: string
  /** Flow timeouts on packet time: active 60 s and idle 15 s by default. */
  activeTimeoutMs?: number
  idleTimeoutMs?: number
  /** Live flows kept at most (oldest exported early beyond). Default 1,000,000. */
  maxFlows?: number
  /** Services kept at most. Default 100,000. */
  maxServices?: number
  /** Flows handed to `onFlows` at most per call. Default 10,000. */
  batchSize?: number
  /** `timeReceived` of every flow. Default: when the analysis started. */
  timeReceived?: number
  /**
   * Receives finished flows, in columns (`toRecords()` gives objects); reading waits for the
   * returned promise (backpressure). The batch's memory is used again once that promise has
   * resolved: copy what you keep (the flow writer does).
   */
  onFlows: (batch: FlowColumns) => Promise<void> | void
  /** Flow table memory kept between analyses by its owner (the pcap importer); default: fresh memory. */
  memory?: FlowMemory
  /** Called after every input chunk with the input bytes and packet records so far. */
  onProgress?: (bytesRead: number, packets: number) => void
}

/**
 * Reads a pcap, pcapng or gzip-compressed capture from `input` chunk by chunk and turns it into
 * flows (handed to `onFlows` in batches, awaited before more input is read) and observed
 * services (in the summary). Memory stays bounded whatever the file size: one chunk, one record,
 * at most `maxFlows` live flows and `maxServices` services. Bad records and packets are counted
 * in `skipped`; a truncated last record is counted, not thrown. Throws NotACaptureError when the
 * input is not a capture at all, and passes on errors of `input` itself (I/O). When reading stops
 * early (a corrupt length field or gzip stream), `input` is destroyed.
 */
export async function analyseCapture(input: Readable | AsyncIterable<Buffer>, options: CaptureOptions): Promise<CaptureSummary> {
  const batchSize = Math.max(1, options.batchSize ?? 10_000)
  const assembler = createFlowAssembler({
    sensor: options.sensor,
    activeTimeoutMs: options.activeTimeoutMs,
    idleTimeoutMs: options.idleTimeoutMs,
    maxFlows: options.maxFlows,
    timeReceived: options.timeReceived ?? Date.now(),
    onEnd: (id) => discovery.flowEnded(id),
    memory: options.memory,
  })
  const discovery = createServiceDiscovery({ sensor: options.sensor, maxServices: options.maxServices }, { flows: assembler })
  const info = newPacketInfo()
  const skipped: Partial<Record<SkipReason, number>> = {}
  const protocols = { tcp: 0, udp: 0, icmp: 0, icmpv6: 0, other: 0 }
  let packets = 0, ipv4 = 0, ipv6 = 0, nonIp = 0, fragments = 0, bytesRead = 0, flows = 0
  // Object fields, not closure variables: epoch seconds (and byte totals past 2^30) are too large
  // for small integers, and a closure variable would get a new heap number on every packet.
  const span = { minSec: Infinity, minNs: 0, maxSec: -Infinity, maxNs: 0, ipBytes: 0 }

  const onPacket = (raw: RawPacket): void => {
    packets++
    const { sec, ns } = raw
    if (sec < span.minSec || (sec === span.minSec && ns < span.minNs)) {
      span.minSec = sec
      span.minNs = ns
    }
    if (sec > span.maxSec || (sec === span.maxSec && ns > span.maxNs)) {
      span.maxSec = sec
      span.maxNs = ns
    }
    const status = decodePacket(raw, info)
    if (status !== 'ip') {
      if (status === 'non_ip') nonIp++
      else skipped[status] = (skipped[status] ?? 0) + 1
      return
    }
    if (info.ipVersion === 4) ipv4++
    else ipv6++
    span.ipBytes += info.ipBytes
    if (info.fragment) fragments++
    const proto = info.protocol
    if (proto === 6) protocols.tcp++
    else if (proto === 17) protocols.udp++
    else if (proto === 1) protocols.icmp++
    else if (proto === 58) protocols.icmpv6++
    else protocols.other++
    info.sec = sec
    info.ns = ns
    discovery.observe(info, assembler.add(info))
  }

  const emit = async (): Promise<void> => {
    const done = assembler.drain()
    for (let i = 0; i < done.length; i += batchSize) {
      const batch = done.length <= batchSize ? done : done.view(i, Math.min(done.length, i + batchSize))
      flows += batch.length
      await options.onFlows(batch)
    }
    assembler.recycle(done)
  }

  const opened = await openCapture(input as AsyncIterable<Buffer>, onPacket, (n) => (bytesRead += n))
  const { reader } = opened
  try {
    for await (const chunk of opened.chunks) {
      reader.push(chunk)
      if (assembler.pending >= batchSize) await emit()
      options.onProgress?.(bytesRead, packets)
      if (reader.stats.stoppedBy) break
    }
  } catch (err) {
    // A corrupt or cut gzip stream ends the capture like a corrupt record does; real I/O errors go on.
    if (!opened.compressed || !isZlibError(err)) throw err
    reader.stats.errors.bad_compression = (reader.stats.errors.bad_compression ?? 0) + 1
    reader.stats.stoppedBy = 'bad_compression'
  }
  reader.end()
  if (reader.stats.stoppedBy && 'destroy' in input && typeof input.destroy === 'function') input.destroy()
  // An async generator (fileChunks) left early closes its file when told to return.
  await (input as { return?: () => Promise<unknown> }).return?.()
  // The flows still live go out a batch at a time: a million of them must not sit in one batch.
  while (assembler.flush(batchSize)) await emit()
  await emit()
  options.onProgress?.(bytesRead, packets)

  assembler.release()
  const discovered = discovery.services()
  return {
    format: reader.stats.format,
    compressed: opened.compressed,
    linkTypes: reader.stats.linkTypes,
    sections: reader.stats.sections,
    bytesRead, packets, ipv4, ipv6, nonIp, protocols, ipBytes: span.ipBytes, fragments, flows,
    flowEnds: assembler.stats,
    services: discovered,
    servicesDropped: discovery.stats.dropped,
    skipped: { ...reader.stats.errors, ...skipped },
    stoppedBy: reader.stats.stoppedBy,
    firstPacket: packets ? packetTime(span.minSec, span.minNs) : null,
    lastPacket: packets ? packetTime(span.maxSec, span.maxNs) : null,
  }
}

function isZlibError(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code
  return typeof code === 'string' && code.startsWith('Z_')
}
