import { mkdtempSync, readdirSync, readFileSync, readlinkSync, realpathSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { gzipSync } from 'node:zlib'
import { afterAll, describe, expect, it } from 'vitest'
import { analyseCapture, NotACaptureError } from '../../../collector/capture/index.ts'
import { FlowMemory } from '../../../collector/flows/index.ts'
import { fileChunks, ReadBuffers } from '../../../collector/pcap/index.ts'
import { classicPcap, ipv4Frame } from './build.ts'
import { analyse, fixture, sorted } from './helpers.ts'

// Files are read into two buffers used in turn (no allocation per chunk). The readers must
// therefore keep nothing of a chunk once they have parsed it, and a file left early (corrupt,
// not a capture) must still be closed.
const dir = realpathSync(mkdtempSync(join(tmpdir(), 'holowatch-file-chunks-')))
afterAll(() => rmSync(dir, { recursive: true, force: true }))
/** Files of this test the process has open (Linux /proc). */
const openHere = (): string[] =>
  readdirSync('/proc/self/fd').flatMap((fd) => {
    try {
      const target = readlinkSync(`/proc/self/fd/${fd}`)
      return target.startsWith(dir) ? [target] : []
    } catch {
      return [] // closed meanwhile (the listing's own descriptor)
    }
  })

describe('reading capture files in reused chunks', () => {
  it('hands over the exact bytes of the file, whatever the chunk size', async () => {
    const bytes = fixture('multi.pcapng')
    for (const size of [1, 7, 4096, 1 << 20]) {
      const parts: Buffer[] = []
      for await (const chunk of fileChunks(fixtureFile('multi.pcapng'), size)) parts.push(Buffer.from(chunk))
      expect(Buffer.concat(parts).equals(bytes)).toBe(true)
    }
  })

  it('gives the same flows as reading the file whole, with records across every chunk boundary', async () => {
    // Memory kept from one analysis to the next, as the importer keeps it: nothing of a capture
    // may show in the next one.
    const memory = new FlowMemory()
    const reads = new ReadBuffers()
    for (const name of ['services.pcap', 'multi.pcapng', 'services.pcap']) {
      const whole = await analyse(fixture(name), { chunk: 1 << 30 })
      for (const size of [61, 1500, 65_536, 65_536]) {
        const flows: ReturnType<typeof sorted> = []
        const summary = await analyseCapture(fileChunks(fixtureFile(name), size, reads), { sensor: 'test', timeReceived: 0, memory, onFlows: (b) => void flows.push(...b.toRecords()) })
        expect(summary.packets).toBe(whole.summary.packets)
        expect(summary.services).toEqual(whole.summary.services.map((s) => ({ ...s })))
        expect(sorted(flows).map((f) => ({ ...f, timeReceived: 0 }))).toEqual(sorted(whole.flows).map((f) => ({ ...f, timeReceived: 0 })))
      }
    }
  })

  it('closes the file when the input is not a capture, is corrupt, or is gzip of something else', async () => {
    const notCapture = join(dir, 'notes.txt')
    writeFileSync(notCapture, 'GET / HTTP/1.1\r\n'.repeat(1000))
    const gzipped = join(dir, 'notes.txt.gz')
    writeFileSync(gzipped, gzipSync(readFileSync(notCapture)))
    // A record length far beyond any packet: the reader stops at the second record.
    const corrupt = join(dir, 'corrupt.pcap')
    const good = classicPcap([{ data: ipv4Frame() }, { data: ipv4Frame() }])
    good.writeUInt32LE(0x7fffffff, 24 + 16 + good.readUInt32LE(24 + 8) + 8)
    writeFileSync(corrupt, Buffer.concat([good, Buffer.alloc(3 << 20)]))
    for (const path of [notCapture, gzipped]) {
      await expect(analyseCapture(fileChunks(path, 4096), { sensor: 't', onFlows: () => {} })).rejects.toThrow(NotACaptureError)
    }
    const summary = await analyseCapture(fileChunks(corrupt, 4096), { sensor: 't', onFlows: () => {} })
    expect(summary.stoppedBy).toBe('bad_record_length')
    expect(summary.packets).toBe(1)
    expect(openHere()).toEqual([])
  })
})

function fixtureFile(name: string): string {
  return new URL(`../../fixtures/pcap/${name}`, import.meta.url).pathname
}
