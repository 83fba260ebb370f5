import { contains, parseAddress, parseNetwork } from '../detection/cidr.ts'
import type { AssetMatcher } from './assets.ts'
import type { Campaign } from './campaigns.ts'
import { NIL_UUID } from './model.ts'
import type { NormalHost } from './normalise.ts'

/**
 * Whether a scanned host is inside the campaign's scope. An empty scope covers everything. A host
 * is in scope when its address is in one of the scope's networks, or when the archive asset it
 * belongs to is of a scope organisation, sector or locality: a vendor's findings on another
 * organisation's registered systems are not imported into a campaign that does not cover them.
 * A host the archive does not know is always kept: unregistered assets are what the centre most
 * wants to hear about.
 */
export function scopeOf(campaign: Campaign, matcher: AssetMatcher): (host: NormalHost) => boolean {
  const { organisations, sectors, localities, networks } = campaign.scope
  if (organisations.length + sectors.length + localities.length + networks.length === 0) return () => true
  const nets = networks.map((n) => parseNetwork(n)).filter((n) => n !== undefined)
  const inNetworks = (address: string) => {
    const value = address ? parseAddress(address) : undefined
    return value !== undefined && nets.some((n) => contains(n, value))
  }
  return (host) => {
    if (inNetworks(host.address)) return true
    if (host.asset_id === NIL_UUID) return true
    const asset = matcher.byId(host.asset_id)
    return asset !== undefined && (organisations.includes(asset.org_id) || sectors.includes(asset.sector) || localities.includes(asset.locality))
  }
}
