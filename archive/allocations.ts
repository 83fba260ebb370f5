import type { ArchiveContext } from './context.ts'
import type { Asset, Organisation } from './kinds.ts'
import { overlaps, parseAssetNetwork, within, type Network } from './networks.ts'
import type { Checked, CrossOrg } from './validate.ts'

/**
 * Address ownership. The centre allocates blocks of address space to organisations; the most
 * specific network wins flow attribution, so a network nested in another organisation's block
 * would take its traffic. Owners therefore register networks only inside their organisation's
 * allocations and never over another organisation's allocations or asset networks; refusals name
 * nobody. Administrators may nest blocks across organisations only with an explicit flag, which
 * the audit records. Networks and allocations an object already had are not checked again, so
 * that editing an object never requires resolving a nesting that was accepted before.
 */
export interface Access {
  /** null for the centre's roles; the organisations of an owner otherwise. */
  scope: string[] | null
  /** An administrator's explicit consent to nest blocks across organisations (allow_cross_org). */
  allowCrossOrg: boolean
}

export const CENTRE: Access = { scope: null, allowCrossOrg: false }

const FLAG_HINT = 'pass allow_cross_org=true to register it across organisations anyway'

/** The blocks of every active organisation but `org` that share addresses with `net` (the networks of asset `self` aside). */
export function crossOrgBlocks(net: Network, org: string, ctx: ArchiveContext, self = ''): CrossOrg[] {
  const found: CrossOrg[] = []
  for (const [id, other] of ctx.orgs) {
    if (id === org || other.status !== 'active') continue
    for (const block of other.allocations) {
      if (overlaps(net, block)) found.push({ network: net.text, organisation_id: id, organisation_name: other.name, other_network: block.text })
    }
  }
  for (const n of ctx.networks) {
    if (n.org === org || n.asset === self || !overlaps(net, n.network)) continue
    found.push({ network: net.text, organisation_id: n.org, organisation_name: ctx.orgs.get(n.org)?.name ?? '', other_network: n.network.text, other_asset_id: n.asset })
  }
  return found
}

function describe(o: CrossOrg): string {
  const what = o.other_asset_id ? `the network ${o.other_network} of its asset ${o.other_asset_id}` : `its allocation ${o.other_network}`
  return `${o.network} shares addresses with organisation ${o.organisation_id} (${o.organisation_name}): ${what}`
}

/** An administrator's cross-organisation blocks: refused without the flag, recorded with it. */
function crossForCentre(field: string, found: CrossOrg[], access: Access, c: Checked): void {
  if (found.length === 0) return
  if (access.allowCrossOrg) c.crossOrg.push(...found)
  else for (const o of found) c.refused.push({ field, message: `${describe(o)}; ${FLAG_HINT}` })
}

/** Checks the networks an asset claims (after checkAsset has put them in canonical form). */
export function checkAssetSpace(a: Asset, before: Asset | null, ctx: ArchiveContext, access: Access, c: Checked): void {
  if (a.status !== 'active') return
  const kept = before && before.status === 'active' && before.organisation_id === a.organisation_id ? before.networks : []
  const own = ctx.orgs.get(a.organisation_id)?.allocations ?? []
  a.networks.forEach((text, i) => {
    const parsed = parseAssetNetwork(text)
    if ('problem' in parsed || kept.includes(text)) return
    const net = parsed.network
    const inside = own.some((block) => within(net, block))
    const found = crossOrgBlocks(net, a.organisation_id, ctx, a.id)
    const field = `networks.${i}`
    if (access.scope !== null) {
      if (!inside) c.refused.push({ field, message: `${text} is outside the address space allocated to your organisation; ask the centre to allocate it` })
      else if (found.length > 0) c.refused.push({ field, message: `${text} overlaps addresses registered to another organisation; ask the centre to resolve it` })
      return
    }
    // An equal network of another asset is refused by checkAsset already, naming it to the centre.
    crossForCentre(field, found.filter((o) => !(o.other_asset_id && o.other_network === text)), access, c)
    if (!inside && found.length === 0) {
      c.warnings.push(`${text} is outside the allocations of organisation ${a.organisation_id}; it was registered, the allocations were not extended`)
    }
  })
}

/** Parses an organisation's allocations into canonical form (in place) and checks them against other organisations'. */
export function checkAllocations(o: Organisation, before: Organisation | null, ctx: ArchiveContext, access: Access, c: Checked): void {
  const canonical: string[] = []
  const parsed: { net: Network; field: string }[] = []
  o.allocations.forEach((text, i) => {
    const field = `allocations.${i}`
    const p = parseAssetNetwork(text, 'an allocation')
    if ('problem' in p) return c.problems.push({ field, message: p.problem })
    if (canonical.includes(p.network.text)) return c.problems.push({ field, message: `${p.network.text} is listed twice` })
    canonical.push(p.network.text)
    parsed.push({ net: p.network, field })
  })
  o.allocations = canonical
  if (o.status !== 'active') return
  const kept = before && before.status === 'active' ? before.allocations : []
  for (const { net, field } of parsed) {
    if (!kept.includes(net.text)) crossForCentre(field, crossOrgBlocks(net, o.id, ctx), access, c)
  }
}
