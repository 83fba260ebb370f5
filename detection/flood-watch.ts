import type { ClickHouseClient } from '@clickhouse/client'
import type { Logger } from '../core/logger.ts'
import { loadSql } from '../sql/queries.ts'
import { createBaselines, type Baselines } from './baseline.ts'
import { contains, displayAddress, parseAddress, parseNetwork, type Network } from './cidr.ts'
import { rankAssets, type AssetRef } from './incident.ts'
import { effectiveThresholds, loadOverrides, NO_OVERRIDES, type Overrides } from './overrides.ts'
import { RULE_QUERIES, type DetectionRow, type RuleQuery } from './rules.ts'
import type { Detection } from './runner.ts'
import { AMPLIFIERS, type Thresholds } from './thresholds.ts'

/**
 * Flood detection as flows arrive, the way FastNetMon counts: per archive destination, packets,
 * bytes, new flows and packet classes in half-window slots of flow time, judged by the same flood
 * verdict as sql/detection/flood.sql (grade floors, learned baseline, class dominance) as soon as a
 * datagram's flows land. A flood is an incident within a second or two of the export datagram that
 * reveals it; the SQL pass later merges its own view of the same windows into the same incident.
 */
/** What the watch reads of a flow (the collector's FlowRecord has these fields). */
export interface ObservedFlow {
  timeStart: number
  timeEnd: number
  srcAddr: string
  dstAddr: string
  srcPort: number
  dstPort: number
  protocol: number
  tcpFlags: number
  packets: number
  bytes: number
}

export interface FloodWatch {
  /** Counts decoded flows (the collector's tap); never throws, never waits. */
  observe(flows: readonly ObservedFlow[]): void
  /** Loads the archive's networks, overrides and baselines, and keeps them fresh (a changed archive within 2 s). */
  start(): Promise<void>
  stop(): void
}

export interface FloodWatchDeps {
  clickhouse: ClickHouseClient
  logger: Logger
  /** Receives each flood verdict (the detector merges it into incidents). */
  onDetection(d: Detection): void
}

interface Slot {
  packets: number
  bytes: number
  flows: number
  classes: Map<string, number>
  protocols: Map<number, number>
  sources: Map<string, number>
  ports: Map<number, number>
  sourcePorts: Map<number, number>
  first: number
  last: number
}

interface Target {
  asset: AssetRef
  slots: Map<number, Slot>
  /** The slot of the last verdict sent, and its magnitude: one per slot unless it grows. */
  sentSlot: number
  sentMagnitude: number
}

/** How often the archive is checked for changes (a new asset is watched within this), and baselines reloaded. */
const ARCHIVE_CHECK_MS = 2_000
const RELOAD_MS = 60_000
const MAX_CACHED = 200_000
const MAX_KEYS = 64
const FLOOD = RULE_QUERIES.find((q) => q.rule === 'flood') as RuleQuery

export function createFloodWatch(thresholds: Thresholds, deps: FloodWatchDeps): FloodWatch {
  const logger = deps.logger.child({ stage: 'flood-watch' })
  const windowMs = Math.round(thresholds['flood.window_s'] * 1000)
  const half = windowMs / 2
  const baselineStore = createBaselines(deps.clickhouse)
  let networks: { net: Network; asset: AssetRef }[] = []
  let overrides: Overrides = NO_OVERRIDES
  let baselines: Baselines = new Map()
  /** Destination address → its archive asset (undefined: outside the archive). */
  const assetOf = new Map<string, AssetRef | undefined>()
  const targets = new Map<string, Target>()
  let timer: NodeJS.Timeout | undefined
  let archiveVersion = ''
  let loadedAt = 0

  /** Reloads when the archive changed, and every minute anyway (overrides, baselines). */
  async function refresh(): Promise<void> {
    try {
      const rs = await deps.clickhouse.query({ query: loadSql('detection/archive_version'), format: 'JSONEachRow' })
      const [v] = await rs.json<{ version: string; n: number }>()
      const version = `${v?.version}:${v?.n}`
      if (version !== archiveVersion || Date.now() - loadedAt >= RELOAD_MS) {
        archiveVersion = version
        await reload()
      }
    } catch (err) {
      logger.error({ err }, 'could not check the archive for changes')
    }
  }

  async function reload(): Promise<void> {
    loadedAt = Date.now()
    try {
      const rs = await deps.clickhouse.query({ query: loadSql('detection/asset_networks'), format: 'JSONEachRow' })
      const rows = await rs.json<{ id: string; org: string; sector: string; locality: string; grade: string; networks: string[] }>()
      const next: { net: Network; asset: AssetRef }[] = []
      for (const r of rows) {
        for (const n of r.networks) {
          const net = parseNetwork(n)
          if (net) next.push({ net, asset: { id: r.id, org: r.org, sector: r.sector, locality: r.locality, grade: r.grade } })
        }
      }
      next.sort((a, b) => b.net.bits - a.net.bits)
      networks = next
      assetOf.clear()
      overrides = await loadOverrides(deps.clickhouse)
      baselines = await baselineStore.asOf(Date.now())
    } catch (err) {
      logger.error({ err }, 'could not load the archive for streaming flood detection; keeping the last copy')
    }
  }

  function lookup(address: string): AssetRef | undefined {
    if (assetOf.has(address)) return assetOf.get(address)
    const value = parseAddress(address)
    const asset = value === undefined ? undefined : networks.find((n) => contains(n.net, value))?.asset
    if (assetOf.size >= MAX_CACHED) assetOf.clear()
    assetOf.set(address, asset)
    return asset
  }

  function slotOf(t: Target, start: number): Slot {
    let s = t.slots.get(start)
    if (!s) {
      s = { packets: 0, bytes: 0, flows: 0, classes: new Map(), protocols: new Map(), sources: new Map(), ports: new Map(), sourcePorts: new Map(), first: Infinity, last: 0 }
      t.slots.set(start, s)
    }
    return s
  }

  function add(f: ObservedFlow, t: Target): number[] {
    // A flow spread over the slots it spans in proportion to its duration, as the SQL does.
    const s0 = Math.floor(f.timeStart / half) * half
    const s1 = Math.min(Math.floor(Math.max(f.timeEnd, f.timeStart) / half) * half, s0 + 40 * half)
    const span = Math.max(f.timeEnd - f.timeStart, 0)
    const touched: number[] = []
    const cls = classOf(f)
    for (let start = s0; start <= s1; start += half) {
      const share = span === 0 || s0 === s1 ? 1 : Math.max(Math.min(f.timeEnd, start + half) - Math.max(f.timeStart, start), 0) / span
      if (share === 0 && start !== s0) continue
      const s = slotOf(t, start)
      const p = f.packets * share
      s.packets += p
      s.bytes += f.bytes * share
      if (start === s0) s.flows++
      bump(s.classes, cls, p)
      bump(s.protocols, f.protocol, p)
      bump(s.sources, f.srcAddr, p)
      bump(s.ports, f.dstPort, p)
      bump(s.sourcePorts, f.srcPort, p)
      s.first = Math.min(s.first, f.timeStart)
      s.last = Math.max(s.last, f.timeEnd)
      touched.push(start)
    }
    return touched
  }

  function judge(address: string, t: Target, start: number): void {
    // The two windows holding this slot (phases 0 and 1 of the SQL pass).
    for (const ws of [start - half, start]) {
      const a = t.slots.get(ws)
      const b = t.slots.get(ws + half)
      if (!a && !b) continue
      const parts = [a, b].filter((x): x is Slot => x !== undefined)
      const row = rowOf(address, t.asset, parts, ws, windowMs)
      const limits = effectiveThresholds(thresholds, overrides, t.asset.id, t.asset.grade)
      const verdict = FLOOD.judge(row, limits, { grade: t.asset.grade, baseline: baselines.get(t.asset.id) })
      if (!verdict) continue
      if (t.sentSlot === start && verdict.magnitude < 2 * t.sentMagnitude) continue
      t.sentSlot = start
      t.sentMagnitude = verdict.magnitude
      const sources = row.sources.map(displayAddress)
      deps.onDetection({
        rule: 'flood', variant: 'streaming', phase: Math.round(ws / half) % 2, windowStart: ws, windowMs,
        key: `flood||${t.asset.id}|${FLOOD.keyBy!(verdict)}`, source: '', sources, sourceCount: Number(row.source_count), targets: [displayAddress(address)], targetCount: 1,
        ports: row.ports, protocols: row.protocols, assets: rankAssets([t.asset]), firstSeen: row.first_seen_ms, lastSeen: row.last_seen_ms,
        packets: row.packets_total, bytes: row.bytes_total, flows: row.flows_total, verdict,
      })
    }
  }

  /** Forgets slots more than a minute of flow time older than the newest one of their target. */
  function prune(t: Target, newest: number): void {
    for (const start of t.slots.keys()) if (start < newest - 60_000) t.slots.delete(start)
  }

  function count(flows: readonly ObservedFlow[]): void {
    const touched = new Map<string, Set<number>>()
    for (const f of flows) {
      const asset = lookup(f.dstAddr)
      if (!asset) continue
      let t = targets.get(f.dstAddr)
      if (!t) targets.set(f.dstAddr, (t = { asset, slots: new Map(), sentSlot: -1, sentMagnitude: 0 }))
      let set = touched.get(f.dstAddr)
      if (!set) touched.set(f.dstAddr, (set = new Set()))
      for (const s of add(f, t)) set.add(s)
    }
    for (const [address, starts] of touched) {
      const t = targets.get(address)!
      for (const start of starts) judge(address, t, start)
      prune(t, Math.max(...starts))
    }
    if (targets.size > MAX_CACHED) targets.clear()
  }

  return {
    observe(flows) {
      if (networks.length === 0) return
      try {
        count(flows)
      } catch (err) {
        logger.error({ err }, 'streaming flood detection failed on a batch; the flows are stored and the SQL pass judges them')
      }
    },
    async start() {
      await refresh()
      let checking = false
      timer = setInterval(() => {
        if (checking) return
        checking = true
        void refresh().finally(() => (checking = false))
      }, ARCHIVE_CHECK_MS)
      timer.unref()
    },
    stop() {
      clearInterval(timer)
    },
  }
}

/** The class of a flow's packets, as sql/detection/flood.sql names them. */
function classOf(f: ObservedFlow): string {
  if (f.protocol === 6) {
    if ((f.tcpFlags & 0x12) === 0x02) return 'syn'
    if ((f.tcpFlags & 0x10) !== 0 && (f.tcpFlags & 0x06) !== 0 && (f.tcpFlags & 0x09) === 0 && f.srcPort < 1024 && f.dstPort >= 1024) return 'backscatter'
  }
  if ((f.protocol === 6 || f.protocol === 17) && f.srcPort === 0 && f.dstPort === 0) return 'fragment'
  if (f.protocol === 17) {
    const amp = AMPLIFIERS[f.srcPort]
    if (amp && f.bytes >= f.packets * amp.minBytes) return 'reflection'
    return f.srcPort < 1024 && f.dstPort >= 1024 ? 'answer' : 'udp'
  }
  if (f.protocol === 1 || f.protocol === 58) return 'icmp'
  return f.protocol === 6 ? 'tcp' : 'other'
}

function bump<K>(m: Map<K, number>, k: K, v: number): void {
  if (m.size >= MAX_KEYS && !m.has(k)) return
  m.set(k, (m.get(k) ?? 0) + v)
}

/** A window of two slots in the shape of a flood.sql row, for the shared verdict. */
function rowOf(address: string, asset: AssetRef, parts: Slot[], ws: number, windowMs: number): DetectionRow {
  const sum = <K>(pick: (s: Slot) => Map<K, number>) => {
    const out = new Map<K, number>()
    for (const s of parts) for (const [k, v] of pick(s)) out.set(k, (out.get(k) ?? 0) + v)
    return out
  }
  const top = <K>(m: Map<K, number>, n: number) => [...m.entries()].sort((x, y) => y[1] - x[1]).slice(0, n).map(([k]) => k)
  const packets = parts.reduce((n, s) => n + s.packets, 0)
  const bytes = parts.reduce((n, s) => n + s.bytes, 0)
  const flows = parts.reduce((n, s) => n + s.flows, 0)
  const classes = sum((s) => s.classes)
  const protocols = sum((s) => s.protocols)
  const sources = sum((s) => s.sources)
  const size = Math.round(bytes / Math.max(packets, 1))
  const seconds = windowMs / 1000
  return {
    window_start: ws, source: '', target: address, targets: [address], sources: top(sources, 20), source_count: sources.size,
    assets: [[asset.id, asset.org, asset.sector, asset.locality, asset.grade]],
    ports: top(sum((s) => s.ports), 10), source_ports: top(sum((s) => s.sourcePorts), 10), protocols: [...protocols.keys()],
    pps: packets / seconds, bps: (bytes * 8) / seconds, fps: flows / seconds,
    class_packets: [[...classes.keys()], [...classes.values()]],
    protocol_packets: [[...protocols.keys()].map(String), [...protocols.values()]],
    packet_size: [size, size, size],
    first_seen_ms: Math.min(...parts.map((s) => s.first)), last_seen_ms: Math.max(...parts.map((s) => s.last)),
    packets_total: Math.round(packets), bytes_total: Math.round(bytes), flows_total: flows,
  }
}
