import { createReadStream, readFileSync } from 'node:fs'
import { analyseCapture, type CaptureOptions, type CaptureSummary } from '../../../collector/capture/index.ts'
import type { FlowRecord } from '../../../collector/flows/record.ts'

export const LOCAL = new URL('../../fixtures/pcap/', import.meta.url)
export const TIME_RECEIVED = Date.UTC(2026, 10, 23)

export interface Analysed {
  summary: CaptureSummary
  flows: FlowRecord[]
}

/** Analyses a whole input (a file URL, or bytes fed in `chunk`-sized pieces) and keeps every flow. */
export async function analyse(input: URL | Buffer, options: Partial<CaptureOptions> & { chunk?: number } = {}): Promise<Analysed> {
  const flows: FlowRecord[] = []
  const source = input instanceof URL ? createReadStream(input) : pieces(input, options.chunk ?? 65_536)
  const summary = await analyseCapture(source, { sensor: 'test', timeReceived: TIME_RECEIVED, ...options, onFlows: (b) => void flows.push(...b.toRecords()) })
  return { summary, flows }
}

async function* pieces(buf: Buffer, size: number): AsyncGenerator<Buffer> {
  for (let o = 0; o < buf.length; o += size) yield buf.subarray(o, o + size)
}

/** The unidirectional 5-tuple of a flow as softflowd and tshark count them (ICMP: type/code). */
export const tupleOf = (f: FlowRecord): string => [f.protocol, f.srcAddr, f.dstAddr, f.srcPort, f.dstPort, f.icmpType, f.icmpCode].join(' ')

/** Flows in a stable order, for comparing two readings of the same packets. */
export const sorted = (flows: FlowRecord[]): FlowRecord[] =>
  [...flows].sort((a, b) => a.timeStart - b.timeStart || tupleOf(a).localeCompare(tupleOf(b)) || a.timeEnd - b.timeEnd)

export const fixture = (name: string): Buffer => readFileSync(new URL(name, LOCAL))

/** Sum of the decoder's skip counters: every record is an IP packet, a non-IP frame or one of these. */
export const decodeSkips = (s: CaptureSummary): number =>
  (['truncated_packet', 'bad_ip_header', 'bad_transport_header', 'unsupported_linktype'] as const).reduce((n, r) => n + (s.skipped[r] ?? 0), 0)
