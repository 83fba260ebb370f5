import { readFileSync } from 'node:fs'
import { gunzipSync } from 'node:zlib'

export const NETFLOW_FIXTURES = new URL('../fixtures/netflow/', import.meta.url)

export interface Datagram {
  payload: Buffer
  /** Capture time, epoch ms. */
  at: number
  srcPort: number
  dstPort: number
}

/**
 * The UDP payloads of a classic Ethernet pcap (little-endian, microseconds) as tcpdump wrote the
 * fixture exports: one NetFlow / IPFIX export packet per datagram, in capture order. A gzipped
 * capture (.gz) is read as it is.
 */
export function exportDatagrams(file: string | URL): Datagram[] {
  const raw = readFileSync(typeof file === 'string' ? new URL(file, NETFLOW_FIXTURES) : file)
  const buf = raw[0] === 0x1f && raw[1] === 0x8b ? gunzipSync(raw) : raw
  const out: Datagram[] = []
  for (let o = 24; o + 16 <= buf.length; ) {
    const at = buf.readUInt32LE(o) * 1000 + Math.floor(buf.readUInt32LE(o + 4) / 1000)
    const len = buf.readUInt32LE(o + 8)
    const frame = buf.subarray(o + 16, o + 16 + len)
    o += 16 + len
    const type = frame.readUInt16BE(12)
    const ip = frame.subarray(14)
    const header = type === 0x0800 ? (ip[0]! & 15) * 4 : type === 0x86dd ? 40 : -1
    const proto = type === 0x0800 ? ip[9] : ip[6]
    if (header < 0 || proto !== 17) continue
    const udp = ip.subarray(header)
    out.push({ payload: udp.subarray(8), at, srcPort: udp.readUInt16BE(0), dstPort: udp.readUInt16BE(2) })
  }
  return out
}
