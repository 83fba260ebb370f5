import { writeIpv6 } from '../../../collector/packet/address-parse.ts'

/**
 * Hand-written byte vectors for malformed-input tests: classic pcap and pcapng containers around
 * frames built field by field, so each test shows exactly which byte is wrong.
 */
export function classicPcap(frames: { data: Buffer; sec?: number; usec?: number; capLen?: number }[], linkType = 1): Buffer {
  const head = Buffer.alloc(24)
  head.writeUInt32LE(0xa1b2c3d4, 0)
  head.writeUInt16LE(2, 4)
  head.writeUInt16LE(4, 6)
  head.writeUInt32LE(262_144, 16)
  head.writeUInt32LE(linkType, 20)
  const records = frames.map((f, i) => {
    const r = Buffer.alloc(16)
    r.writeUInt32LE(f.sec ?? 1_800_000_000, 0)
    r.writeUInt32LE(f.usec ?? i, 4)
    r.writeUInt32LE(f.capLen ?? f.data.length, 8)
    r.writeUInt32LE(f.data.length, 12)
    return Buffer.concat([r, f.data])
  })
  return Buffer.concat([head, ...records])
}

function block(type: number, body: Buffer): Buffer {
  const pad = (4 - (body.length % 4)) % 4
  const len = 12 + body.length + pad
  const b = Buffer.alloc(len)
  b.writeUInt32LE(type, 0)
  b.writeUInt32LE(len, 4)
  body.copy(b, 8)
  b.writeUInt32LE(len, len - 4)
  return b
}

export const pcapngSection = (): Buffer => {
  const body = Buffer.alloc(16)
  body.writeUInt32LE(0x1a2b3c4d, 0)
  body.writeUInt16LE(1, 4)
  body.writeBigInt64LE(-1n, 8)
  return block(0x0a0d0d0a, body)
}

export const pcapngInterface = (linkType: number): Buffer => {
  const body = Buffer.alloc(8)
  body.writeUInt16LE(linkType, 0)
  body.writeUInt32LE(262_144, 4)
  return block(1, body)
}

/** Enhanced packet block; timestamps in the default microsecond resolution. */
export const pcapngPacket = (iface: number, data: Buffer, usec = 1_800_000_000_000_000n): Buffer => {
  const body = Buffer.alloc(20 + data.length)
  body.writeUInt32LE(iface, 0)
  body.writeUInt32LE(Number(usec >> 32n), 4)
  body.writeUInt32LE(Number(usec & 0xffffffffn), 8)
  body.writeUInt32LE(data.length, 12)
  body.writeUInt32LE(data.length, 16)
  data.copy(body, 20)
  return block(6, body)
}

export const pcapngBlock = block

/** Ethernet + IPv4 + TCP (or UDP) with the given fields; `ipLen` overrides the total length. */
export function ipv4Frame(o: { src?: string; dst?: string; proto?: number; sport?: number; dport?: number; flags?: number; payload?: Buffer; ihl?: number; tcpOff?: number; fragOffset?: number } = {}): Buffer {
  const proto = o.proto ?? 6
  const payload = o.payload ?? Buffer.alloc(0)
  const l4 = proto === 6 ? 20 : proto === 17 ? 8 : 4
  const ip = Buffer.alloc(20 + l4 + payload.length)
  ip[0] = 0x40 | (o.ihl ?? 5)
  ip.writeUInt16BE(ip.length, 2)
  ip.writeUInt16BE(o.fragOffset ?? 0, 6)
  ip[8] = 64
  ip[9] = proto
  Buffer.from((o.src ?? '192.0.2.1').split('.').map(Number)).copy(ip, 12)
  Buffer.from((o.dst ?? '198.51.100.2').split('.').map(Number)).copy(ip, 16)
  if (proto === 6 || proto === 17) {
    ip.writeUInt16BE(o.sport ?? 40000, 20)
    ip.writeUInt16BE(o.dport ?? 80, 22)
  }
  if (proto === 6) {
    ip[32] = (o.tcpOff ?? 5) << 4
    ip[33] = o.flags ?? 0x02
  }
  if (proto === 17) ip.writeUInt16BE(8 + payload.length, 24)
  payload.copy(ip, 20 + l4)
  const eth = Buffer.alloc(14)
  eth.writeUInt16BE(0x0800, 12)
  return Buffer.concat([eth, ip])
}

/** Ethernet + IPv6 + TCP (SYN) between the given addresses and ports. */
export function ipv6Frame(o: { src: string; dst: string; sport: number; dport: number }): Buffer {
  const ip = Buffer.alloc(40 + 20)
  ip[0] = 0x60
  ip.writeUInt16BE(20, 4)
  ip[6] = 6
  ip[7] = 64
  writeIpv6(ip, 8, o.src)
  writeIpv6(ip, 24, o.dst)
  ip.writeUInt16BE(o.sport, 40)
  ip.writeUInt16BE(o.dport, 42)
  ip[52] = 5 << 4
  ip[53] = 0x02
  const eth = Buffer.alloc(14)
  eth.writeUInt16BE(0x86dd, 12)
  return Buffer.concat([eth, ip])
}

/** pcapng blocks in either byte order, with IDB options (if_tsresol, if_tsoffset). */
export function pcapngWriter(le: boolean) {
  const u16 = (b: Buffer, v: number, o: number) => (le ? b.writeUInt16LE(v, o) : b.writeUInt16BE(v, o))
  const u32 = (b: Buffer, v: number, o: number) => (le ? b.writeUInt32LE(v >>> 0, o) : b.writeUInt32BE(v >>> 0, o))
  const blockOf = (type: number, body: Buffer): Buffer => {
    const pad = (4 - (body.length % 4)) % 4
    const len = 12 + body.length + pad
    const b = Buffer.alloc(len)
    u32(b, type, 0)
    u32(b, len, 4)
    body.copy(b, 8)
    u32(b, len, len - 4)
    return b
  }
  const option = (code: number, value: Buffer): Buffer => {
    const b = Buffer.alloc(4 + value.length + ((4 - (value.length % 4)) % 4))
    u16(b, code, 0)
    u16(b, value.length, 2)
    value.copy(b, 4)
    return b
  }
  return {
    section(): Buffer {
      const body = Buffer.alloc(16)
      u32(body, 0x1a2b3c4d, 0)
      u16(body, 1, 4)
      body.writeBigInt64LE(-1n, 8)
      return blockOf(0x0a0d0d0a, body)
    },
    iface(linkType: number, o: { tsresol?: number; tsoffset?: bigint } = {}): Buffer {
      const head = Buffer.alloc(8)
      u16(head, linkType, 0)
      u32(head, 262_144, 4)
      const opts: Buffer[] = []
      if (o.tsresol !== undefined) opts.push(option(9, Buffer.from([o.tsresol])))
      if (o.tsoffset !== undefined) {
        const v = Buffer.alloc(8)
        if (le) v.writeBigInt64LE(o.tsoffset)
        else v.writeBigInt64BE(o.tsoffset)
        opts.push(option(14, v))
      }
      if (opts.length) opts.push(Buffer.alloc(4)) // opt_endofopt
      return blockOf(1, Buffer.concat([head, ...opts]))
    },
    packet(iface: number, data: Buffer, units: bigint): Buffer {
      const head = Buffer.alloc(20)
      u32(head, iface, 0)
      u32(head, Number(units >> 32n), 4)
      u32(head, Number(units & 0xffffffffn), 8)
      u32(head, data.length, 12)
      u32(head, data.length, 16)
      return blockOf(6, Buffer.concat([head, data]))
    },
    simple(data: Buffer): Buffer {
      const head = Buffer.alloc(4)
      u32(head, data.length, 0)
      return blockOf(3, Buffer.concat([head, data]))
    },
    block: blockOf,
  }
}
