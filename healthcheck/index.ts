import type { ClickHouseClient } from '../core/clickhouse.ts'
import { loadAssetMatcher } from './assets.ts'
import type { Actor } from './audit.ts'
import { createCampaignStore, type Campaign, type CampaignStore } from './campaigns.ts'
import type { HealthcheckConfig } from './config.ts'
import { DispatchError, incidentDraft, noticeDrafts, warningDrafts } from './dispatch.ts'
import { createFindingStore, type FindingStore, type FindingView } from './findings.ts'
import type { Severity } from './importers/types.ts'
import { createNoticeStore, type NoticeStore, type NoticeView } from './notices.ts'
import { campaignReport, type CampaignReport } from './report.ts'
import { characteristicOf, findSimilar, type Characteristic, type SimilarAsset } from './similar.ts'
import type { SlaDays } from './sla.ts'
import { createStamper, type Clock } from './time.ts'
import { createUploadStore, type UploadStore } from './uploads.ts'

export { healthcheckConfigFrom, type HealthcheckConfig } from './config.ts'
export { ReportError } from './importers/index.ts'
export { CampaignClosedError } from './uploads.ts'
export { TransitionError, NOTICE_STATES, type NoticeAction } from './notices.ts'
export { DispatchError } from './dispatch.ts'
export { FINDING_STATES } from './model.ts'
export type { Campaign, FindingView, NoticeView, CampaignReport, Characteristic, SimilarAsset }

export interface HealthcheckDeps {
  clickhouse: ClickHouseClient
  /** The clock deadlines and escalation are measured against (tests move it). */
  now?: Clock
}

export interface Healthcheck {
  config: HealthcheckConfig
  now: Clock
  campaigns: CampaignStore
  uploads: UploadStore
  findings: FindingStore
  notices: NoticeStore
  /** Notices, one per organisation, over the campaign's open findings not on an active notice yet. */
  issueCampaignNotices(campaign: Campaign, opts: { severities?: Severity[]; findingIds?: string[]; orgs?: string[]; sla?: SlaDays }, actor: Actor): Promise<NoticeView[]>
  dispatchIncident(incidentId: string, sla: SlaDays | undefined, actor: Actor): Promise<NoticeView | undefined>
  similar(c: Characteristic, exclude?: string[]): Promise<SimilarAsset[]>
  /** Warnings to every organisation with an asset sharing the characteristic (of a finding, or given). */
  issueWarnings(from: { finding?: FindingView; characteristic?: Characteristic; severity?: Severity; sla?: SlaDays }, actor: Actor): Promise<{ characteristic: Characteristic; warnings: NoticeView[]; assets: SimilarAsset[] }>
  report(campaign: Campaign): Promise<CampaignReport>
}

/** The health-check stage: campaigns, uploads, findings, notices, warnings and reports over ClickHouse. */
export function createHealthcheck(config: HealthcheckConfig, deps: HealthcheckDeps): Healthcheck {
  const ch = deps.clickhouse
  const now = deps.now ?? Date.now
  const stamp = createStamper(now)
  const campaigns = createCampaignStore(ch, stamp)
  const uploads = createUploadStore(ch, config, now, stamp)
  const findings = createFindingStore(ch, stamp)
  const notices = createNoticeStore(ch, config.sla, now, stamp)

  return {
    config, now, campaigns, uploads, findings, notices,
    async issueCampaignNotices(campaign, opts, actor) {
      const severities = opts.severities ?? ['critical', 'high', 'medium', 'low']
      const open = (await findings.list({ campaign: campaign.id, campaigns: null, orgs: null, states: ['open', 'reopened'], severities, registered: true, limit: 1_000_000, offset: 0 })).items
      const active = (await notices.list('notice', { orgs: null, campaign: campaign.id, states: ['issued', 'acknowledged', 'reported'], limit: 1_000_000, offset: 0 })).items
      const covered = new Set(active.flatMap((n) => n.finding_ids))
      const chosen = open.filter((f) => !covered.has(f.id) && (!opts.findingIds || opts.findingIds.includes(f.id)) && (!opts.orgs || opts.orgs.includes(f.org_id ?? '')))
      if (chosen.length === 0) return []
      return notices.issue(noticeDrafts(chosen, await loadAssetMatcher(ch), campaign, opts.sla), actor)
    },
    async dispatchIncident(incidentId, sla, actor) {
      const draft = await incidentDraft(ch, await loadAssetMatcher(ch), incidentId, sla)
      if (!draft) return undefined
      const [notice] = await notices.issue([draft], actor)
      return notice
    },
    async similar(c, exclude = []) {
      return findSimilar(ch, await loadAssetMatcher(ch), c, exclude)
    },
    async issueWarnings(from, actor) {
      const c = from.characteristic ?? (from.finding ? characteristicOf(from.finding) : {})
      if (!c.cve && !c.product && !c.port) throw new DispatchError('nothing to search for: the finding has no CVE, no named product and no high-risk port; give a characteristic')
      const exclude = from.finding?.asset_id ? [from.finding.asset_id] : []
      const assets = await findSimilar(ch, await loadAssetMatcher(ch), c, exclude)
      const severity = from.severity ?? ((from.finding?.severity as Severity | undefined) && from.finding!.severity !== 'info' ? (from.finding!.severity as Severity) : 'high')
      const drafts = warningDrafts(assets, c, severity, { finding_id: from.finding?.id, campaign_id: from.finding?.campaign_id ?? null }, from.sla)
      return { characteristic: c, assets, warnings: drafts.length ? await notices.issue(drafts, actor) : [] }
    },
    report: (campaign) => campaignReport(ch, { findings, notices, now }, campaign),
  }
}
