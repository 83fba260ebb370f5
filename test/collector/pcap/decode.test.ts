import { describe, expect, it } from 'vitest'
import { decodePacket } from '../../../collector/packet/decode.ts'
import { newPacketInfo, type DecodeStatus, type PacketInfo } from '../../../collector/packet/types.ts'
import { ipv4Frame } from './build.ts'

// Hand-written IP packets (raw IP link type) for the decoder paths the fixture captures do not
// reach: IPv6 extension header chains, fragments of both versions, IPv4 options, other protocols.
function decode(ip: Buffer, linkType = 101): { status: DecodeStatus; info: PacketInfo } {
  const info = newPacketInfo()
  const status = decodePacket({ buf: ip, offset: 0, capLen: ip.length, origLen: ip.length, sec: 0, ns: 0, linkType, iface: 0 }, info)
  return { status, info }
}

/** IPv6 from 2001:db8::1 to 2001:db8::2 with the given extension headers ([type, bytes]) and payload. */
function ipv6(first: number, ext: Buffer[], payload: Buffer): Buffer {
  const body = Buffer.concat([...ext, payload])
  const h = Buffer.alloc(40)
  h[0] = 0x60
  h.writeUInt16BE(body.length, 4)
  h[6] = first
  h[7] = 64
  Buffer.from('20010db8000000000000000000000001', 'hex').copy(h, 8)
  Buffer.from('20010db8000000000000000000000002', 'hex').copy(h, 24)
  return Buffer.concat([h, body])
}
/** An 8-byte extension header (hop-by-hop, routing, destination options) followed by `next`. */
const ext8 = (next: number) => Buffer.from([next, 0, 0, 0, 0, 0, 0, 0])
const fragment = (next: number, offset: number, more: boolean) => {
  const b = Buffer.alloc(8)
  b[0] = next
  b.writeUInt16BE((offset << 3) | (more ? 1 : 0), 2)
  b.writeUInt32BE(0x1234, 4)
  return b
}
const udp = (sport: number, dport: number) => {
  const b = Buffer.alloc(12)
  b.writeUInt16BE(sport, 0)
  b.writeUInt16BE(dport, 2)
  b.writeUInt16BE(12, 4)
  return b
}

describe('IP decoding', () => {
  it('IPv6: hop-by-hop → routing → destination options → first fragment → UDP', () => {
    const packet = ipv6(0, [ext8(43), ext8(60), ext8(44), fragment(17, 0, true)], udp(5353, 53))
    const { status, info } = decode(packet)
    expect(status).toBe('ip')
    expect(info).toMatchObject({ ipVersion: 6, protocol: 17, srcPort: 5353, dstPort: 53, fragment: false, ipBytes: packet.length, payloadLen: 4 })
  })

  it('IPv6: a later fragment has the protocol but no ports', () => {
    const { status, info } = decode(ipv6(44, [fragment(17, 185, false)], Buffer.alloc(16)))
    expect(status).toBe('ip')
    expect(info).toMatchObject({ protocol: 17, fragment: true, srcPort: 0, dstPort: 0 })
  })

  it('IPv6: an extension header chain cut by the capture is truncated_packet', () => {
    expect(decode(ipv6(0, [ext8(43)], Buffer.alloc(0)).subarray(0, 44)).status).toBe('truncated_packet')
    expect(decode(ipv6(0, [Buffer.from([60, 3, 0, 0, 0, 0, 0, 0])], Buffer.alloc(0))).status).toBe('truncated_packet')
  })

  it('ICMPv6 type and code; an unknown next header is kept as the protocol', () => {
    expect(decode(ipv6(58, [], Buffer.from([135, 0, 0, 0]))).info).toMatchObject({ protocol: 58, icmpType: 135, icmpCode: 0 })
    expect(decode(ipv6(0, [ext8(47)], Buffer.alloc(8))).info).toMatchObject({ protocol: 47, srcPort: 0, dstPort: 0 })
  })

  it('IPv4 with options: the transport header is found after them', () => {
    const frame = ipv4Frame({ sport: 1234, dport: 443, flags: 0x12 }).subarray(14)
    // Insert one 4-byte option (NOP NOP NOP EOL) and fix the header length and total length.
    const withOpts = Buffer.concat([frame.subarray(0, 20), Buffer.from([1, 1, 1, 0]), frame.subarray(20)])
    withOpts[0] = 0x46
    withOpts.writeUInt16BE(withOpts.length, 2)
    expect(decode(withOpts).info).toMatchObject({ ipVersion: 4, protocol: 6, srcPort: 1234, dstPort: 443, tcpFlags: 0x12, ipBytes: 44 })
  })

  it('IPv4 fragments: the first (offset 0, more fragments) has ports, later ones do not', () => {
    const first = ipv4Frame({ proto: 17, sport: 500, dport: 4500 }).subarray(14)
    first.writeUInt16BE(0x2000, 6) // MF
    expect(decode(first).info).toMatchObject({ fragment: false, srcPort: 500, dstPort: 4500 })
    const later = ipv4Frame({ proto: 17, sport: 500, dport: 4500, fragOffset: 0x2000 | 185 }).subarray(14)
    expect(decode(later).info).toMatchObject({ fragment: true, srcPort: 0, dstPort: 0, protocol: 17 })
  })

  it('IPv4 total length below the header length is bad_ip_header; a TCP header cut short is truncated_packet', () => {
    const bad = Buffer.from(ipv4Frame().subarray(14))
    bad.writeUInt16BE(12, 2)
    expect(decode(bad).status).toBe('bad_ip_header')
    expect(decode(ipv4Frame().subarray(14, 14 + 30)).status).toBe('truncated_packet')
  })

  it('MPLS and PPPoE framing: a stack without its bottom or a cut PPPoE header is truncated; other payloads are not IP', () => {
    const ip = ipv4Frame({ proto: 17, sport: 5000, dport: 53 }).subarray(14)
    const eth = (type: number, body: Buffer) => Buffer.concat([Buffer.alloc(12), Buffer.from([type >> 8, type & 0xff]), body])
    const label = (bottom: boolean) => Buffer.from([0x00, 0x3e, 0x80 | (bottom ? 1 : 0), 64])
    expect(decode(eth(0x8847, Buffer.concat([label(false), label(true), ip])), 1).info).toMatchObject({ ipVersion: 4, dstPort: 53 })
    expect(decode(eth(0x8847, Buffer.concat([label(false), label(false)])), 1).status).toBe('truncated_packet')
    // A pseudowire control word (first nibble 0) after the stack: Ethernet over MPLS, not IP.
    expect(decode(eth(0x8847, Buffer.concat([label(true), Buffer.alloc(4), ip])), 1).status).toBe('non_ip')
    const pppoe = (ppp: number, body: Buffer) => Buffer.concat([Buffer.from([0x11, 0x00, 0x12, 0x34, 0, body.length + 2, ppp >> 8, ppp & 0xff]), body])
    expect(decode(eth(0x8864, pppoe(0x0021, ip)), 1).info).toMatchObject({ ipVersion: 4, srcPort: 5000 })
    expect(decode(eth(0x8864, pppoe(0xc021, Buffer.alloc(20))), 1).status).toBe('non_ip') // LCP
    expect(decode(eth(0x8864, Buffer.from([0x11, 0x00, 0x12])), 1).status).toBe('truncated_packet')
  })
})
