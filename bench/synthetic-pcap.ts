// A synthetic classic pcap for the capture benchmarks: 1.2 million Ethernet/IPv4/TCP packets in
// 120,000 short HTTP connections (2,000 in progress at once, interleaved). Each connection gives
// three unidirectional flows: the client's and the server's, each ended by its FIN, and the
// client's last ACK after its FIN, which starts a new flow as on a NetFlow exporter.
import { closeSync, openSync, writeSync } from 'node:fs'
import { sized } from './smoke.ts'

const CONNECTIONS = sized(120_000, 6_000) // a multiple of GROUP
const STEPS = 10 // packets per connection: handshake, request, response, data, FIN/ACK
const GROUP = 2_000 // connections in progress at once, interleaved

/** Client 10.a.b.c:port → server 192.0.2.x:80, a full short HTTP conversation per connection. */
export function writeSyntheticPcap(path: string): { packets: number; connections: number } {
  const fd = openSync(path, 'w')
  const header = Buffer.alloc(24)
  header.writeUInt32LE(0xa1b2c3d4, 0)
  header.writeUInt16LE(2, 4)
  header.writeUInt16LE(4, 6)
  header.writeUInt32LE(262144, 16)
  header.writeUInt32LE(1, 20)
  writeSync(fd, header)
  const buf = Buffer.alloc(GROUP * STEPS * 300)
  const request = Buffer.from('GET / HTTP/1.1\r\nHost: bench.example\r\nUser-Agent: bench\r\n\r\n')
  const response = Buffer.from('HTTP/1.1 200 OK\r\nServer: nginx/1.24.0\r\nContent-Length: 120\r\n\r\n' + 'x'.repeat(120))
  // step: [from client?, flags, payload]
  const steps: [boolean, number, Buffer | null][] = [
    [true, 0x02, null], [false, 0x12, null], [true, 0x10, null], [true, 0x18, request], [false, 0x10, null],
    [false, 0x18, response], [true, 0x10, null], [true, 0x11, null], [false, 0x11, null], [true, 0x10, null],
  ]
  let usec = 0
  for (let g = 0; g < CONNECTIONS; g += GROUP) {
    let o = 0
    for (const [fromClient, flags, payload] of steps) {
      for (let c = g; c < g + GROUP; c++) {
        const client = (10 << 24) | c
        const server = (192 << 24) | (2 << 8) | (c % 200)
        const cport = 1024 + (c % 60000)
        const len = 54 + (payload?.length ?? 0)
        usec += 1
        buf.writeUInt32LE(1_800_000_000 + Math.floor(usec / 1e6), o)
        buf.writeUInt32LE(usec % 1e6, o + 4)
        buf.writeUInt32LE(len, o + 8)
        buf.writeUInt32LE(len, o + 12)
        const p = o + 16
        buf.fill(0, p, p + 54)
        buf.writeUInt16BE(0x0800, p + 12)
        buf[p + 14] = 0x45
        buf.writeUInt16BE(len - 14, p + 16)
        buf[p + 22] = 64
        buf[p + 23] = 6
        buf.writeUInt32BE((fromClient ? client : server) >>> 0, p + 26)
        buf.writeUInt32BE((fromClient ? server : client) >>> 0, p + 30)
        buf.writeUInt16BE(fromClient ? cport : 80, p + 34)
        buf.writeUInt16BE(fromClient ? 80 : cport, p + 36)
        buf[p + 46] = 0x50
        buf[p + 47] = flags
        if (payload) payload.copy(buf, p + 54)
        o += 16 + len
      }
    }
    writeSync(fd, buf, 0, o)
  }
  closeSync(fd)
  return { packets: CONNECTIONS * STEPS, connections: CONNECTIONS }
}
