import type { ClickHouseClient } from '../core/clickhouse.ts'
import { loadContext, type ArchiveContext } from './context.ts'
import { overlaps, type Network } from './networks.ts'

/**
 * Address space two organisations share, for an administrator to resolve: asset networks of one
 * organisation equal to or nested in another's (the more specific takes the other's traffic), and
 * allocations that overlap. Archives from before allocations existed may hold such pairs (the
 * migration gave each organisation its assets' networks); later ones only by an explicit
 * allow_cross_org write, which the audit log records.
 */
export interface AllocationConflict {
  kind: 'asset_network' | 'allocation'
  /** equal, or `network` lies inside `other_network`. */
  relation: 'equal' | 'inside'
  network: string
  organisation_id: string
  organisation_name: string
  asset_id: string | null
  other_network: string
  other_organisation_id: string
  other_organisation_name: string
  other_asset_id: string | null
}

interface Block {
  net: Network
  org: string
  asset: string | null
}

/** Every conflicting pair once, the more specific block first, sorted by network and organisation. */
export function listConflicts(ctx: ArchiveContext): AllocationConflict[] {
  const active = (org: string) => ctx.orgs.get(org)?.status === 'active'
  const assets: Block[] = ctx.networks.filter((n) => active(n.org)).map((n) => ({ net: n.network, org: n.org, asset: n.asset }))
  const allocations: Block[] = [...ctx.orgs].filter(([, o]) => o.status === 'active').flatMap(([org, o]) => o.allocations.map((net) => ({ net, org, asset: null })))
  const name = (org: string) => ctx.orgs.get(org)?.name ?? ''
  const out: AllocationConflict[] = []
  for (const [kind, blocks] of [['asset_network', assets], ['allocation', allocations]] as const) {
    blocks.forEach((a, i) => {
      for (const b of blocks.slice(i + 1)) {
        if (a.org === b.org || !overlaps(a.net, b.net)) continue
        const [inner, outer] = a.net.bits >= b.net.bits ? [a, b] : [b, a]
        out.push({
          kind, relation: inner.net.bits === outer.net.bits ? 'equal' : 'inside',
          network: inner.net.text, organisation_id: inner.org, organisation_name: name(inner.org), asset_id: inner.asset,
          other_network: outer.net.text, other_organisation_id: outer.org, other_organisation_name: name(outer.org), other_asset_id: outer.asset,
        })
      }
    })
  }
  return out.sort((x, y) => x.kind.localeCompare(y.kind) || x.network.localeCompare(y.network) || x.organisation_id.localeCompare(y.organisation_id))
}

/** The conflicts of the current archive. */
export async function loadConflicts(ch: ClickHouseClient): Promise<AllocationConflict[]> {
  return listConflicts(await loadContext(ch))
}
