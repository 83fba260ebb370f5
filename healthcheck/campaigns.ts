import { randomUUID } from 'node:crypto'
import type { ClickHouseClient } from '../core/clickhouse.ts'
import { parseNetwork } from '../detection/cidr.ts'
import { audited, diffFields, type Actor } from './audit.ts'
import type { SlaDays } from './sla.ts'
import { isoFromChText } from './time.ts'

export const CAMPAIGN_STATUSES = ['planned', 'active', 'closed'] as const
export type CampaignStatus = (typeof CAMPAIGN_STATUSES)[number]

export interface Campaign {
  id: string
  name: string
  year: number
  vendors: string[]
  scope: { organisations: string[]; sectors: string[]; localities: string[]; networks: string[] }
  starts_at: string | null
  ends_at: string | null
  sla: SlaDays
  status: CampaignStatus
  notes: string
  updated_at: string
  changed_by: string
}

export type CampaignInput = Omit<Campaign, 'id' | 'updated_at' | 'changed_by'>

interface Row {
  id: string; name: string; year: number; vendors: string[]; scope_orgs: string[]; scope_sectors: string[]; scope_localities: string[]
  scope_networks: string[]; starts_at: string | null; ends_at: string | null; sla: string; status: CampaignStatus; notes: string; version_at: string; changed_by: string
}

const fromRow = (r: Row): Campaign => ({
  id: r.id, name: r.name, year: r.year, vendors: r.vendors,
  scope: { organisations: r.scope_orgs, sectors: r.scope_sectors, localities: r.scope_localities, networks: r.scope_networks },
  starts_at: isoFromChText(r.starts_at), ends_at: isoFromChText(r.ends_at), sla: JSON.parse(r.sla) as SlaDays, status: r.status, notes: r.notes,
  updated_at: isoFromChText(r.version_at)!, changed_by: r.changed_by,
})

const chTimeOf = (iso: string | null) => (iso === null ? null : new Date(iso).toISOString().replace('T', ' ').replace('Z', ''))

/** Checks what a schema cannot: networks are CIDRs, the end is not before the start. Returns the problem. */
export function checkCampaign(c: CampaignInput): string | undefined {
  const bad = c.scope.networks.find((n) => !parseNetwork(n))
  if (bad !== undefined) return `scope.networks: "${bad}" is not an IPv4/IPv6 address or CIDR`
  if (c.starts_at && c.ends_at && Date.parse(c.ends_at) < Date.parse(c.starts_at)) return 'ends_at is before starts_at'
  return undefined
}

export interface CampaignStore {
  list(ids?: string[]): Promise<Campaign[]>
  get(id: string): Promise<Campaign | undefined>
  create(input: CampaignInput, actor: Actor): Promise<Campaign>
  update(id: string, patch: Partial<CampaignInput>, actor: Actor): Promise<Campaign | undefined>
}

export function createCampaignStore(ch: ClickHouseClient, stamp: () => string): CampaignStore {
  async function rows(ids: string[] | null): Promise<Campaign[]> {
    const rs = await ch.query({
      query: `SELECT * FROM hc_campaigns_current WHERE {all:Bool} OR has({ids:Array(String)}, toString(id)) ORDER BY year DESC, name`,
      query_params: { all: ids === null, ids: ids ?? [] }, format: 'JSONEachRow',
    })
    return (await rs.json<Row>()).map(fromRow)
  }
  async function write(c: Campaign, actor: Actor): Promise<void> {
    await ch.insert({
      table: 'hc_campaigns', format: 'JSONEachRow',
      values: [{
        id: c.id, name: c.name, year: c.year, vendors: c.vendors, scope_orgs: c.scope.organisations, scope_sectors: c.scope.sectors,
        scope_localities: c.scope.localities, scope_networks: c.scope.networks.map((n) => parseNetwork(n)!.text), starts_at: chTimeOf(c.starts_at),
        ends_at: chTimeOf(c.ends_at), sla: JSON.stringify(c.sla), status: c.status, notes: c.notes, version_at: stamp(), changed_by: actor.name,
      }],
    })
  }
  return {
    list: (ids) => rows(ids ?? null),
    async get(id) {
      return (await rows([id]))[0]
    },
    async create(input, actor) {
      const c: Campaign = { ...input, id: randomUUID(), updated_at: '', changed_by: actor.name }
      await audited(ch, actor, [{ action: 'create', objectType: 'campaign', objectId: c.id, changes: diffFields(null, input) }], () => write(c, actor))
      return (await this.get(c.id))!
    },
    async update(id, patch, actor) {
      const before = await this.get(id)
      if (!before) return undefined
      const after: Campaign = { ...before, ...patch, scope: { ...before.scope, ...patch.scope } }
      const { updated_at: _u, changed_by: _c, ...was } = before
      const { updated_at: _u2, changed_by: _c2, ...now } = after
      await audited(ch, actor, [{ action: 'update', objectType: 'campaign', objectId: id, changes: diffFields(was, now) }], () => write(after, actor))
      return this.get(id)
    },
  }
}
