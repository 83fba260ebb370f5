import { randomUUID } from 'node:crypto'
import type { ClickHouseClient } from '../core/clickhouse.ts'
import { parseNetwork } from '../detection/cidr.ts'
import type { Access } from './allocations.ts'
import { recordAudit, type Actor } from './audit.ts'
import { CATEGORY_LABELS, GRADE_LABELS, STATUS_LABELS, mapHeaders, parseLevel, splitList } from './columns.ts'
import { loadContext, orgEntry, type ArchiveContext } from './context.ts'
import { decodeText, parseCsv, unguard } from './csv.ts'
import { ASSET, LOCALITY, ORGANISATION, SECTOR, withoutStamp, type ArchiveObject, type Asset, type Kind, type Organisation, type Service, type Versioned } from './kinds.ts'
import { auditNotes, check, type ArchiveService, type Change } from './service.ts'
import { readXlsx } from './xlsx.ts'

export interface ImportProblem {
  /** The spreadsheet row (the header is row 1). */
  row: number
  column: string
  reason: string
}

export interface ImportReport {
  dry_run: boolean
  applied: boolean
  rows: number
  created: { organisations: number; assets: number }
  updated: { organisations: number; assets: number }
  unchanged: number
  problems: ImportProblem[]
  overlaps: { row: number; network: string; other_asset_id: string; other_network: string }[]
  /** Written, but worth knowing (a network outside its organisation's allocations). */
  warnings: { row: number; message: string }[]
}

export const MAX_IMPORT_BYTES = 20 * 1024 * 1024
export const MAX_IMPORT_ROWS = 50_000
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i
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
 */
export async function importArchive(
  ch: ClickHouseClient, service: ArchiveService, rows: string[][], opts: { dryRun: boolean; actor: Actor; source: string; allowCrossOrg?: boolean },
): Promise<ImportReport> {
  // Imports are the centre's: address blocks nested across organisations are problems unless allowed.
  const access: Access = { scope: null, allowCrossOrg: opts.allowCrossOrg === true }
  return service.exclusive(async () => {
    const report: ImportReport = {
      dry_run: opts.dryRun, applied: false, rows: 0, created: { organisations: 0, assets: 0 }, updated: { organisations: 0, assets: 0 }, unchanged: 0, problems: [], overlaps: [],
      warnings: [],
    }
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
    const assetById = new Map(assets.items.map((a) => [a.id, a]))
    const assetByName = new Map(assets.items.map((a) => [`${a.organisation_id}\u0000${a.name}`, a]))
    const labels = (items: { code: string; name_zh: string; name_en: string }[]) =>
      new Map(items.flatMap((s) => [[s.code, s.code], [s.name_zh, s.code], [s.name_en.toLowerCase(), s.code]] as [string, string][]))
    const sectorCode = labels(sectors.items)
    const localityCode = labels(localities.items)

    const orgSeen = new Map<string, { org: Organisation; row: number }>()
    const orgChanges = new Map<string, { change: Change; row: number }>()
    const assetChanges = new Map<string, { change: Change; row: number }>()
    data.forEach((cells, i) => {
      const row = i + 2
      if (cells.every((c) => c.trim() === '')) return
      report.rows++
      const cell = (key: string) => {
        const at = keys.indexOf(key)
        return at < 0 ? '' : unguard((cells[at] ?? '').trim())
      }
      const problem = (column: string, reason: string) => report.problems.push({ row, column, reason })
      const before = report.problems.length

      const org = orgFromRow(cell, orgByCode, sectorCode, localityCode)
      if (keys.includes('allocations')) org.allocations = splitList(cell('allocations'))
      const seen = orgSeen.get(org.credit_code)
      if (seen) {
        org.id = seen.org.id
        if (JSON.stringify(seen.org) !== JSON.stringify(org)) problem('org_name', `organisation ${org.credit_code} is described differently in row ${seen.row}`)
      } else {
        orgSeen.set(org.credit_code, { org, row })
        collect(ORGANISATION, org, orgByCode.get(org.credit_code) ?? null, row, ctx, report, orgChanges, ORG_COLUMN, access)
        ctx.orgs.set(org.id, orgEntry(org))
      }
      if (!cell('asset_name')) return
      if (report.problems.length > before) return
      const asset = assetFromRow(cell, problem, org.id, assetById, assetByName)
      if (!asset) return
      if (assetChanges.has(asset.id)) return problem('asset_name', `the asset is in row ${assetChanges.get(asset.id)!.row} already`)
      // The asset's networks as the file sets them replace those it had, for the rows that follow.
      ctx.networks = ctx.networks.filter((n) => n.asset !== asset.id)
      collect(ASSET, asset, assetById.get(asset.id) ?? null, row, ctx, report, assetChanges, ASSET_COLUMN, access)
    })
    if (report.problems.length > 0 || opts.dryRun) return report
    const changes = [...orgChanges.values(), ...assetChanges.values()].map((c) => c.change)
    if (changes.length > 0) {
      await service.commit(changes, opts.actor)
      await recordAudit(ch, opts.actor, [{
        action: 'import', objectType: 'archive', objectId: opts.source,
        changes: {
          rows: [null, report.rows], created: [null, report.created], updated: [null, report.updated], unchanged: [null, report.unchanged],
          ...(access.allowCrossOrg ? { allow_cross_org: [null, true] } : {}),
        },
      }])
    }
    report.applied = true
    return report
  })
}

/** Checks one object; records it as a change (or as unchanged) or its problems under their columns. */
function collect<T extends ArchiveObject>(
  kind: Kind<T>, after: T, before: Versioned<T> | null, row: number, ctx: ArchiveContext, report: ImportReport,
  into: Map<string, { change: Change; row: number }>, columns: Record<string, string>, access: Access,
): void {
  const checked = check(kind as unknown as Kind, after, ctx, access, before ? withoutStamp(before) : null)
  for (const p of [...checked.problems, ...checked.refused]) report.problems.push({ row, column: columns[p.field.split('.')[0]!] ?? p.field.split('.')[0]!, reason: p.message })
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
  report[before ? 'updated' : 'created'][plural]++
  const notes = auditNotes(checked)
  into.set(kind.name === 'organisation' ? (after as unknown as Organisation).credit_code : key, {
    change: { kind: kind as unknown as Kind, key, before: before as Versioned<ArchiveObject> | null, after, action: before ? 'update' : 'create', ...(notes ? { notes } : {}) }, row,
  })
}

function orgFromRow(
  cell: (k: string) => string, byCode: Map<string, Versioned<Organisation>>, sectors: Map<string, string>, localities: Map<string, string>,
): Organisation {
  const code = cell('credit_code').toUpperCase()
  const existing = byCode.get(code)
  const pick = (v: string, map: Map<string, string>) => map.get(v) ?? map.get(v.toLowerCase()) ?? v
  return {
    id: existing?.id ?? randomUUID(), name: cell('org_name'), credit_code: code, sector: pick(cell('sector'), sectors), locality: pick(cell('locality'), localities),
    address: cell('org_address'), cso: { name: cell('cso_name'), phone: cell('cso_phone'), email: cell('cso_email'), certificate: cell('cso_certificate') },
    contacts: existing?.contacts ?? [], allocations: existing?.allocations ?? [], status: existing?.status ?? 'active',
  }
}

function assetFromRow(
  cell: (k: string) => string, problem: (column: string, reason: string) => void, orgId: string,
  byId: Map<string, Versioned<Asset>>, byName: Map<string, Versioned<Asset>>,
): Asset | undefined {
  const idText = cell('asset_id')
  if (idText && !UUID.test(idText)) return void problem('asset_id', `"${idText}" is not an asset id`)
  const name = cell('asset_name')
  const existing = idText ? byId.get(idText.toLowerCase()) : byName.get(`${orgId}\u0000${name}`)
  const category = CATEGORY_LABELS[cell('category')] ?? cell('category')
  const grade = GRADE_LABELS[cell('grade')] ?? cell('grade').toLowerCase()
  const level = parseLevel(cell('mlps_level'))
  const status = STATUS_LABELS[cell('status')] ?? (cell('status').toLowerCase() || 'active')
  let bad = false
  const report = (column: string, reason: string) => {
    bad = true
    problem(column, reason)
  }
  if (!['core', 'important', 'general'].includes(grade)) report('grade', `"${cell('grade')}" is not core, important or general (核心/重要/一般)`)
  if (level === undefined) report('mlps_level', `"${cell('mlps_level')}" is not an MLPS level 1–5`)
  if (!['active', 'decommissioned'].includes(status)) report('status', `"${cell('status')}" is not active or decommissioned (在用/已下线)`)
  const services = parseServices(cell('services'), report)
  if (bad || !services) return undefined
  return {
    id: existing?.id ?? (idText ? idText.toLowerCase() : randomUUID()), organisation_id: orgId, name, category, grade: grade as Asset['grade'], mlps_level: level!,
    networks: splitList(cell('networks')), domains: splitList(cell('domains')), services, icp_filing: cell('icp_filing'), mlps_filing: cell('mlps_filing'),
    tags: splitList(cell('tags')), contacts: existing?.contacts ?? [], status: status as Asset['status'], notes: cell('notes'),
  }
}

/** "443/tcp nginx 1.24; 22/tcp" → services; the product is every word between the port and the last (the version). */
export function parseServices(text: string, problem: (column: string, reason: string) => void): Service[] | undefined {
  const out: Service[] = []
  for (const item of text.split(/[;\n；]+/).map((s) => s.trim()).filter(Boolean)) {
    const [head = '', ...rest] = item.split(/\s+/)
    const m = /^(\d{1,5})\/(tcp|udp|sctp)$/i.exec(head)
    if (!m || Number(m[1]) < 1 || Number(m[1]) > 65535) {
      problem('services', `"${item}" is not PORT/PROTOCOL [PRODUCT [VERSION]] (e.g. 443/tcp nginx 1.24)`)
      return undefined
    }
    const version = rest.length >= 2 ? rest[rest.length - 1]! : ''
    const product = (rest.length >= 2 ? rest.slice(0, -1) : rest).join(' ')
    out.push({ port: Number(m[1]), protocol: m[2]!.toLowerCase(), product, version })
  }
  return out
}

/** Services as the import reads them back. */
export function formatServices(services: Service[]): string {
  return services.map((s) => [`${s.port}/${s.protocol}`, s.product, s.version].filter(Boolean).join(' ')).join('; ')
}
