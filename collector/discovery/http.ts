import { headerValue, lineEnd, nextLine, printable, startsWith } from './text.ts'
import { MAX_EVIDENCE, MAX_PRODUCT, type Identification } from './types.ts'

const METHODS = ['GET ', 'POST ', 'HEAD ', 'PUT ', 'DELETE ', 'OPTIONS ', 'PATCH ', 'CONNECT ', 'TRACE ']

/** An HTTP/1.x response head: the Server header names the product. */
export function httpResponse(buf: Buffer, off: number, end: number): Identification | null {
  if (!startsWith(buf, off, end, 'HTTP/1.')) return null
  const statusEnd = lineEnd(buf, off, end)
  const status = printable(buf, off, statusEnd, 48)
  const server = headerValue(buf, nextLine(buf, statusEnd), end, 'server:', MAX_PRODUCT)
  return {
    service: 'http',
    product: server ?? '',
    evidence: server ? `${status}; Server: ${server}`.slice(0, MAX_EVIDENCE) : status,
  }
}

/** An HTTP/1.x request line: the Host header says which site the client asked for. */
export function httpRequest(buf: Buffer, off: number, end: number): Identification | null {
  if (!METHODS.some((m) => startsWith(buf, off, end, m))) return null
  const first = lineEnd(buf, off, end)
  if (!/ HTTP\/1\.[01]$/.test(printable(buf, off, first, 2048))) return null
  const host = headerValue(buf, nextLine(buf, first), end, 'host:', 96)
  return { service: 'http', product: '', evidence: host ? `Host: ${host}` : '' }
}
