import { printable } from './text.ts'
import type { Identification } from './types.ts'

const HANDSHAKE = 0x16
const CLIENT_HELLO = 1
const SERVER_HELLO = 2
const EXT_SERVER_NAME = 0
const EXT_SUPPORTED_VERSIONS = 43

const VERSIONS: Record<number, string> = { 0x0300: 'SSL 3.0', 0x0301: 'TLS 1.0', 0x0302: 'TLS 1.1', 0x0303: 'TLS 1.2', 0x0304: 'TLS 1.3' }

/**
 * The first TLS record of a connection, if it is a ClientHello (server name from SNI) or a
 * ServerHello (negotiated version, from supported_versions for TLS 1.3). Only what the first
 * captured segment holds is read; every length is checked against it.
 */
export function tlsHello(buf: Buffer, off: number, end: number): Identification | null {
  if (end - off < 9 || buf[off] !== HANDSHAKE || buf[off + 1] !== 3) return null
  const type = buf[off + 5]
  if (type !== CLIENT_HELLO && type !== SERVER_HELLO) return null
  const helloEnd = Math.min(end, off + 9 + buf.readUIntBE(off + 6, 3))
  // version(2) random(32) session id
  let p = off + 9 + 34
  if (p + 1 > helloEnd) return null
  const legacy = buf.readUInt16BE(off + 9)
  p += 1 + buf[p]!
  if (type === CLIENT_HELLO) {
    if (p + 2 > helloEnd) return null
    p += 2 + buf.readUInt16BE(p) // cipher suites
    if (p + 1 > helloEnd) return null
    p += 1 + buf[p]! // compression methods
  } else p += 3 // cipher suite, compression method
  if (p + 2 > helloEnd) return null
  const extEnd = Math.min(helloEnd, p + 2 + buf.readUInt16BE(p))
  p += 2
  let version = legacy
  let sni = ''
  while (p + 4 <= extEnd) {
    const ext = buf.readUInt16BE(p)
    const len = buf.readUInt16BE(p + 2)
    const body = p + 4
    if (body + len > extEnd) break
    if (type === CLIENT_HELLO && ext === EXT_SERVER_NAME && len >= 5 && buf[body + 2] === 0) {
      const nameLen = buf.readUInt16BE(body + 3)
      sni = printable(buf, body + 5, Math.min(body + len, body + 5 + nameLen), 128)
    } else if (type === SERVER_HELLO && ext === EXT_SUPPORTED_VERSIONS && len === 2) version = buf.readUInt16BE(body)
    p = body + len
  }
  if (type === CLIENT_HELLO) return { service: 'tls', product: '', evidence: sni ? `SNI: ${sni}` : '' }
  return { service: 'tls', product: '', evidence: VERSIONS[version] ?? `TLS 0x${version.toString(16)}` }
}
