import { greeting, mysqlGreeting, redisReply, sshBanner } from './banners.ts'
import { httpRequest, httpResponse } from './http.ts'
import { tlsHello } from './tls.ts'
import type { Identification } from './types.ts'

/** What a service's own bytes say about it (its first payloads): banners, HTTP responses, TLS ServerHello. */
export function identifyServer(buf: Buffer, off: number, len: number, port: number): Identification | null {
  const end = off + Math.min(len, 4096)
  if (len < 4) return null
  return (
    httpResponse(buf, off, end) ??
    sshBanner(buf, off, end) ??
    tlsHello(buf, off, end) ??
    greeting(buf, off, end, port) ??
    mysqlGreeting(buf, off, end) ??
    redisReply(buf, off, end, port)
  )
}

/** What a client's first payloads say about the service it talks to: HTTP Host, TLS SNI. */
export function identifyClient(buf: Buffer, off: number, len: number): Identification | null {
  const end = off + Math.min(len, 4096)
  if (len < 4) return null
  return httpRequest(buf, off, end) ?? tlsHello(buf, off, end)
}
