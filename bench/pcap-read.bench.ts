// Capture analysis throughput: read + decode + flow assembly + service discovery on one core,
// over a synthetic classic pcap of 1.2 million Ethernet/IPv4/TCP packets in 120,000 short HTTP
// connections, compared with softflowd reading the same file when it is installed. Each connection
// gives three unidirectional flows: the client's and the server's, each ended by its FIN, and
// the client's last ACK after its FIN, which starts a new flow as on a NetFlow exporter.
// Run: npm run bench pcap-read   (or node --import tsx bench/pcap-read.bench.ts)
import { spawn, spawnSync } from 'node:child_process'
import type { EventEmitter } from 'node:events'
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs'
import { createRequire } from 'node:module'
import { createServer } from 'node:net'
import { availableParallelism, tmpdir } from 'node:os'
import { join } from 'node:path'
import { analyseCapture } from '../collector/capture/index.ts'
import { FlowMemory } from '../collector/flows/index.ts'
import { fileChunks, openCapture, ReadBuffers } from '../collector/pcap/index.ts'
import { writeSyntheticPcap } from './synthetic-pcap.ts'
import { sized } from './smoke.ts'

const pcapParser = createRequire(import.meta.url)('pcap-parser') as { parse(path: string): EventEmitter }

// "On one core": both analysers are pinned to the same single CPU (taskset), so neither gains
// from helper threads (Node's garbage collector and file reads run beside the main thread).
// HOLOWATCH_BENCH_PINNED=no runs them unpinned.
if (!process.env.HOLOWATCH_BENCH_PINNED && spawnSync('sh', ['-c', 'command -v taskset']).status === 0) {
  const cpu = String(availableParallelism() - 1)
  const run = spawnSync('taskset', ['-c', cpu, process.execPath, ...process.execArgv, ...process.argv.slice(1)], {
    stdio: 'inherit', env: { ...process.env, HOLOWATCH_BENCH_PINNED: cpu },
  })
  process.exit(run.status ?? 1)
}


const dir = mkdtempSync(join(tmpdir(), 'holowatch-bench-pcap-'))
const file = join(dir, 'synthetic.pcap')
const { packets: PACKETS, connections: CONNECTIONS } = writeSyntheticPcap(file)
const size = statSync(file).size

const ROUNDS = Number(process.env.ROUNDS ?? sized(7, 1))
const memory = new FlowMemory()
const reads = new ReadBuffers()
const rows: string[][] = [['stage', 'seconds', 'CPU s', 'packets/s', 'MB/s', 'flows', 'services']]
const row = (stage: string, seconds: number, cpu: number, flows = '', services = '') =>
  rows.push([stage, seconds.toFixed(3), cpu.toFixed(3), Math.round(PACKETS / seconds).toLocaleString('en'), (size / 1e6 / seconds).toFixed(1), flows, services])
const cpuSeconds = (since: NodeJS.CpuUsage) => {
  const u = process.cpuUsage(since)
  return (u.user + u.system) / 1e6
}

async function readOnly(): Promise<void> {
  let records = 0
  const opened = await openCapture(fileChunks(file, undefined, reads), () => records++)
  for await (const chunk of opened.chunks) opened.reader.push(chunk)
  if (records !== PACKETS) throw new Error(`read ${records} records, wrote ${PACKETS}`)
}

async function analyse(): Promise<{ seconds: number; cpu: number; flows: number; services: number }> {
  global.gc?.()
  const cpu0 = process.cpuUsage()
  const t0 = performance.now()
  let flows = 0
  // Read the way `holowatch import-pcap` and the inbox read a file, with memory kept between
  // captures as their importer keeps it.
  const summary = await analyseCapture(fileChunks(file, undefined, reads), {
    memory,
    sensor: 'bench', onFlows: (batch) => { flows += batch.length },
  })
  const seconds = (performance.now() - t0) / 1000
  const cpu = cpuSeconds(cpu0)
  if (summary.packets !== PACKETS) throw new Error(`analysed ${summary.packets} packets`)
  if (flows !== CONNECTIONS * 3) throw new Error(`assembled ${flows} flows, expected ${CONNECTIONS * 3}`)
  return { seconds, cpu, flows, services: summary.services.length }
}

await readOnly() // warm-up: the first reading of the file also fills the page cache
{
  const cpu0 = process.cpuUsage()
  const t0 = performance.now()
  await readOnly()
  row('read only (container records, no decoding)', (performance.now() - t0) / 1000, cpuSeconds(cpu0))
}
{
  // pcap-parser, the design card's library: classic microsecond pcap only, records as events.
  const cpu0 = process.cpuUsage()
  const t0 = performance.now()
  const records = await new Promise<number>((resolve, reject) => {
    let n = 0
    const parser = pcapParser.parse(file)
    parser.on('packet', () => n++)
    parser.on('error', reject)
    parser.on('end', () => resolve(n))
  })
  if (records !== PACKETS) throw new Error(`pcap-parser read ${records} records`)
  row('pcap-parser read only (records as events)', (performance.now() - t0) / 1000, cpuSeconds(cpu0))
}
// Rounds alternate between the two so that a busy moment of the machine hits both alike.
const hasSoftflowd = spawnSync('sh', ['-c', 'command -v softflowd && command -v softflowctl']).status === 0
const ours: number[] = []
const theirs: number[] = []
const oursCpu: number[] = []
const theirsCpu: number[] = []
for (let round = 1; round <= ROUNDS; round++) {
  const r = await analyse()
  ours.push(r.seconds)
  oursCpu.push(r.cpu)
  row(`analyseCapture, round ${round}`, r.seconds, r.cpu, String(r.flows), String(r.services))
  if (!hasSoftflowd) continue
  const sf = await timeSoftflowd(file)
  if (sf === null) throw new Error('softflowd did not process every packet within 300 s')
  theirs.push(sf.seconds)
  theirsCpu.push(sf.cpu)
  row(`softflowd -r, round ${round}`, sf.seconds, sf.cpu)
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!
console.log(`synthetic capture: ${PACKETS.toLocaleString('en')} packets, ${(size / 1e6).toFixed(1)} MB, ${CONNECTIONS.toLocaleString('en')} TCP connections; ${ROUNDS} rounds`)
const pinned = process.env.HOLOWATCH_BENCH_PINNED
console.log(pinned && pinned !== 'no' ? `both pinned to CPU ${pinned} (one core)` : 'not pinned: helper threads may use other cores')
const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)))
for (const r of rows) console.log(r.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  '))
const rate = (seconds: number) => `${(PACKETS / seconds / 1e6).toFixed(2)}M packets/s`
console.log(`analyseCapture: best ${Math.min(...ours).toFixed(3)} s (${rate(Math.min(...ours))}), median ${median(ours).toFixed(3)} s (${rate(median(ours))})`)
if (theirs.length === 0) console.log('softflowd not installed: no comparison')
else {
  console.log(`softflowd -r:   best ${Math.min(...theirs).toFixed(3)} s (${rate(Math.min(...theirs))}), median ${median(theirs).toFixed(3)} s (${rate(median(theirs))})`)
  console.log(`ours / softflowd speed ratio, elapsed time: best ${(Math.min(...theirs) / Math.min(...ours)).toFixed(2)}x, median ${(median(theirs) / median(ours)).toFixed(2)}x`)
  console.log(`ours / softflowd speed ratio, CPU time:     best ${(Math.min(...theirsCpu) / Math.min(...oursCpu)).toFixed(2)}x, median ${(median(theirsCpu) / median(oursCpu)).toFixed(2)}x (softflowd's in 10 ms ticks)`)
}
if (!process.env.KEEP) rmSync(dir, { recursive: true, force: true })
else console.log(file)

/**
 * softflowd 1.1.0 in -r mode reads the file, then waits on its control socket: the time is taken
 * when `softflowctl statistics` first reports every packet processed (polled every 20 ms, so
 * softflowd's time may be up to 20 ms too long), and its CPU time from /proc at that moment.
 */
/** softflowctl runs on another CPU than the pinned one (when there is one): its polls take no time from softflowd. */
function softflowctl(args: string[]): string {
  const pinned = process.env.HOLOWATCH_BENCH_PINNED
  const [cmd, argv] = pinned && pinned !== '0' && pinned !== 'no' ? ['taskset', ['-c', '0', 'softflowctl', ...args]] : ['softflowctl', args]
  return spawnSync(cmd, argv as string[], { encoding: 'utf8' }).stdout ?? ''
}

async function timeSoftflowd(path: string): Promise<{ seconds: number; cpu: number } | null> {
  const port = await freePort()
  const ctl = join(dir, 'sf.ctl')
  const t0 = performance.now()
  const child = spawn('softflowd', ['-d', '-r', path, '-n', `127.0.0.1:${port}`, '-v', '9', '-m', '1000000', '-c', ctl, '-p', join(dir, 'sf.pid')], { stdio: 'ignore' })
  const deadline = t0 + 300_000
  let result: { seconds: number; cpu: number } | null = null
  while (performance.now() < deadline) {
    await new Promise((r) => setTimeout(r, 20))
    const stats = softflowctl(['-c', ctl, 'statistics'])
    const processed = Number(/Packets processed: (\d+)/.exec(stats)?.[1] ?? -1)
    const ignored = Number(/Ignored packets: (\d+)/.exec(stats)?.[1] ?? 0)
    if (processed + ignored >= PACKETS) {
      result = { seconds: (performance.now() - t0) / 1000, cpu: processCpuSeconds(child.pid!) }
      break
    }
  }
  softflowctl(['-c', ctl, 'shutdown'])
  await new Promise<void>((resolve) => {
    const kill = setTimeout(() => child.kill('SIGKILL'), 2000)
    child.once('exit', () => {
      clearTimeout(kill)
      resolve()
    })
  })
  return result
}

/** User + system CPU seconds of a running process (Linux /proc, clock ticks of 1/100 s). */
function processCpuSeconds(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ')
  return (Number(fields[11]) + Number(fields[12])) / 100
}

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const srv = createServer().listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number }
      srv.close(() => resolve(port))
    })
  })
}
