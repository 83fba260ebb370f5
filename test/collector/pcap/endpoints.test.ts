import { describe, expect, it } from 'vitest'
import { EndpointIndex } from '../../../collector/discovery/endpoints.ts'
import { newPacketInfo, type PacketInfo } from '../../../collector/packet/types.ts'

// Discovery's index of services by endpoint: IPv4 in an open-addressing table that grows, IPv6
// by string key; TCP and UDP on the same address and port are different services.
const v4 = (src: number, srcPort: number, protocol: number): PacketInfo => ({ ...newPacketInfo(), ipVersion: 4, src4: src >>> 0, dst4: 0x0a000001, srcPort, dstPort: 40000, protocol })

describe('endpoint index', () => {
  it('finds each of thousands of endpoints as it grows, by either side of a packet', () => {
    const index = new EndpointIndex()
    const endpoints = Array.from({ length: 5000 }, (_, i) => v4(0xc0000000 + i * 7919, 1 + (i % 1000), i % 3 === 0 ? 17 : 6))
    endpoints.forEach((p, i) => index.set(p, true, i))
    expect(index.size).toBe(5000)
    endpoints.forEach((p, i) => expect(index.get(p, true)).toBe(i))
    // The same endpoint seen as a destination (a client's packet to the service).
    const reply = endpoints[4321]!
    expect(index.get({ ...reply, src4: 0x0a000001, dst4: reply.src4, srcPort: 40000, dstPort: reply.srcPort }, false)).toBe(4321)
    // Same address and port, the other protocol: unknown.
    expect(index.get({ ...reply, protocol: reply.protocol === 6 ? 17 : 6 }, true)).toBe(-1)
    expect(index.get(v4(0x01020304, 80, 6), true)).toBe(-1)
  })

  it('keeps IPv6 endpoints apart from IPv4 ones', () => {
    const index = new EndpointIndex()
    const buf = Buffer.alloc(32)
    buf[15] = 1 // ::1 as source
    const p6: PacketInfo = { ...newPacketInfo(), ipVersion: 6, buf, srcOff: 0, dstOff: 16, srcPort: 443, dstPort: 50000, protocol: 6 }
    index.set(p6, true, 7)
    expect(index.get(p6, true)).toBe(7)
    expect(index.get({ ...p6, srcPort: 444 }, true)).toBe(-1)
    expect(index.get(v4(1, 443, 6), true)).toBe(-1)
  })
})
