import { gzipSync } from 'node:zlib'
import { readFileSync } from 'node:fs'
import { beforeAll, describe, expect, it } from 'vitest'
import { analyse, fixture, LOCAL, sorted, tupleOf, type Analysed } from './helpers.ts'

// The real capture of test/fixtures/pcap (tcpdump while curl, nmap, hping3, ssh… ran) in its
// four forms, against the totals tshark, capinfos and softflowd computed (TOTALS.md).
const FILES = ['dev-capture.pcap', 'dev-capture-ns.pcap', 'dev-capture.pcapng', 'dev-capture.pcap.gz'] as const
const HOUR = 3_600_000

/** One row of TOTALS.md, by file name. */
function totals(file: string): Record<string, string> {
  const lines = readFileSync(new URL('TOTALS.md', LOCAL), 'utf8').split('\n').filter((l) => l.startsWith('|'))
  const cells = (l: string) => l.split('|').slice(1, -1).map((c) => c.trim())
  const head = cells(lines[0]!)
  const row = lines.map(cells).find((c) => c[0] === file)
  if (!row) throw new Error(`${file} is not in TOTALS.md`)
  return Object.fromEntries(head.map((h, i) => [h, row[i]!]))
}
const int = (s: string) => Number(/^\d+/.exec(s)![0])

describe('the real fixture captures', () => {
  const runs = new Map<string, Analysed>()
  beforeAll(async () => {
    // softflowd's timeouts for TOTALS.md: 3600 s, longer than the capture, so only FIN/RST end a flow.
    for (const f of FILES) runs.set(f, await analyse(new URL(f, LOCAL), { activeTimeoutMs: HOUR, idleTimeoutMs: HOUR }))
  })

  it.each(FILES)('%s: packet, protocol and byte totals equal tshark/capinfos (TOTALS.md)', (file) => {
    const { summary: s } = runs.get(file)!
    const t = totals(file)
    expect(s.bytesRead).toBe(int(t.bytes!))
    expect(s.packets).toBe(int(t.packets!))
    expect(s.ipv4).toBe(int(t.IPv4!))
    expect(s.ipv6).toBe(int(t.IPv6!))
    expect(s.protocols).toEqual({ tcp: int(t.TCP!), udp: int(t.UDP!), icmp: int(t.ICMP!), icmpv6: int(t.ICMPv6!), other: 0 })
    expect(s.nonIp).toBe(int(t['other/non-IP']!))
    expect(s.ipBytes).toBe(int(t['IP bytes']!))
    expect(s.skipped).toEqual({})
    expect(s.stoppedBy).toBeNull()
    expect(s.linkTypes).toEqual([1])
    // First and last packet at the file's own precision, as capinfos prints them.
    const iso = (d: string) => d.replace(' ', 'T')
    expect(s.firstPacket!.iso.replace(/0{3}Z$|Z$/, '')).toBe(iso(t['first packet (UTC)']!))
    expect(s.lastPacket!.iso.replace(/0{3}Z$|Z$/, '')).toBe(iso(t['last packet (UTC)']!))
    expect(s.compressed).toBe(file.endsWith('.gz'))
    expect(s.format).toBe(file.endsWith('.pcapng') ? 'pcapng' : file.includes('-ns') ? 'pcap-ns' : 'pcap')
  })

  it('reads the same flows and services from classic µs, classic ns, pcapng and gzip', () => {
    const [first, ...others] = FILES.map((f) => runs.get(f)!)
    expect(first!.flows.length).toBeGreaterThan(10_000)
    for (const other of others) {
      expect(sorted(other.flows)).toEqual(sorted(first!.flows))
      expect(other.summary.services).toEqual(first!.summary.services)
      expect(other.summary.flowEnds).toEqual(first!.summary.flowEnds)
    }
  })

  it('every IP packet and byte lands in exactly one flow', () => {
    for (const { summary, flows } of runs.values()) {
      expect(flows.reduce((n, f) => n + f.packets, 0)).toBe(summary.ipv4 + summary.ipv6)
      expect(flows.reduce((n, f) => n + f.bytes, 0)).toBe(summary.ipBytes)
      expect(flows.every((f) => f.sourceKind === 'pcap' && f.sensor === 'test' && f.timeStart <= f.timeEnd)).toBe(true)
    }
  })

  it('flow count agrees with softflowd once FIN/RST splits are accounted for', () => {
    const { flows, summary } = runs.get('dev-capture.pcap')!
    const softflowd = int(totals('dev-capture.pcap')['softflowd flows (records)']!)
    // softflowd keeps one record per 5-tuple for the whole (28 s) file with 3600 s timeouts: its
    // TCP flow outlives FIN and RST. We end a TCP flow at FIN or RST as NetFlow exporters (and
    // the issue) do, so a packet after it — the last ACK of a close, an RST answering a FIN, nmap
    // re-probing a port — starts a new flow with the same 5-tuple. The distinct 5-tuples are
    // therefore exactly softflowd's count, and every extra flow follows a FIN/RST-ended one.
    const byTuple = new Map<string, typeof flows>()
    for (const f of flows) byTuple.set(tupleOf(f), [...(byTuple.get(tupleOf(f)) ?? []), f])
    expect(byTuple.size).toBe(softflowd)
    let extra = 0
    for (const group of byTuple.values()) {
      group.sort((a, b) => a.timeStart - b.timeStart)
      for (const earlier of group.slice(0, -1)) {
        expect(earlier.protocol).toBe(6)
        expect(earlier.tcpFlags & 0x05).not.toBe(0) // FIN or RST ended it
        extra++
      }
    }
    expect(flows.length).toBe(softflowd + extra)
    expect(extra).toBe(78)
    expect(summary.flowEnds).toMatchObject({ created: flows.length, exported: flows.length, idle: 0, active: 0, forced: 0 })
  })

  it('with the default timeouts (active 60 s, idle 15 s) quiet flows end idle instead of at the end of the file', async () => {
    const { flows, summary } = await analyse(new URL('dev-capture.pcapng', LOCAL))
    const long = runs.get('dev-capture.pcapng')!.summary.flowEnds
    expect(summary.flowEnds.active).toBe(0) // the capture lasts 28 s
    expect(summary.flowEnds.idle).toBeGreaterThan(0)
    // No 5-tuple of this capture resumes after 15 s of silence, so the flows are the same ones:
    // only the reason they ended moves from "end of file" to "idle".
    expect(summary.flowEnds.idle + summary.flowEnds.flushed).toBe(long.flushed)
    expect(summary.flowEnds.tcpEnd).toBe(long.tcpEnd)
    expect(sorted(flows)).toEqual(sorted(runs.get('dev-capture.pcapng')!.flows))
  })

  it('finds the services the lab ran, with their banners', () => {
    const services = runs.get('dev-capture.pcapng')!.summary.services
    const at = (addr: string, port: number) => services.find((s) => s.addr === addr && s.port === port && s.protocol === 'tcp')
    expect(at('10.77.0.10', 80)).toMatchObject({ service: 'http', product: 'SimpleHTTP/0.6 Python/3.11.2', sensor: 'test' })
    expect(at('10.77.0.10', 22)).toMatchObject({ service: 'ssh', product: 'OpenSSH_9.2p1' })
    expect(at('10.77.0.10', 80)!.evidence).toContain('Host: 10.77.0.10')
    // nmap's SYN scan of ports 1-200 only found what answered with SYN-ACK.
    expect(services.every((s) => s.packets > 0 && s.firstSeen <= s.lastSeen)).toBe(true)
  })

  it('chunk boundaries do not matter: 4,099-byte pieces give the same result as the file stream', async () => {
    const bytes = fixture('dev-capture.pcapng')
    const { summary, flows } = await analyse(bytes, { chunk: 4_099, activeTimeoutMs: HOUR, idleTimeoutMs: HOUR })
    const whole = runs.get('dev-capture.pcapng')!
    expect(sorted(flows)).toEqual(sorted(whole.flows))
    expect(summary.packets).toBe(whole.summary.packets)
  })

  it('gzip is recognised by content, whatever the name, and a gzipped pcapng reads the same', async () => {
    const { summary, flows } = await analyse(gzipSync(fixture('dev-capture.pcapng')), { activeTimeoutMs: HOUR, idleTimeoutMs: HOUR })
    expect(summary).toMatchObject({ compressed: true, format: 'pcapng', packets: 16_987, ipBytes: 1_252_554 })
    expect(sorted(flows)).toEqual(sorted(runs.get('dev-capture.pcapng')!.flows))
  })
})
