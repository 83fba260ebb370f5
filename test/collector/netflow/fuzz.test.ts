import { describe, expect, it } from 'vitest'
import { createNetflowDecoder } from '../../../collector/netflow/index.ts'
import { exportDatagrams } from '../../helpers/export-datagrams.ts'

// Mutated real export packets (bit flips, truncation, overwritten length and count fields,
// spliced packets) fed to one long-lived decoder between good ones. Nothing may escape as an
// exception, no bounds check may be missed (the decoder's "internal" drop stays 0), the state
// stays within its limits and memory does not grow with the number of packets.
const ITERATIONS = 100_000
const SEED = Number(process.env.FUZZ_SEED ?? 20261126)

function prng(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

function mutate(packets: Buffer[], random: () => number): Buffer {
  const int = (n: number) => Math.floor(random() * n)
  const original = packets[int(packets.length)]!
  const p = Buffer.from(original)
  switch (int(6)) {
    case 0: // bit flips
      for (let i = 1 + int(8); i > 0; i--) p[int(p.length)]! ^= 1 << int(8)
      return p
    case 1: // truncation
      return p.subarray(0, int(p.length))
    case 2: { // a 16-bit field (lengths, counts, ids, field specs) set to an edge value
      const edges = [0, 1, 3, 4, 255, 256, 0x7fff, 0x8000, 0xfffe, 0xffff, int(0x10000)]
      p.writeUInt16BE(edges[int(edges.length)]!, int(Math.max(1, p.length - 1)) & ~1)
      return p
    }
    case 3: { // random bytes over a random stretch
      const at = int(p.length)
      for (let i = at; i < Math.min(p.length, at + 1 + int(64)); i++) p[i] = int(256)
      return p
    }
    case 4: // the head of one packet on the tail of another
      return Buffer.concat([p.subarray(0, int(p.length)), packets[int(packets.length)]!.subarray(int(200))])
    default: // extended with garbage
      return Buffer.concat([p, Buffer.from(Array.from({ length: 1 + int(200) }, () => int(256)))])
  }
}

describe('fuzzing the decoder with mutated softflowd exports', () => {
  for (const file of ['softflowd-v5.pcap', 'softflowd-v9.pcap', 'softflowd-ipfix.pcap']) {
    it(`${file}: ${ITERATIONS.toLocaleString('en')} mutations, no exception, bounded state and memory (seed ${SEED})`, () => {
      const packets = exportDatagrams(file).map((d) => d.payload)
      const random = prng(SEED)
      const decoder = createNetflowDecoder({ maxTemplatesPerDomain: 64, maxDomains: 256, maxExporters: 64 })
      const exporters = ['192.0.2.1', '192.0.2.2', '2001:db8::1']
      let now = Date.UTC(2026, 10, 26)
      let flows = 0
      let heapAfterWarmup = 0
      for (let i = 0; i < ITERATIONS; i++) {
        now += 1
        const exporter = exporters[i % exporters.length]!
        const packet = i % 10 === 0 ? packets[i % packets.length]! : mutate(packets, random)
        let out
        try {
          out = decoder.decode(packet, exporter, now)
        } catch (err) {
          throw new Error(`iteration ${i} (seed ${SEED}) threw on ${packet.toString('hex')}: ${String(err)}`)
        }
        flows += out.length
        if (i === ITERATIONS / 10) {
          global.gc?.()
          heapAfterWarmup = process.memoryUsage().heapUsed
        }
      }
      const stats = decoder.exporters()
      expect(flows).toBeGreaterThan(0)
      for (const s of stats) {
        expect(s.drops.internal ?? 0).toBe(0)
        expect(s.templates).toBeLessThanOrEqual(64 * s.domains.length)
      }
      expect(stats.reduce((n, s) => n + s.domains.length, 0)).toBeLessThanOrEqual(256)
      global.gc?.()
      const growth = process.memoryUsage().heapUsed - heapAfterWarmup
      expect(growth).toBeLessThan(64 * 1024 * 1024)
    }, 120_000)
  }
})
