import type { CaptureFormat, CaptureReader, ReadErrorReason, ReaderStats } from './types.ts'

/**
 * The part every reader shares: it keeps the bytes of a record that spans chunk boundaries and
 * only concatenates once the record is complete (`need` says how many bytes it takes), so a
 * reader holds at most one record plus one chunk whatever the file size.
 */
export abstract class ChunkedReader implements CaptureReader {
  readonly stats: ReaderStats
  /** Bytes the record at the start of the leftover needs; 0 when unknown. */
  protected need = 0
  private parts: Buffer[] = []
  private partsLen = 0

  constructor(format: CaptureFormat) {
    this.stats = { format, linkTypes: [], records: 0, errors: {}, stoppedBy: null, sections: 0 }
  }

  /** Parses what `chunk` completes. Keeps no reference to `chunk` afterwards: the caller may reuse its memory. */
  push(chunk: Buffer): void {
    if (this.stats.stoppedBy || chunk.length === 0) return
    // A record spans the boundary: complete it from the head of this chunk (what `need` says it
    // lacks), not by copying the whole chunk behind it, which would copy every byte once more.
    while (this.partsLen > 0) {
      const lacking = this.need - this.partsLen
      const take = lacking > 0 ? Math.min(lacking, chunk.length) : chunk.length
      const head = chunk.subarray(0, take)
      chunk = chunk.subarray(take)
      this.partsLen += take
      if (this.partsLen < this.need) {
        this.parts.push(Buffer.from(head))
        return
      }
      this.parts.push(head)
      const joined = Buffer.concat(this.parts, this.partsLen)
      this.parts = []
      this.partsLen = 0
      this.need = 0
      const used = this.parse(joined)
      if (this.stats.stoppedBy) return
      if (used < joined.length) {
        this.parts = [joined.subarray(used)]
        this.partsLen = joined.length - used
        if (chunk.length === 0) return
      }
    }
    if (chunk.length === 0) return
    this.need = 0
    const used = this.parse(chunk)
    if (used < chunk.length && !this.stats.stoppedBy) {
      this.parts = [Buffer.from(chunk.subarray(used))]
      this.partsLen = chunk.length - used
    }
  }

  end(): void {
    if (this.partsLen > 0 && !this.stats.stoppedBy) this.count('truncated_record')
    this.parts = []
    this.partsLen = 0
  }

  /** Parses every complete record in `buf`, returns the offset of the first incomplete one. */
  protected abstract parse(buf: Buffer): number

  protected count(reason: ReadErrorReason): void {
    this.stats.errors[reason] = (this.stats.errors[reason] ?? 0) + 1
  }

  protected stop(reason: ReadErrorReason): void {
    this.count(reason)
    this.stats.stoppedBy = reason
    this.parts = []
    this.partsLen = 0
  }

  protected noteLinkType(linkType: number): void {
    if (!this.stats.linkTypes.includes(linkType)) this.stats.linkTypes.push(linkType)
  }
}
