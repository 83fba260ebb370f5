/** The /api/v1 shapes the dashboard reads (a subset of the OpenAPI document at /docs). */
export type Role = 'admin' | 'analyst' | 'owner' | 'vendor' | 'sensor'

export interface Me {
  name: string
  role: Role
  orgs: string[]
  campaigns: string[]
}

export interface Page<T> {
  items: T[]
  total: number
  limit: number
  offset: number
}

export interface Attack {
  id: string
  rule: string
  severity: string
  state: string
  source: string
  sources: string[]
  source_count: number
  targets: string[]
  target_count: number
  ports: number[]
  protocols: number[]
  asset: { id: string | null; name: string; organisation_id: string | null; organisation_name: string; sector: string; locality: string; grade: string }
  asset_ids: string[]
  first_seen: string
  last_seen: string
  peak: number
  peak_unit: string
  alert_count: number
  packets: number
  bytes: number
  flows: number
  details: Record<string, unknown>
  updated_at: string
}

export interface AttackDetail extends Attack {
  timeline: { minute: string; flows: number; packets: number; bytes: number; flows_in: number; sources: number }[]
  top_sources: { address: string; flows: number; packets: number; bytes: number; ports: number }[]
  port_list: { protocol: number; port: number; flows: number; packets: number; bytes: number }[]
  samples: Record<string, unknown>[]
  history: { state: string; previous_state: string; note: string; changed_by: string; changed_from: string; at: string }[]
}

export interface Contact {
  name: string
  role: string
  phone: string
  email: string
}

export interface Organisation {
  id: string
  name: string
  credit_code: string
  sector: string
  locality: string
  address: string
  cso: { name: string; phone: string; email: string; certificate: string }
  contacts: Contact[]
  allocations: string[]
  status: string
  version_at: string
  changed_by: string
}

export interface Service {
  port: number
  protocol: string
  product: string
  version: string
}

export interface Asset {
  id: string
  organisation_id: string
  name: string
  category: string
  grade: string
  mlps_level: number
  networks: string[]
  domains: string[]
  services: Service[]
  icp_filing: string
  mlps_filing: string
  tags: string[]
  contacts: Contact[]
  status: string
  notes: string
  version_at: string
  changed_by: string
}

export interface ObservedService {
  address: string
  port: number
  protocol: string
  service: string
  product: string
  evidence: string
  first_seen: string
  last_seen: string
  packets: number
  sensors: string[]
}

export interface Named {
  code: string
  name_zh: string
  name_en: string
}

export interface TopItem {
  key: string
  flows: number
  packets: number
  bytes: number
  inbound_bytes: number
  outbound_bytes: number
  internal_bytes: number
}

export interface Overview {
  traffic: { flows: number; packets: number; bytes: number; by_direction: Record<string, { flows: number; packets: number; bytes: number }> }
  attacks: { total: number; by_rule: Record<string, number>; by_severity: Record<string, number>; by_month: { month: string; incidents: number }[] }
  assets: { total: number; by_grade: Record<string, number> }
  most_attacked: { asset_id: string; asset_name: string; org_id: string; grade: string; incidents: number }[]
}

export interface Exporter {
  exporter: string
  lastSeen: string
  datagrams: number
  packets: { netflow5: number; netflow9: number; ipfix: number }
  flows: number
  drops: Record<string, number>
  sequenceGaps: number
  lostFlows: number
  lostPackets: number
}

export interface Campaign {
  id: string
  name: string
  year: number
  vendors: string[]
  status: string
  starts_at: string | null
  ends_at: string | null
}

export interface Upload {
  id: string
  file_name: string
  format: string
  vendor: string
  uploaded_at: string
  findings: number
  hosts: number
}

export interface Finding {
  id: string
  host: string
  address: string
  asset_id: string | null
  asset_name: string
  org_name: string
  port: number
  protocol: string
  title: string
  severity: string
  cves: string[]
  state: string
  last_seen: string
}

export interface Notice {
  id: string
  kind: string
  number: string
  org_id: string
  org_name: string
  title: string
  severity: string
  state: string
  overdue: boolean
  issued_at: string
  due_at: string
  owner_note: string
}
