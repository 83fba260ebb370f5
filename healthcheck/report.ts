import type { ClickHouseClient } from '../core/clickhouse.ts'
import { loadSql } from '../sql/queries.ts'
import type { Campaign } from './campaigns.ts'
import type { FindingStore, FindingView } from './findings.ts'
import { SEVERITIES } from './importers/types.ts'
import type { NoticeStore } from './notices.ts'
import { isoFromChText } from './time.ts'

export interface Unregistered { host: string; address: string; hostname: string; findings: number; observations: number; first_seen: string; last_seen: string; uploads: number }

export interface CampaignReport {
  campaign: Campaign
  generated_at: string
  totals: Record<string, number>
  by_severity: Record<string, number>
  by_sector: { key: string; total: number; open: number }[]
  by_locality: { key: string; total: number; open: number }[]
  by_organisation: { key: string; name: string; total: number; open: number; critical: number; high: number }[]
  rectification: { notices: number; verified_or_closed: number; rate: number; overdue: number; escalated: number; findings_fixed_rate: number }
  top_vulnerabilities: { title: string; severity: string; scanner_id: string; cves: string[]; assets: number; open: number }[]
  unregistered: Unregistered[]
}

const isOpen = (f: FindingView) => f.state === 'open' || f.state === 'reopened'

export async function listUnregistered(ch: ClickHouseClient, campaignId: string): Promise<Unregistered[]> {
  const rs = await ch.query({ query: loadSql('queries/healthcheck/unregistered'), query_params: { campaign: campaignId }, format: 'JSONEachRow' })
  return (await rs.json<Unregistered & { uploads: string }>()).map((u) => ({ ...u, uploads: Number(u.uploads), first_seen: isoFromChText(u.first_seen)!, last_seen: isoFromChText(u.last_seen)! }))
}

/** Findings by severity, sector, locality and organisation; rectification; top vulnerabilities; unregistered assets. */
export async function campaignReport(ch: ClickHouseClient, deps: { findings: FindingStore; notices: NoticeStore; now: () => number }, campaign: Campaign): Promise<CampaignReport> {
  const { items } = await deps.findings.list({ campaign: campaign.id, campaigns: null, orgs: null, limit: 1_000_000, offset: 0 })
  const notices = (await deps.notices.list('notice', { orgs: null, campaign: campaign.id, limit: 1_000_000, offset: 0 })).items
  const group = (key: (f: FindingView) => string) => {
    const m = new Map<string, { key: string; total: number; open: number }>()
    for (const f of items) {
      const k = key(f) || '-'
      const g = m.get(k) ?? { key: k, total: 0, open: 0 }
      g.total++
      if (isOpen(f)) g.open++
      m.set(k, g)
    }
    return [...m.values()].sort((a, b) => b.total - a.total)
  }
  const orgs = new Map<string, CampaignReport['by_organisation'][number]>()
  for (const f of items) {
    const k = f.org_id ?? '-'
    const g = orgs.get(k) ?? { key: k, name: f.org_id ? f.org_name : 'unregistered', total: 0, open: 0, critical: 0, high: 0 }
    g.total++
    if (isOpen(f)) g.open++
    if (f.severity === 'critical') g.critical++
    if (f.severity === 'high') g.high++
    orgs.set(k, g)
  }
  const vulns = new Map<string, CampaignReport['top_vulnerabilities'][number] & { assetSet: Set<string> }>()
  for (const f of items.filter((x) => x.severity !== 'info')) {
    const k = `${f.scanner}|${f.scanner_id || f.title}`
    const v = vulns.get(k) ?? { title: f.title, severity: f.severity, scanner_id: f.scanner_id, cves: f.cves, assets: 0, open: 0, assetSet: new Set<string>() }
    v.assetSet.add(f.host)
    v.assets = v.assetSet.size
    if (isOpen(f)) v.open++
    vulns.set(k, v)
  }
  const rank = (s: string) => SEVERITIES.indexOf(s as never)
  const defects = items.filter((f) => f.severity !== 'info')
  const done = notices.filter((n) => n.state === 'verified' || n.state === 'closed').length
  const totals: Record<string, number> = { findings: items.length, hosts: new Set(items.map((f) => f.host)).size }
  for (const s of ['open', 'reopened', 'mitigated', 'false_positive', 'accepted_risk']) totals[s] = items.filter((f) => f.state === s).length
  return {
    campaign, generated_at: new Date(deps.now()).toISOString(), totals,
    by_severity: Object.fromEntries(SEVERITIES.map((s) => [s, items.filter((f) => f.severity === s).length])),
    by_sector: group((f) => f.sector), by_locality: group((f) => f.locality),
    by_organisation: [...orgs.values()].sort((a, b) => b.critical - a.critical || b.high - a.high || b.total - a.total),
    rectification: {
      notices: notices.length, verified_or_closed: done, rate: notices.length ? Math.round((done / notices.length) * 1000) / 1000 : 0,
      overdue: notices.filter((n) => n.overdue).length, escalated: notices.filter((n) => n.escalated_at !== null).length,
      findings_fixed_rate: defects.length ? Math.round((defects.filter((f) => f.state === 'mitigated').length / defects.length) * 1000) / 1000 : 0,
    },
    top_vulnerabilities: [...vulns.values()].sort((a, b) => rank(a.severity) - rank(b.severity) || b.assets - a.assets).slice(0, 20).map(({ assetSet: _s, ...v }) => v),
    unregistered: await listUnregistered(ch, campaign.id),
  }
}
