import type { Severity } from './importers/types.ts'

export const FINDING_STATES = ['open', 'mitigated', 'false_positive', 'accepted_risk', 'reopened'] as const
export type FindingState = (typeof FINDING_STATES)[number]

/** One version of a finding, as hc_findings stores it (times as ClickHouse DateTime64 text). */
export interface FindingRow {
  id: string
  campaign_id: string
  dedup_keys: string[]
  host: string
  address: string
  hostname: string
  asset_id: string
  org_id: string
  port: number
  protocol: string
  service: string
  product: string
  version: string
  title: string
  severity: Severity
  scanner: string
  scanner_id: string
  cves: string[]
  cwes: string[]
  cvss: number
  description: string
  evidence: string
  solution: string
  vendors: string[]
  state: FindingState
  risk_expires_at: string | null
  state_note: string
  first_seen: string
  last_seen: string
  upload_id: string
  event: string
  version_at: string
  changed_by: string
}

export const NIL_UUID = '00000000-0000-0000-0000-000000000000'

export const SEVERITY_RANK: Record<Severity, number> = { critical: 4, high: 3, medium: 2, low: 1, info: 0 }
