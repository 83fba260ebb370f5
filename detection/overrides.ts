import type { ClickHouseClient } from '@clickhouse/client'
import { isThresholdName, type ThresholdName, type Thresholds } from './thresholds.ts'

export type Grade = 'core' | 'important' | 'general'

/** Threshold overrides of the detection_thresholds table: per asset grade and per asset. */
export interface Overrides {
  byGrade: Map<string, Partial<Thresholds>>
  byAsset: Map<string, Partial<Thresholds>>
}

/** Parameters whose loosest value is the largest (an upper bound); every other one is a minimum. */
const UPPER_BOUNDS = new Set<ThresholdName>(['brute_force.session_max_packets'])

export const NO_OVERRIDES: Overrides = { byGrade: new Map(), byAsset: new Map() }

export async function loadOverrides(ch: ClickHouseClient): Promise<Overrides> {
  const rs = await ch.query({
    query: `SELECT rule, param, toString(scope) AS scope, scope_value, argMax(value, version_at) AS value,
              toString(argMax(status, version_at)) AS status
            FROM detection_thresholds GROUP BY rule, param, scope, scope_value HAVING status = 'active'`,
    format: 'JSONEachRow',
  })
  const out: Overrides = { byGrade: new Map(), byAsset: new Map() }
  for (const r of await rs.json<{ rule: string; param: string; scope: string; scope_value: string; value: number }>()) {
    const name = `${r.rule}.${r.param}`
    if (!isThresholdName(name)) continue
    const map = r.scope === 'grade' ? out.byGrade : out.byAsset
    map.set(r.scope_value, { ...map.get(r.scope_value), [name]: r.value })
  }
  return out
}

/** The thresholds for one asset: the asset's own override, else its grade's, else the default. */
export function effectiveThresholds(base: Thresholds, o: Overrides, assetId: string | undefined, grade: string | undefined): Thresholds {
  return { ...base, ...(grade ? o.byGrade.get(grade) : undefined), ...(assetId ? o.byAsset.get(assetId) : undefined) }
}

/** For the SQL pre-filter: the loosest value of every parameter over the defaults and all overrides. */
export function loosestThresholds(base: Thresholds, o: Overrides): Thresholds {
  const out = { ...base }
  for (const partial of [...o.byGrade.values(), ...o.byAsset.values()]) {
    for (const [k, v] of Object.entries(partial) as [ThresholdName, number][]) {
      out[k] = UPPER_BOUNDS.has(k) ? Math.max(out[k], v) : Math.min(out[k], v)
    }
  }
  return out
}

/** Window lengths shape the queries themselves and cannot vary per asset. */
export function isOverridable(name: ThresholdName): boolean {
  return !name.endsWith('window_s')
}
