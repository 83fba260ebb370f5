import type { ClickHouseClient } from '../core/clickhouse.ts'
import { loadSql } from '../sql/queries.ts'
import type { ArchiveAsset, AssetMatcher } from './assets.ts'
import type { FindingView } from './findings.ts'

/** What a warning is about. At least one of cve, product or port. */
export interface Characteristic {
  cve?: string
  product?: string
  version?: string
  port?: number
  protocol?: string
}

export interface SimilarAsset {
  asset: ArchiveAsset
  /** Where the characteristic was seen: declared, observed, found. */
  sources: string[]
  /** What matched, as each source said it (product and version, title and CVEs). */
  evidence: string[]
  ports: number[]
}

/** Ports whose exposure is a risk on its own (remote administration, databases, file sharing). */
export const HIGH_RISK_PORTS = [21, 22, 23, 135, 139, 445, 1433, 1521, 2375, 3306, 3389, 5432, 5900, 6379, 7001, 9200, 11211, 27017]

/**
 * The characteristic of a finding: its first CVE, its product and version when the scanner
 * named them, and its port when that port is a high-risk one.
 */
export function characteristicOf(f: FindingView): Characteristic {
  const c: Characteristic = {}
  if (f.cves[0]) c.cve = f.cves[0]
  if (f.product) {
    c.product = f.product
    if (f.version) c.version = f.version
  }
  if (HIGH_RISK_PORTS.includes(f.port)) {
    c.port = f.port
    c.protocol = f.protocol
  }
  return c
}

export function describeCharacteristic(c: Characteristic): string {
  return [c.cve, c.product && `${c.product}${c.version ? ` ${c.version}` : ''}`, c.port && `${c.protocol || 'tcp'}/${c.port}`].filter(Boolean).join(', ')
}

/** Every active asset with the characteristic, except those in `exclude`. */
export async function findSimilar(ch: ClickHouseClient, matcher: AssetMatcher, c: Characteristic, exclude: string[] = []): Promise<SimilarAsset[]> {
  const rs = await ch.query({
    query: loadSql('queries/healthcheck/similar'),
    query_params: { cve: (c.cve ?? '').toUpperCase(), product: c.product ?? '', version: c.version ?? '', port: c.port ?? 0, protocol: c.protocol ?? '' },
    format: 'JSONEachRow',
  })
  const byAsset = new Map<string, SimilarAsset>()
  for (const r of await rs.json<{ source: string; asset_id: string; port: number; what: string }>()) {
    if (exclude.includes(r.asset_id)) continue
    const asset = matcher.byId(r.asset_id)
    if (!asset) continue
    const hit = byAsset.get(r.asset_id) ?? { asset, sources: [], evidence: [], ports: [] }
    if (!hit.sources.includes(r.source)) hit.sources.push(r.source)
    const line = `${r.source}: ${r.what || 'port'}${r.port ? ` on ${r.port}` : ''}`
    if (!hit.evidence.includes(line) && hit.evidence.length < 20) hit.evidence.push(line)
    if (r.port && !hit.ports.includes(r.port)) hit.ports.push(r.port)
    byAsset.set(r.asset_id, hit)
  }
  const order = ['declared', 'observed', 'found']
  for (const s of byAsset.values()) s.sources.sort((a, b) => order.indexOf(a) - order.indexOf(b))
  return [...byAsset.values()].sort((a, b) => a.asset.org_name.localeCompare(b.asset.org_name) || a.asset.name.localeCompare(b.asset.name))
}

