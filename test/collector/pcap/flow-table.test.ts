import { describe, expect, it } from 'vitest'
import { LiveFlow } from '../../../collector/flows/live-flow.ts'
import { FlowTable, tupleHash } from '../../../collector/flows/table.ts'
import { decodePacket } from '../../../collector/packet/decode.ts'
import { newPacketInfo, type PacketInfo } from '../../../collector/packet/types.ts'
import { ipv4Frame } from './build.ts'

// The flow table finds flows by a 30-bit hash and a field comparison. Real captures rarely
// collide, so collisions are forced here: every flow in one bucket must still be found, deleted
// and iterated exactly, and replies must find their reverse flow.
function packet(o: Parameters<typeof ipv4Frame>[0]): PacketInfo {
  const info = newPacketInfo()
  const data = ipv4Frame(o)
  expect(decodePacket({ buf: data, offset: 0, capLen: data.length, origLen: data.length, sec: 0, ns: 0, linkType: 1, iface: 0 }, info)).toBe('ip')
  return { ...info }
}

describe('flow table', () => {
  it('keeps flows that share a hash apart, in creation order, through deletions', () => {
    const table = new FlowTable()
    const packets = Array.from({ length: 6 }, (_, i) => packet({ sport: 1000 + i, proto: i % 2 ? 17 : 6 }))
    const flows = packets.map((p) => new LiveFlow(7, p, 0, 0, 0)) // all in bucket 7
    for (const f of flows) table.add(f)
    packets.forEach((p, i) => expect(table.find(p, 7, false)).toBe(flows[i]))
    expect(table.find(packet({ sport: 999 }), 7, false)).toBeUndefined()
    table.delete(flows[3]!) // middle of the chain
    table.delete(flows[5]!) // head of the chain (added last)
    table.delete(flows[0]!) // oldest
    expect(table.size).toBe(3)
    expect(table.find(packets[3]!, 7, false)).toBeUndefined()
    for (const i of [1, 2, 4]) expect(table.find(packets[i]!, 7, false)).toBe(flows[i])
    const order: LiveFlow[] = []
    table.each((f) => order.push(f))
    expect(order).toEqual([flows[1], flows[2], flows[4]])
    expect(table.first()).toBe(flows[1])
    table.each((f) => table.delete(f))
    expect(table.size).toBe(0)
    expect(table.first()).toBeNull()
  })

  it('a reply hashes like the flow it answers and finds it', () => {
    const request = packet({ src: '192.0.2.1', dst: '198.51.100.2', sport: 40000, dport: 53, proto: 17 })
    const reply = packet({ src: '198.51.100.2', dst: '192.0.2.1', sport: 53, dport: 40000, proto: 17 })
    expect(tupleHash(reply, true)).toBe(tupleHash(request, false))
    expect(tupleHash(reply, false)).not.toBe(tupleHash(request, false))
    const table = new FlowTable()
    const flow = new LiveFlow(tupleHash(request, false), request, 0, 0, 0)
    table.add(flow)
    expect(table.find(reply, tupleHash(reply, true), true)).toBe(flow)
    expect(table.find(request, tupleHash(request, true), true)).toBeUndefined()
  })
})
