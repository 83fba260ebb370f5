import { createHash } from 'node:crypto'
import type { EventEmitter } from 'node:events'
import { createRequire } from 'node:module'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { fileChunks, openCapture } from '../../../collector/pcap/index.ts'
import { LOCAL } from './helpers.ts'

// pcap-parser, the design card's library, reads classic microsecond pcap only (and trusts every
// length field), so holowatch has readers of its own; on the files it can read it serves as an
// independent oracle: the same records, times, lengths and bytes.
const pcapParser = createRequire(import.meta.url)('pcap-parser') as { parse(path: string): EventEmitter }

type Record = [sec: number, usec: number, capLen: number, origLen: number, sha1: string]
const sha1 = (b: Buffer) => createHash('sha1').update(b).digest('hex')

function theirs(path: string): Promise<Record[]> {
  return new Promise((resolve, reject) => {
    const out: Record[] = []
    const parser = pcapParser.parse(path)
    parser.on('packet', (p: { header: { timestampSeconds: number; timestampMicroseconds: number; capturedLength: number; originalLength: number }; data: Buffer }) =>
      out.push([p.header.timestampSeconds, p.header.timestampMicroseconds, p.header.capturedLength, p.header.originalLength, sha1(p.data)]))
    parser.on('error', reject)
    parser.on('end', () => resolve(out))
  })
}

async function ours(path: string): Promise<Record[]> {
  const out: Record[] = []
  const opened = await openCapture(fileChunks(path, 4096), (r) =>
    out.push([r.sec, r.ns / 1000, r.capLen, r.origLen, sha1(r.buf.subarray(r.offset, r.offset + r.capLen))]))
  for await (const chunk of opened.chunks) opened.reader.push(chunk)
  opened.reader.end()
  return out
}

describe('classic pcap records agree with pcap-parser', () => {
  it.each([
    ['dev-capture.pcap (tcpdump, little-endian)', new URL('dev-capture.pcap', LOCAL)],
    ['vlan-be.pcap (big-endian)', new URL('vlan-be.pcap', LOCAL)],
    ['services.pcap', new URL('services.pcap', LOCAL)],
  ])('%s', async (_name, url) => {
    const path = fileURLToPath(url)
    const expected = await theirs(path)
    expect(expected.length).toBeGreaterThan(0)
    expect(await ours(path)).toEqual(expected)
  })
})
