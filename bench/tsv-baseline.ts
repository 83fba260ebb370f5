import type { FlowRecord } from '../collector/flows/record.ts'

/** The `flows` columns the writer fills, in the order of each TabSeparated line. */
export const FLOW_COLUMNS = [
  'time_received', 'time_start', 'time_end', 'sensor', 'exporter', 'source_kind', 'observation_domain',
  'src_addr', 'dst_addr', 'src_port', 'dst_port', 'protocol', 'tcp_flags', 'icmp_type', 'icmp_code',
  'packets', 'bytes', 'sampling_rate', 'in_if', 'out_if',
] as const

/**
 * Renders flows as TabSeparated text, the fastest insert format both engines accept (the
 * embedded connection passes the body as text; see bench/writer-format.bench.ts). Times go as
 * decimal Unix seconds with milliseconds, which DateTime64(3) parses exactly.
 */
export function flowsToTsv(flows: readonly FlowRecord[]): string {
  let out = ''
  for (const f of flows) {
    out +=
      epochText(f.timeReceived) + '\t' + epochText(f.timeStart) + '\t' + epochText(f.timeEnd) + '\t' +
      escapeTsv(f.sensor) + '\t' + f.exporter + '\t' + f.sourceKind + '\t' + f.observationDomain + '\t' +
      f.srcAddr + '\t' + f.dstAddr + '\t' + f.srcPort + '\t' + f.dstPort + '\t' + f.protocol + '\t' +
      f.tcpFlags + '\t' + f.icmpType + '\t' + f.icmpCode + '\t' + f.packets + '\t' + f.bytes + '\t' +
      f.samplingRate + '\t' + f.inIf + '\t' + f.outIf + '\n'
  }
  return out
}

function epochText(ms: number): string {
  const whole = Math.floor(ms)
  const seconds = Math.floor(whole / 1000)
  const millis = whole - seconds * 1000
  return seconds + (millis < 10 ? '.00' : millis < 100 ? '.0' : '.') + millis
}

/** Sensor names are operator text: escape what TabSeparated treats specially. */
function escapeTsv(text: string): string {
  return /[\t\n\\]/.test(text) ? text.replace(/\\/g, '\\\\').replace(/\t/g, '\\t').replace(/\n/g, '\\n') : text
}
