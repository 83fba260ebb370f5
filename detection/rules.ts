import type { Baseline } from './baseline.ts'
import { displayAddress } from './cidr.ts'
import { AMPLIFIERS, amplifierParams, AUTH_PORTS, AUTH_PRODUCTS, AUTH_SERVICES, GRADES, gradeFloor, HIGH_RISK_PORTS, type ThresholdName, type Thresholds } from './thresholds.ts'

export const RULE_IDS = ['port_scan', 'host_sweep', 'flood', 'amplification', 'brute_force', 'threat_intel', 'exposed_service'] as const
export type RuleId = (typeof RULE_IDS)[number]

/** One row of a detection query (sql/detection/*.sql): the columns every rule returns, plus its own. */
export interface DetectionRow {
  window_start: number
  source: string
  target: string
  targets: string[]
  sources: string[]
  source_count?: number
  assets: [string, string, string, string, string][]
  ports: number[]
  protocols: number[]
  first_seen_ms: number
  last_seen_ms: number
  packets_total: number
  bytes_total: number
  flows_total: number
  [column: string]: unknown
}

/** What a rule concluded about one row, judged against the thresholds in force for its asset. */
export interface Verdict {
  magnitude: number
  unit: string
  /** magnitude / threshold: 1 at the threshold, 10 an order of magnitude above. */
  ratio: number
  details: Record<string, unknown>
}

/** What a verdict may weigh besides the row: the grade of the asset hit and its learned baseline. */
export interface JudgeContext {
  grade: string | undefined
  baseline: Baseline | undefined
}

/**
 * One query of one rule. A rule may have several (brute force: fast, slow, spray); all of a
 * rule's detections merge into the same incidents. The SQL filters with the loosest thresholds in
 * force anywhere (`sqlParams`), `judge` applies those of the asset hit.
 */
export interface RuleQuery {
  rule: RuleId
  variant: string
  sql: string
  window: ThresholdName
  /** Half-window phases: 2 catches a burst that straddles a window boundary; 1 for any-contact rules. */
  phases: 1 | 2
  /**
   * What one incident is: `asset` one per attacker and asset hit (or target address); `org` one per
   * attacker and organisation hit, whatever the hosts and ports (scans and sweeps, which share the
   * incident key `scan`); `service` one per attacker and service (sprays).
   */
  keyOn: 'asset' | 'org' | 'service'
  /** What else tells attacks on one target apart (a flood's class, a reflection's vector): one incident each. */
  keyBy?: (v: Verdict) => string
  /** SQL slots filled from other files (sql/detection/<file>.sql). */
  slots?: Record<string, string>
  sqlParams(loose: Thresholds): Record<string, unknown>
  judge(row: DetectionRow, t: Thresholds, ctx: JudgeContext): Verdict | undefined
}

const num = (v: unknown): number => Number(v ?? 0)
/** A sumMap result (a tuple of keys and values, JSON [[k...], [v...]]) as an object. */
const asMap = (v: unknown): Record<string, number> => {
  const [keys, values] = (v ?? [[], []]) as [unknown[], number[]]
  return Object.fromEntries(keys.map((k, i) => [String(k), Number(values[i] ?? 0)]))
}
const ports = (table: Readonly<Record<number, string>>) => Object.keys(table).map(Number)
const vectorName = (port: number) => AMPLIFIERS[port]?.vector ?? `udp/${port}`

const portScan: RuleQuery = {
  rule: 'port_scan', variant: 'vertical', sql: 'detection/port_scan', window: 'port_scan.window_s', phases: 2, keyOn: 'org',
  sqlParams: (t) => ({ min_ports: t['port_scan.min_ports'], amp_ports: amplifierParams().amp_ports }),
  judge(row, t) {
    const count = num(row.port_count)
    if (count < t['port_scan.min_ports']) return undefined
    return { magnitude: count, unit: 'ports', ratio: count / t['port_scan.min_ports'], details: { techniques: row.techniques, port_count: count } }
  },
}

const sweepDetails = (row: DetectionRow) => ({
  host_count: num(row.host_count), archive_host_count: num(row.archive_host_count), dark_host_count: num(row.dark_host_count),
  service_count: num(row.service_count), services: row.services,
})

const hostSweep: RuleQuery = {
  rule: 'host_sweep', variant: 'horizontal', sql: 'detection/host_sweep', window: 'host_sweep.window_s', phases: 2, keyOn: 'org',
  sqlParams: (t) => ({
    min_hosts: Math.min(t['host_sweep.min_hosts'], t['host_sweep.min_archive_hosts'], t['host_sweep.min_dark_hosts']),
    amp_ports: amplifierParams().amp_ports,
  }),
  judge(row, t) {
    const hosts = num(row.host_count)
    const ratio = Math.max(hosts / t['host_sweep.min_hosts'], num(row.archive_host_count) / t['host_sweep.min_archive_hosts'], num(row.dark_host_count) / t['host_sweep.min_dark_hosts'])
    if (ratio < 1) return undefined
    return { magnitude: hosts, unit: 'hosts', ratio, details: sweepDetails(row) }
  },
}

/** The same sweep over hours: a few archive hosts probed slowly (knock-knock). */
const hostSweepSlow: RuleQuery = {
  ...hostSweep, variant: 'slow', window: 'host_sweep.slow_window_s',
  sqlParams: (t) => ({ min_hosts: Math.min(t['host_sweep.slow_min_hosts'], t['host_sweep.min_dark_hosts']), amp_ports: amplifierParams().amp_ports }),
  judge(row, t) {
    const hosts = num(row.host_count)
    const ratio = Math.max(num(row.archive_host_count) / t['host_sweep.slow_min_hosts'], num(row.dark_host_count) / t['host_sweep.min_dark_hosts'])
    if (ratio < 1) return undefined
    return { magnitude: hosts, unit: 'hosts', ratio, details: sweepDetails(row) }
  },
}

/** Classes of packets that are an attack on their own: SYN, UDP, ICMP, fragments, backscatter. */
const ATTACK_CLASSES = new Set(['syn', 'udp', 'icmp', 'fragment', 'backscatter'])

const flood: RuleQuery = {
  rule: 'flood', variant: 'volumetric', sql: 'detection/flood', window: 'flood.window_s', phases: 2, keyOn: 'asset',
  keyBy: (v) => String(v.details.class),
  sqlParams: (t) => ({
    min_pps: Math.min(t['flood.min_pps'], ...GRADES.map((g) => gradeFloor(t, 'flood', 'min_pps', g))),
    min_bps: Math.min(t['flood.min_mbps'], ...GRADES.map((g) => gradeFloor(t, 'flood', 'min_mbps', g))) * 1e6,
    min_fps: t['flood.min_flows_per_s'],
    ...amplifierParams(),
  }),
  judge(row, t, { grade, baseline }) {
    const pps = num(row.pps)
    const bps = num(row.bps)
    const fps = num(row.fps)
    const classes = asMap(row.class_packets)
    const total = Object.values(classes).reduce((a, b) => a + b, 0) || 1
    const [top, share] = Object.entries(classes).sort((a, b) => b[1] - a[1])[0] ?? ['other', 0]
    const floodClass = share / total > t['flood.class_share_pct'] / 100 ? top : 'mixed'
    // Answers from amplifiers are the amplification rule's: one attack, one incident.
    if (floodClass === 'reflection') return undefined
    // Above the asset's own normal rates (when learned), and above the floors: the grade's for a
    // dominant attack class, FastNetMon's centre-wide numbers for any other mix of traffic.
    const k = t['flood.baseline_multiple']
    const learned = baseline && baseline.slots >= t['flood.baseline_min_slots'] ? baseline : undefined
    const attack = ATTACK_CLASSES.has(floodClass)
    const need = {
      pps: Math.max(attack ? gradeFloor(t, 'flood', 'min_pps', grade) : t['flood.min_pps'], k * (learned?.pps ?? 0)),
      bps: Math.max((attack ? gradeFloor(t, 'flood', 'min_mbps', grade) : t['flood.min_mbps']) * 1e6, k * (learned?.bps ?? 0)),
      fps: Math.max(t['flood.min_flows_per_s'], k * (learned?.fps ?? 0)),
    }
    const ratio = Math.max(pps / need.pps, bps / need.bps, fps / need.fps)
    if (ratio < 1) return undefined
    const protocolMix = Object.fromEntries(Object.entries(asMap(row.protocol_packets)).map(([p, n]) => [p, round(n / total, 3)]))
    const [p5, p50, p95] = (row.packet_size as number[]) ?? []
    return {
      magnitude: round(pps, 1),
      unit: 'packets/s',
      ratio,
      details: {
        class: floodClass,
        pps: round(pps, 1), bps: Math.round(bps), flows_per_s: round(fps, 1),
        threshold: { pps: round(need.pps, 1), bps: Math.round(need.bps), flows_per_s: round(need.fps, 1), grade: grade ?? null, baseline: learned ? { pps: round(learned.pps, 1), bps: Math.round(learned.bps), flows_per_s: round(learned.fps, 1), slots: learned.slots } : null },
        fingerprint: {
          top_sources: row.sources.map(displayAddress), source_count: num(row.source_count), top_source_ports: row.source_ports,
          top_destination_ports: row.ports, protocol_mix: protocolMix, packet_size: { p5, p50, p95 },
          class_share: Object.fromEntries(Object.entries(classes).map(([c, n]) => [c, round(n / total, 3)])),
        },
      },
    }
  },
}

const amplification: RuleQuery = {
  rule: 'amplification', variant: 'reflection', sql: 'detection/amplification', window: 'amplification.window_s', phases: 2, keyOn: 'asset',
  keyBy: (v) => String((v.details.vectors as string[])[0] ?? ''),
  sqlParams: (t) => ({
    ...amplifierParams(), min_reflectors: t['amplification.min_reflectors'], min_factor: t['amplification.min_factor'],
    min_bps: Math.min(...GRADES.map((g) => gradeFloor(t, 'amplification', 'min_mbps', g))) * 1e6,
  }),
  judge(row, t, { grade }) {
    const bps = num(row.bps)
    if (num(row.source_count) < t['amplification.min_reflectors']) return undefined
    const ratio = bps / (gradeFloor(t, 'amplification', 'min_mbps', grade) * 1e6)
    if (ratio < 1) return undefined
    const byPort = asMap(row.vector_bytes)
    const total = Object.values(byPort).reduce((a, b) => a + b, 0) || 1
    const vectors = Object.entries(byPort)
      .filter(([, b]) => b / total >= 0.1)
      .sort((a, b) => b[1] - a[1])
      .map(([p]) => vectorName(Number(p)))
    return {
      magnitude: Math.round(bps), unit: 'bits/s', ratio,
      details: { vectors, reflectors: num(row.source_count), avg_packet_bytes: round(num(row.avg_bytes), 1), pps: round(num(row.pps), 1), bps: Math.round(bps) },
    }
  },
}

const bruteParams = (t: Thresholds) => ({
  ports: ports(AUTH_PORTS), auth_products: AUTH_PRODUCTS, auth_services: AUTH_SERVICES,
  min_packets: t['brute_force.session_min_packets'], max_packets: t['brute_force.session_max_packets'],
})
const bruteDetails = (row: DetectionRow, variant: string) => ({
  variant, service: AUTH_PORTS[row.ports[0] ?? 0] ?? `tcp/${row.ports[0]}`, sessions: num(row.sessions),
  host_count: num(row.host_count), avg_session_packets: round(num(row.avg_session_packets), 1),
})

const bruteForce: RuleQuery = {
  rule: 'brute_force', variant: 'fast', sql: 'detection/brute_force', window: 'brute_force.window_s', phases: 2, keyOn: 'asset',
  slots: { sessions: 'detection/auth_sessions' },
  sqlParams: (t) => ({ ...bruteParams(t), min_sessions: t['brute_force.min_sessions'] }),
  judge(row, t) {
    const ratio = num(row.sessions) / t['brute_force.min_sessions']
    return ratio < 1 ? undefined : { magnitude: num(row.sessions), unit: 'sessions', ratio, details: bruteDetails(row, 'fast') }
  },
}

const bruteForceSlow: RuleQuery = {
  ...bruteForce, variant: 'slow', window: 'brute_force.slow_window_s',
  sqlParams: (t) => ({ ...bruteParams(t), min_sessions: t['brute_force.slow_min_sessions'] }),
  judge(row, t) {
    const ratio = num(row.sessions) / t['brute_force.slow_min_sessions']
    return ratio < 1 ? undefined : { magnitude: num(row.sessions), unit: 'sessions', ratio, details: bruteDetails(row, 'slow') }
  },
}

const bruteForceSpray: RuleQuery = {
  ...bruteForce, variant: 'spray', sql: 'detection/brute_force_spray', window: 'brute_force.spray_window_s', keyOn: 'service',
  sqlParams: (t) => ({ ...bruteParams(t), min_hosts: t['brute_force.spray_min_hosts'], min_sessions: t['brute_force.spray_min_sessions'] }),
  judge(row, t) {
    const hosts = num(row.host_count)
    if (num(row.sessions) < t['brute_force.spray_min_sessions']) return undefined
    const ratio = hosts / t['brute_force.spray_min_hosts']
    return ratio < 1 ? undefined : { magnitude: hosts, unit: 'hosts', ratio, details: bruteDetails(row, 'spray') }
  },
}

const threatIntel: RuleQuery = {
  rule: 'threat_intel', variant: 'known_bad', sql: 'detection/threat_intel', window: 'threat_intel.window_s', phases: 1, keyOn: 'asset',
  sqlParams: () => ({}),
  judge(row) {
    const answered = num(row.answered) === 1
    return {
      magnitude: num(row.flows_total), unit: 'flows', ratio: 1,
      details: { feeds: String(row.feeds).split(',').filter(Boolean), labels: String(row.labels).split(',').filter(Boolean), answered },
    }
  },
}

const exposedService: RuleQuery = {
  rule: 'exposed_service', variant: 'exposure', sql: 'detection/exposed_service', window: 'exposed_service.window_s', phases: 1, keyOn: 'asset',
  sqlParams: () => ({ ports: ports(HIGH_RISK_PORTS), grades: ['core', 'important'] }),
  judge(row) {
    const services = row.ports.map((p) => `${p}/${HIGH_RISK_PORTS[p] ?? 'unknown'}`)
    return { magnitude: num(row.source_count), unit: 'peers', ratio: 1, details: { services, peers: num(row.source_count) } }
  },
}

export const RULE_QUERIES: readonly RuleQuery[] = [
  portScan, hostSweep, hostSweepSlow, flood, amplification, bruteForce, bruteForceSlow, bruteForceSpray, threatIntel, exposedService,
]

/** Severity base per rule before asset grade and magnitude adjust it. */
export const BASE_SEVERITY: Record<RuleId, number> = {
  port_scan: 1, host_sweep: 1, brute_force: 2, threat_intel: 2, exposed_service: 2, flood: 3, amplification: 3,
}

function round(v: number, digits: number): number {
  const f = 10 ** digits
  return Math.round(v * f) / f
}
