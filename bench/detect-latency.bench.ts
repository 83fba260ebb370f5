// Time to detect, end to end, at the product's defaults: real softflowd NetFlow v9 exports of real
// attacks replayed over UDP (loopback, paced by their capture times) into `holowatch serve` on the
// embedded engine, with the lab's archive loaded. For each labelled attack: the time from the last
// export datagram that carries one of its flows to its incident in GET /api/v1/attacks (polled
// every 50 ms). Floods are found as flows are decoded (streaming); every other rule by the SQL
// pass, every HOLOWATCH_DETECT_INTERVAL_MS (10 s).
// Exports: test/fixtures/netflow/softflowd-v9.pcap (the lab capture: scans, a SYN flood, SSH brute
// force) and, when present, test/fixtures/lab2/attacks-v9.pcap.gz (floods, reflections, masscan…).
// Run: npm run bench detect-latency   (HOLOWATCH_BENCH_SMOKE=1: the first export only, no waiting for slow rules)
import { mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs'
import { createSocket } from 'node:dgram'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { withCreditCodeCheck } from '../archive/uscc.ts'
import { createNetflowDecoder } from '../collector/netflow/index.ts'
import { freePort, freeUdpPort, runCli, startCli, waitForStatus } from '../test/helpers/cli.ts'
import { exportDatagrams, type Datagram } from '../test/helpers/export-datagrams.ts'
import { SMOKE } from './smoke.ts'

const ROOT = new URL('../test/fixtures/', import.meta.url)

interface Attack {
  name: string
  rules: string[]
  attacker: string
  victim: string
  /** Does this flow belong to the attack? */
  owns(f: { srcAddr: string; dstAddr: string; srcPort: number; dstPort: number; protocol: number }): boolean
  /** Does this incident's detail name this attack (a flood's class, a reflection's vector)? */
  names?(details: Record<string, unknown>): boolean
}

interface Scenario {
  name: string
  datagrams: Datagram[]
  archive: string[]
  attacks: Attack[]
}

const org = withCreditCodeCheck('91350100MA0000770')
const ARCHIVE_HEADER = 'credit_code,org_name,sector,locality,asset_name,category,grade,mlps_level,networks,status,services'

function labScenario(): Scenario {
  const atk = '10.77.0.66'
  return {
    name: 'lab (softflowd-v9.pcap)',
    datagrams: exportDatagrams('softflowd-v9.pcap'),
    archive: [
      `${org},Lab Water Works,water,lab-town,SCADA web server,industrial_control,core,3,10.77.0.10/32; 2001:db8:77::10/128,active,22/tcp OpenSSH`,
      `${org},Lab Water Works,water,lab-town,plant LAN,other,general,2,10.77.0.0/27,active,`,
    ],
    attacks: [
      { name: 'SYN flood (hping3)', rules: ['flood'], attacker: '', victim: '10.77.0.10', owns: (f) => f.srcAddr === atk && f.dstPort === 80 && f.protocol === 6 },
      { name: 'nmap scans + 6379 sweep', rules: ['port_scan', 'host_sweep'], attacker: atk, victim: '10.77.0.10', owns: (f) => f.srcAddr === atk && f.dstPort !== 80 && f.dstPort !== 22 },
      { name: 'SSH brute force', rules: ['brute_force'], attacker: atk, victim: '10.77.0.10', owns: (f) => f.srcAddr === atk && f.dstPort === 22 },
      { name: 'IPv6 port scan', rules: ['port_scan'], attacker: '2001:db8:77::66', victim: '2001:db8:77::10', owns: (f) => f.srcAddr === '2001:db8:77::66' },
    ],
  }
}

/** The second lab (test/fixtures/lab2), when it is there: its truth.json names the attacks. */
function lab2Scenario(): Scenario | undefined {
  const exportFile = new URL('lab2/attacks-v9.pcap.gz', ROOT)
  const truthFile = new URL('lab2/truth.json', ROOT)
  if (!existsSync(exportFile) || !existsSync(truthFile)) return undefined
  const truth = JSON.parse(readFileSync(truthFile, 'utf8')) as { events: { type: string; attacker: string; victim: string; expect: string; service?: string }[] }
  const attacks: Attack[] = truth.events
    .filter((e) => e.expect !== 'none')
    .map((e) => {
      const rules = e.expect === 'port_scan' || e.expect === 'host_sweep' ? ['port_scan', 'host_sweep'] : [e.expect]
      const victim = e.victim.split(/[-,]/)[0]!
      const reflection = e.expect === 'amplification'
      const cls = e.expect === 'flood' ? e.type.replace('_flood', '') : undefined
      const vector = reflection ? e.type.replace('_amplification', '').toUpperCase() : undefined
      const port = Number(/\/(\d+)/.exec(String((e as { service?: string }).service ?? ''))?.[1] ?? 0)
      return {
        name: e.type, rules, attacker: reflection || e.expect === 'flood' ? '' : e.attacker, victim,
        owns: (f) => reflection ? f.dstAddr === victim && f.protocol === 17 && f.srcPort === port
          : cls === 'icmp' ? f.srcAddr === e.attacker && f.dstAddr === victim && f.protocol === 1
          : cls ? f.srcAddr === e.attacker && f.dstAddr === victim && f.dstPort === port
          : e.expect === 'brute_force' ? f.srcAddr === e.attacker && f.dstPort === port
          : f.srcAddr === e.attacker && (e.type === 'host_sweep' ? f.dstAddr !== '10.78.0.10' : true) && f.protocol === 6 && f.dstPort <= 300,
        names: (d) => (cls ? d.class === cls : vector ? (d.vectors as string[] | undefined)?.includes(vector) === true : true),
      } satisfies Attack
    })
  return {
    name: 'lab2 (attacks-v9.pcap.gz)',
    datagrams: exportDatagrams(exportFile),
    archive: [
      `${org},Lab Water Works,water,lab-town,protected server,industrial_control,core,3,10.78.0.10/32,active,902/tcp OpenSSH`,
      `${org},Lab Water Works,water,lab-town,plant LAN,other,general,2,10.78.0.0/27,active,`,
    ],
    attacks,
  }
}

async function run(s: Scenario): Promise<{ name: string; rule: string; latencyMs: number | undefined }[]> {
  const dir = mkdtempSync(join(tmpdir(), 'holowatch-bench-latency-'))
  const env = { HOLOWATCH_DATA_DIR: dir, HOLOWATCH_LOG_LEVEL: 'warn' }
  try {
    writeFileSync(join(dir, 'archive.csv'), [ARCHIVE_HEADER, ...s.archive].join('\n'))
    await runCli(['archive', 'locality', 'lab-town', '--zh', '实验镇'], env)
    const imported = await runCli(['archive', 'import', join(dir, 'archive.csv')], env)
    if (imported.code !== 0) throw new Error(imported.stdout + imported.stderr)
    const [api, udp] = [await freePort(), await freeUdpPort()]
    const serve = startCli(['serve'], { ...env, HOLOWATCH_API_PORT: String(api), HOLOWATCH_NETFLOW_PORT: String(udp), HOLOWATCH_IPFIX_PORT: '0' })
    try {
      const base = `http://127.0.0.1:${api}`
      await waitForStatus(`${base}/readyz`, 200)
      await new Promise((r) => setTimeout(r, 500))
      const token = /^\s+(hw_\S+)$/m.exec(serve.output())?.[1]
      if (!token) throw new Error(`no admin token in: ${serve.output()}`)

      // Which datagram carries each attack's last flow.
      const decoder = createNetflowDecoder()
      const lastDatagram = new Map<Attack, number>()
      s.datagrams.forEach((d, i) => {
        for (const f of decoder.decode(d.payload, '127.0.0.1', d.at)) for (const a of s.attacks) if (a.owns(f)) lastDatagram.set(a, i)
      })

      // Replay paced by capture time (gaps above 2 s shortened to 2 s), noting when each datagram left.
      const socket = createSocket('udp4')
      const sentAt: number[] = []
      const t0 = performance.now()
      let clock = 0
      for (let i = 0; i < s.datagrams.length; i++) {
        if (i > 0) clock += Math.min(s.datagrams[i]!.at - s.datagrams[i - 1]!.at, 2000)
        const wait = t0 + clock - performance.now()
        if (wait > 1) await new Promise((r) => setTimeout(r, wait))
        await new Promise((r) => socket.send(s.datagrams[i]!.payload, udp, '127.0.0.1', r))
        sentAt[i] = performance.now()
      }
      socket.close()

      const pending = new Set(s.attacks.filter((a) => lastDatagram.has(a)))
      const found = new Map<Attack, { rule: string; at: number }>()
      const deadline = performance.now() + (SMOKE ? 15_000 : 40_000)
      while (pending.size > 0 && performance.now() < deadline) {
        const res = await fetch(`${base}/api/v1/attacks?from=2020-01-01T00:00:00Z&to=2030-01-01T00:00:00Z&limit=500`, { headers: { authorization: `Bearer ${token}` } })
        const items = ((await res.json()) as { items: { rule: string; source: string; targets: string[]; details: Record<string, unknown> }[] }).items
        const now = performance.now()
        for (const a of pending) {
          const hit = items.find((i) => a.rules.includes(i.rule) && (!a.attacker || i.source === a.attacker) && i.targets.includes(a.victim) && (a.names?.(i.details) ?? true))
          if (hit) {
            found.set(a, { rule: hit.rule, at: now })
            pending.delete(a)
          }
        }
        await new Promise((r) => setTimeout(r, 50))
      }
      return s.attacks.filter((a) => lastDatagram.has(a)).map((a) => ({
        name: a.name, rule: found.get(a)?.rule ?? a.rules[0]!, latencyMs: found.has(a) ? found.get(a)!.at - sentAt[lastDatagram.get(a)!]! : undefined,
      }))
    } finally {
      serve.child.kill('SIGTERM')
      await serve.exited
    }
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

const scenarios = [labScenario(), ...(SMOKE ? [] : [lab2Scenario()].filter((x): x is Scenario => x !== undefined))]
let missed = 0
for (const s of scenarios) {
  console.log(`\n${s.name}: ${s.datagrams.length} export datagrams`)
  const results = await run(s)
  for (const r of results) {
    if (r.latencyMs === undefined) missed++
    console.log(`  ${r.name.padEnd(34)} ${r.rule.padEnd(14)} ${r.latencyMs === undefined ? 'NOT FOUND' : `${(r.latencyMs / 1000).toFixed(2)} s after its last datagram`}`)
  }
  const floods = results.filter((r) => r.rule === 'flood' && r.latencyMs !== undefined).map((r) => r.latencyMs!)
  const all = results.filter((r) => r.latencyMs !== undefined).map((r) => r.latencyMs!)
  if (floods.length) console.log(`  floods: worst ${(Math.max(...floods) / 1000).toFixed(2)} s (target ≤ 3 s)`)
  if (all.length) console.log(`  every rule: worst ${(Math.max(...all) / 1000).toFixed(2)} s (target ≤ 10 s)`)
}
if (missed > 0) {
  console.log(`${missed} attack(s) not found`)
  process.exit(1)
}
