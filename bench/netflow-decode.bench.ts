// Decode rate per core of the NetFlow v5 / v9 / IPFIX decoder, and node-netflowv9's on the same
// packets (v5 and v9; it has no IPFIX). Input: softflowd's exports of the lab capture (about 31
// flows per packet), looped; templates are learned on the first pass as a collector would.
// Run: npm run bench netflow-decode
import { createRequire } from 'node:module'
import { createNetflowDecoder } from '../collector/netflow/index.ts'
import { exportDatagrams } from '../test/helpers/export-datagrams.ts'
import { sized } from './smoke.ts'

const SECONDS = Number(process.env.BENCH_SECONDS ?? sized(3, 0.5))
const NetFlowV9 = createRequire(import.meta.url)('node-netflowv9') as (options: object) => {
  nfPktDecode(msg: Buffer, rinfo: { address: string; port: number }): { flows: unknown[] } | undefined
  server: { close(): void }
}

/** Runs `decode` over the packets in a loop for SECONDS (after a warm-up pass); flows per second. */
function rate(packets: Buffer[], decode: (p: Buffer) => number): number {
  for (let i = 0; i < 3; i++) for (const p of packets) decode(p)
  let flows = 0
  const started = performance.now()
  const until = started + SECONDS * 1000
  while (performance.now() < until) for (const p of packets) flows += decode(p)
  return flows / ((performance.now() - started) / 1000)
}

const rows: string[][] = [['version', 'packets', 'flows/packet', 'holowatch flows/s', 'node-netflowv9 flows/s', 'ratio']]
for (const [version, file] of [['v5', 'softflowd-v5.pcap'], ['v9', 'softflowd-v9.pcap'], ['IPFIX', 'softflowd-ipfix.pcap']] as const) {
  const packets = exportDatagrams(file).map((d) => d.payload)
  const ours = createNetflowDecoder()
  let now = Date.now()
  const perPacket = packets.reduce((n, p) => n + ours.decode(p, '192.0.2.1', now).length, 0) / packets.length
  const mine = rate(packets, (p) => ours.decode(p, '192.0.2.1', ++now).length)
  let theirs = Number.NaN
  if (version !== 'IPFIX') {
    const oracle = NetFlowV9({ cb: () => undefined })
    oracle.server.close()
    const rinfo = { address: '192.0.2.1', port: 2055 }
    theirs = rate(packets, (p) => oracle.nfPktDecode(p, rinfo)?.flows.length ?? 0)
  }
  const fmt = (n: number) => (Number.isNaN(n) ? '-' : Math.round(n).toLocaleString('en'))
  rows.push([version, String(packets.length), perPacket.toFixed(1), fmt(mine), fmt(theirs), Number.isNaN(theirs) ? '-' : `${(mine / theirs).toFixed(2)}x`])
}
const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)))
for (const r of rows) console.log(r.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  '))
console.log('target: >= 3,000,000 flows/s per core for v9 and IPFIX')
