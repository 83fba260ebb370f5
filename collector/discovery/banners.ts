import { lineEnd, printable, startsWith } from './text.ts'
import { MAX_EVIDENCE, MAX_PRODUCT, type Identification } from './types.ts'

/** `SSH-2.0-OpenSSH_9.2p1 Debian-2`: the software version is the product. */
export function sshBanner(buf: Buffer, off: number, end: number): Identification | null {
  if (!startsWith(buf, off, end, 'SSH-')) return null
  const line = printable(buf, off, lineEnd(buf, off, end), MAX_EVIDENCE)
  const software = /^SSH-[\d.]+-(\S+)/.exec(line)?.[1] ?? ''
  return { service: 'ssh', product: software.slice(0, MAX_PRODUCT), evidence: line }
}

const SMTP_PORTS = new Set([25, 465, 587, 2525])
const FTP_PORTS = new Set([21, 990, 2121])

/**
 * Server-first text greetings: `220` (FTP or SMTP, told apart by the text, then by the port),
 * `+OK` (POP3; Redis answers `+OK` too, but only to a command and never on 6379's first line
 * unasked, so port 6379 is left to the Redis check), `* OK` (IMAP).
 */
export function greeting(buf: Buffer, off: number, end: number, port: number): Identification | null {
  const line = () => printable(buf, off, lineEnd(buf, off, end), MAX_EVIDENCE)
  if (startsWith(buf, off, end, '220 ') || startsWith(buf, off, end, '220-')) {
    const text = line()
    const service = /e?smtp|postfix|exim|sendmail/i.test(text) ? 'smtp' : /ftp/i.test(text) ? 'ftp'
      : SMTP_PORTS.has(port) ? 'smtp' : FTP_PORTS.has(port) ? 'ftp' : ''
    return service ? { service, product: productOf(text.slice(4)), evidence: text } : null
  }
  if (startsWith(buf, off, end, '+OK') && port !== 6379) {
    const text = line()
    return port === 110 || port === 995 || /pop/i.test(text) ? { service: 'pop3', product: productOf(text.slice(3)), evidence: text } : null
  }
  if (startsWith(buf, off, end, '* OK')) {
    const text = line()
    return { service: 'imap', product: productOf(text.slice(4)), evidence: text }
  }
  return null
}

/** A greeting's first words that look like a product name (`ProFTPD 1.3.8`, `Dovecot`), else ''. */
function productOf(text: string): string {
  const match = /([A-Za-z][\w.-]*(?:[ /]v?\d[\w.-]*)?)/.exec(text.replace(/^\[[^\]]*\]\s*/, '').replace(/^[\w.-]+\s+E?SMTP\s+/i, ''))
  return match ? match[1]!.slice(0, MAX_PRODUCT) : ''
}

/** Redis replies: errors naming Redis conventions, PONG, or INFO output with redis_version. */
export function redisReply(buf: Buffer, off: number, end: number, port: number): Identification | null {
  const text = printable(buf, off, end, 512)
  const version = /redis_version:([\w.]+)/.exec(text)?.[1]
  if (version) return { service: 'redis', product: `Redis ${version}`.slice(0, MAX_PRODUCT), evidence: `redis_version:${version}` }
  const first = printable(buf, off, lineEnd(buf, off, end), MAX_EVIDENCE)
  if (/^-(NOAUTH|WRONGPASS|DENIED|ERR unknown command)/.test(first) || (first === '+PONG' && port === 6379)) {
    return { service: 'redis', product: 'Redis', evidence: first }
  }
  return null
}

/** The MySQL/MariaDB initial handshake packet (protocol 10): the server version string. */
export function mysqlGreeting(buf: Buffer, off: number, end: number): Identification | null {
  if (end - off < 10 || buf[off + 3] !== 0 || buf[off + 4] !== 10) return null
  const length = buf.readUIntLE(off, 3)
  if (length < 6 || length > 1024) return null
  let z = off + 5
  const stop = Math.min(end, off + 5 + 64)
  while (z < stop && buf[z] !== 0) z++
  if (z === stop || z === off + 5 || !(buf[off + 5]! >= 0x30 && buf[off + 5]! <= 0x39)) return null
  const version = printable(buf, off + 5, z, MAX_PRODUCT)
  const product = /mariadb/i.test(version) ? `MariaDB ${version}` : `MySQL ${version}`
  return { service: 'mysql', product: product.slice(0, MAX_PRODUCT), evidence: `protocol 10, version ${version}` }
}
