import { open } from 'node:fs/promises'

/**
 * The two read buffers of a finished file, kept for the next one (fresh memory costs a page
 * fault per 4 KiB). Its owner (the pcap importer) hands it to every read; one pair is kept, so
 * two reads at once simply give the second fresh buffers.
 */
export class ReadBuffers {
  private kept: Buffer[] | null = null

  take(size: number): Buffer[] {
    const pair = this.kept?.[0]!.length === size ? this.kept : [Buffer.allocUnsafe(size), Buffer.allocUnsafe(size)]
    this.kept = null
    return pair
  }

  give(pair: Buffer[]): void {
    this.kept = pair
  }
}

/**
 * The bytes of a file in chunks of `size`, read into two buffers used in turn: the next chunk is
 * read while the consumer works on the current one, and no memory is allocated per chunk (a
 * stream allocates a fresh buffer for every read, which for a capture costs more than parsing
 * it). A chunk is only valid until the consumer asks for the one after it, so it must be
 * consumed by then — which the capture readers do (they copy the little they keep).
 */
export async function* fileChunks(path: string, size = 1 << 20, reuse?: ReadBuffers): AsyncGenerator<Buffer> {
  const file = await open(path, 'r')
  const buffers = reuse?.take(size) ?? [Buffer.allocUnsafe(size), Buffer.allocUnsafe(size)]
  let turn = 0
  let next = file.read(buffers[0]!, 0, size, null)
  try {
    while (true) {
      const { bytesRead, buffer } = await next
      if (bytesRead === 0) return
      turn ^= 1
      next = file.read(buffers[turn]!, 0, size, null)
      yield buffer.subarray(0, bytesRead)
    }
  } finally {
    // Stopped early: the read ahead must finish before the file is closed under it.
    await next.catch(() => undefined)
    await file.close()
    reuse?.give(buffers)
  }
}
