import { describe, expect, it } from 'vitest'
import { FlowTable, NO_FLOW, tupleHash } from '../../../collector/flows/table.ts'
import { decodePacket } from '../../../collector/packet/decode.ts'
import { newPacketInfo, type PacketInfo } from '../../../collector/packet/types.ts'
import { ipv4Frame, ipv6Frame } from './build.ts'

// The flow table finds flows through an open-addressing index over a 30-bit hash, then a field
// comparison. Real captures rarely collide, so collisions are forced here: every flow of one
// probe run must still be found, deleted (the run shifted back) and iterated exactly, and
// replies must find their reverse flow.
function decoded(data: Buffer): PacketInfo {
  const info = newPacketInfo()
  expect(decodePacket({ buf: data, offset: 0, capLen: data.length, origLen: data.length, sec: 0, ns: 0, linkType: 1, iface: 0 }, info)).toBe('ip')
  return { ...info }
}
const packet = (o: Parameters<typeof ipv4Frame>[0]) => decoded(ipv4Frame(o))

const order = (table: FlowTable): number[] => {
  const ids: number[] = []
  table.each((id) => ids.push(id))
  return ids
}

describe('flow table', () => {
  it('keeps flows that share a hash apart, in creation order, through deletions', () => {
    const table = new FlowTable(100)
    const packets = Array.from({ length: 6 }, (_, i) => packet({ sport: 1000 + i, proto: i % 2 ? 17 : 6 }))
    const flows = packets.map((p) => table.add(p, 7, 0, 0)) // all with hash 7: one probe run
    packets.forEach((p, i) => expect(table.find(p, 7, false)).toBe(flows[i]))
    expect(table.find(packet({ sport: 999 }), 7, false)).toBe(NO_FLOW)
    table.delete(flows[3]!) // middle of the run
    table.delete(flows[5]!) // end of the run
    table.delete(flows[0]!) // start of the run, and the oldest
    expect(table.size).toBe(3)
    expect(table.find(packets[3]!, 7, false)).toBe(NO_FLOW)
    for (const i of [1, 2, 4]) expect(table.find(packets[i]!, 7, false)).toBe(flows[i])
    expect(order(table)).toEqual([flows[1], flows[2], flows[4]])
    expect(table.first()).toBe(flows[1])
    // Freed ids are used again, and a reused id carries only its new flow.
    const again = table.add(packets[0]!, 7, 5, 0)
    expect([flows[0], flows[3], flows[5]]).toContain(again)
    expect(table.packets(again)).toBe(0)
    expect(table.firstUs(again)).toBe(5)
    expect(table.find(packets[0]!, 7, false)).toBe(again)
    table.each((id) => table.delete(id))
    expect(table.size).toBe(0)
    expect(table.first()).toBe(NO_FLOW)
  })

  it('finds every one of many flows while it grows, and after half are deleted', () => {
    const table = new FlowTable(50_000)
    const packets = Array.from({ length: 20_000 }, (_, i) => packet({ src: `10.0.${i >> 8}.${i & 255}`, sport: 1024 + (i % 7), proto: 6 }))
    const ids = packets.map((p) => table.add(p, tupleHash(p, false), 0, 0))
    expect(new Set(ids).size).toBe(packets.length)
    packets.forEach((p, i) => {
      if (i % 2 === 0) table.delete(ids[i]!)
    })
    packets.forEach((p, i) => expect(table.find(p, tupleHash(p, false), false)).toBe(i % 2 === 0 ? NO_FLOW : ids[i]))
    expect(table.size).toBe(10_000)
  })

  it('a reply hashes like the flow it answers and finds it, IPv4 and IPv6', () => {
    for (const [request, reply] of [
      [packet({ src: '192.0.2.1', dst: '198.51.100.2', sport: 40000, dport: 53, proto: 17 }), packet({ src: '198.51.100.2', dst: '192.0.2.1', sport: 53, dport: 40000, proto: 17 })],
      [decoded(ipv6Frame({ src: '2001:db8::1', dst: '2001:db8::2', sport: 40000, dport: 443 })), decoded(ipv6Frame({ src: '2001:db8::2', dst: '2001:db8::1', sport: 443, dport: 40000 }))],
    ] as const) {
      expect(tupleHash(reply, true)).toBe(tupleHash(request, false))
      expect(tupleHash(reply, false)).not.toBe(tupleHash(request, false))
      const table = new FlowTable(10)
      const flow = table.add(request, tupleHash(request, false), 0, 0)
      expect(table.find(reply, tupleHash(reply, true), true)).toBe(flow)
      expect(table.find(request, tupleHash(request, true), true)).toBe(NO_FLOW)
    }
  })
})
