import type { ClickHouseClient } from '../core/clickhouse.ts'
import { fillSlots, loadSql } from '../sql/queries.ts'
import { audited, type Actor } from './audit.ts'
import type { FindingRow, FindingState } from './model.ts'
import { isoFromChText } from './time.ts'

/** A finding as the API shows it: the current version with where it sits in the archive. */
export interface FindingView {
  id: string; campaign_id: string; host: string; address: string; hostname: string
  asset_id: string | null; asset_name: string; grade: string; org_id: string | null; org_name: string; sector: string; locality: string
  port: number; protocol: string; service: string; product: string; version: string
  title: string; severity: string; scanner: string; scanner_id: string; cves: string[]; cwes: string[]; cvss: number
  description: string; evidence: string; solution: string; vendors: string[]
  state: string; risk_expires_at: string | null; state_note: string; first_seen: string; last_seen: string; updated_at: string; changed_by: string
}

export interface FindingFilter {
  campaign?: string
  /** Scope: the campaigns (vendor) or organisations (owner) the caller may see; null = all. */
  campaigns: string[] | null
  orgs: string[] | null
  id?: string
  severities?: string[]
  states?: string[]
  cve?: string
  org?: string
  asset?: string
  host?: string
  sector?: string
  locality?: string
  registered?: boolean
  q?: string
  sort?: keyof typeof SORTS
  order?: 'asc' | 'desc'
  limit: number
  offset: number
}

export const SORTS = {
  severity: 'f.severity', cvss: 'f.cvss', last_seen: 'f.last_seen', first_seen: 'f.first_seen', host: 'f.host', title: 'f.title', state: 'f.state',
} as const

const NIL = '00000000-0000-0000-0000-000000000000'
const NOTHING = ['00000000-0000-0000-0000-000000000001']

type Row = Omit<FindingView, 'updated_at' | 'asset_id' | 'org_id'> & { asset_id: string; org_id: string; version_at: string; total: string }

const view = (r: Row): FindingView => {
  const { total: _t, version_at, ...rest } = r
  return {
    ...rest, asset_id: r.asset_id === NIL ? null : r.asset_id, org_id: r.org_id === NIL ? null : r.org_id, cvss: Math.round(Number(r.cvss) * 10) / 10,
    risk_expires_at: isoFromChText(r.risk_expires_at), first_seen: isoFromChText(r.first_seen)!, last_seen: isoFromChText(r.last_seen)!, updated_at: isoFromChText(version_at)!,
  }
}

export interface FindingStore {
  list(f: FindingFilter): Promise<{ items: FindingView[]; total: number }>
  get(id: string, scope: Pick<FindingFilter, 'campaigns' | 'orgs'>): Promise<FindingView | undefined>
  history(id: string): Promise<FindingRow[]>
  /** An analyst's decision: false positive, accepted risk (until an expiry), mitigated, open again. */
  decide(id: string, state: FindingState, note: string, riskExpiresMs: number | null, actor: Actor): Promise<FindingView | undefined>
}

export function createFindingStore(ch: ClickHouseClient, stamp: () => string): FindingStore {
  const sql = (order: string) => fillSlots(loadSql('queries/healthcheck/findings'), { order })
  async function list(f: FindingFilter) {
    const rs = await ch.query({
      query: sql(`${SORTS[f.sort ?? 'severity']} ${f.order === 'asc' ? 'ASC' : 'DESC'}`),
      query_params: {
        campaign: f.campaign ?? '', campaigns: f.campaigns === null ? [] : f.campaigns.length > 0 ? f.campaigns : NOTHING,
        orgs: f.orgs === null ? [] : f.orgs.length > 0 ? f.orgs : NOTHING, id: f.id ?? '', severities: f.severities ?? [], states: f.states ?? [],
        cve: (f.cve ?? '').toUpperCase(), org: f.org ?? '', asset: f.asset ?? '', host: f.host ?? '', sector: f.sector ?? '', locality: f.locality ?? '',
        registered: f.registered === undefined ? '' : String(f.registered), q: f.q ?? '', limit: f.limit, offset: f.offset,
      },
      format: 'JSONEachRow',
    })
    const rows = await rs.json<Row>()
    return { items: rows.map(view), total: Number(rows[0]?.total ?? 0) }
  }
  async function history(id: string): Promise<FindingRow[]> {
    const rs = await ch.query({ query: 'SELECT * FROM hc_findings WHERE id = toUUIDOrZero({id:String}) ORDER BY version_at', query_params: { id }, format: 'JSONEachRow' })
    return rs.json<FindingRow>()
  }
  return {
    list,
    async get(id, scope) {
      return (await list({ ...scope, id, limit: 1, offset: 0 })).items[0]
    },
    history,
    async decide(id, state, note, riskExpiresMs, actor) {
      const versions = await history(id)
      const current = versions.at(-1)
      if (!current) return undefined
      const expires = state === 'accepted_risk' && riskExpiresMs !== null ? new Date(riskExpiresMs).toISOString().replace('T', ' ').replace('Z', '') : null
      await audited(ch, actor, [{
        action: 'update', objectType: 'finding', objectId: id,
        changes: { state: [current.state, state], state_note: [current.state_note, note], risk_expires_at: [isoFromChText(current.risk_expires_at), isoFromChText(expires)] },
      }], () => ch.insert({
        table: 'hc_findings', format: 'JSONEachRow',
        values: [{ ...current, state, state_note: note, risk_expires_at: expires, event: 'state', upload_id: NIL, version_at: stamp(), changed_by: actor.name }],
      }))
      return (await list({ campaigns: null, orgs: null, id, limit: 1, offset: 0 })).items[0]
    },
  }
}
