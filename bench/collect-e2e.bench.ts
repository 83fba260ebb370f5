// End to end: NetFlow v9 export packets (30 distinct IPv4 flows each) replayed over UDP on
// loopback at rising rates into `holowatch collect` on the embedded engine. For each rate: flows
// sent, decoded and written, loss, whether the writer kept up, and the collector's CPU. Prints
// the highest rate sustained with < 0.1 % loss and the collector's peak memory; if nfcapd (Debian
// package nfdump) is installed, the same steps go to nfcapd and the ratio is printed.
// The sender runs in this process, on the same 2 cores as the collector.
// Run: npm run bench collect-e2e   (BENCH_RATES=100000,200000 BENCH_STEP_SECONDS=8 to change)
import { spawn, spawnSync, type ChildProcess } from 'node:child_process'
import { createSocket } from 'node:dgram'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { freePort, freeUdpPort, HOLOWATCH_BIN } from '../test/helpers/cli.ts'
import { sized } from './smoke.ts'

const RATES = (process.env.BENCH_RATES ?? sized('100000,200000,300000,400000,500000,600000', '20000')).split(',').map(Number)
const STEP_SECONDS = Number(process.env.BENCH_STEP_SECONDS ?? sized(8, 2))
const FLOWS_PER_PACKET = 30
const DISTINCT_PACKETS = 2000
const TICK_MS = 5

// ---- export packets: one template, then data packets of 30 flows from 60,000 distinct flows
const FIELDS: [number, number][] = [[8, 4], [12, 4], [7, 2], [11, 2], [4, 1], [6, 1], [2, 4], [1, 4], [22, 4], [21, 4], [10, 2], [14, 2]]
const RECORD = FIELDS.reduce((n, [, l]) => n + l, 0)
function header(count: number, sequence: number): Buffer {
  const h = Buffer.alloc(20)
  h.writeUInt16BE(9, 0)
  h.writeUInt16BE(count, 2)
  h.writeUInt32BE(3_600_000, 4)
  h.writeUInt32BE(Math.floor(Date.now() / 1000), 8)
  h.writeUInt32BE(sequence, 12)
  return h
}
const templateSet = (() => {
  const b = Buffer.alloc(8 + FIELDS.length * 4)
  b.writeUInt16BE(0, 0)
  b.writeUInt16BE(b.length, 2)
  b.writeUInt16BE(256, 4)
  b.writeUInt16BE(FIELDS.length, 6)
  FIELDS.forEach(([e, l], i) => {
    b.writeUInt16BE(e, 8 + i * 4)
    b.writeUInt16BE(l, 10 + i * 4)
  })
  return b
})()
const dataPackets = Array.from({ length: DISTINCT_PACKETS }, (_, p) => {
  const set = Buffer.alloc(4 + RECORD * FLOWS_PER_PACKET)
  set.writeUInt16BE(256, 0)
  set.writeUInt16BE(set.length, 2)
  for (let r = 0; r < FLOWS_PER_PACKET; r++) {
    const n = p * FLOWS_PER_PACKET + r
    let o = 4 + r * RECORD
    o = set.writeUInt32BE(((10 << 24) | (n & 0xffffff)) >>> 0, o) // 10.x.y.z sources
    o = set.writeUInt32BE(((203 << 24) | (113 << 8) | (n % 250)) >>> 0, o)
    o = set.writeUInt16BE(1024 + (n % 60000), o)
    o = set.writeUInt16BE([443, 80, 22, 53][n % 4]!, o)
    set[o++] = n % 4 === 3 ? 17 : 6
    set[o++] = n % 10 === 0 ? 0x02 : 0x1b
    o = set.writeUInt32BE(1 + (n % 20), o)
    o = set.writeUInt32BE(60 + (n % 1400), o)
    o = set.writeUInt32BE(3_590_000, o)
    o = set.writeUInt32BE(3_599_000, o)
    o = set.writeUInt16BE(1, o)
    set.writeUInt16BE(2, o)
  }
  return set
})

/** Sends `rate` flows/s for STEP_SECONDS; returns the flows sent. */
async function sendAt(port: number, rate: number, sequence: { n: number }): Promise<number> {
  const socket = createSocket('udp4')
  const packetsPerSecond = rate / FLOWS_PER_PACKET
  const started = performance.now()
  let sent = 0
  const send = (buf: Buffer) => socket.send(buf, port, '127.0.0.1')
  send(Buffer.concat([header(1, sequence.n), templateSet]))
  while (performance.now() - started < STEP_SECONDS * 1000) {
    const due = Math.floor(((performance.now() - started) / 1000) * packetsPerSecond)
    for (; sent < due; sent++) {
      if (sent % 1000 === 0) send(Buffer.concat([header(1, sequence.n), templateSet]))
      send(Buffer.concat([header(FLOWS_PER_PACKET, ++sequence.n), dataPackets[sent % DISTINCT_PACKETS]!]))
    }
    await new Promise((r) => setTimeout(r, TICK_MS))
  }
  await new Promise<void>((resolve) => socket.close(() => resolve()))
  return sent * FLOWS_PER_PACKET
}

function cpuSeconds(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ')
  return (Number(fields[11]) + Number(fields[12])) / 100
}
const peakRssMiB = (pid: number) => Number(/VmHWM:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0) / 1024
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

async function metric(base: string, name: string): Promise<number> {
  const text = await (await fetch(`${base}/metrics`)).text()
  let total = 0
  for (const line of text.split('\n')) if (line.startsWith(name) && (line[name.length] === ' ' || line[name.length] === '{')) total += Number(line.split(' ').pop())
  return total
}

interface Step {
  rate: number
  sent: number
  received: number
  written: number
  kept: boolean
  cpu: number
}
const loss = (s: Step) => 1 - s.received / s.sent
const sustained = (s: Step) => loss(s) < 0.001 && s.kept

async function holowatch(): Promise<{ steps: Step[]; peak: number }> {
  const dir = mkdtempSync(join(tmpdir(), 'holowatch-bench-e2e-'))
  const [apiPort, udp] = [await freePort(), await freeUdpPort()]
  const child = spawn(process.execPath, [HOLOWATCH_BIN, 'collect'], {
    env: { ...process.env, HOLOWATCH_DATA_DIR: dir, HOLOWATCH_API_PORT: String(apiPort), HOLOWATCH_NETFLOW_PORT: String(udp), HOLOWATCH_IPFIX_PORT: '0', HOLOWATCH_LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'inherit', 'inherit'],
  })
  const base = `http://127.0.0.1:${apiPort}`
  for (let i = 0; i < 300; i++) {
    const ok = await fetch(`${base}/readyz`).then((r) => r.ok, () => false)
    if (ok) break
    await sleep(200)
  }
  const steps: Step[] = []
  const sequence = { n: 0 }
  for (const rate of RATES) {
    const [flows0, written0, cpu0] = [await metric(base, 'holowatch_netflow_flows_total'), await metric(base, 'holowatch_writer_rows_written_total'), cpuSeconds(child.pid!)]
    const sent = await sendAt(udp, rate, sequence)
    await sleep(300)
    const received = (await metric(base, 'holowatch_netflow_flows_total')) - flows0
    // Kept up: what was decoded is in ClickHouse within 3 s of the step's end (one flush and an insert).
    let written = 0
    const deadline = Date.now() + 3000
    do {
      written = (await metric(base, 'holowatch_writer_rows_written_total')) - written0
      if (written >= received) break
      await sleep(100)
    } while (Date.now() < deadline)
    const cpu = (cpuSeconds(child.pid!) - cpu0) / STEP_SECONDS
    const step = { rate, sent, received, written, kept: written >= received, cpu }
    steps.push(step)
    print('holowatch collect', step)
    // Let a backlog drain before the next step so that each step is measured on its own.
    for (let i = 0; i < 100 && (await metric(base, 'holowatch_writer_rows_written_total')) < (await metric(base, 'holowatch_netflow_flows_total')); i++) await sleep(200)
    if (loss(step) > 0.05) break
  }
  const peak = peakRssMiB(child.pid!)
  await stop(child)
  rmSync(dir, { recursive: true, force: true })
  return { steps, peak }
}

async function nfcapd(): Promise<Step[] | null> {
  if (spawnSync('nfcapd', ['-V']).error) return null
  const steps: Step[] = []
  const sequence = { n: 0 }
  for (const rate of RATES) {
    const dir = mkdtempSync(join(tmpdir(), 'holowatch-bench-nfcapd-'))
    const udp = await freeUdpPort()
    const child = spawn('nfcapd', ['-w', dir, '-p', String(udp), '-b', '127.0.0.1', '-B', '8388608'], { stdio: 'ignore' })
    await sleep(1000)
    const cpu0 = cpuSeconds(child.pid!)
    const sent = await sendAt(udp, rate, sequence)
    await sleep(300)
    const cpu = (cpuSeconds(child.pid!) - cpu0) / STEP_SECONDS
    await stop(child)
    const summary = spawnSync('nfdump', ['-R', dir, '-I'], { encoding: 'utf8' }).stdout
    const received = Number(/^Flows:\s+(\d+)/m.exec(summary)?.[1] ?? 0)
    const step = { rate, sent, received, written: received, kept: true, cpu }
    steps.push(step)
    print('nfcapd', step)
    rmSync(dir, { recursive: true, force: true })
    if (loss(step) > 0.05) break
  }
  return steps
}

async function stop(child: ChildProcess): Promise<void> {
  const exited = new Promise((resolve) => child.once('exit', resolve))
  child.kill('SIGTERM')
  await Promise.race([exited, sleep(15_000)])
}

function print(who: string, s: Step): void {
  console.log(
    `${who.padEnd(17)} ${s.rate.toLocaleString('en').padStart(9)} flows/s offered: sent ${s.sent.toLocaleString('en')}, received ${s.received.toLocaleString('en')} ` +
      `(loss ${(loss(s) * 100).toFixed(3)} %), written ${s.written.toLocaleString('en')}${s.kept ? '' : ' (writer behind)'}, CPU ${s.cpu.toFixed(2)} cores` +
      `${sustained(s) ? '' : '  ← not sustained'}`,
  )
}

const best = (steps: Step[]) => Math.max(0, ...steps.filter(sustained).map((s) => s.rate))
const ours = await holowatch()
console.log(`holowatch collect: highest sustained rate ${best(ours.steps).toLocaleString('en')} flows/s with < 0.1 % loss; peak RSS ${ours.peak.toFixed(0)} MiB`)
const theirs = await nfcapd()
if (theirs) {
  console.log(`nfcapd: highest sustained rate ${best(theirs).toLocaleString('en')} flows/s with < 0.1 % loss`)
  console.log(`holowatch / nfcapd sustained-rate ratio: ${(best(ours.steps) / Math.max(1, best(theirs))).toFixed(2)} (capped by the highest rate tried: ${Math.max(...RATES).toLocaleString('en')})`)
} else console.log('nfcapd not installed: no comparison')
console.log('target: >= 300,000 flows/s sustained into the embedded engine with < 0.1 % loss')
