import { gzipSync } from 'node:zlib'
import { describe, expect, it } from 'vitest'
import { analyseCapture, NotACaptureError } from '../../../collector/capture/index.ts'
import { decodeSkips, fixture } from './helpers.ts'

// Mutation fuzzing of the real captures: every iteration takes a window of a fixture (the file
// header plus the first records, or a link-type capture whole), damages it (bit flips, random
// bytes, overwritten length fields, cuts, duplicated or deleted ranges) and feeds it in random
// chunk sizes. Nothing may escape but NotACaptureError, reading must end, and the summary must
// stay consistent. The generator is seeded: a failure prints the seed and iteration to replay it.
const ITERATIONS = Number(process.env.FUZZ_ITERATIONS ?? 12_000)
const SEED = Number(process.env.FUZZ_SEED ?? 20261126)

function rng(seed: number): () => number {
  let s = seed >>> 0
  return () => {
    s = (s + 0x6d2b79f5) >>> 0
    let t = s
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

const SOURCES = [
  fixture('dev-capture.pcap').subarray(0, 24_000),
  fixture('dev-capture-ns.pcap').subarray(0, 24_000),
  fixture('dev-capture.pcapng').subarray(0, 24_000),
  fixture('vlan-be.pcap'),
  fixture('sll2.pcap'),
  fixture('null.pcap'),
  fixture('multi.pcapng'),
  fixture('mpls.pcap'),
  fixture('pppoe.pcap'),
  fixture('services.pcap'), // TLS hellos and greetings: the banner parsers get mutated payloads
]

function mutate(src: Buffer, rand: () => number): Buffer {
  let buf = Buffer.from(src)
  const int = (n: number) => Math.floor(rand() * n)
  const steps = 1 + int(4)
  for (let s = 0; s < steps; s++) {
    const at = int(buf.length)
    switch (int(7)) {
      case 0: // bit flips
        for (let i = 0; i < 1 + int(8); i++) buf[int(buf.length)]! ^= 1 << int(8)
        break
      case 1: // random bytes
        for (let i = 0; i < 1 + int(16) && at + i < buf.length; i++) buf[at + i] = int(256)
        break
      case 2: // an interesting 32-bit value where a length or type field may be
        if (at + 4 <= buf.length) buf.writeUInt32LE([0, 1, 0xffffffff, 0x7fffffff, 0x40000, 12, 13, 0x0a0d0d0a, 16][int(9)]!, at & ~3)
        break
      case 3: // cut
        buf = buf.subarray(0, at)
        break
      case 4: // duplicate a range
        buf = Buffer.concat([buf.subarray(0, at), buf.subarray(int(buf.length), int(buf.length)), buf.subarray(at)])
        break
      case 5: // delete a range
        buf = Buffer.concat([buf.subarray(0, at), buf.subarray(Math.min(buf.length, at + 1 + int(64)))])
        break
      default: // 16-bit ethertype / port / length
        if (at + 2 <= buf.length) buf.writeUInt16BE([0x8100, 0x88a8, 0x86dd, 0x0800, 0, 0xffff][int(6)]!, at)
    }
  }
  return rand() < 0.05 ? gzipSync(buf) : buf
}

async function* chunks(buf: Buffer, rand: () => number): AsyncGenerator<Buffer> {
  for (let o = 0; o < buf.length; ) {
    const n = 1 + Math.floor(rand() * (rand() < 0.2 ? 16 : 4096))
    yield buf.subarray(o, o + n)
    o += n
  }
}

describe('fuzzing the readers and decoders with mutated real captures', () => {
  it(`${ITERATIONS} mutated inputs: no exception, no hang, consistent counts`, async () => {
    const rand = rng(SEED)
    const outcomes = { summaries: 0, notCapture: 0, stopped: 0, skippedPackets: 0 }
    const started = performance.now()
    for (let i = 0; i < ITERATIONS; i++) {
      const input = mutate(SOURCES[i % SOURCES.length]!, rand)
      let flowPackets = 0
      try {
        const s = await analyseCapture(chunks(input, rand), { sensor: 'fuzz', maxFlows: 64, batchSize: 16, onFlows: (b) => void b.packets.subarray(0, b.length).forEach((n) => (flowPackets += n)) })
        outcomes.summaries++
        if (s.stoppedBy) outcomes.stopped++
        outcomes.skippedPackets += decodeSkips(s)
        // Every record is an IP packet, a non-IP frame or a counted decode error, and every IP
        // packet is in exactly one flow.
        if (s.packets !== s.ipv4 + s.ipv6 + s.nonIp + decodeSkips(s) || flowPackets !== s.ipv4 + s.ipv6) {
          throw new Error(`inconsistent summary ${JSON.stringify({ ...s, services: s.services.length })}`)
        }
      } catch (err) {
        if (err instanceof NotACaptureError) outcomes.notCapture++
        else throw new Error(`seed ${SEED} iteration ${i}: ${(err as Error).stack}`)
      }
    }
    const seconds = (performance.now() - started) / 1000
    console.log(`fuzz: ${ITERATIONS} inputs in ${seconds.toFixed(1)} s`, outcomes)
    // The mutations must reach the interesting paths, not just be refused at the magic number.
    expect(outcomes.summaries).toBeGreaterThan(ITERATIONS * 0.7)
    expect(outcomes.stopped).toBeGreaterThan(100)
    expect(outcomes.skippedPackets).toBeGreaterThan(100)
    expect(outcomes.notCapture).toBeGreaterThan(0)
    expect(seconds).toBeLessThan(50)
  }, 240_000)
})
