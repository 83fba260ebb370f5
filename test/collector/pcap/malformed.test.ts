import { gzipSync } from 'node:zlib'
import { describe, expect, it } from 'vitest'
import { NotACaptureError } from '../../../collector/capture/index.ts'
import { classicPcap, ipv4Frame, pcapngBlock, pcapngInterface, pcapngPacket, pcapngSection } from './build.ts'
import { analyse, decodeSkips, fixture } from './helpers.ts'

// Malformed containers and packets, one hand-written byte vector per reason: each is counted under
// its reason and skipped, good packets next to it still make flows, and nothing throws except
// "this is not a capture at all".
const good = ipv4Frame({ flags: 0x02 })

describe('malformed captures', () => {
  it('an input that is not a capture (or is empty) is a NotACaptureError naming the first bytes', async () => {
    await expect(analyse(Buffer.from('GET / HTTP/1.1\r\n'))).rejects.toThrow(NotACaptureError)
    await expect(analyse(Buffer.from('GET / HTTP/1.1\r\n'))).rejects.toThrow(/first bytes 47455420/)
    await expect(analyse(Buffer.alloc(0))).rejects.toThrow(NotACaptureError)
    await expect(analyse(gzipSync(Buffer.from('just text, compressed')))).rejects.toThrow(NotACaptureError)
  })

  it('packet-level problems are counted by reason; the good packets around them make their flow', async () => {
    const truncatedIp = ipv4Frame().subarray(0, 14 + 12)
    const badIhl = ipv4Frame({ ihl: 3 })
    const badTcpOffset = ipv4Frame({ tcpOff: 2 })
    const truncatedTcp = ipv4Frame().subarray(0, 14 + 20 + 10)
    const arp = Buffer.concat([Buffer.alloc(12), Buffer.from([0x08, 0x06]), Buffer.alloc(28)])
    const bytes = classicPcap([good, truncatedIp, badIhl, badTcpOffset, truncatedTcp, arp, good, good].map((data) => ({ data })))
    const { summary, flows } = await analyse(bytes)
    expect(summary.packets).toBe(8)
    expect(summary.skipped).toEqual({ truncated_packet: 2, bad_ip_header: 1, bad_transport_header: 1 })
    expect(summary.nonIp).toBe(1)
    expect(summary.ipv4).toBe(3)
    expect(flows).toHaveLength(1)
    expect(flows[0]).toMatchObject({ srcAddr: '192.0.2.1', dstAddr: '198.51.100.2', srcPort: 40000, dstPort: 80, packets: 3, bytes: 120, tcpFlags: 0x02 })
    expect(summary.packets).toBe(summary.ipv4 + summary.ipv6 + summary.nonIp + decodeSkips(summary))
  })

  it('an unknown link type is counted per packet, not fatal', async () => {
    const { summary, flows } = await analyse(classicPcap([{ data: good }, { data: good }], 147))
    expect(summary).toMatchObject({ packets: 2, linkTypes: [147], skipped: { unsupported_linktype: 2 } })
    expect(flows).toHaveLength(0)
  })

  it('a later fragment has no ports: counted as a fragment in a port-0 flow', async () => {
    const { summary, flows } = await analyse(classicPcap([{ data: ipv4Frame({ proto: 17, fragOffset: 185 }) }]))
    expect(summary.fragments).toBe(1)
    expect(flows[0]).toMatchObject({ protocol: 17, srcPort: 0, dstPort: 0, packets: 1 })
  })

  it('a file cut in the middle of a record keeps every whole record and counts the cut one', async () => {
    const whole = fixture('dev-capture.pcap')
    const { summary } = await analyse(whole.subarray(0, 100_003))
    let complete = 0
    for (let o = 24; o + 16 + whole.readUInt32LE(o + 8) <= 100_003; o += 16 + whole.readUInt32LE(o + 8)) complete++
    expect(summary.skipped).toEqual({ truncated_record: 1 })
    expect(summary.stoppedBy).toBeNull()
    expect(summary.packets).toBe(complete)
    expect(summary.packets).toBe(summary.ipv4 + summary.ipv6 + summary.nonIp)
  })

  it('a classic record length above 256 KiB stops reading (the file cannot be resynchronised)', async () => {
    const bytes = classicPcap([{ data: good }, { data: good, capLen: 0x7fff_0000 }, { data: good }])
    const { summary, flows } = await analyse(bytes)
    expect(summary).toMatchObject({ packets: 1, stoppedBy: 'bad_record_length', skipped: { bad_record_length: 1 } })
    expect(flows).toHaveLength(1)
  })

  it('pcapng: a packet on an undeclared interface and a short block are skipped; a bad block length stops', async () => {
    const short = pcapngBlock(6, Buffer.alloc(8))
    const broken = Buffer.from(pcapngPacket(0, good))
    broken.writeUInt32LE(13, 4) // not a multiple of 4
    const bytes = Buffer.concat([pcapngSection(), pcapngInterface(1), pcapngPacket(0, good), pcapngPacket(3, good), short, pcapngBlock(0x0bad, Buffer.alloc(40)), pcapngPacket(0, good), broken, pcapngPacket(0, good)])
    const { summary, flows } = await analyse(bytes)
    expect(summary.format).toBe('pcapng')
    expect(summary.packets).toBe(2)
    expect(summary.skipped).toEqual({ unknown_interface: 1, bad_block: 1, bad_block_length: 1 })
    expect(summary.stoppedBy).toBe('bad_block_length')
    expect(flows[0]!.packets).toBe(2)
  })

  it('a pcapng that does not start with a section header is refused as not a capture', async () => {
    await expect(analyse(Buffer.concat([pcapngInterface(1), pcapngPacket(0, good)]))).rejects.toThrow(NotACaptureError)
  })

  it('a cut gzip stream ends the capture with bad_compression after the packets before it', async () => {
    const gz = gzipSync(fixture('dev-capture.pcap'))
    const { summary } = await analyse(gz.subarray(0, 200_000))
    expect(summary).toMatchObject({ compressed: true, stoppedBy: 'bad_compression', skipped: { bad_compression: 1 } })
    expect(summary.packets).toBeGreaterThan(1000)
    expect(summary.packets).toBeLessThan(16_987)
  })

  it('garbage inside a gzip stream stops reading with a counted reason, never an exception', async () => {
    const gz = Buffer.from(gzipSync(fixture('dev-capture.pcap')))
    gz.fill(0x55, 150_000, 150_100)
    const { summary } = await analyse(gz)
    expect(summary.stoppedBy).not.toBeNull()
    expect(summary.skipped[summary.stoppedBy!]).toBe(1)
    expect(summary.packets).toBeLessThan(16_987)
  })
})

describe('flow assembly on packet time', () => {
  const at = (sec: number, flags = 0x10) => ({ data: ipv4Frame({ flags }), sec, usec: 0 })

  it('idle timeout: a 16 s gap starts a new flow; active timeout: a flow lasting over 60 s is cut', async () => {
    const idle = await analyse(classicPcap([at(0), at(10), at(26), at(27)].map((r) => ({ ...r, sec: r.sec + 1_800_000_000 }))))
    expect(idle.flows.map((f) => f.packets)).toEqual([2, 2])
    expect(idle.summary.flowEnds).toMatchObject({ idle: 1, flushed: 1 })
    const active = await analyse(classicPcap(Array.from({ length: 15 }, (_, i) => at(1_800_000_000 + i * 10))))
    // Packets every 10 s for 140 s: flows of 0-60 s, 70-130 s and 140 s.
    expect(active.flows.map((f) => f.packets)).toEqual([7, 7, 1])
    expect(active.summary.flowEnds).toMatchObject({ active: 2, flushed: 1 })
  })

  it('FIN or RST ends the flow after counting that packet; flags are OR-ed', async () => {
    const base = 1_800_000_000
    const { flows, summary } = await analyse(classicPcap([at(base, 0x02), at(base, 0x18), at(base, 0x11), at(base + 1, 0x10), at(base + 2, 0x04)]))
    expect(flows.map((f) => [f.packets, f.tcpFlags])).toEqual([[3, 0x1b], [2, 0x14]])
    expect(summary.flowEnds.tcpEnd).toBe(2)
  })

  it('the live-flow cap exports the oldest flow early and counts it', async () => {
    const frames = Array.from({ length: 10 }, (_, i) => ({ data: ipv4Frame({ sport: 1000 + i }), sec: 1_800_000_000 }))
    const { flows, summary } = await analyse(classicPcap([...frames, ...frames]), { maxFlows: 4 })
    expect(summary.flowEnds.forced).toBe(16)
    expect(flows.reduce((n, f) => n + f.packets, 0)).toBe(20)
  })
})
