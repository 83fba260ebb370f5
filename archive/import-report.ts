import { COLUMNS } from './columns.ts'

/**
 * What an import reports: counts, every problem, and — so that a dry run shows what the file
 * would do before anything is written — the objects it changes, field by field, and the empty
 * cells that left a value in place. Both lists name spreadsheet columns and show cell text, and
 * both are capped: a 50,000-row file reports its first MAX_LISTED entries and counts the rest.
 */
export interface ImportProblem {
  /** The spreadsheet row (the header is row 1). */
  row: number
  column: string
  reason: string
}

export interface ImportChange {
  row: number
  kind: 'organisation' | 'asset'
  /** The credit code of an organisation; the id of an asset (its name while it is new and has none yet). */
  key: string
  name: string
  action: 'create' | 'update'
  /** Column → [before, after] as cell text; before is null for a new object, which lists its non-empty cells. */
  fields: Record<string, [string | null, string]>
}

/** An empty cell that kept the value it would clear with clear_empty. */
export interface KeptCell {
  row: number
  kind: 'organisation' | 'asset'
  key: string
  column: string
  value: string
}

export interface ImportReport {
  dry_run: boolean
  applied: boolean
  clear_empty: boolean
  rows: number
  created: { organisations: number; assets: number }
  updated: { organisations: number; assets: number }
  unchanged: number
  problems: ImportProblem[]
  overlaps: { row: number; network: string; other_asset_id: string; other_network: string }[]
  /** Written, but worth knowing (a network outside its organisation's allocations). */
  warnings: { row: number; message: string }[]
  changes: ImportChange[]
  changes_omitted: number
  kept: KeptCell[]
  kept_omitted: number
}

export const MAX_LISTED = 1000
const ORDER = new Map(COLUMNS.map((c, i) => [c.key, i]))

export function emptyReport(dryRun: boolean, clearEmpty: boolean): ImportReport {
  return {
    dry_run: dryRun, applied: false, clear_empty: clearEmpty, rows: 0, created: { organisations: 0, assets: 0 }, updated: { organisations: 0, assets: 0 },
    unchanged: 0, problems: [], overlaps: [], warnings: [], changes: [], changes_omitted: 0, kept: [], kept_omitted: 0,
  }
}

/** The cells that differ, in column order; a new object (no `before`) lists every non-empty cell. */
export function cellDiff(before: Record<string, string> | null, after: Record<string, string>): ImportChange['fields'] {
  const fields: ImportChange['fields'] = {}
  for (const column of Object.keys(after).sort((a, b) => (ORDER.get(a) ?? 0) - (ORDER.get(b) ?? 0))) {
    const now = after[column]!
    if (before ? before[column] !== now : now !== '') fields[column] = [before ? before[column] ?? '' : null, now]
  }
  return fields
}

/** The first column whose cell differs, or undefined. */
export function firstDifference(a: Record<string, string>, b: Record<string, string>): string | undefined {
  return Object.keys(cellDiff(a, b))[0]
}

/** Lists a change, built only while the list has room (a big file would diff every row for nothing). */
export function listChange(report: ImportReport, change: () => ImportChange): void {
  if (report.changes.length < MAX_LISTED) report.changes.push(change())
  else report.changes_omitted++
}

/** Lists the kept cells of one row whose value was not empty (an empty one kept nothing). */
export function listKept(report: ImportReport, at: Omit<KeptCell, 'column' | 'value'>, columns: string[], before: Record<string, string>): void {
  for (const column of [...columns].sort((a, b) => (ORDER.get(a) ?? 0) - (ORDER.get(b) ?? 0))) {
    const value = before[column] ?? ''
    if (value === '') continue
    if (report.kept.length < MAX_LISTED) report.kept.push({ ...at, column, value })
    else report.kept_omitted++
  }
}
