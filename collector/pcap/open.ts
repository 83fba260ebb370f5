import { Readable } from 'node:stream'
import { createGunzip } from 'node:zlib'
import { ClassicPcapReader, CLASSIC_MAGICS } from './classic.ts'
import { PCAPNG_MAGIC, PcapngReader } from './pcapng.ts'
import { NotACaptureError, type CaptureReader, type PacketSink } from './types.ts'

export interface OpenedCapture {
  reader: CaptureReader
  /** The capture's bytes, decompressed when the input was gzip. */
  chunks: AsyncIterable<Buffer>
  compressed: boolean
}

/**
 * Looks at the first bytes of `input` and picks the reader: gzip is recognised by its magic
 * (1f 8b), not by a file name, and unwrapped as a stream; then the capture magic chooses classic
 * pcap (either byte order, µs or ns) or pcapng. Anything else is a NotACaptureError.
 * `onInputBytes` sees the size of every chunk taken from `input` (compressed bytes for gzip).
 */
export async function openCapture(input: AsyncIterable<Buffer | string>, sink: PacketSink, onInputBytes?: (n: number) => void): Promise<OpenedCapture> {
  const counted = countBytes(input, onInputBytes)
  let { head, rest } = await peek(counted, 4)
  let compressed = false
  if (head.length >= 2 && head[0] === 0x1f && head[1] === 0x8b) {
    compressed = true
    const gunzip = createGunzip()
    // zlib keeps its input beyond one step, and a chunk's memory may be reused (fileChunks): copy.
    const source = Readable.from(copies(prepend(head, rest)))
    source.on('error', (err) => gunzip.destroy(err))
    ;({ head, rest } = await peek(source.pipe(gunzip), 4))
  }
  const magic = head.length >= 4 ? head.readUInt32LE(0) : -1
  let reader: CaptureReader
  if (CLASSIC_MAGICS.has(magic)) reader = new ClassicPcapReader(magic, sink)
  else if (magic === PCAPNG_MAGIC) reader = new PcapngReader(sink)
  else {
    // Let the input go (a file it reads is closed) before saying what is wrong.
    await rest.return?.()
    throw new NotACaptureError(head.subarray(0, 4).toString('hex'))
  }
  return { reader, chunks: prepend(head, rest), compressed }
}

async function* countBytes(input: AsyncIterable<Buffer | string>, onBytes?: (n: number) => void): AsyncGenerator<Buffer> {
  for await (const chunk of input) {
    const buf = typeof chunk === 'string' ? Buffer.from(chunk, 'latin1') : chunk
    onBytes?.(buf.length)
    yield buf
  }
}

/** Reads until at least `n` bytes (or the end) and hands back those bytes and the rest of the stream. */
async function peek(input: AsyncIterable<Buffer>, n: number): Promise<{ head: Buffer; rest: AsyncIterator<Buffer> }> {
  const rest = input[Symbol.asyncIterator]()
  const parts: Buffer[] = []
  let len = 0
  while (len < n) {
    const next = await rest.next()
    if (next.done) break
    parts.push(next.value)
    len += next.value.length
  }
  return { head: parts.length === 1 ? parts[0]! : Buffer.concat(parts, len), rest }
}

async function* copies(input: AsyncIterable<Buffer>): AsyncGenerator<Buffer> {
  for await (const chunk of input) yield Buffer.from(chunk)
}

async function* prepend(head: Buffer, rest: AsyncIterator<Buffer>): AsyncGenerator<Buffer> {
  try {
    if (head.length > 0) yield head
    while (true) {
      const next = await rest.next()
      if (next.done) return
      yield next.value
    }
  } finally {
    // Left early (a corrupt capture, an error): the input's own clean-up runs (a file is closed).
    await rest.return?.()
  }
}
