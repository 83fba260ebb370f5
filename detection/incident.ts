import type { RuleId } from './rules.ts'

export const SEVERITIES = ['low', 'medium', 'high', 'critical'] as const
export type Severity = (typeof SEVERITIES)[number]
export const STATES = ['open', 'acknowledged', 'resolved', 'false_positive'] as const
export type IncidentState = (typeof STATES)[number]

export interface AssetRef {
  id: string
  org: string
  sector: string
  locality: string
  grade: string
}

/** An incident as the detector keeps it: what the `incidents` table stores, in camelCase, times in ms. */
export interface Incident {
  id: string
  rule: RuleId
  key: string
  source: string
  sources: string[]
  sourceCount: number
  targets: string[]
  targetCount: number
  ports: number[]
  protocols: number[]
  /** Every archive asset hit, the most important first (it is the incident's asset). */
  assets: AssetRef[]
  firstSeen: number
  lastSeen: number
  peak: number
  peakUnit: string
  alertedMagnitude: number
  alertCount: number
  packets: number
  bytes: number
  flows: number
  severity: Severity
  details: Record<string, unknown>
}

/** Rows of the `incidents` table. */
export interface IncidentRow {
  id: string
  rule: string
  incident_key: string
  source: string
  sources: string[]
  source_count: number
  targets: string[]
  target_count: number
  ports: number[]
  protocols: number[]
  asset_id: string
  org_id: string
  sector: string
  locality: string
  grade: string
  asset_ids: string[]
  org_ids: string[]
  sectors: string[]
  localities: string[]
  grades: string[]
  first_seen: string
  last_seen: string
  peak: number
  peak_unit: string
  alerted_magnitude: number
  alert_count: number
  packets: number
  bytes: number
  flows: number
  severity: string
  details: string
}

const NIL = '00000000-0000-0000-0000-000000000000'
const GRADE_RANK: Record<string, number> = { core: 0, important: 1, general: 2 }

export const chTime = (ms: number): string => new Date(ms).toISOString().replace('T', ' ').replace('Z', '')
export const fromChTime = (text: string): number => Date.parse(`${text.replace(' ', 'T')}Z`)

/** Orders assets most important first: core before important before general, then by id. */
export function rankAssets(assets: AssetRef[]): AssetRef[] {
  const seen = new Map<string, AssetRef>()
  for (const a of assets) if (a.id !== NIL && !seen.has(a.id)) seen.set(a.id, a)
  return [...seen.values()].sort((a, b) => (GRADE_RANK[a.grade] ?? 9) - (GRADE_RANK[b.grade] ?? 9) || a.id.localeCompare(b.id))
}

export function toRow(i: Incident): IncidentRow {
  const primary = i.assets[0]
  return {
    id: i.id, rule: i.rule, incident_key: i.key, source: i.source, sources: i.sources, source_count: i.sourceCount,
    targets: i.targets, target_count: i.targetCount, ports: i.ports, protocols: i.protocols,
    asset_id: primary?.id ?? NIL, org_id: primary?.org ?? NIL, sector: primary?.sector ?? '', locality: primary?.locality ?? '',
    grade: primary?.grade ?? '', asset_ids: i.assets.map((a) => a.id), org_ids: i.assets.map((a) => a.org),
    sectors: i.assets.map((a) => a.sector), localities: i.assets.map((a) => a.locality), grades: i.assets.map((a) => a.grade),
    first_seen: chTime(i.firstSeen), last_seen: chTime(i.lastSeen), peak: i.peak, peak_unit: i.peakUnit,
    alerted_magnitude: i.alertedMagnitude, alert_count: i.alertCount, packets: i.packets, bytes: i.bytes, flows: i.flows,
    severity: i.severity, details: JSON.stringify(i.details),
  }
}

export function fromRow(r: IncidentRow): Incident {
  const assets: AssetRef[] = r.asset_ids.map((id, n) => ({
    id, org: r.org_ids[n] ?? NIL, sector: r.sectors[n] ?? '', locality: r.localities[n] ?? '', grade: r.grades[n] ?? '',
  }))
  return {
    id: r.id, rule: r.rule as RuleId, key: r.incident_key, source: r.source, sources: r.sources, sourceCount: r.source_count,
    targets: r.targets, targetCount: r.target_count, ports: r.ports, protocols: r.protocols, assets,
    firstSeen: fromChTime(r.first_seen), lastSeen: fromChTime(r.last_seen), peak: r.peak, peakUnit: r.peak_unit,
    alertedMagnitude: r.alerted_magnitude, alertCount: r.alert_count, packets: r.packets, bytes: r.bytes, flows: r.flows,
    severity: r.severity as Severity, details: JSON.parse(r.details || '{}') as Record<string, unknown>,
  }
}
