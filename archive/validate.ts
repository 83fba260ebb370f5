import { domainToASCII } from 'node:url'
import type { ArchiveContext } from './context.ts'
import { ASSET_CATEGORIES, type Asset, type Locality, type Organisation, type Sector } from './kinds.ts'
import { overlaps, parseAssetNetwork } from './networks.ts'
import { creditCodeProblem } from './uscc.ts'

export interface FieldProblem {
  field: string
  message: string
}

/** A network of the asset being written that shares addresses with another active asset's network. */
export interface Overlap {
  network: string
  other_asset_id: string
  other_network: string
}

/** A block of another organisation that a written network or allocation shares addresses with. */
export interface CrossOrg {
  /** The written network or allocation. */
  network: string
  organisation_id: string
  organisation_name: string
  other_network: string
  /** The asset whose network it is; absent when the other block is an allocation. */
  other_asset_id?: string
}

export interface Checked {
  problems: FieldProblem[]
  /** Exact duplicates of another active object (a credit code, a network): answered 409. */
  conflicts: string[]
  /** Refusals about address space (archive/allocations.ts), by field: answered 409 too. */
  refused: FieldProblem[]
  overlaps: Overlap[]
  /** Blocks of other organisations an administrator nested across explicitly (audited). */
  crossOrg: CrossOrg[]
  /** Allowed, but the caller should know (an administrator registering outside the allocations). */
  warnings: string[]
}

const CODE = /^[a-z0-9][a-z0-9_-]{0,63}$/
const HOSTNAME = /^(\*\.)?([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z0-9-]{2,63}$/

const ok = (): Checked => ({ problems: [], conflicts: [], refused: [], overlaps: [], crossOrg: [], warnings: [] })

export function checkSector(s: Sector): Checked {
  const c = ok()
  if (!CODE.test(s.code)) c.problems.push({ field: 'code', message: 'lower-case letters, digits, _ and -, up to 64, starting with a letter or digit' })
  if (!s.name_zh.trim() && !s.name_en.trim()) c.problems.push({ field: 'name_zh', message: 'give a Chinese or an English name' })
  return c
}

export function checkLocality(l: Locality, ctx: ArchiveContext): Checked {
  const c = checkSector(l)
  if (l.parent_code) {
    if (l.parent_code === l.code) c.problems.push({ field: 'parent_code', message: 'a locality cannot be its own parent' })
    else if (ctx.localities.get(l.parent_code) !== 'active') c.problems.push({ field: 'parent_code', message: `no active locality ${l.parent_code}` })
  }
  return c
}

export function checkOrganisation(o: Organisation, ctx: ArchiveContext): Checked {
  const c = ok()
  if (!o.name.trim()) c.problems.push({ field: 'name', message: 'must not be empty' })
  const credit = creditCodeProblem(o.credit_code)
  if (credit) c.problems.push({ field: 'credit_code', message: credit })
  if (ctx.sectors.get(o.sector) !== 'active') c.problems.push({ field: 'sector', message: `no active sector ${o.sector}` })
  if (ctx.localities.get(o.locality) !== 'active') c.problems.push({ field: 'locality', message: `no active locality ${o.locality}` })
  if (o.status === 'active' && !credit) {
    for (const [id, other] of ctx.orgs) {
      if (id !== o.id && other.status === 'active' && other.credit_code === o.credit_code) {
        c.conflicts.push(`credit code ${o.credit_code} belongs to organisation ${id} already`)
      }
    }
  }
  return c
}

/**
 * Checks an asset and puts its networks and domains in canonical form (in place). Duplicates and
 * overlaps are reported only against the assets of organisations `named` accepts: an owner must
 * not learn another organisation's asset ids (archive/allocations.ts refuses those networks).
 */
export function checkAsset(a: Asset, ctx: ArchiveContext, named: (org: string) => boolean = () => true): Checked {
  const c = ok()
  if (!a.name.trim()) c.problems.push({ field: 'name', message: 'must not be empty' })
  if (!(ASSET_CATEGORIES as readonly string[]).includes(a.category)) c.problems.push({ field: 'category', message: `one of ${ASSET_CATEGORIES.join(', ')}` })
  const org = ctx.orgs.get(a.organisation_id)
  if (!org || (org.status !== 'active' && a.status === 'active')) c.problems.push({ field: 'organisation_id', message: `no active organisation ${a.organisation_id}` })
  const canonical: string[] = []
  a.networks.forEach((text, i) => {
    const parsed = parseAssetNetwork(text)
    if ('problem' in parsed) return c.problems.push({ field: `networks.${i}`, message: parsed.problem })
    if (canonical.includes(parsed.network.text)) return c.problems.push({ field: `networks.${i}`, message: `${parsed.network.text} is listed twice` })
    canonical.push(parsed.network.text)
    if (a.status !== 'active') return
    for (const other of ctx.networks) {
      if (other.asset === a.id || !named(other.org) || !overlaps(parsed.network, other.network)) continue
      if (other.network.text === parsed.network.text) c.conflicts.push(`network ${parsed.network.text} belongs to asset ${other.asset} already`)
      else c.overlaps.push({ network: parsed.network.text, other_asset_id: other.asset, other_network: other.network.text })
    }
  })
  a.networks = canonical
  a.domains = a.domains.map((d, i) => {
    const lower = d.trim().toLowerCase().replace(/\.$/, '')
    const ascii = lower.startsWith('*.') ? `*.${domainToASCII(lower.slice(2))}` : domainToASCII(lower)
    if (!ascii || ascii.length > 253 || !HOSTNAME.test(ascii)) c.problems.push({ field: `domains.${i}`, message: `"${d}" is not a domain name` })
    return lower
  })
  if (new Set(a.services.map((s) => `${s.port}/${s.protocol}`)).size !== a.services.length) {
    c.problems.push({ field: 'services', message: 'a port and protocol are declared twice' })
  }
  return c
}
