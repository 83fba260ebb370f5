/**
 * One unidirectional flow as every input produces it (NetFlow v5, v9, IPFIX and pcap flow
 * assembly alike) and as the writer stores it in the `flows` table. Decoders and the flow
 * assembler return these; nothing downstream knows where a flow came from except `sourceKind`.
 */
export type SourceKind = 'netflow5' | 'netflow9' | 'ipfix' | 'pcap'

export interface FlowRecord {
  /** When holowatch received the export packet or read the file, Unix epoch milliseconds. */
  timeReceived: number
  /** First and last packet of the flow, Unix epoch milliseconds (integers). */
  timeStart: number
  timeEnd: number
  /** Exporter address for NetFlow/IPFIX, the sensor's name for pcap. */
  sensor: string
  /** Exporter address in text form (IPv4 dotted quad or IPv6); '::' for pcap. */
  exporter: string
  sourceKind: SourceKind
  /** NetFlow v9 source id, IPFIX observation domain id, v5 engine type << 8 | engine id; 0 for pcap. */
  observationDomain: number
  /** Addresses in text form: IPv4 dotted quad or IPv6 (ClickHouse stores IPv4 IPv4-mapped). */
  srcAddr: string
  dstAddr: string
  srcPort: number
  dstPort: number
  protocol: number
  /** OR of the TCP flags seen over the flow (low 8 bits: FIN SYN RST PSH ACK URG ECE CWR). */
  tcpFlags: number
  /** ICMP / ICMPv6 type and code; for ICMP flows dstPort and srcPort are 0. */
  icmpType: number
  icmpCode: number
  /** Already multiplied by the sampling rate. */
  packets: number
  bytes: number
  /** 1 when unsampled. */
  samplingRate: number
  inIf: number
  outIf: number
}
