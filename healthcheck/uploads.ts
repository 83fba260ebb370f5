import { createHash, randomUUID } from 'node:crypto'
import { mkdir, rename, stat, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import type { ClickHouseClient } from '../core/clickhouse.ts'
import { loadSql } from '../sql/queries.ts'
import { loadAssetMatcher } from './assets.ts'
import { audited, type Actor } from './audit.ts'
import type { Campaign } from './campaigns.ts'
import type { HealthcheckConfig } from './config.ts'
import { parseReport } from './importers/index.ts'
import type { FindingRow } from './model.ts'
import { normalise } from './normalise.ts'
import { planReimport, type ReimportCounts } from './reimport.ts'
import { scopeOf } from './scope.ts'
import { isoFromChText, type Clock } from './time.ts'

export interface UploadSummary extends ReimportCounts {
  id: string
  campaign_id: string
  sha256: string
  file_name: string
  size: number
  format: string
  vendor: string
  uploaded_by: string
  uploaded_at: string
  hosts: number
  items: number
  findings: number
  observations: number
  matched_hosts: number
  unregistered_hosts: number
  /** Hosts outside the campaign's scope: listed in the notes, nothing of them imported. */
  out_of_scope_hosts: number
  notes: string[]
}

export type UploadResult = { status: 'imported'; upload: UploadSummary } | { status: 'already_imported'; upload: UploadSummary }

/** Each table an upload writes, with the column naming the upload (fixed names, never input). */
const UPLOAD_COLUMNS = [['hc_findings', 'upload_id'], ['hc_observations', 'upload_id'], ['hc_unregistered', 'upload_id'], ['hc_uploads', 'id']] as const

/** The campaign is closed: uploads into it are refused. */
export class CampaignClosedError extends Error {}

interface UploadRow extends Omit<UploadSummary, 'notes' | 'uploaded_at'> {
  notes: string
  uploaded_at: string
}

const summaryOf = (r: UploadRow): UploadSummary => ({ ...r, size: Number(r.size), notes: JSON.parse(r.notes) as string[], uploaded_at: isoFromChText(r.uploaded_at)! })

export interface UploadStore {
  /** Parses, matches and stores one report: all or nothing. A ReportError leaves no trace. */
  importReport(campaign: Campaign, bytes: Uint8Array, meta: { fileName: string; vendor: string; actor: Actor }): Promise<UploadResult>
  list(campaignIds: string[] | null, campaignId?: string): Promise<UploadSummary[]>
}

export function createUploadStore(ch: ClickHouseClient, config: HealthcheckConfig, now: Clock, stamp: (ms?: number) => string): UploadStore {
  // Imports into one campaign run one at a time: each compares with the findings the previous left.
  const queues = new Map<string, Promise<unknown>>()
  const serial = <T>(key: string, work: () => Promise<T>): Promise<T> => {
    const next = (queues.get(key) ?? Promise.resolve()).then(work, work)
    queues.set(key, next.catch(() => undefined))
    return next
  }

  async function previous(campaignId: string, sha256: string): Promise<UploadSummary | undefined> {
    const rs = await ch.query({
      query: 'SELECT * FROM hc_uploads WHERE campaign_id = {c:UUID} AND sha256 = {s:String} ORDER BY uploaded_at LIMIT 1',
      query_params: { c: campaignId, s: sha256 }, format: 'JSONEachRow',
    })
    const [row] = await rs.json<UploadRow>()
    return row ? summaryOf(row) : undefined
  }

  async function keep(sha256: string, bytes: Uint8Array): Promise<void> {
    await mkdir(config.uploadsDir, { recursive: true })
    const path = join(config.uploadsDir, sha256)
    if (await stat(path).then(() => true, () => false)) return
    const tmp = `${path}.${randomUUID()}.part`
    await writeFile(tmp, bytes)
    await rename(tmp, path)
  }

  async function importReport(campaign: Campaign, bytes: Uint8Array, meta: { fileName: string; vendor: string; actor: Actor }): Promise<UploadResult> {
    if (campaign.status === 'closed') throw new CampaignClosedError(`campaign ${campaign.id} is closed; it takes no more uploads`)
    const sha256 = createHash('sha256').update(bytes).digest('hex')
    const seen = await previous(campaign.id, sha256)
    if (seen) return { status: 'already_imported', upload: seen }
    // Everything that can fail on the content happens before the first write.
    const report = await parseReport(bytes, { maxBytes: config.maxUploadBytes })
    const matcher = await loadAssetMatcher(ch)
    const normal = normalise(report, matcher)
    const inScope = scopeOf(campaign, matcher)
    const hosts = normal.hosts.filter(inScope)
    const outside = normal.hosts.filter((h) => !inScope(h))
    const kept = new Set(hosts.map((h) => h.key))
    const findings = normal.findings.filter((f) => kept.has(f.host))
    const notes = outside.length === 0 ? report.notes : [
      ...report.notes,
      `${outside.length} host(s) outside the campaign's scope, not imported: ${outside.slice(0, 20).map((h) => h.key).join(', ')}${outside.length > 20 ? ', …' : ''}`,
    ]
    const existing = await (await ch.query({ query: loadSql('queries/healthcheck/campaign_findings'), query_params: { campaign: campaign.id }, format: 'JSONEachRow' })).json<FindingRow>()
    const id = randomUUID()
    const at = now()
    const version = stamp(at)
    const nowText = version.slice(0, 23)
    const plan = planReimport(existing, findings, {
      campaignId: campaign.id, uploadId: id, scanner: report.scanner, vendor: meta.vendor, hostKeys: new Set(hosts.map((h) => h.key)),
      now: at, stamp: version, changedBy: meta.actor.name,
    })
    const unregistered = hosts.filter((h) => h.asset_id === '00000000-0000-0000-0000-000000000000')
    const observations = hosts.flatMap((h) => h.services.map((s) => ({
      campaign_id: campaign.id, upload_id: id, host: h.key, address: h.address, hostname: h.hostname, asset_id: h.asset_id, org_id: h.org_id, ...s, seen_at: nowText,
    })))
    const summary: UploadSummary = {
      id, campaign_id: campaign.id, sha256, file_name: meta.fileName.slice(0, 255), size: bytes.length, format: report.format, vendor: meta.vendor,
      uploaded_by: meta.actor.name, uploaded_at: new Date(at).toISOString(), hosts: hosts.length, items: report.items, findings: findings.length,
      observations: observations.length, matched_hosts: hosts.length - unregistered.length, unregistered_hosts: unregistered.length,
      out_of_scope_hosts: outside.length, notes, ...plan.counts,
    }
    await keep(sha256, bytes)
    const entry = {
      action: 'import', objectType: 'upload' as const, objectId: id,
      changes: { campaign_id: [null, campaign.id], file_name: [null, summary.file_name], sha256: [null, sha256], format: [null, report.format], counts: [null, { hosts: summary.hosts, items: summary.items, ...plan.counts }] },
    } satisfies Parameters<typeof audited>[2][number]
    // Audit first (an upload that cannot be audited writes nothing); a failed write is taken back below and audited as failed.
    await audited(ch, meta.actor, [entry], async () => {
      try {
        if (plan.rows.length > 0) await ch.insert({ table: 'hc_findings', format: 'JSONEachRow', values: plan.rows })
        if (observations.length > 0) await ch.insert({ table: 'hc_observations', format: 'JSONEachRow', values: observations })
        if (unregistered.length > 0) {
          await ch.insert({
            table: 'hc_unregistered', format: 'JSONEachRow',
            values: unregistered.map((h) => ({ campaign_id: campaign.id, upload_id: id, host: h.key, address: h.address, hostname: h.hostname, findings: h.findings, observations: h.services.length, seen_at: nowText })),
          })
        }
        await ch.insert({
          table: 'hc_uploads', format: 'JSONEachRow',
          values: [{ ...summary, notes: JSON.stringify(summary.notes), uploaded_at: nowText, token_id: meta.actor.tokenId ?? '', via: meta.actor.via }],
        })
      } catch (err) {
        // No transactions in ClickHouse: take back what this upload wrote, so that a retry starts clean.
        for (const [table, column] of UPLOAD_COLUMNS) {
          await ch.command({ query: `DELETE FROM ${table} WHERE ${column} = {id:UUID}`, query_params: { id } }).catch(() => undefined)
        }
        throw err
      }
    })
    return { status: 'imported', upload: summary }
  }

  return {
    importReport: (campaign, bytes, meta) => serial(campaign.id, () => importReport(campaign, bytes, meta)),
    async list(campaignIds, campaignId) {
      const rs = await ch.query({
        query: `SELECT * FROM hc_uploads WHERE ({all:Bool} OR has({ids:Array(String)}, toString(campaign_id)))
          AND ({one:String} = '' OR campaign_id = toUUIDOrZero({one:String})) ORDER BY uploaded_at DESC`,
        query_params: { all: campaignIds === null, ids: campaignIds ?? [], one: campaignId ?? '' }, format: 'JSONEachRow',
      })
      return (await rs.json<UploadRow>()).map(summaryOf)
    },
  }
}
