import type { FlowRecord } from '../../collector/flows/record.ts'

/** `n` distinct synthetic flows (distinct source ports), as a decoder would emit them. */
export function syntheticFlows(n: number, base: Partial<FlowRecord> = {}): FlowRecord[] {
  const start = Date.parse('2026-11-22T10:00:00.000Z')
  return Array.from({ length: n }, (_, i) => ({
    timeReceived: start + 2000,
    timeStart: start + (i % 60_000),
    timeEnd: start + (i % 60_000) + 250,
    sensor: '192.0.2.1',
    exporter: '192.0.2.1',
    sourceKind: 'ipfix',
    observationDomain: 1,
    srcAddr: `198.51.100.${i % 250}`,
    dstAddr: '203.0.113.10',
    srcPort: 1024 + (i % 60_000),
    dstPort: 443,
    protocol: 6,
    tcpFlags: 0x1b,
    icmpType: 0,
    icmpCode: 0,
    packets: 10,
    bytes: 1500,
    samplingRate: 1,
    inIf: 1,
    outIf: 2,
    ...base,
  }))
}
