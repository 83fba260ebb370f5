import type { ClickHouseClient } from '../core/clickhouse.ts'
import type { ArchiveAsset, AssetMatcher } from './assets.ts'
import type { Campaign } from './campaigns.ts'
import type { FindingView } from './findings.ts'
import type { Severity } from './importers/types.ts'
import type { NoticeDraft, NoticeItem } from './notices.ts'
import type { SlaDays } from './sla.ts'
import { describeCharacteristic, type Characteristic, type SimilarAsset } from './similar.ts'

/** A request that cannot be turned into a notice (nothing to notify, no organisation). */
export class DispatchError extends Error {}

const orgOf = (a: ArchiveAsset) => ({ id: a.org_id, sector: a.sector, locality: a.locality })

/** One notice per organisation over the given findings (findings outside the archive have no addressee). */
export function noticeDrafts(findings: FindingView[], matcher: AssetMatcher, campaign: Campaign | null, sla: SlaDays | undefined): NoticeDraft[] {
  const byOrg = new Map<string, { asset: ArchiveAsset; findings: FindingView[] }>()
  for (const f of findings) {
    const asset = f.asset_id ? matcher.byId(f.asset_id) : undefined
    if (!asset) continue
    const group = byOrg.get(asset.org_id) ?? { asset, findings: [] }
    group.findings.push(f)
    byOrg.set(asset.org_id, group)
  }
  return [...byOrg.values()].map(({ asset, findings: fs }) => ({
    kind: 'notice' as const, campaign_id: campaign?.id ?? null, org: orgOf(asset),
    title: campaign ? `${campaign.name}: ${fs.length} finding(s) to rectify` : `${fs.length} finding(s) to rectify`,
    items: fs.map((f): NoticeItem => ({
      finding_id: f.id, asset_id: f.asset_id!, asset_name: f.asset_name, host: f.host, port: f.port, protocol: f.protocol, title: f.title,
      severity: f.severity as Severity, cves: f.cves, solution: f.solution.slice(0, 4000),
    })),
    finding_ids: fs.map((f) => f.id), grades: fs.map((f) => f.grade), sla: [campaign?.sla ?? {}, sla ?? {}],
  }))
}

/** One warning per affected organisation, listing its assets with the characteristic. */
export function warningDrafts(similar: SimilarAsset[], c: Characteristic, severity: Severity, origin: { finding_id?: string; campaign_id?: string | null }, sla: SlaDays | undefined): NoticeDraft[] {
  const byOrg = new Map<string, SimilarAsset[]>()
  for (const s of similar) byOrg.set(s.asset.org_id, [...(byOrg.get(s.asset.org_id) ?? []), s])
  const what = describeCharacteristic(c)
  return [...byOrg.values()].map((assets) => ({
    kind: 'warning' as const, campaign_id: origin.campaign_id ?? null, org: orgOf(assets[0]!.asset),
    title: `Risk warning: ${what}`,
    items: assets.map((s): NoticeItem => ({
      asset_id: s.asset.id, asset_name: s.asset.name, host: s.asset.networks[0] ?? s.asset.domains[0] ?? '', port: s.ports[0] ?? c.port ?? 0,
      protocol: c.protocol ?? 'tcp', title: s.evidence.join('; ').slice(0, 1000), severity, cves: c.cve ? [c.cve] : [], solution: '', sources: s.sources,
    })),
    finding_ids: origin.finding_id ? [origin.finding_id] : [], characteristic: { ...c }, grades: assets.map((s) => s.asset.grade), sla: [sla ?? {}],
  }))
}

const INCIDENT_SEVERITY: Record<string, Severity> = { low: 'low', medium: 'medium', high: 'high', critical: 'critical' }

/** A notice to the attacked asset's organisation from a detection incident. */
export async function incidentDraft(ch: ClickHouseClient, matcher: AssetMatcher, incidentId: string, sla: SlaDays | undefined): Promise<NoticeDraft | undefined> {
  const rs = await ch.query({
    query: `SELECT id, rule, source, source_count, targets, ports, asset_id, toString(severity) AS severity, first_seen, last_seen, peak, peak_unit
      FROM incidents_latest WHERE id = toUUIDOrZero({id:String})`,
    query_params: { id: incidentId }, format: 'JSONEachRow',
  })
  const [inc] = await rs.json<{ id: string; rule: string; source: string; source_count: number; targets: string[]; ports: number[]; asset_id: string; severity: string; first_seen: string; last_seen: string; peak: number; peak_unit: string }>()
  if (!inc) return undefined
  const asset = matcher.byId(inc.asset_id)
  if (!asset) throw new DispatchError(`incident ${incidentId} hit no active archive asset: there is no organisation to notify`)
  const severity = INCIDENT_SEVERITY[inc.severity] ?? 'medium'
  const from = inc.source || `${inc.source_count} sources`
  return {
    kind: 'notice', campaign_id: null, org: orgOf(asset), incident_id: inc.id,
    title: `Attack on ${asset.name}: ${inc.rule.replace(/_/g, ' ')} from ${from}`,
    items: [{
      asset_id: asset.id, asset_name: asset.name, host: inc.targets[0] ?? '', port: inc.ports[0] ?? 0, protocol: 'tcp',
      title: `${inc.rule.replace(/_/g, ' ')} from ${from} on ${inc.targets.slice(0, 5).join(', ')} (${inc.first_seen} – ${inc.last_seen} UTC, peak ${Math.round(inc.peak)} ${inc.peak_unit})`,
      severity, cves: [], solution: 'Check the attacked service, block the source where appropriate, patch or close what was targeted and report the measures taken.',
    }],
    finding_ids: [], grades: [asset.grade], sla: [sla ?? {}],
  }
}
