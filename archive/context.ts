import type { ClickHouseClient } from '../core/clickhouse.ts'
import { parseNetwork, type Network } from '../detection/cidr.ts'
import type { Organisation } from './kinds.ts'

/** What a write is checked against about one organisation. */
export interface OrgEntry {
  status: string
  credit_code: string
  name: string
  /** The blocks the centre allocated to it (unparseable ones are left out). */
  allocations: Network[]
}

/** What validation checks a write against: the current references and every active network. */
export interface ArchiveContext {
  sectors: Map<string, string>
  localities: Map<string, string>
  /** Organisation id → its status, credit code, name and allocations. */
  orgs: Map<string, OrgEntry>
  /** Sector and locality codes that active organisations or active child localities use (they cannot be retired). */
  usedCodes: { sectors: Set<string>; localities: Set<string> }
  /** Every network of every active asset (the asset being written included: callers skip it). */
  networks: { asset: string; org: string; name: string; network: Network }[]
  /** Organisations with at least one active asset (they cannot be made inactive). */
  activeAssetOrgs: Set<string>
}

/**
 * Loads the context of a write in three small queries. The archive of one area is thousands of
 * objects, not millions, so this stays cheap; an import loads it once for the whole file.
 */
export async function loadContext(ch: ClickHouseClient): Promise<ArchiveContext> {
  const q = async <T>(query: string) => (await ch.query({ query, format: 'JSONEachRow' })).json<T>()
  const [sectors, localities, orgs, nets, assetOrgs] = await Promise.all([
    q<{ code: string; status: string }>('SELECT code, toString(status) AS status FROM sectors_current'),
    q<{ code: string; status: string; parent_code: string }>('SELECT code, toString(status) AS status, parent_code FROM localities_current'),
    q<{ id: string; status: string; credit_code: string; name: string; allocations: string[]; sector: string; locality: string }>(
      'SELECT id, toString(status) AS status, credit_code, name, allocations, toString(sector) AS sector, toString(locality) AS locality FROM organisations_current',
    ),
    q<{ id: string; org_id: string; name: string; prefix: string }>(
      "SELECT id, org_id, name, prefix FROM (SELECT id, org_id, name, networks FROM assets_current WHERE status = 'active') ARRAY JOIN networks AS prefix",
    ),
    q<{ org_id: string }>("SELECT DISTINCT org_id FROM assets_current WHERE status = 'active'"),
  ])
  return {
    sectors: new Map(sectors.map((s) => [s.code, s.status])),
    localities: new Map(localities.map((l) => [l.code, l.status])),
    orgs: new Map(orgs.map((o) => [o.id, orgEntry(o)])),
    usedCodes: {
      sectors: new Set(orgs.filter((o) => o.status === 'active').map((o) => o.sector)),
      localities: new Set([
        ...orgs.filter((o) => o.status === 'active').map((o) => o.locality),
        ...localities.filter((l) => l.status === 'active' && l.parent_code).map((l) => l.parent_code),
      ]),
    },
    networks: nets.flatMap((n) => {
      const network = parseNetwork(n.prefix)
      return network ? [{ asset: n.id, org: n.org_id, name: n.name, network }] : []
    }),
    activeAssetOrgs: new Set(assetOrgs.map((a) => a.org_id)),
  }
}

/** The context's entry for an organisation (as stored, or as a write or an import row sets it). */
export function orgEntry(o: { status: string; credit_code: string; name: string; allocations: Organisation['allocations'] }): OrgEntry {
  const allocations = o.allocations.flatMap((text) => parseNetwork(text) ?? [])
  return { status: o.status, credit_code: o.credit_code, name: o.name, allocations }
}
