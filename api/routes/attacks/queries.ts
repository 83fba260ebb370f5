import type { ClickHouseClient } from '@clickhouse/client'
import { chTime } from '../../../detection/incident.ts'
import { fillSlots, loadSql } from '../../../sql/queries.ts'

export const ATTACK_SORTS = {
  last_seen: 'last_seen_ms',
  first_seen: 'first_seen_ms',
  severity: "indexOf(['low', 'medium', 'high', 'critical'], severity)",
  peak: 'peak',
  packets: 'packets',
  bytes: 'bytes',
  sources: 'source_count',
} as const

export interface AttackFilter {
  from: number
  to: number
  id?: string
  rules?: string[]
  severities?: string[]
  states?: string[]
  asset?: string
  organisation?: string
  sector?: string
  locality?: string
  source?: string
  port?: number
  scopeOrgs: string[]
  sort: keyof typeof ATTACK_SORTS
  order: 'asc' | 'desc'
  limit: number
  offset: number
}

export interface AttackRow {
  id: string
  rule: string
  source: string
  sources: string[]
  source_count: number
  targets: string[]
  target_count: number
  ports: number[]
  protocols: number[]
  asset_id: string
  asset_name: string
  org_id: string
  org_name: string
  sector: string
  locality: string
  grade: string
  asset_ids: string[]
  org_ids: string[]
  first_seen_ms: number
  last_seen_ms: number
  peak: number
  peak_unit: string
  alert_count: number
  packets: number
  bytes: number
  flows: number
  severity: string
  details: string
  state: string
  updated_ms: number
  total: number
}

/** The SQL of a list query, with the sort filled from the allow-list (tests read it). */
export function attackListSql(sort: keyof typeof ATTACK_SORTS, order: 'asc' | 'desc'): string {
  return fillSlots(loadSql('queries/attacks/list'), { sort: `${ATTACK_SORTS[sort]} ${order === 'asc' ? 'ASC' : 'DESC'}` })
}

export async function listAttacks(ch: ClickHouseClient, f: AttackFilter): Promise<{ rows: AttackRow[]; total: number }> {
  const rs = await ch.query({
    query: attackListSql(f.sort, f.order),
    query_params: {
      from: chTime(f.from), to: chTime(f.to), id: f.id ?? '', rules: f.rules ?? [], severities: f.severities ?? [],
      states: f.states ?? [], asset: f.asset ?? '', organisation: f.organisation ?? '', sector: f.sector ?? '',
      locality: f.locality ?? '', source: f.source ?? '', port: f.port ?? -1, scope_orgs: f.scopeOrgs,
      limit: f.limit, offset: f.offset,
    },
    format: 'JSONEachRow',
  })
  const rows = await rs.json<AttackRow>()
  return { rows, total: rows[0]?.total ?? (f.offset > 0 ? await countOnly(ch, f) : 0) }
}

async function countOnly(ch: ClickHouseClient, f: AttackFilter): Promise<number> {
  const { rows } = await listAttacks(ch, { ...f, offset: 0, limit: 1 })
  return rows[0]?.total ?? 0
}

export interface IncidentFlowsQuery {
  from: number
  to: number
  attackers: string[]
  targets: string[]
}

const flowParams = (q: IncidentFlowsQuery) => ({ from: chTime(q.from), to: chTime(q.to), attackers: q.attackers, targets: q.targets })

async function rows<T>(ch: ClickHouseClient, name: string, params: Record<string, unknown>): Promise<T[]> {
  const rs = await ch.query({ query: loadSql(name), query_params: params, format: 'JSONEachRow' })
  return rs.json<T>()
}

interface TrafficRow { kind: 'total' | 'minute' | 'source' | 'port'; minute_ms: number; address: string; protocol: number; port: number; flows: number; packets: number; bytes: number; sources: number; ports: number }

/** An incident's traffic, from one query (sql/queries/attacks/traffic.sql): totals, timeline, top sources and ports agree. */
export async function incidentTraffic(ch: ClickHouseClient, q: IncidentFlowsQuery) {
  const all = await rows<TrafficRow>(ch, 'queries/attacks/traffic', flowParams(q))
  const of = (kind: TrafficRow['kind']) => all.filter((r) => r.kind === kind).map((r) => ({ ...r, flows: Number(r.flows), packets: Number(r.packets), bytes: Number(r.bytes) }))
  const total = of('total')[0] ?? { flows: 0, packets: 0, bytes: 0 }
  return {
    totals: { flows: total.flows, packets: total.packets, bytes: total.bytes },
    timeline: of('minute').sort((a, b) => a.minute_ms - b.minute_ms).map((r) => ({ minute_ms: Number(r.minute_ms), flows_in: r.flows, flows: r.flows, packets: r.packets, bytes: r.bytes, sources: Number(r.sources) })),
    topSources: of('source').map((r) => ({ address: r.address, flows: r.flows, packets: r.packets, bytes: r.bytes, ports: Number(r.ports) })),
    ports: of('port').map((r) => ({ protocol: r.protocol, port: r.port, flows: r.flows, packets: r.packets, bytes: r.bytes })),
  }
}
export const incidentSamples = (ch: ClickHouseClient, q: IncidentFlowsQuery, limit: number) =>
  rows<Record<string, unknown> & { start_ms: number; end_ms: number; src: string; dst: string }>(ch, 'queries/attacks/samples', { ...flowParams(q), limit })
export const incidentHistory = (ch: ClickHouseClient, id: string) =>
  rows<{ state: string; previous_state: string; note: string; changed_by: string; changed_from: string; at_ms: number }>(ch, 'queries/attacks/history', { id })
