import type { ClickHouseClient } from '@clickhouse/client'
import { chTime } from '../../../detection/incident.ts'
import { loadSql } from '../../../sql/queries.ts'
import { trafficSummary } from '../traffic/queries.ts'

async function rows<T>(ch: ClickHouseClient, name: string, p: Record<string, unknown>): Promise<T[]> {
  const rs = await ch.query({ query: loadSql(name), query_params: p, format: 'JSONEachRow' })
  return rs.json<T>()
}

/**
 * The headline figures a centre reports: traffic analysed, attacks by type, severity and month,
 * assets under watch by grade, the most attacked assets. Traffic comes from the traffic_1m
 * rollup, attacks from the incidents, assets from the archive: no raw flow is scanned.
 */
export async function statsOverview(ch: ClickHouseClient, range: { from: number; to: number }, scopeOrgs: string[]) {
  const p = { from: chTime(range.from), to: chTime(range.to), scope_orgs: scopeOrgs, orgs: scopeOrgs, limit: 10 }
  const [traffic, attacks, grades, mostAttacked] = await Promise.all([
    trafficSummary(ch, { from: range.from, to: range.to, orgs: scopeOrgs }),
    rows<{ rule: string; severity: string; month: string; incidents: number }>(ch, 'queries/attacks/stats', p),
    rows<{ grade: string; assets: number }>(ch, 'queries/traffic/assets_by_grade', p),
    rows<{ asset_id: string; asset_name: string; org_id: string; grade: string; incidents: number }>(ch, 'queries/attacks/most_attacked', p),
  ])
  const byRule: Record<string, number> = {}
  const bySeverity: Record<string, number> = {}
  const byMonth = new Map<string, number>()
  let total = 0
  for (const a of attacks) {
    total += a.incidents
    byRule[a.rule] = (byRule[a.rule] ?? 0) + a.incidents
    bySeverity[a.severity] = (bySeverity[a.severity] ?? 0) + a.incidents
    const month = a.month.slice(0, 7)
    byMonth.set(month, (byMonth.get(month) ?? 0) + a.incidents)
  }
  const assetsByGrade: Record<string, number> = { core: 0, important: 0, general: 0 }
  for (const g of grades) assetsByGrade[g.grade] = g.assets
  return {
    from: new Date(range.from).toISOString(),
    to: new Date(range.to).toISOString(),
    traffic,
    attacks: {
      total,
      by_rule: byRule,
      by_severity: bySeverity,
      by_month: [...byMonth].sort(([a], [b]) => a.localeCompare(b)).map(([month, incidents]) => ({ month, incidents })),
    },
    assets: { total: Object.values(assetsByGrade).reduce((a, b) => a + b, 0), by_grade: assetsByGrade },
    most_attacked: mostAttacked,
  }
}
