import type { ObservedService } from '../discovery/types.ts'
import type { FlowAssemblerStats } from '../flows/assembler.ts'
import type { DecodeError } from '../packet/types.ts'
import type { CaptureFormat, ReadErrorReason } from '../pcap/types.ts'

/** A packet time at the file's own precision. */
export interface PacketTime {
  /** Unix epoch milliseconds, rounded down. */
  epochMs: number
  sec: number
  /** Nanoseconds within `sec` (multiples of 1000 for microsecond files). */
  ns: number
  /** ISO 8601 UTC with nine fractional digits. */
  iso: string
}

export type SkipReason = ReadErrorReason | DecodeError

/** What one capture held and what came out of it. */
export interface CaptureSummary {
  format: CaptureFormat
  compressed: boolean
  /** LINKTYPE_* values met, in order (one per pcapng interface type). */
  linkTypes: number[]
  sections: number
  /** Bytes taken from the input (compressed bytes for a gzip file). */
  bytesRead: number
  /** Packet records read; equals ipv4 + ipv6 + nonIp + the decode errors in `skipped`. */
  packets: number
  ipv4: number
  ipv6: number
  /** Frames without IP (ARP, LLDP, …): counted, not an error. */
  nonIp: number
  protocols: { tcp: number; udp: number; icmp: number; icmpv6: number; other: number }
  /** IPv4 total length + (IPv6 payload length + 40) over every decoded IP packet. */
  ipBytes: number
  /** Non-first IP fragments (counted in port-0 flows). */
  fragments: number
  flows: number
  flowEnds: FlowAssemblerStats
  services: ObservedService[]
  servicesDropped: number
  /** Records and packets dropped, by reason (reader and decoder reasons together). */
  skipped: Partial<Record<SkipReason, number>>
  /** A structural error that ended reading before the end of the input, or null. */
  stoppedBy: ReadErrorReason | null
  firstPacket: PacketTime | null
  lastPacket: PacketTime | null
}

export function packetTime(sec: number, ns: number): PacketTime {
  const ms = sec * 1000 + Math.floor(ns / 1e6)
  const base = new Date(sec * 1000)
  const iso = Number.isFinite(base.getTime()) ? base.toISOString().replace('.000Z', `.${String(ns).padStart(9, '0')}Z`) : `${sec}.${ns}`
  return { epochMs: ms, sec, ns, iso }
}
