import { describe, expect, it } from 'vitest'
import { createNetflowDecoder } from '../../../collector/netflow/index.ts'
import {
  dataSet, ipfixMessage, ipfixOptionsTemplateSet, ipfixTemplateSet, ipfixWithdrawal, ipv4, ipv6, ntp, u16, u32, u64, u8,
  v5Packet, v9OptionsTemplateSet, v9Packet, v9TemplateSet, varField, type Field,
} from './packets.ts'

// Export packets built byte by byte for what the softflowd fixtures do not exercise: variable-
// length and enterprise fields, reduced-size encoding, every time element, sampling, template
// withdrawal, data before its template, sequence gaps and hostile input.
const EXPORTER = '192.0.2.1'
const NOW = Date.UTC(2026, 10, 26, 9, 0, 0)
const EXPORT_S = NOW / 1000

const V4_BASIC: Field[] = [[8, 4], [12, 4], [7, 2], [11, 2], [4, 1], [6, 1], [2, 4], [1, 4]]
const basicRecord = (src: string, dst: string, packets: number, bytes: number) =>
  Buffer.concat([ipv4(src), ipv4(dst), u16(40000), u16(443), u8(6), u8(0x12), u32(packets), u32(bytes)])

describe('NetFlow v5', () => {
  it('turns sysUptime-relative times into absolute ones and scales by the header sampling interval', () => {
    const d = createNetflowDecoder()
    const flows = d.decode(
      v5Packet({ uptime: 100_000, secs: EXPORT_S, nsecs: 250_000_000, sequence: 0, sampling: (1 << 14) | 100 }, [
        { src: '10.0.0.1', dst: '10.0.0.2', srcPort: 5000, dstPort: 22, packets: 3, bytes: 180, first: 90_000, last: 99_000, flags: 0x02 },
        { src: '10.0.0.3', dst: '10.0.0.4', protocol: 1, dstPort: (3 << 8) | 1, packets: 1, bytes: 56, first: 95_000, last: 95_000 },
      ]),
      EXPORTER,
      NOW,
    )
    expect(flows[0]).toMatchObject({ timeStart: NOW + 250 - 10_000, timeEnd: NOW + 250 - 1000, packets: 300, bytes: 18_000, samplingRate: 100, dstPort: 22, tcpFlags: 2, inIf: 1, outIf: 2 })
    expect(flows[1]).toMatchObject({ protocol: 1, icmpType: 3, icmpCode: 1, srcPort: 0, dstPort: 0 })
  })

  it('counts flows lost between sequence numbers', () => {
    const d = createNetflowDecoder()
    const flow = { src: '10.0.0.1', dst: '10.0.0.2', packets: 1, bytes: 40, first: 1, last: 1 }
    d.decode(v5Packet({ uptime: 10, secs: EXPORT_S, sequence: 0 }, [flow, flow]), EXPORTER, NOW)
    d.decode(v5Packet({ uptime: 10, secs: EXPORT_S, sequence: 2 }, [flow]), EXPORTER, NOW)
    d.decode(v5Packet({ uptime: 10, secs: EXPORT_S, sequence: 10 }, [flow]), EXPORTER, NOW)
    expect(d.exporters()[0]).toMatchObject({ sequenceGaps: 1, lostFlows: 7, sequenceResets: 0 })
  })

  it('refuses a count that does not fit the packet', () => {
    const d = createNetflowDecoder()
    const packet = v5Packet({ uptime: 10, secs: EXPORT_S, sequence: 0 }, [{ src: '10.0.0.1', dst: '10.0.0.2', packets: 1, bytes: 40, first: 1, last: 1 }])
    packet.writeUInt16BE(2, 2)
    expect(d.decode(packet, EXPORTER, NOW)).toEqual([])
    expect(d.exporters()[0]!.drops).toEqual({ bad_count: 1 })
  })
})

describe('NetFlow v9', () => {
  const header = (sequence: number, sourceId = 0) => ({ uptime: 50_000, secs: EXPORT_S, sequence, sourceId })

  it('decodes data with the template of its (exporter, source id), IPv6 and ICMP type/code included', () => {
    const d = createNetflowDecoder()
    const v6: Field[] = [[27, 16], [28, 16], [32, 2], [4, 1], [2, 4], [1, 4], [22, 4], [21, 4], [10, 2], [14, 2]]
    const record = Buffer.concat([ipv6('2001:db8::1'), ipv6('2001:db8:0:1::2'), u16((128 << 8) | 0), u8(58), u32(4), u32(416), u32(40_000), u32(45_000), u16(7), u16(9)])
    const flows = d.decode(v9Packet(header(1), [v9TemplateSet([{ id: 300, fields: v6 }]), dataSet(300, [record, record])]), EXPORTER, NOW)
    expect(flows).toHaveLength(2)
    expect(flows[0]).toMatchObject({
      srcAddr: '2001:db8::1', dstAddr: '2001:db8:0:1::2', protocol: 58, icmpType: 128, icmpCode: 0, srcPort: 0, dstPort: 0,
      packets: 4, bytes: 416, timeStart: NOW - 10_000, timeEnd: NOW - 5000, inIf: 7, outIf: 9, sourceKind: 'netflow9',
    })
    // The same template id on another source id means something else until that source defines it.
    expect(d.decode(v9Packet(header(1, 7), [dataSet(300, [record])]), EXPORTER, NOW)).toEqual([])
    expect(d.exporters()[0]!.templateMisses).toBe(1)
  })

  it('applies sampler options data: per sampler id, and for the whole source without one', () => {
    const d = createNetflowDecoder()
    const withSampler: Field[] = [...V4_BASIC, [48, 1]]
    const packet = v9Packet(header(1), [
      v9TemplateSet([{ id: 256, fields: withSampler }, { id: 257, fields: V4_BASIC }]),
      v9OptionsTemplateSet(258, [[48, 1], [49, 1], [50, 4]]),
      v9OptionsTemplateSet(259, [[34, 4], [35, 1]]),
      dataSet(258, [Buffer.concat([u32(0), u8(3), u8(2), u32(512)])]),
      dataSet(259, [Buffer.concat([u32(0), u32(10), u8(1)])]),
      dataSet(256, [Buffer.concat([basicRecord('10.0.0.1', '10.0.0.2', 2, 100), u8(3)])]),
      dataSet(257, [basicRecord('10.0.0.1', '10.0.0.2', 2, 100)]),
    ])
    const flows = d.decode(packet, EXPORTER, NOW)
    expect(flows.map((f) => [f.samplingRate, f.packets, f.bytes])).toEqual([[512, 1024, 51_200], [10, 20, 1000]])
  })

  it('counts lost export packets from the sequence numbers, and a restart apart', () => {
    const d = createNetflowDecoder()
    const t = v9TemplateSet([{ id: 256, fields: V4_BASIC }])
    for (const seq of [1, 2, 5, 6, 1]) d.decode(v9Packet(header(seq), [t]), EXPORTER, NOW)
    expect(d.exporters()[0]).toMatchObject({ sequenceGaps: 1, lostPackets: 2, sequenceResets: 1 })
  })

  it('refuses templates with no fields, zero-length fields or the variable-length marker, and keeps decoding', () => {
    const d = createNetflowDecoder()
    const bad = [
      v9TemplateSet([{ id: 256, fields: [] }]),
      v9TemplateSet([{ id: 257, fields: [[8, 0], [12, 4]] }]),
      v9TemplateSet([{ id: 258, fields: [[8, 4], [82, 0xffff]] }]),
    ]
    for (const set of bad) d.decode(v9Packet(header(1), [set]), EXPORTER, NOW)
    expect(d.exporters()[0]!.drops).toEqual({ bad_template: 3 })
    const ok = d.decode(v9Packet(header(2), [v9TemplateSet([{ id: 256, fields: V4_BASIC }]), dataSet(256, [basicRecord('10.0.0.1', '10.0.0.2', 1, 40)])]), EXPORTER, NOW)
    expect(ok).toHaveLength(1)
  })
})

describe('IPFIX', () => {
  const message = (sequence: number, sets: Buffer[], domain = 1) => ipfixMessage({ exportTime: EXPORT_S, sequence, domain }, sets)

  it('reads variable-length and enterprise fields past, and reduced-size counters', () => {
    const d = createNetflowDecoder()
    const fields: Field[] = [[8, 4], [12, 4], [1, 2, 0], [100, 0xffff, 29305], [82, 0xffff], [2, 1], [7, 2], [11, 2], [4, 1], [5, 6, 9], [152, 8], [153, 8]]
    const record = (ifName: Buffer) =>
      Buffer.concat([ipv4('10.1.1.1'), ipv4('10.2.2.2'), u16(1500), varField(Buffer.from('enterprise!')), varField(ifName), u8(3), u16(1234), u16(53), u8(17), Buffer.alloc(6, 0xee), u64(NOW - 2000), u64(NOW - 1000)])
    const flows = d.decode(message(0, [ipfixTemplateSet([{ id: 400, fields }]), dataSet(400, [record(Buffer.from('eth0')), record(Buffer.alloc(300, 0x41))], false)]), EXPORTER, NOW)
    expect(flows).toHaveLength(2)
    for (const f of flows) {
      expect(f).toMatchObject({ srcAddr: '10.1.1.1', dstAddr: '10.2.2.2', bytes: 1500, packets: 3, srcPort: 1234, dstPort: 53, protocol: 17, timeStart: NOW - 2000, timeEnd: NOW - 1000, sourceKind: 'ipfix', observationDomain: 1 })
    }
    expect(d.exporters()[0]!.drops).toEqual({})
  })

  it('turns every time element into epoch milliseconds', () => {
    const cases: { fields: Field[]; values: Buffer; start: number; end: number }[] = [
      { fields: [[150, 4], [151, 4]], values: Buffer.concat([u32(EXPORT_S - 5), u32(EXPORT_S - 1)]), start: NOW - 5000, end: NOW - 1000 },
      { fields: [[154, 8], [155, 8]], values: Buffer.concat([ntp(NOW - 1500), ntp(NOW - 500)]), start: NOW - 1500, end: NOW - 500 },
      { fields: [[156, 8], [157, 8]], values: Buffer.concat([ntp(NOW - 2250), ntp(NOW - 750)]), start: NOW - 2250, end: NOW - 750 },
      { fields: [[158, 4], [159, 4]], values: Buffer.concat([u32(3_000_000), u32(1_000_000)]), start: NOW - 3000, end: NOW - 1000 },
      { fields: [[160, 8], [22, 4], [21, 4]], values: Buffer.concat([u64(NOW - 60_000), u32(10_000), u32(20_000)]), start: NOW - 50_000, end: NOW - 40_000 },
    ]
    for (const c of cases) {
      const d = createNetflowDecoder()
      const flows = d.decode(message(0, [ipfixTemplateSet([{ id: 500, fields: [[8, 4], [12, 4], ...c.fields] }]), dataSet(500, [Buffer.concat([ipv4('10.0.0.1'), ipv4('10.0.0.2'), c.values])], false)]), EXPORTER, NOW)
      expect([flows[0]!.timeStart, flows[0]!.timeEnd]).toEqual([c.start, c.end])
    }
  })

  it('takes systemInitTime and sampling from options data (softflowd style)', () => {
    const d = createNetflowDecoder()
    const flows = d.decode(
      message(0, [
        ipfixTemplateSet([{ id: 1024, fields: [[8, 4], [12, 4], [22, 4], [21, 4], [2, 4], [1, 4]] }]),
        ipfixOptionsTemplateSet(256, [[143, 4]], [[160, 8], [305, 4], [306, 4]]),
        dataSet(256, [Buffer.concat([u32(1), u64(NOW - 30_000), u32(1), u32(9)])], false),
        dataSet(1024, [Buffer.concat([ipv4('10.0.0.1'), ipv4('10.0.0.2'), u32(1000), u32(2000), u32(5), u32(500)])], false),
      ]),
      EXPORTER,
      NOW,
    )
    expect(flows[0]).toMatchObject({ timeStart: NOW - 29_000, timeEnd: NOW - 28_000, samplingRate: 10, packets: 50, bytes: 5000 })
  })

  it('holds data that comes before its template, decodes it when the template arrives, and counts what never gets one', () => {
    const d = createNetflowDecoder({ pendingHoldMs: 5000 })
    const template = ipfixTemplateSet([{ id: 600, fields: V4_BASIC }])
    expect(d.decode(message(0, [dataSet(600, [basicRecord('10.0.0.1', '10.0.0.2', 1, 40)], false)]), EXPORTER, NOW)).toEqual([])
    const later = d.decode(message(1, [template]), EXPORTER, NOW + 1000)
    expect(later.map((f) => f.srcAddr)).toEqual(['10.0.0.1'])
    expect(later[0]!.timeReceived).toBe(NOW)

    d.decode(message(1, [dataSet(601, [basicRecord('10.0.0.9', '10.0.0.2', 1, 40)], false)]), EXPORTER, NOW + 2000)
    d.expire(NOW + 8000)
    expect(d.exporters()[0]).toMatchObject({ templateMisses: 2, drops: { no_template: 1 } })
  })

  it('forgets a withdrawn template, one at a time or all at once', () => {
    const d = createNetflowDecoder()
    const data = (id: number) => dataSet(id, [basicRecord('10.0.0.1', '10.0.0.2', 1, 40)], false)
    d.decode(message(0, [ipfixTemplateSet([{ id: 700, fields: V4_BASIC }, { id: 701, fields: V4_BASIC }, { id: 702, fields: V4_BASIC }])]), EXPORTER, NOW)
    expect(d.decode(message(0, [ipfixWithdrawal(700), data(700), data(701)]), EXPORTER, NOW)).toHaveLength(1)
    expect(d.decode(message(1, [ipfixWithdrawal(2), data(701), data(702)]), EXPORTER, NOW)).toHaveLength(0)
    expect(d.exporters()[0]!.templates).toBe(0)
  })

  it('bounds the templates of a flooding exporter and counts the refused ones', () => {
    const d = createNetflowDecoder({ maxTemplatesPerDomain: 100 })
    for (let id = 256; id < 256 + 1000; id++) d.decode(message(0, [ipfixTemplateSet([{ id, fields: V4_BASIC }])]), EXPORTER, NOW)
    expect(d.exporters()[0]).toMatchObject({ templates: 100, drops: { template_limit: 900 } })
  })

  it('bounds the exporters and domains it keeps state for', () => {
    const d = createNetflowDecoder({ maxExporters: 50, maxDomains: 50 })
    for (let i = 0; i < 500; i++) d.decode(message(0, [ipfixTemplateSet([{ id: 256, fields: V4_BASIC }])], i), `198.51.100.${i % 250}`, NOW + i)
    expect(d.exporters().length).toBeLessThanOrEqual(50)
    expect(d.exporters().reduce((n, e) => n + e.domains.length, 0)).toBeLessThanOrEqual(50)
  })
})

describe('hostile input is a counted drop and the next good packet still decodes', () => {
  const good = () => ipfixMessage({ exportTime: EXPORT_S, sequence: 0 }, [ipfixTemplateSet([{ id: 256, fields: V4_BASIC }]), dataSet(256, [basicRecord('10.0.0.1', '10.0.0.2', 1, 40)], false)])
  const cases: [string, Buffer, string][] = [
    ['empty datagram', Buffer.alloc(0), 'short_packet'],
    ['one byte', Buffer.from([0]), 'short_packet'],
    ['unknown version', Buffer.concat([u16(7), Buffer.alloc(30)]), 'unknown_version'],
    ['truncated IPFIX header', good().subarray(0, 10), 'short_packet'],
    ['IPFIX length past the datagram', good().subarray(0, 40), 'bad_length'],
    ['set length past the message', (() => { const b = good(); b.writeUInt16BE(0xfff0, 18); return b })(), 'bad_set'],
    ['set length below 4', (() => { const b = good(); b.writeUInt16BE(2, 18); return b })(), 'bad_set'],
    ['truncated v9 header', v9Packet({ uptime: 1, secs: 1, sequence: 1 }, []).subarray(0, 12), 'short_packet'],
    ['v9 template claiming 5000 fields', v9Packet({ uptime: 1, secs: 1, sequence: 1 }, [Buffer.concat([u16(0), u16(12), u16(256), u16(5000), u32(0)])]), 'bad_template'],
    ['v5 with 31 records claimed', (() => { const b = Buffer.alloc(24 + 48 * 31); b.writeUInt16BE(5); b.writeUInt16BE(31, 2); return b })(), 'bad_count'],
  ]
  for (const [name, packet, reason] of cases) {
    it(name, () => {
      const d = createNetflowDecoder()
      expect(() => d.decode(packet, EXPORTER, NOW)).not.toThrow()
      expect(d.exporters()[0]!.drops[reason as 'bad_set']).toBe(1)
      expect(d.decode(good(), EXPORTER, NOW)).toHaveLength(1)
    })
  }
})
