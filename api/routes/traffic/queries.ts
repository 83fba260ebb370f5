import type { ClickHouseClient } from '@clickhouse/client'
import { chTime } from '../../../detection/incident.ts'
import { fillSlots, loadSql } from '../../../sql/queries.ts'

/** Dimensions of /traffic/top: the column of traffic_1m each one groups by (source reads raw flows). */
export const TOP_DIMENSIONS = {
  asset: 'side_asset',
  organisation: 'side_org',
  sector: 'side_sector',
  locality: 'side_locality',
  destination_port: 'dst_port',
  protocol: 'protocol',
  source: '',
} as const
export type TopDimension = keyof typeof TOP_DIMENSIONS
export const TOP_METRICS = ['bytes', 'packets', 'flows'] as const
export type TopMetric = (typeof TOP_METRICS)[number]

export interface TrafficFilter {
  from: number
  to: number
  asset?: string
  /** An organisation filter and/or the owner's scope: any of them. */
  orgs: string[]
  sector?: string
  locality?: string
  direction?: string
}

export interface Totals {
  flows: number
  packets: number
  bytes: number
}

const DAY = 86_400_000

/**
 * Bound parameters of a traffic query. Whole UTC days inside the range are read from traffic_1d,
 * the rest from traffic_1m (sql/queries/traffic/source.sql); `days: false` reads minutes only.
 */
export function trafficParams(f: TrafficFilter, days = true) {
  let dayFrom = Math.ceil(f.from / DAY) * DAY
  let dayTo = Math.floor(f.to / DAY) * DAY
  if (!days || dayFrom >= dayTo) dayFrom = dayTo = f.to
  const second = (ms: number) => chTime(ms).slice(0, 19)
  return {
    from: chTime(f.from), to: chTime(f.to), day_from: second(dayFrom), day_to: second(dayTo),
    asset: f.asset ?? '', orgs: f.orgs, sector: f.sector ?? '', locality: f.locality ?? '', direction: f.direction ?? '',
  }
}
const params = trafficParams

/** A traffic query with its rows source filled in. */
function trafficSql(name: string, slots: Record<string, string> = {}): string {
  return fillSlots(loadSql(`queries/traffic/${name}`), { source: loadSql('queries/traffic/source'), ...slots })
}

async function rows<T>(ch: ClickHouseClient, query: string, p: Record<string, unknown>): Promise<T[]> {
  const rs = await ch.query({ query, query_params: p, format: 'JSONEachRow' })
  return rs.json<T>()
}

export async function trafficSummary(ch: ClickHouseClient, f: TrafficFilter): Promise<Totals & { by_direction: Record<string, Totals> }> {
  const byDirection = await rows<Totals & { direction: string }>(ch, trafficSql('summary'), params(f))
  const out = { flows: 0, packets: 0, bytes: 0, by_direction: {} as Record<string, Totals> }
  for (const d of ['inbound', 'outbound', 'internal', 'external']) out.by_direction[d] = { flows: 0, packets: 0, bytes: 0 }
  for (const { direction, ...t } of byDirection) {
    out.by_direction[direction] = t
    out.flows += t.flows
    out.packets += t.packets
    out.bytes += t.bytes
  }
  return out
}

export function trafficTimeseries(ch: ClickHouseClient, f: TrafficFilter, stepS: number) {
  // Whole days can come from the daily rollup only when the points are whole days too.
  return rows<Totals & { time_ms: number; direction: string }>(ch, trafficSql('timeseries'), { ...params(f, stepS % 86_400 === 0), step_s: stepS })
}

/** Top sources over ranges longer than this come from the 1-in-16 flow sample, estimated. */
export const EXACT_SOURCES_MAX_MS = DAY

/**
 * The SQL of a top query with its dimension and metric filled from the allow-lists. Sources
 * read raw flows, or the flow sample (`sampled`) for long ranges.
 */
export function trafficTopSql(by: TopDimension, metric: TopMetric, sampled = false): string {
  if (by === 'source') {
    const rows = sampled ? 'flow_sources_sample' : loadSql('queries/traffic/source_rows')
    return fillSlots(loadSql('queries/traffic/top_sources'), { rows, scale: sampled ? '16' : '1', metric })
  }
  return trafficSql('top', { dimension: TOP_DIMENSIONS[by], metric })
}

/** The top list; `estimated` when the figures are scaled up from the flow sample. */
export async function trafficTop(ch: ClickHouseClient, f: TrafficFilter, by: TopDimension, metric: TopMetric, limit: number) {
  type Row = { key: string; flows_sum: number; packets_sum: number; bytes_sum: number; inbound_bytes: number; outbound_bytes: number; internal_bytes: number }
  const estimated = by === 'source' && f.to - f.from > EXACT_SOURCES_MAX_MS
  const found = await rows<Row>(ch, trafficTopSql(by, metric, estimated), { ...params(f), limit })
  const items = found.map(({ flows_sum, packets_sum, bytes_sum, ...r }) => ({ ...r, flows: flows_sum, packets: packets_sum, bytes: bytes_sum }))
  return { estimated, items }
}

/** A step that gives at most ~500 points over the range: 1, 5, 15 minutes, 1 hour or 1 day. */
export function autoStep(from: number, to: number): number {
  const span = (to - from) / 1000
  return [60, 300, 900, 3600, 86_400].find((s) => span / s <= 500) ?? 86_400
}
