import { describe, expect, it } from 'vitest'
import { ipv4Frame, pcapngWriter } from './build.ts'
import { analyse } from './helpers.ts'

// Hand-built pcapng files for what the real captures do not exercise: big-endian sections,
// several interfaces with their own link types and timestamp resolutions, if_tsoffset, simple
// packet blocks, unknown blocks, and a second section that forgets the first one's interfaces.
const ether = ipv4Frame({ sport: 40000, flags: 0x02 })
const raw = ipv4Frame({ src: '203.0.113.7', sport: 50000, flags: 0x02 }).subarray(14)

describe('pcapng', () => {
  it.each([true, false])('little-endian %s: interfaces with their own link type and if_tsresol', async (le) => {
    const w = pcapngWriter(le)
    const bytes = Buffer.concat([
      w.section(),
      w.iface(1), // Ethernet, default microseconds
      w.iface(101, { tsresol: 9 }), // raw IP, nanoseconds
      w.iface(101, { tsresol: 0x80 | 10 }), // raw IP, 1/1024 s
      w.packet(0, ether, 1_800_000_000_123_456n),
      w.packet(1, raw, 1_800_000_000_987_654_321n),
      w.block(0x0bad_cafe, Buffer.alloc(12)), // unknown block: skipped
      w.packet(2, raw, 1_800_000_000n * 1024n + 512n), // .5 s
    ])
    const { summary, flows } = await analyse(bytes)
    expect(summary).toMatchObject({ format: 'pcapng', packets: 3, linkTypes: [1, 101], skipped: {}, stoppedBy: null })
    expect(summary.firstPacket!.iso).toBe('2027-01-15T08:00:00.123456000Z')
    expect(summary.lastPacket!.iso).toBe('2027-01-15T08:00:00.987654321Z')
    expect(flows.map((f) => [f.srcAddr, f.timeStart, f.timeEnd])).toEqual([
      ['192.0.2.1', 1_800_000_000_123, 1_800_000_000_123],
      ['203.0.113.7', 1_800_000_000_500, 1_800_000_000_987],
    ])
  })

  it('if_tsoffset shifts every timestamp of its interface by whole seconds', async () => {
    const w = pcapngWriter(true)
    const { summary } = await analyse(Buffer.concat([w.section(), w.iface(1, { tsoffset: 1_800_000_000n }), w.packet(0, ether, 1_500_000n)]))
    expect(summary.firstPacket!.iso).toBe('2027-01-15T08:00:01.500000000Z')
  })

  it('a simple packet block uses interface 0 and the last timestamp seen', async () => {
    const w = pcapngWriter(true)
    const { summary, flows } = await analyse(Buffer.concat([w.section(), w.iface(1), w.packet(0, ether, 1_800_000_000_000_000n), w.simple(ether), w.simple(ether)]))
    expect(summary.packets).toBe(3)
    expect(flows).toHaveLength(1)
    expect(flows[0]).toMatchObject({ packets: 3, timeStart: 1_800_000_000_000, timeEnd: 1_800_000_000_000 })
  })

  it('a new section header forgets the interfaces of the previous section (and may switch byte order)', async () => {
    const le = pcapngWriter(true)
    const be = pcapngWriter(false)
    const bytes = Buffer.concat([
      le.section(), le.iface(1), le.iface(101), le.packet(1, raw, 1_800_000_000_000_000n),
      be.section(), be.iface(1), be.packet(0, ether, 1_800_000_001_000_000n), be.packet(1, raw, 1_800_000_002_000_000n),
    ])
    const { summary } = await analyse(bytes)
    expect(summary).toMatchObject({ sections: 2, packets: 2, skipped: { unknown_interface: 1 }, stoppedBy: null })
  })
})
