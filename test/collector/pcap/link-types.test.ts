import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { analyse, decodeSkips, LOCAL, sorted, tupleOf, type Analysed } from './helpers.ts'

// Small captures of real traffic (curl → python http.server, a UDP ping/pong, IPv4 and IPv6) in
// every link type we read, made by test/fixtures/pcap/make.sh; EXPECTED.json is what tshark
// counted in each file. Same exchange, different framing: the flows must come out the same.
const expected = JSON.parse(readFileSync(new URL('EXPECTED.json', LOCAL), 'utf8')) as Record<string, { packets: number; ip: number; ipBytes: number; tuples: number }>
const LINK = { 'ether.pcap': [1], 'vlan.pcap': [1], 'vlan-be.pcap': [1], 'mpls.pcap': [1], 'pppoe.pcap': [1], 'sll.pcap': [113], 'sll2.pcap': [276], 'raw.pcap': [101], 'null.pcap': [0], 'loop.pcap': [108], 'multi.pcapng': [1, 113] } as const
const HOUR = 3_600_000
const run = (file: string): Promise<Analysed> => analyse(new URL(file, LOCAL), { activeTimeoutMs: HOUR, idleTimeoutMs: HOUR })
/** Flows without their times (two captures of the same kind of exchange differ only in time and ports). */
const shapes = (flows: Analysed['flows']) => sorted(flows).map((f) => ({ ...f, timeStart: 0, timeEnd: 0 }))

describe('link types', () => {
  it('covers every file make.sh writes', () => {
    expect(Object.keys(expected).sort()).toEqual(Object.keys(LINK).sort())
  })

  it.each(Object.keys(LINK))('%s: packets, IP packets, IP bytes and 5-tuples equal tshark', async (file) => {
    const { summary, flows } = await run(file)
    const want = expected[file]!
    expect(summary.linkTypes).toEqual(LINK[file as keyof typeof LINK])
    expect(summary.packets).toBe(want.packets)
    expect(summary.ipv4 + summary.ipv6).toBe(want.ip)
    expect(summary.nonIp).toBe(want.packets - want.ip) // ARP
    expect(summary.ipBytes).toBe(want.ipBytes)
    expect(new Set(flows.map(tupleOf)).size).toBe(want.tuples)
    expect(decodeSkips(summary)).toBe(0)
    expect(summary.skipped).toEqual({})
    expect(summary.ipv4).toBeGreaterThan(0)
    expect(summary.ipv6).toBeGreaterThan(0)
    expect(summary.protocols.udp).toBeGreaterThan(0)
  })

  it('802.1Q and QinQ tags and a big-endian file change nothing in the flows', async () => {
    const ether = await run('ether.pcap')
    const vlan = await run('vlan.pcap')
    const be = await run('vlan-be.pcap')
    expect(sorted(vlan.flows)).toEqual(sorted(ether.flows))
    expect(sorted(be.flows)).toEqual(sorted(ether.flows))
    expect(be.summary.services).toEqual(ether.summary.services)
  })

  it('MPLS label stacks and PPPoE sessions (carrier links) change nothing in the flows', async () => {
    const ether = await run('ether.pcap')
    for (const file of ['mpls.pcap', 'pppoe.pcap']) {
      const wrapped = await run(file)
      expect(sorted(wrapped.flows)).toEqual(sorted(ether.flows))
      expect(wrapped.summary.services).toEqual(ether.summary.services)
    }
  })

  it('cooked v1, v2, raw IP, null and loop framings of the same packets give the same flows', async () => {
    const sll2 = await run('sll2.pcap')
    for (const file of ['raw.pcap', 'null.pcap', 'loop.pcap']) expect(sorted((await run(file)).flows)).toEqual(sorted(sll2.flows))
    // sll.pcap is another run of the same exchange (other ephemeral ports and times).
    const sll = await run('sll.pcap')
    expect(sll.flows.length).toBe(sll2.flows.length)
    expect(shapes(sll.flows).map((f) => [f.protocol, f.packets, f.bytes, f.tcpFlags])).toEqual(shapes(sll2.flows).map((f) => [f.protocol, f.packets, f.bytes, f.tcpFlags]))
  })

  it('pcapng with two interfaces of different link types (dumpcap -i veth -i any)', async () => {
    const { summary, flows } = await run('multi.pcapng')
    expect(summary.format).toBe('pcapng')
    expect(summary.linkTypes).toEqual([1, 113])
    expect(flows.some((f) => f.dstAddr === '127.0.0.1')).toBe(true)
    expect(flows.some((f) => f.dstAddr === 'fd98:10::2')).toBe(true)
    // nanosecond if_tsresol: times stay within the capture
    expect(summary.firstPacket!.ns % 1000).not.toBe(0)
  })

  it('discovers the HTTP and UDP services on every framing', async () => {
    for (const file of Object.keys(LINK)) {
      const { summary } = await run(file)
      const ports = new Set(summary.services.map((s) => `${s.protocol}/${s.port}`))
      const http = summary.services.find((s) => s.protocol === 'tcp' && (s.port === 8080 || s.port === 8081))
      expect(http, file).toMatchObject({ service: 'http' })
      expect(http!.product, file).toMatch(/^SimpleHTTP\/[\d.]+ Python\/[\d.]+$/)
      expect([...ports].some((p) => p === 'udp/5300' || p === 'udp/5301'), file).toBe(true)
    }
  })
})
