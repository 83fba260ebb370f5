import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { describe, expect, it } from 'vitest'
import type { FlowRecord } from '../../../collector/flows/record.ts'
import { createNetflowDecoder } from '../../../collector/netflow/index.ts'
import { NETFLOW_FIXTURES, exportDatagrams } from '../../helpers/export-datagrams.ts'

// softflowd's v5, v9 and IPFIX exports of the lab capture, decoded as an exporter's datagrams
// arrive. The expected totals are read from TOTALS.md, where nfdump decoded the same exports.
interface Totals {
  exportPackets: number
  flows: number
  packets: number
  bytes: number
}
function nfdumpTotals(): Record<string, Totals> {
  const text = readFileSync(new URL('TOTALS.md', NETFLOW_FIXTURES), 'utf8')
  const totals: Record<string, Totals> = {}
  for (const line of text.split('\n')) {
    const cells = line.split('|').map((c) => c.trim())
    if (!['v5', 'v9', 'ipfix'].includes(cells[1] ?? '')) continue
    // | export | port | export packets (pcap) | softflowd … | nfdump flows | nfdump packets | nfdump bytes | seq errors |
    const n = cells.map((c) => Number(c))
    totals[cells[1]!] = { exportPackets: n[3]!, flows: n[8]!, packets: n[9]!, bytes: n[10]! }
  }
  return totals
}
const TOTALS = nfdumpTotals()

function decodeFile(file: string) {
  const decoder = createNetflowDecoder()
  const flows: FlowRecord[] = []
  const datagrams = exportDatagrams(file)
  for (const d of datagrams) flows.push(...decoder.decode(d.payload, '127.0.0.1', d.at))
  return { flows, datagrams, exporter: decoder.exporters()[0]! }
}

const sum = (flows: FlowRecord[], key: 'packets' | 'bytes') => flows.reduce((n, f) => n + f[key], 0)

describe('softflowd exports decode to the totals nfdump found', () => {
  for (const [version, file, kind] of [
    ['v5', 'softflowd-v5.pcap', 'netflow5'],
    ['v9', 'softflowd-v9.pcap', 'netflow9'],
    ['ipfix', 'softflowd-ipfix.pcap', 'ipfix'],
  ] as const) {
    it(`${version}: flows, packets and bytes equal nfdump's, with no drop and no sequence gap`, () => {
      const expected = TOTALS[version]!
      expect(expected.flows).toBeGreaterThan(10_000)
      const { flows, datagrams, exporter } = decodeFile(file)
      expect(datagrams).toHaveLength(expected.exportPackets)
      expect(flows).toHaveLength(expected.flows)
      expect(sum(flows, 'packets')).toBe(expected.packets)
      expect(sum(flows, 'bytes')).toBe(expected.bytes)
      expect(exporter.packets[kind]).toBe(expected.exportPackets)
      expect(exporter.flows).toBe(expected.flows)
      expect(exporter.drops).toEqual({})
      expect(exporter.templateMisses).toBe(0)
      // nfdump reports 44 IPFIX "sequence failures": softflowd counts its records after adding them
      // and leaves options records out. Nothing was lost, and holowatch says so.
      expect({ gaps: exporter.sequenceGaps, lostFlows: exporter.lostFlows, lostPackets: exporter.lostPackets, resets: exporter.sequenceResets }).toEqual({
        gaps: 0,
        lostFlows: 0,
        lostPackets: 0,
        resets: 0,
      })
      expect(new Set(flows.map((f) => f.sourceKind))).toEqual(new Set([kind]))
    })
  }

  it('v9 and IPFIX carry the IPv6 scan and ICMP type/code; v5 carries neither IPv6 nor anything past 30 flows per packet', () => {
    for (const file of ['softflowd-v9.pcap', 'softflowd-ipfix.pcap']) {
      const { flows } = decodeFile(file)
      const v6 = flows.filter((f) => f.srcAddr.includes(':'))
      expect(v6.length).toBeGreaterThan(0)
      // The IPv6 neighbour discovery of the capture (ICMPv6 135/136) with ports zeroed.
      const icmp6 = flows.filter((f) => f.protocol === 58)
      expect(new Set(icmp6.map((f) => f.icmpType))).toEqual(new Set([135, 136]))
      expect(icmp6.every((f) => f.srcPort === 0 && f.dstPort === 0)).toBe(true)
    }
    const v5 = decodeFile('softflowd-v5.pcap').flows
    expect(v5.some((f) => f.srcAddr.includes(':'))).toBe(false)
  })

  it('the three versions agree flow by flow on addresses, ports, protocol, flags and counters; times within the v9 header\'s one-second precision', () => {
    const key = (f: FlowRecord) => `${f.srcAddr}|${f.dstAddr}|${f.srcPort}|${f.dstPort}|${f.protocol}|${f.tcpFlags}|${f.icmpType}|${f.packets}|${f.bytes}`
    const v9 = decodeFile('softflowd-v9.pcap').flows
    const ipfix = decodeFile('softflowd-ipfix.pcap').flows
    expect(ipfix.map(key)).toEqual(v9.map(key))
    for (let i = 0; i < v9.length; i++) {
      expect(Math.abs(ipfix[i]!.timeStart - v9[i]!.timeStart)).toBeLessThan(1000)
      expect(ipfix[i]!.timeEnd - ipfix[i]!.timeStart).toBe(v9[i]!.timeEnd - v9[i]!.timeStart)
    }
    const v5 = new Set(decodeFile('softflowd-v5.pcap').flows.map(key))
    const v9v4 = v9.filter((f) => !f.srcAddr.includes(':')).map(key)
    expect(v9v4.filter((k) => !v5.has(k))).toEqual([])
  })

  it('one exporter sending v5, v9 and IPFIX at once (same template ids, same domain) decodes each to its own totals', () => {
    const decoder = createNetflowDecoder()
    const streams = (['softflowd-v5.pcap', 'softflowd-v9.pcap', 'softflowd-ipfix.pcap'] as const).map((f) => exportDatagrams(f))
    const flows: FlowRecord[] = []
    for (let i = 0; i < Math.max(...streams.map((s) => s.length)); i++) {
      for (const s of streams) if (s[i]) flows.push(...decoder.decode(s[i]!.payload, '192.0.2.7', s[i]!.at))
    }
    for (const [kind, version] of [['netflow5', 'v5'], ['netflow9', 'v9'], ['ipfix', 'ipfix']] as const) {
      const mine = flows.filter((f) => f.sourceKind === kind)
      expect([mine.length, sum(mine, 'packets'), sum(mine, 'bytes')]).toEqual([TOTALS[version]!.flows, TOTALS[version]!.packets, TOTALS[version]!.bytes])
    }
    expect(decoder.exporters()[0]).toMatchObject({ drops: {}, sequenceGaps: 0, domains: [0] })
  })

  it('flow times fall inside the capture (2026-11-22 12:08:31 UTC, about 30 s) and end after they start', () => {
    const captureStart = Date.UTC(2026, 10, 22, 12, 8, 30)
    for (const file of ['softflowd-v5.pcap', 'softflowd-v9.pcap', 'softflowd-ipfix.pcap']) {
      const { flows } = decodeFile(file)
      for (const f of flows) {
        expect(f.timeStart).toBeGreaterThanOrEqual(captureStart)
        expect(f.timeEnd).toBeLessThan(captureStart + 60_000)
        expect(f.timeEnd).toBeGreaterThanOrEqual(f.timeStart)
      }
    }
  })
})

// node-netflowv9, the design card's library, as an independent oracle for v5 and v9.
interface OracleFlow {
  [field: string]: number | string | boolean | undefined
}
interface OraclePacket {
  header: { uptime: number; seconds: number; nseconds?: number }
  flows: OracleFlow[]
}
const NetFlowV9 = createRequire(import.meta.url)('node-netflowv9') as (options: object) => {
  nfPktDecode(msg: Buffer, rinfo: { address: string; port: number }): OraclePacket | undefined
  server: { close(): void }
}

describe('node-netflowv9 decodes the same v5 and v9 packets to the same flows', () => {
  for (const file of ['softflowd-v5.pcap', 'softflowd-v9.pcap']) {
    it(file, () => {
      const oracle = NetFlowV9({ cb: () => undefined })
      oracle.server.close()
      const ours = createNetflowDecoder()
      let compared = 0
      for (const d of exportDatagrams(file)) {
        const mine = ours.decode(d.payload, '127.0.0.1', d.at)
        const theirs = (oracle.nfPktDecode(d.payload, { address: '127.0.0.1', port: d.srcPort })?.flows ?? []).filter((f) => !f.isOption)
        expect(mine).toHaveLength(theirs.length)
        const header = oracle.nfPktDecode(d.payload, { address: '127.0.0.1', port: d.srcPort })!.header
        const exportMs = header.seconds * 1000 + Math.floor((header.nseconds ?? 0) / 1e6)
        theirs.forEach((t, i) => {
          const m = mine[i]!
          const icmp = t.protocol === 1 || t.protocol === 58
          const typeCode = Number(t.icmp_type ?? t.icmpTypeCodeIPv6 ?? t.ipv4_dst_port ?? t.l4_dst_port)
          expect({
            src: m.srcAddr,
            dst: m.dstAddr,
            srcPort: m.srcPort,
            dstPort: m.dstPort,
            protocol: m.protocol,
            flags: m.tcpFlags,
            packets: m.packets,
            bytes: m.bytes,
            inIf: m.inIf,
            outIf: m.outIf,
            start: m.timeStart,
            end: m.timeEnd,
            icmp: m.icmpType * 256 + m.icmpCode,
          }).toEqual({
            src: t.ipv4_src_addr ?? compactV6(String(t.ipv6_src_addr)),
            dst: t.ipv4_dst_addr ?? compactV6(String(t.ipv6_dst_addr)),
            srcPort: icmp ? 0 : (t.ipv4_src_port ?? t.l4_src_port ?? 0),
            dstPort: icmp ? 0 : (t.ipv4_dst_port ?? t.l4_dst_port ?? 0),
            protocol: t.protocol,
            flags: t.tcp_flags ?? 0,
            packets: t.in_pkts,
            bytes: t.in_bytes,
            inIf: t.input_snmp,
            outIf: t.output_snmp,
            start: exportMs - (header.uptime - Number(t.first_switched)),
            end: exportMs - (header.uptime - Number(t.last_switched)),
            icmp: icmp ? typeCode : 0,
          })
          compared++
        })
      }
      expect(compared).toBe(file.includes('v5') ? TOTALS.v5!.flows : TOTALS.v9!.flows)
    })
  }
})

/** node-netflowv9 writes IPv6 addresses as 32 hex digits; the URL parser gives their RFC 5952 form. */
function compactV6(hex: string): string {
  return new URL(`http://[${hex.match(/.{4}/g)!.join(':')}]/`).hostname.slice(1, -1)
}
