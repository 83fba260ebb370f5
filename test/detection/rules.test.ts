import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createLogger } from '../../core/logger.ts'
import { createDetector, detectorConfigFrom, type Detector } from '../../detection/index.ts'
import { storeFeed } from '../../detection/threat-intel.ts'
import { openTestDb, type TestDb } from '../helpers/db.ts'
import { CORE, GENERAL, IMPORTANT, T0, flow, insertFlows, seedArchive, session, synProbe, type Row } from './scenario.ts'

// Every rule against synthetic flows written straight into `flows`, with the product's default
// thresholds. Each case lives in its own hour of flow time and is evaluated over that hour only.
const HOUR = 3_600_000
const slot = (n: number) => T0 + n * HOUR

describe('detection rules on synthetic flows (default thresholds)', () => {
  let db: TestDb
  let detector: Detector
  beforeAll(async () => {
    db = await openTestDb()
    await seedArchive(db.clickhouse)
    detector = createDetector(detectorConfigFrom(db.config), { clickhouse: db.clickhouse, logger: createLogger('silent') })
  })
  afterAll(() => db.close())

  async function detect(n: number, rows: Row[]) {
    await insertFlows(db.clickhouse, rows)
    const result = await detector.runWindow(slot(n), slot(n) + HOUR)
    return result.opened
  }
  const range = (a: number, b: number) => Array.from({ length: b - a + 1 }, (_, i) => a + i)

  it('vertical SYN scan of 20 ports of a core host: one port_scan incident, medium severity', async () => {
    const t = slot(1)
    const found = await detect(1, range(1, 20).flatMap((p) => synProbe('198.51.100.1', '10.1.0.10', p, t + p * 50)))
    expect(found).toHaveLength(1)
    const [i] = found
    expect(i).toMatchObject({ rule: 'port_scan', source: '198.51.100.1', targets: ['10.1.0.10'], severity: 'medium', peak: 20 })
    expect(i!.ports).toEqual(range(1, 20))
    expect(i!.assets[0]).toMatchObject({ id: CORE, grade: 'core', sector: 'health', locality: 'west-town' })
    expect(i!.details.techniques).toEqual(['syn'])
  })

  it('stealth scans (NULL, FIN, Xmas, SYN+FIN) count; 9 ports stay below the threshold', async () => {
    const t = slot(2)
    const flags = [0x00, 0x01, 0x29, 0x03]
    const rows = range(1, 16).map((p) => flow('198.51.100.2', '10.1.0.10', t + p * 10, { dst_port: p, tcp_flags: flags[p % 4], packets: 1, bytes: 40 }))
    rows.push(...range(1, 9).flatMap((p) => synProbe('198.51.100.3', '10.1.0.10', p, t + p * 10)))
    const found = await detect(2, rows)
    expect(found.map((i) => i.source)).toEqual(['198.51.100.2'])
    expect(found[0]!.details.techniques).toEqual(['fin', 'null', 'synfin', 'xmas'])
  })

  it('UDP scan counts unanswered ports only; answered UDP (a busy DNS client) is not a scan', async () => {
    const t = slot(3)
    const rows = range(1, 20).map((p) => flow('198.51.100.4', '10.1.1.3', t + p * 10, { protocol: 17, tcp_flags: 0, dst_port: 1000 + p, packets: 1, bytes: 60 }))
    for (const p of range(1, 20)) {
      rows.push(flow('198.51.100.5', '10.1.1.4', t + p * 10, { protocol: 17, tcp_flags: 0, src_port: 5000 + p, dst_port: 2000 + p, packets: 1, bytes: 60 }))
      rows.push(flow('10.1.1.4', '198.51.100.5', t + p * 10, { protocol: 17, tcp_flags: 0, src_port: 2000 + p, dst_port: 5000 + p, packets: 1, bytes: 60 }))
    }
    const found = await detect(3, rows)
    expect(found.map((i) => [i.rule, i.source])).toEqual([['port_scan', '198.51.100.4']])
    expect(found[0]!.details.techniques).toEqual(['udp'])
    expect(found[0]!.assets[0]!.id).toBe(IMPORTANT)
  })

  it('backscatter (SYN-ACK and RST from service ports towards one host) is never a scan', async () => {
    const t = slot(4)
    const rows = range(1, 200).map((n) =>
      flow(`203.0.113.${n}`, '10.1.0.10', t + n * 10, { src_port: n % 2 ? 80 : 443, dst_port: 20000 + n, tcp_flags: n % 3 ? 0x12 : 0x04, packets: 1, bytes: 40 }),
    )
    expect(await detect(4, rows)).toEqual([])
  })

  it('horizontal sweep of 30 hosts on SMB; 12 unused archive addresses suffice; 12 outside hosts do not', async () => {
    const t = slot(5)
    const rows = range(1, 30).flatMap((h) => synProbe('198.51.100.6', `192.0.2.${h}`, 445, t + h * 10, 'none'))
    rows.push(...range(1, 12).flatMap((h) => synProbe('198.51.100.7', `10.1.2.${100 + h}`, 3389, t + h * 10, 'none')))
    rows.push(...range(1, 12).flatMap((h) => synProbe('198.51.100.8', `192.0.2.${100 + h}`, 3389, t + h * 10, 'none')))
    const found = await detect(5, rows)
    expect(found.map((i) => [i.rule, i.source, i.details.services]).sort()).toEqual([
      ['host_sweep', '198.51.100.6', ['tcp/445']],
      ['host_sweep', '198.51.100.7', ['tcp/3389']],
    ])
    const dark = found.find((i) => i.source === '198.51.100.7')!
    expect(dark.details.dark_host_count).toBe(12)
    expect(dark.assets.map((a) => a.id)).toEqual([GENERAL])
  })

  it('SYN flood of 30,000 pps: flood, class syn, fingerprint of sources, ports and sizes', async () => {
    const t = slot(6)
    const rows = range(0, 2999).map((n) =>
      flow(`203.0.113.${n % 200}`, '10.1.0.10', t + 1000 + (n % 3000), { src_port: 1024 + n, dst_port: 443, tcp_flags: 0x02, packets: 50, bytes: 50 * 60 }),
    )
    const found = await detect(6, rows)
    expect(found).toHaveLength(1)
    const f = found[0]!
    expect(f).toMatchObject({ rule: 'flood', source: '', severity: 'critical', peakUnit: 'packets/s' })
    expect(f.peak).toBe(30000)
    expect(f.details.class).toBe('syn')
    const fp = f.details.fingerprint as Record<string, unknown>
    expect(fp.source_count).toBe(200)
    expect(fp.top_destination_ports).toEqual([443])
    expect(fp.packet_size).toEqual({ p5: 60, p50: 60, p95: 60 })
    expect(f.packets).toBe(150000)
  })

  it('a busy but normal destination (10,000 pps of established TCP) is no flood', async () => {
    const t = slot(7)
    const rows = range(0, 999).map((n) => flow(`203.0.113.${n % 100}`, '10.1.1.5', t + (n % 5000), { src_port: 1024 + n, packets: 50, bytes: 50 * 1400 }))
    expect(await detect(7, rows)).toEqual([])
  })

  it('NTP and memcached reflection: amplification with the vectors named; solicited answers are not', async () => {
    const t = slot(8)
    const rows = range(1, 40).map((n) =>
      flow(`203.0.113.${n}`, '10.1.1.6', t + n * 50, { protocol: 17, tcp_flags: 0, src_port: n % 4 ? 123 : 11211, dst_port: 80, packets: 2000, bytes: 2000 * 468 }),
    )
    // A resolver's own lookups: large answers from port 53, but it asked first.
    for (const n of range(1, 40)) {
      rows.push(flow('10.1.1.7', `198.18.0.${n}`, t + n * 50, { protocol: 17, tcp_flags: 0, src_port: 30000 + n, dst_port: 53, packets: 2000, bytes: 2000 * 80 }))
      rows.push(flow(`198.18.0.${n}`, '10.1.1.7', t + n * 50, { protocol: 17, tcp_flags: 0, src_port: 53, dst_port: 30000 + n, packets: 2000, bytes: 2000 * 900 }))
    }
    const found = await detect(8, rows)
    expect(found.map((i) => [i.rule, i.targets[0]])).toEqual([['amplification', '10.1.1.6']])
    expect(found[0]!.details.vectors).toEqual(['NTP', 'memcached'])
    expect(found[0]!.details.reflectors).toBe(40)
  })

  it('SSH brute force: 10 short sessions in 2 minutes fire; 5 do not; long sessions do not', async () => {
    const t = slot(9)
    const rows = range(0, 9).flatMap((s) => session('198.51.100.9', '10.1.0.10', 22, t + s * 5000, 5, 50000 + s))
    rows.push(...range(0, 4).flatMap((s) => session('198.51.100.10', '10.1.0.10', 22, t + s * 5000, 5, 50000 + s)))
    rows.push(...range(0, 9).flatMap((s) => session('198.51.100.11', '10.1.0.10', 22, t + s * 5000, 400, 51000 + s)))
    const found = await detect(9, rows)
    expect(found.map((i) => [i.rule, i.source, i.details.service])).toEqual([['brute_force', '198.51.100.9', 'SSH']])
    expect(found[0]!.details.variants).toEqual(['fast'])
  })

  it('slow brute force (35 sessions over 30 minutes) and password spraying (12 hosts)', async () => {
    const t = slot(10)
    // RDP on a general asset: its answers outside are no exposure finding (core and important only).
    const rows = range(0, 34).flatMap((s) => session('198.51.100.12', '10.1.2.50', 3389, t + s * 50_000, 5, 50000 + s))
    rows.push(...range(1, 12).flatMap((h) => [0, 1].flatMap((k) => session('198.51.100.13', `10.1.2.${h}`, 22, t + h * 20_000 + k * 5000, 5, 51000 + h * 2 + k))))
    const found = await detect(10, rows)
    const slow = found.find((i) => i.source === '198.51.100.12')!
    expect(slow.rule).toBe('brute_force')
    expect(slow.details.variants).toEqual(['slow'])
    const spray = found.find((i) => i.source === '198.51.100.13')!
    expect(spray).toMatchObject({ rule: 'brute_force', targetCount: 12 })
    expect(spray.details.variants).toEqual(['spray'])
    expect(found).toHaveLength(2)
  })

  it('known-bad addresses from a feed match either end; answered contact is more severe', async () => {
    await storeFeed(db.clickhouse, {
      name: 'abuse-ch', description: 'test', source: 'upload', changedBy: 'test',
      entries: [{ prefix: '198.51.100.200/32', label: 'botnet C2' }, { prefix: '203.0.113.128/25', label: 'scanner' }],
    })
    const t = slot(11)
    const rows = [
      flow('10.1.0.10', '198.51.100.200', t, { dst_port: 8443 }), // beacon out…
      flow('198.51.100.200', '10.1.0.10', t, { src_port: 8443, dst_port: 40000 }), // …and answer
      flow('203.0.113.200', '10.1.2.9', t, { dst_port: 23, tcp_flags: 0x02, packets: 1 }), // unanswered probe
      flow('203.0.113.1', '10.1.2.9', t, { dst_port: 23 }), // not listed
    ]
    const found = await detect(11, rows)
    const bySource = Object.fromEntries(found.map((i) => [i.source, i]))
    expect(Object.keys(bySource).sort()).toEqual(['198.51.100.200', '203.0.113.200'])
    expect(bySource['198.51.100.200']).toMatchObject({ rule: 'threat_intel', severity: 'critical' })
    expect(bySource['198.51.100.200']!.details).toMatchObject({ feeds: ['abuse-ch'], labels: ['botnet C2'], answered: true })
    expect(bySource['203.0.113.200']).toMatchObject({ severity: 'medium' })
  })

  it('exposed high-risk services: a core host answering RDP outside; SSH and general assets are not', async () => {
    const t = slot(12)
    const rows = [
      flow('10.1.0.10', '198.51.100.20', t, { src_port: 3389, dst_port: 50000, tcp_flags: 0x12, packets: 1 }),
      flow('10.1.0.10', '198.51.100.21', t, { src_port: 22, dst_port: 50000, tcp_flags: 0x12, packets: 1 }),
      flow('10.1.2.30', '198.51.100.20', t, { src_port: 445, dst_port: 50000, tcp_flags: 0x12, packets: 1 }),
      flow('10.1.1.2', '10.1.2.31', t, { src_port: 6379, dst_port: 50000, tcp_flags: 0x12, packets: 1 }), // internal
    ]
    const found = await detect(12, rows)
    expect(found.map((i) => [i.rule, i.targets, i.ports, i.sources])).toEqual([['exposed_service', ['10.1.0.10'], [3389], ['198.51.100.20']]])
    expect(found[0]!.details.services).toEqual(['3389/RDP'])
  })

  it('a sweep of 5 archive hosts on 3 ports is one incident; one source scanning a grid of hosts and ports is one incident', async () => {
    const t = slot(13)
    const rows = range(1, 5).flatMap((h) => [22, 80, 443].flatMap((p, k) => synProbe('198.51.100.30', `10.1.2.${10 + h}`, p, t + h * 100 + k * 10, 'none')))
    // masscan-like: 6 hosts × 20 ports of the same organisation, in one go.
    for (const h of range(1, 6)) rows.push(...range(1, 20).flatMap((p) => synProbe('198.51.100.31', `10.1.1.${h}`, 1000 + p, t + 10_000 + h * 300 + p * 10)))
    const found = await detect(13, rows)
    expect(found.map((i) => [i.rule, i.source]).sort()).toEqual([['host_sweep', '198.51.100.30'], ['port_scan', '198.51.100.31']])
    const sweep = found.find((i) => i.source === '198.51.100.30')!
    expect(sweep.targetCount).toBe(5)
    expect(sweep.details.services).toEqual(expect.arrayContaining(['tcp/22', 'tcp/80', 'tcp/443']))
    const grid = found.find((i) => i.source === '198.51.100.31')!
    expect(grid.targets.sort()).toEqual(range(1, 6).map((h) => `10.1.1.${h}`))
    expect(grid.ports).toHaveLength(20)
    expect((grid.details.variants as string[]).sort()).toEqual(['horizontal', 'vertical'])
  })

  it('reflected answers are never probes: DNS answers to random ports, and a resolver answering a client whose queries were not seen', async () => {
    const t = slot(14)
    // Eight reflectors' answers to random ports of the victim (below the amplification floor: few bytes).
    const rows = range(1, 8).flatMap((r) => range(1, 30).map((k) =>
      flow(`198.18.1.${r}`, '10.1.0.10', t + r * 100 + k, { protocol: 17, tcp_flags: 0, src_port: 53, dst_port: 1024 + r * 97 + k * 13, packets: 1, bytes: 40 })))
    // Twenty answers of a public resolver to a client's ephemeral ports (the queries went another way).
    rows.push(...range(1, 20).map((k) => flow('8.8.8.8', '10.1.2.40', t + k * 10, { protocol: 17, tcp_flags: 0, src_port: 53, dst_port: 40000 + k * 7, packets: 1, bytes: 120 })))
    // SYN-ACK backscatter from 40 ports of a flooded third party towards an archive host.
    rows.push(...range(1, 40).map((k) => flow('203.0.113.50', '10.1.2.41', t + k * 10, { src_port: 80, dst_port: 2000 + k, tcp_flags: 0x12, packets: 1, bytes: 40 })))
    expect(await detect(14, rows)).toEqual([])
  })

  it('a SYN flood of 1,500 pps on a core server is a flood; the same rate on a general host and 1,500 pps of established traffic are not', async () => {
    const t = slot(15)
    const burst = (dst: string, flags: number) => range(0, 1499).map((n) =>
      flow(`198.19.0.${n % 250}`, dst, t + (n % 1000) * 5, { src_port: 1024 + n, dst_port: 80, tcp_flags: flags, packets: 5, bytes: 5 * 60 }))
    const found = await detect(15, [...burst('10.1.0.10', 0x02), ...burst('10.1.2.60', 0x02), ...burst('10.1.1.9', 0x18)])
    expect(found.map((i) => [i.rule, i.targets[0], i.details.class])).toEqual([['flood', '10.1.0.10', 'syn']])
    expect(found[0]!.details.threshold).toMatchObject({ pps: 800, grade: 'core', baseline: null })
    expect(found[0]!.severity).toBe('critical')
  })

  it("an asset's learned baseline raises its flood threshold: 4,000 UDP pps is normal for a host that often sees 1,000, 6,000 is not", async () => {
    // Fourteen days of history before slot 16 is not needed: two days of 5-minute slots suffice
    // (flood.baseline_min_slots is one day). The host sees 1,000 packets/s of UDP every slot.
    const t = slot(16)
    const history = range(1, 576).map((k) => flow('198.51.100.40', '10.1.1.10', t - k * 300_000, { protocol: 17, tcp_flags: 0, src_port: 5000, dst_port: 6000, packets: 300_000, bytes: 300_000 * 200 }))
    await insertFlows(db.clickhouse, history)
    const burst = (pps: number, at: number) => range(0, 99).map((n) =>
      flow(`198.19.1.${n}`, '10.1.1.10', at + n * 10, { protocol: 17, tcp_flags: 0, src_port: 40000 + n, dst_port: 6000, packets: pps * 5 / 100, bytes: (pps * 5 / 100) * 200 }))
    const found = await detect(16, [...burst(4000, t + 60_000), ...burst(6000, t + 600_000)])
    expect(found).toHaveLength(1)
    expect(found[0]!.peak).toBeGreaterThanOrEqual(6000)
    const threshold = found[0]!.details.threshold as { pps: number; baseline: { pps: number; slots: number } }
    expect(threshold).toMatchObject({ pps: 5000, baseline: { pps: 1000 } })
    // 576 slots of history, less the few during the scans of this /28 earlier in this file (incidents).
    expect(threshold.baseline.slots).toBeGreaterThan(560)
  })

  it('DNS reflection from 4 reflectors at 0.6 Mbit/s on an important host is amplification, and no scan', async () => {
    const t = slot(17)
    const rows = range(1, 4).flatMap((r) => range(0, 99).map((k) =>
      flow(`198.18.2.${r}`, '10.1.1.11', t + k * 50, { protocol: 17, tcp_flags: 0, src_port: 53, dst_port: 1024 + ((r * 7919 + k * 104729) % 60000), packets: 2, bytes: 2 * 1900 })))
    const found = await detect(17, rows)
    expect(found.map((i) => [i.rule, i.targets[0]])).toEqual([['amplification', '10.1.1.11']])
    expect(found[0]!.details).toMatchObject({ vectors: ['DNS'], reflectors: 4 })
  })

  it('brute force counts connections, not flow fragments, and watches SSH wherever discovery saw it (port 902)', async () => {
    const t = slot(18)
    await db.clickhouse.insert({
      table: 'observed_services_input', format: 'JSONEachRow',
      values: [{ addr: '::ffff:10.1.2.70', port: 902, protocol: 'tcp', service: 'ssh', product: 'OpenSSH_9.2p1', evidence: 'SSH-2.0-OpenSSH_9.2p1', first_seen: '2026-11-22 00:00:00.000', last_seen: '2026-11-22 00:00:00.000', packets: 10, sensor: 'lab', import_sha256: 'x' }],
    })
    // Eleven connections; each client's last ACK after its FIN arrives as a second flow.
    const rows = range(0, 10).flatMap((c) => [
      ...session('198.51.100.50', '10.1.2.70', 902, t + c * 5000, 5, 52000 + c),
      flow('198.51.100.50', '10.1.2.70', t + c * 5000 + 400, { src_port: 52000 + c, dst_port: 902, tcp_flags: 0x10, packets: 1, bytes: 52 }),
    ])
    // Seven connections to the same port of a host where nothing said SSH: no verdict either way.
    rows.push(...range(0, 6).flatMap((c) => session('198.51.100.51', '10.1.2.71', 902, t + c * 5000, 5, 53000 + c)))
    const found = await detect(18, rows)
    expect(found.map((i) => [i.rule, i.source, i.ports])).toEqual([['brute_force', '198.51.100.50', [902]]])
    expect(found[0]!.details).toMatchObject({ sessions: 11 })
  })

  it('a busy core client is no flood: 3,000 pps of web answers (SYN-ACK, data, FIN) and of a QUIC download', async () => {
    const t = slot(19)
    const rows = range(0, 599).map((n) =>
      flow(`198.19.2.${n % 50}`, '10.1.0.10', t + (n % 500) * 10, { src_port: 443, dst_port: 30000 + n, tcp_flags: 0x1b, packets: 25, bytes: 25 * 900 }))
    rows.push(...range(0, 99).map((n) =>
      flow('198.19.3.1', '10.1.0.10', t + n * 50, { protocol: 17, tcp_flags: 0, src_port: 443, dst_port: 51000, packets: 150, bytes: 150 * 1250 })))
    expect(await detect(19, rows)).toEqual([])
  })

  it('a slow sweep: 9 archive hosts probed on SSH one every 11 minutes is one sweep over the 2-hour window', async () => {
    const t = slot(20)
    await insertFlows(db.clickhouse, range(1, 9).flatMap((h) => synProbe('198.51.100.60', `10.1.2.${200 + h}`, 22, t + (h - 1) * 11 * 60_000, 'none')))
    const found = (await detector.runWindow(t, t + 2 * HOUR)).opened
    expect(found.map((i) => [i.rule, i.source, i.targetCount, i.details.variants])).toEqual([['host_sweep', '198.51.100.60', 9, ['slow']]])
  })
})
