import type { ClickHouseClient } from '../core/clickhouse.ts'
import { parseNetwork } from '../detection/cidr.ts'
import type { Access } from './allocations.ts'
import { auditedWrite, type Actor } from './audit.ts'
import { assetCells, orgCells } from './cells.ts'
import { mapHeaders } from './columns.ts'
import { loadContext, orgEntry, type ArchiveContext } from './context.ts'
import { decodeText, parseCsv, unguard } from './csv.ts'
import { assetFromRow, orgFromRow, type ReadCell } from './import-rows.ts'
import { cellDiff, emptyReport, firstDifference, listChange, listKept, type ImportReport } from './import-report.ts'
import { ASSET, LOCALITY, ORGANISATION, SECTOR, withoutStamp, type ArchiveObject, type Asset, type Kind, type Organisation, type Versioned } from './kinds.ts'
import { auditNotes, check, type ArchiveService, type Change } from './service.ts'
import { readXlsx } from './xlsx.ts'

export type { ImportChange, ImportProblem, ImportReport, KeptCell } from './import-report.ts'

export interface ImportOptions {
  dryRun: boolean
  /** An empty cell clears the field (default: it keeps the current value). */
  clearEmpty?: boolean
  /** Address blocks nested across organisations are written (and audited) instead of refused. */
  allowCrossOrg?: boolean
  actor: Actor
  source: string
}

export const MAX_IMPORT_BYTES = 20 * 1024 * 1024
export const MAX_IMPORT_ROWS = 50_000
const ORG_COLUMN: Record<string, string> = { name: 'org_name', address: 'org_address', cso: 'cso_name', contacts: 'org_name' }
const ASSET_COLUMN: Record<string, string> = { name: 'asset_name', organisation_id: 'credit_code', contacts: 'asset_name' }

/** Reads an import file into rows of cells: XLSX by its zip signature, CSV otherwise. */
export async function readArchiveFile(bytes: Uint8Array): Promise<string[][]> {
  if (bytes.length > MAX_IMPORT_BYTES) throw new RangeError(`the file is larger than ${MAX_IMPORT_BYTES / 1024 / 1024} MB`)
  const zip = bytes[0] === 0x50 && bytes[1] === 0x4b
  return zip ? readXlsx(bytes) : parseCsv(decodeText(bytes))
}

/**
 * Imports the archive spreadsheet all or nothing: every row is checked against the archive and
 * against the rows before it (an organisation or network may appear in the file for the first
 * time), every problem is reported with its row and column, and only a file without problems is
 * written — in one batch, audited, under the archive's write lock. A dry run checks and reports
 * without writing. Rows that change nothing are counted and skipped, so re-importing an export
 * writes nothing.
 *
 * A file changes only what it names: a column it does not have leaves the field of an existing
 * object as it is, and so does an empty cell unless `clearEmpty` (import-rows.ts). The report
 * lists every change field by field and every empty cell that kept a value (import-report.ts).
 */
export async function importArchive(ch: ClickHouseClient, service: ArchiveService, rows: string[][], opts: ImportOptions): Promise<ImportReport> {
  // Imports are the centre's: address blocks nested across organisations are problems unless allowed.
  const access: Access = { scope: null, allowCrossOrg: opts.allowCrossOrg === true }
  return service.exclusive(async () => {
    const clearEmpty = opts.clearEmpty ?? false
    const report = emptyReport(opts.dryRun, clearEmpty)
    const [header = [], ...data] = rows
    const { keys, unknown, missing } = mapHeaders(header)
    for (const h of unknown) report.problems.push({ row: 1, column: h, reason: 'unknown column (see docs/archive-import.md)' })
    for (const m of missing) report.problems.push({ row: 1, column: m, reason: 'required column missing' })
    if (data.length > MAX_IMPORT_ROWS) report.problems.push({ row: 1, column: '', reason: `more than ${MAX_IMPORT_ROWS} rows; split the file` })
    if (report.problems.length > 0) return report

    const ctx = await loadContext(ch)
    const all = { filters: {}, sort: 'version_at', order: 'asc' as const, limit: 10_000_000, offset: 0, scopeOrgs: [] }
    const [orgs, assets, sectors, localities] = await Promise.all([
      service.repo.list(ORGANISATION, all), service.repo.list(ASSET, all), service.repo.list(SECTOR, all), service.repo.list(LOCALITY, all),
    ])
    const orgByCode = new Map(orgs.items.map((o) => [o.credit_code, o]))
    const codeOf = new Map(orgs.items.map((o) => [o.id, o.credit_code]))
    const assetById = new Map(assets.items.map((a) => [a.id, a]))
    const assetByName = new Map(assets.items.map((a) => [`${a.organisation_id}\u0000${a.name}`, a]))
    const labels = (items: { code: string; name_zh: string; name_en: string }[]) =>
      new Map(items.flatMap((s) => [[s.code, s.code], [s.name_zh, s.code], [s.name_en.toLowerCase(), s.code]] as [string, string][]))
    const sectorCode = labels(sectors.items)
    const localityCode = labels(localities.items)
    const assetCellsOf = (a: Asset) => assetCells(a, codeOf.get(a.organisation_id) ?? '')

    // `org` is the organisation as written (its allocations put in canonical form by the checks),
    // `read` the one the row described: later rows of the organisation are compared with that.
    const orgSeen = new Map<string, { org: Organisation; read: Organisation; row: number }>()
    const assetSeen = new Map<string, number>()
    const orgChanges = new Map<string, { change: Change; row: number }>()
    const assetChanges = new Map<string, { change: Change; row: number }>()
    data.forEach((cells, i) => {
      const row = i + 2
      if (cells.every((c) => c.trim() === '')) return
      report.rows++
      const read: ReadCell = (key) => {
        const at = keys.indexOf(key)
        return at < 0 ? undefined : unguard((cells[at] ?? '').trim())
      }
      const problem = (column: string, reason: string) => report.problems.push({ row, column, reason })
      const before = report.problems.length

      const code = (read('credit_code') ?? '').toUpperCase()
      const seen = orgSeen.get(code)
      let org: Organisation
      if (seen) {
        org = seen.org
        // A later row of the same organisation is read on top of the first: it may leave cells
        // empty, but what it does say must agree.
        const differs = firstDifference(orgCells(seen.read), orgCells(orgFromRow(read, seen.read, sectorCode, localityCode, clearEmpty).org))
        if (differs) problem(differs, `organisation ${code} is described differently in row ${seen.row}`)
      } else {
        const existing = orgByCode.get(code)
        const read1 = orgFromRow(read, existing, sectorCode, localityCode, clearEmpty)
        org = read1.org
        orgSeen.set(code, { org, read: structuredClone(org), row })
        codeOf.set(org.id, code)
        if (existing && read1.kept.length > 0) listKept(report, { row, kind: 'organisation', key: code }, read1.kept, orgCells(existing))
        collect(ORGANISATION, org, existing ?? null, { row, ctx, report, into: orgChanges, columns: ORG_COLUMN, key: code, cells: orgCells, access })
        ctx.orgs.set(org.id, orgEntry(org))
      }
      if (!read('asset_name')) return
      if (report.problems.length > before) return
      const { asset, existing, kept } = assetFromRow(read, problem, org.id, assetById, assetByName, clearEmpty)
      if (!asset) return
      if (assetSeen.has(asset.id)) return problem('asset_name', `the asset is in row ${assetSeen.get(asset.id)} already`)
      assetSeen.set(asset.id, row)
      const key = existing || read('asset_id') ? asset.id : asset.name
      if (existing && kept.length > 0) listKept(report, { row, kind: 'asset', key }, kept, assetCellsOf(existing))
      // The asset's networks as the file sets them replace those it had, for the rows that follow.
      ctx.networks = ctx.networks.filter((n) => n.asset !== asset.id)
      collect(ASSET, asset, assetById.get(asset.id) ?? null, { row, ctx, report, into: assetChanges, columns: ASSET_COLUMN, key, cells: assetCellsOf, access })
    })
    if (report.problems.length > 0 || opts.dryRun) return report
    const changes = [...orgChanges.values(), ...assetChanges.values()].map((c) => c.change)
    if (changes.length > 0) {
      // The import's own entry, then each object's (commit audits them before it writes).
      await auditedWrite(ch, opts.actor, [{
        action: 'import', objectType: 'archive', objectId: opts.source,
        changes: {
          rows: [null, report.rows], created: [null, report.created], updated: [null, report.updated], unchanged: [null, report.unchanged],
          clear_empty: [null, clearEmpty], kept: [null, report.kept.length + report.kept_omitted],
          ...(access.allowCrossOrg ? { allow_cross_org: [null, true] } : {}),
        },
      }], () => service.commit(changes, opts.actor))
    }
    report.applied = true
    return report
  })
}

interface Collecting<T> {
  row: number
  ctx: ArchiveContext
  report: ImportReport
  into: Map<string, { change: Change; row: number }>
  /** Validation fields → the spreadsheet column a problem is reported under. */
  columns: Record<string, string>
  /** How the report names the object. */
  key: string
  cells: (obj: T) => Record<string, string>
  /** Who imports: the centre, with or without allow_cross_org. */
  access: Access
}

/** Checks one object; records it as a change (or as unchanged) or its problems under their columns. */
function collect<T extends ArchiveObject>(kind: Kind<T>, after: T, before: Versioned<T> | null, at: Collecting<T>): void {
  const { row, ctx, report } = at
  const checked = check(kind as unknown as Kind, after, ctx, at.access, before ? withoutStamp(before) : null)
  for (const p of [...checked.problems, ...checked.refused]) report.problems.push({ row, column: at.columns[p.field.split('.')[0]!] ?? p.field.split('.')[0]!, reason: p.message })
  for (const c of checked.conflicts) report.problems.push({ row, column: kind.name === 'asset' ? 'networks' : 'credit_code', reason: c })
  for (const message of checked.warnings) report.warnings.push({ row, message })
  if (kind.name === 'asset') {
    for (const o of checked.overlaps) report.overlaps.push({ row, ...o })
    const a = after as unknown as Asset
    if (a.status === 'active') {
      for (const text of a.networks) {
        const network = parseNetwork(text)
        if (network) ctx.networks.push({ asset: a.id, org: a.organisation_id, name: a.name, network })
      }
    }
  }
  const key = String((after as unknown as Record<string, unknown>)[kind.key])
  if (before && JSON.stringify(withoutStamp(before)) === JSON.stringify(after)) {
    report.unchanged++
    return
  }
  const plural = kind.name === 'asset' ? 'assets' : 'organisations'
  const action = before ? 'update' : 'create'
  report[before ? 'updated' : 'created'][plural]++
  listChange(report, () => {
    const afterCells = at.cells(after)
    if (!before) delete afterCells.asset_id
    return {
      row, kind: kind.name as 'organisation' | 'asset', key: at.key, name: (after as unknown as { name: string }).name, action,
      fields: cellDiff(before ? at.cells(withoutStamp(before)) : null, afterCells),
    }
  })
  const notes = auditNotes(checked)
  at.into.set(kind.name === 'organisation' ? (after as unknown as Organisation).credit_code : key, {
    change: { kind: kind as unknown as Kind, key, before: before as Versioned<ArchiveObject> | null, after, action, ...(notes ? { notes } : {}) }, row,
  })
}
