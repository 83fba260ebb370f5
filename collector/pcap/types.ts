/** The container formats the readers understand, as reported in a capture summary. */
export type CaptureFormat = 'pcap' | 'pcap-ns' | 'pcap-modified' | 'pcapng'

/**
 * One packet record as a reader hands it on. The reader reuses a single object for every record
 * and the bytes are a view into its current chunk: a sink must copy what it wants to keep.
 */
export interface RawPacket {
  buf: Buffer
  /** Offset of the first captured byte in `buf`; `capLen` bytes follow. */
  offset: number
  capLen: number
  /** Length of the packet on the wire (may exceed capLen when the snaplen cut it). */
  origLen: number
  /** Timestamp: whole seconds since the epoch and the nanoseconds within that second. */
  sec: number
  ns: number
  linkType: number
  /** pcapng interface id (0 for classic pcap). */
  iface: number
}

export type PacketSink = (packet: RawPacket) => void

/**
 * Why a reader dropped a record or stopped. Dropped records are counted and skipped; the
 * `bad_*` structural reasons stop the reader, because a container with a corrupt length field
 * cannot be resynchronised.
 */
export type ReadErrorReason =
  | 'truncated_record'
  | 'bad_file_header'
  | 'bad_record_length'
  | 'bad_block_length'
  | 'bad_block'
  | 'unknown_interface'
  | 'oversized_packet'
  | 'bad_compression'

export interface ReaderStats {
  format: CaptureFormat
  /** Every link type met, in the order first met (pcapng may have several interfaces). */
  linkTypes: number[]
  /** Packet records handed to the sink. */
  records: number
  /** Records dropped or structural problems, by reason. */
  errors: Partial<Record<ReadErrorReason, number>>
  /** Set when a structural error ended reading before the end of the input. */
  stoppedBy: ReadErrorReason | null
  /** Sections (pcapng section header blocks); 1 for classic pcap. */
  sections: number
}

/** A capture reader fed chunk by chunk; it calls its sink synchronously for every packet record. */
export interface CaptureReader {
  push(chunk: Buffer): void
  /** No more input: a partial record left over is counted as truncated. */
  end(): void
  readonly stats: ReaderStats
}

/** Largest captured packet accepted (Wireshark's WTAP_MAX_PACKET_SIZE_STANDARD). */
export const MAX_PACKET = 262_144
/** Largest pcapng block accepted; a bigger length field is treated as corruption. */
export const MAX_BLOCK = 16 * 1024 * 1024

/** The input does not start with the magic number of any capture format we read. */
export class NotACaptureError extends Error {
  readonly code = 'NOT_A_CAPTURE'
  constructor(readonly magic: string) {
    super(`not a pcap or pcapng file (first bytes ${magic || 'missing'}); gzip-compressed captures are accepted too`)
    this.name = 'NotACaptureError'
  }
}
