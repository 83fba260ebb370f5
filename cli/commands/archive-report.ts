import type { ImportReport } from '../../archive/import.ts'

/**
 * Prints an archive import report: problems and notes on standard error; on standard output the
 * counts and, for a dry run, what the file would change — one line per changed field, before →
 * after, and every empty cell that kept a value — so that the user reads it before writing.
 */
export function printImportReport(r: ImportReport): void {
  for (const p of r.problems) console.error(`  row ${p.row}, ${p.column || '-'}: ${p.reason}`)
  for (const o of r.overlaps) console.error(`  row ${o.row}: note: ${o.network} overlaps ${o.other_network} of asset ${o.other_asset_id}`)
  for (const w of r.warnings) console.error(`  row ${w.row}: note: ${w.message}`)
  if (r.dry_run) printChanges(r)
  const counts = `${r.rows} rows: ${r.created.organisations} organisations and ${r.created.assets} assets new, ` +
    `${r.updated.organisations} organisations and ${r.updated.assets} assets changed, ${r.unchanged} unchanged`
  const kept = r.kept.length + r.kept_omitted
  const keptNote = kept === 0 ? '' : r.clear_empty ? '' : ` ${kept} empty cell(s) kept the archive's value (--clear-empty clears them).`
  if (r.problems.length > 0) console.log(`${r.problems.length} problem(s); nothing was written. ${counts} once fixed.${keptNote}`)
  else if (r.dry_run) console.log(`dry run: no problems; ${counts}.${keptNote} Nothing was written.`)
  else console.log(`imported: ${counts}.${keptNote}`)
}

function printChanges(r: ImportReport): void {
  const show = (v: string | null) => JSON.stringify(v ?? '')
  if (r.changes.length > 0) console.log('changes (field: before → after):')
  for (const c of r.changes) {
    console.log(`  row ${c.row}: ${c.kind} ${c.key}${c.key === c.name ? '' : ` (${c.name})`} ${c.action === 'create' ? 'new' : 'changed'}`)
    for (const [field, [before, after]] of Object.entries(c.fields)) {
      console.log(c.action === 'create' ? `      ${field}: ${show(after)}` : `      ${field}: ${show(before)} → ${show(after)}`)
    }
  }
  if (r.changes_omitted > 0) console.log(`  … and ${r.changes_omitted} more changed object(s), not listed`)
  if (r.kept.length > 0) console.log('empty cells that kept a value (--clear-empty clears them):')
  for (const k of r.kept) console.log(`  row ${k.row}: ${k.kind} ${k.key}: ${k.column} keeps ${show(k.value)}`)
  if (r.kept_omitted > 0) console.log(`  … and ${r.kept_omitted} more, not listed`)
}
