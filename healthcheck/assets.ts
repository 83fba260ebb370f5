import type { ClickHouseClient } from '../core/clickhouse.ts'
import { contains, parseAddress, parseNetwork, type Network } from '../detection/cidr.ts'
import { loadSql } from '../sql/queries.ts'

export interface ArchiveAsset {
  id: string
  name: string
  org_id: string
  org_name: string
  sector: string
  locality: string
  grade: string
  networks: string[]
  domains: string[]
}

export interface AssetMatcher {
  /** The asset a scanned host belongs to: by address (most specific network), else by name. */
  match(address: string, hostname: string): { asset: ArchiveAsset; by: 'address' | 'hostname' } | undefined
  byId(id: string): ArchiveAsset | undefined
}

/**
 * Loads the active archive once per import (an area's archive is thousands of assets) and
 * matches hosts in memory the way the archive's lookup does: an address to the most specific
 * network containing it; a host name to the asset declaring it or its closest parent domain.
 */
export async function loadAssetMatcher(ch: ClickHouseClient): Promise<AssetMatcher> {
  const rs = await ch.query({ query: loadSql('queries/healthcheck/assets'), format: 'JSONEachRow' })
  const assets = await rs.json<ArchiveAsset>()
  const nets: { net: Network; asset: ArchiveAsset }[] = []
  const domains = new Map<string, ArchiveAsset>()
  for (const a of assets) {
    for (const n of a.networks) {
      const net = parseNetwork(n)
      if (net) nets.push({ net, asset: a })
    }
    for (const d of a.domains) domains.set(d.toLowerCase().replace(/\.$/, ''), a)
  }
  nets.sort((x, y) => y.net.bits - x.net.bits)
  const ids = new Map(assets.map((a) => [a.id, a]))
  return {
    match(address, hostname) {
      const value = address ? parseAddress(address) : undefined
      if (value !== undefined) {
        const hit = nets.find((n) => contains(n.net, value))
        if (hit) return { asset: hit.asset, by: 'address' }
      }
      const labels = hostname.split('.')
      for (let i = 0; hostname && i < labels.length - 1; i++) {
        const hit = domains.get(labels.slice(i).join('.'))
        if (hit) return { asset: hit, by: 'hostname' }
      }
      return undefined
    },
    byId: (id) => ids.get(id),
  }
}
