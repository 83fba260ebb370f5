import { assetCells, orgCells } from './cells.ts'
import { COLUMNS } from './columns.ts'
import { formatCsv } from './csv.ts'
import { ASSET, ORGANISATION, type Asset, type Organisation, type Versioned } from './kinds.ts'
import type { Repository } from './repository.ts'
import { writeXlsx } from './xlsx.ts'

export type ExportFormat = 'csv' | 'xlsx' | 'json'

export interface ExportFilter {
  organisation?: string
  sector?: string
  locality?: string
  status?: string
  /** Owner scope (empty = everything). */
  scopeOrgs: string[]
}

/** The organisations and assets an export covers: assets by the filter, with their organisations. */
export async function exportSelection(repo: Repository, f: ExportFilter): Promise<{ organisations: Versioned<Organisation>[]; assets: Versioned<Asset>[] }> {
  const all = { sort: 'name', order: 'asc' as const, limit: 10_000_000, offset: 0, scopeOrgs: f.scopeOrgs }
  const pick = (o: Record<string, string | undefined>) => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Record<string, string>
  const orgFilter = pick({ sector: f.sector, locality: f.locality })
  const orgs = (await repo.list(ORGANISATION, { ...all, filters: orgFilter })).items.filter((o) => !f.organisation || o.id === f.organisation)
  const ids = new Set(orgs.map((o) => o.id))
  const assets = (await repo.list(ASSET, { ...all, filters: pick({ status: f.status, organisation: f.organisation }) })).items.filter((a) => ids.has(a.organisation_id))
  return { organisations: orgs, assets }
}

/** One row per asset with its organisation's columns, and one row for each organisation without assets. */
export function exportRows(sel: { organisations: Versioned<Organisation>[]; assets: Versioned<Asset>[] }, headers: 'en' | 'zh'): string[][] {
  const head = COLUMNS.map((c) => (headers === 'zh' ? c.zh : c.key))
  const byOrg = new Map<string, Versioned<Asset>[]>()
  for (const a of sel.assets) byOrg.set(a.organisation_id, [...(byOrg.get(a.organisation_id) ?? []), a])
  const rows: string[][] = [head]
  for (const o of sel.organisations) {
    const org = orgCells(o)
    const assets = byOrg.get(o.id) ?? []
    if (assets.length === 0) rows.push(COLUMNS.map((c) => org[c.key] ?? ''))
    for (const a of assets) {
      const cells = { ...org, ...assetCells(a, o.credit_code) }
      rows.push(COLUMNS.map((c) => cells[c.key] ?? ''))
    }
  }
  return rows
}

/** The export as a file body with its content type. */
export async function exportArchive(repo: Repository, f: ExportFilter, format: ExportFormat, headers: 'en' | 'zh' = 'en'): Promise<{ body: Buffer | string; type: string }> {
  const sel = await exportSelection(repo, f)
  if (format === 'json') return { body: JSON.stringify(sel, null, 2), type: 'application/json; charset=utf-8' }
  const rows = exportRows(sel, headers)
  if (format === 'csv') return { body: formatCsv(rows), type: 'text/csv; charset=utf-8' }
  return { body: await writeXlsx('archive', rows), type: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet' }
}
