import type { ClickHouseClient } from '@clickhouse/client'
import { fillSlots, loadSql } from '../sql/queries.ts'
import type { Baselines } from './baseline.ts'
import { displayAddress } from './cidr.ts'
import { chTime, rankAssets, type AssetRef } from './incident.ts'
import { effectiveThresholds, loosestThresholds, type Overrides } from './overrides.ts'
import type { DetectionRow, RuleId, RuleQuery, Verdict } from './rules.ts'
import type { Thresholds } from './thresholds.ts'

/** One rule firing in one window, judged against the thresholds of the asset it hit. */
export interface Detection {
  rule: RuleId
  variant: string
  phase: number
  windowStart: number
  windowMs: number
  /** rule | attacker | target: detections with the same key merge into one incident. */
  key: string
  source: string
  sources: string[]
  sourceCount: number
  targets: string[]
  targetCount: number
  ports: number[]
  protocols: number[]
  assets: AssetRef[]
  firstSeen: number
  lastSeen: number
  packets: number
  bytes: number
  flows: number
  verdict: Verdict
}

/**
 * Runs every rule query over the flows whose time_start lies in [from, to), in windows of the
 * rule's length aligned on phase offsets (0 and half a window), so that a burst straddling a
 * boundary still falls whole into one window. `from` is moved back to a window start: each
 * window is always evaluated whole, which makes evaluating it again harmless.
 */
export async function evaluateRules(
  ch: ClickHouseClient,
  queries: readonly RuleQuery[],
  range: { from: number; to: number },
  base: Thresholds,
  overrides: Overrides,
  baselines: Baselines = new Map(),
): Promise<{ detections: Detection[]; failed: { rule: RuleId; variant: string; err: unknown }[] }> {
  const loose = loosestThresholds(base, overrides)
  const out: Detection[] = []
  const failed: { rule: RuleId; variant: string; err: unknown }[] = []
  for (const q of queries) {
    try {
      out.push(...(await evaluateQuery(ch, q, range, base, overrides, baselines, loose)))
    } catch (err) {
      failed.push({ rule: q.rule, variant: q.variant, err })
    }
  }
  return { detections: out, failed }
}

/** One rule query over the range, in both phases; a failure fails this query only. */
async function evaluateQuery(
  ch: ClickHouseClient, q: RuleQuery, range: { from: number; to: number }, base: Thresholds, overrides: Overrides, baselines: Baselines, loose: Thresholds,
): Promise<Detection[]> {
  const out: Detection[] = []
  const windowMs = Math.round(base[q.window] * 1000)
  const query = q.slots ? fillSlots(loadSql(q.sql), Object.fromEntries(Object.entries(q.slots).map(([k, f]) => [k, loadSql(f)]))) : loadSql(q.sql)
  for (let phase = 0; phase < q.phases; phase++) {
    const offset = (phase * windowMs) / 2
    const from = Math.floor((range.from - offset) / windowMs) * windowMs + offset
    const rs = await ch.query({
      query,
      query_params: { from: chTime(from), to: chTime(range.to), window_ms: windowMs, offset_ms: offset, ...q.sqlParams(loose) },
      format: 'JSONEachRow',
    })
    for (const row of await rs.json<DetectionRow>()) {
      const detection = judge(q, row, base, overrides, baselines, phase, windowMs)
      if (detection) out.push(detection)
    }
  }
  return out
}

/** Scans and sweeps by one source of one organisation are one attack: they share one incident key. */
const KEY_GROUP: Partial<Record<RuleId, string>> = { port_scan: 'scan', host_sweep: 'scan' }
const NIL = '00000000-0000-0000-0000-000000000000'

function judge(q: RuleQuery, row: DetectionRow, base: Thresholds, overrides: Overrides, baselines: Baselines, phase: number, windowMs: number): Detection | undefined {
  const assets = rankAssets(row.assets.map(([id, org, sector, locality, grade]) => ({ id, org, sector, locality, grade })))
  const primary = assets[0]
  const verdict = q.judge(row, effectiveThresholds(base, overrides, primary?.id, primary?.grade), { grade: primary?.grade, baseline: primary ? baselines.get(primary.id) : undefined })
  if (!verdict) return undefined
  const source = displayAddress(row.source)
  const sources = row.sources.map(displayAddress)
  const targets = row.targets.map(displayAddress)
  const org = primary?.org && primary.org !== NIL ? primary.org : undefined
  const target = q.keyOn === 'service' ? `${q.variant === 'spray' ? 'spray:' : ''}${row.target}`
    : q.keyOn === 'org' ? (org ? `org:${org}` : q.rule === 'port_scan' ? displayAddress(row.target) : 'outside')
    : (primary?.id ?? displayAddress(row.target))
  return {
    rule: q.rule,
    variant: q.variant,
    phase,
    windowStart: Number(row.window_start),
    windowMs,
    key: `${KEY_GROUP[q.rule] ?? q.rule}|${source}|${target}${q.keyBy ? `|${q.keyBy(verdict)}` : ''}`,
    source,
    sources,
    sourceCount: Math.max(Number(row.source_count ?? 0), sources.length),
    targets,
    targetCount: Math.max(Number(row.host_count ?? 0), targets.length),
    ports: row.ports.map(Number),
    protocols: row.protocols.map(Number),
    assets,
    firstSeen: Number(row.first_seen_ms),
    lastSeen: Number(row.last_seen_ms),
    packets: Number(row.packets_total),
    bytes: Number(row.bytes_total),
    flows: Number(row.flows_total),
    verdict,
  }
}
