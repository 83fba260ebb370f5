/** A listening service seen in traffic, aggregated per (addr, port, protocol) over one capture. */
export interface ObservedService {
  addr: string
  port: number
  protocol: 'tcp' | 'udp'
  /** Application protocol recognised from payload ('http', 'ssh', 'tls', 'smtp', …); '' when only the handshake was seen. */
  service: string
  /** Product and version when a banner named one (`OpenSSH_9.2p1`, `nginx/1.24.0`); '' otherwise. */
  product: string
  /** Short printable text the identification rests on (banner line, Server/Host header, SNI). */
  evidence: string
  /** First and last packet to or from the service, Unix epoch milliseconds. */
  firstSeen: number
  lastSeen: number
  packets: number
  sensor: string
}

/** What one payload revealed. */
export interface Identification {
  service: string
  product: string
  evidence: string
}

/** Longest evidence kept per side (server banner, client request). */
export const MAX_EVIDENCE = 160
/** Longest product name kept. */
export const MAX_PRODUCT = 64
