import { readFile, writeFile } from 'node:fs/promises'
import { basename } from 'node:path'
import { parseArgs } from 'node:util'
import { cliActor } from '../../archive/cli-actor.ts'
import { loadConflicts, type AllocationConflict } from '../../archive/conflicts.ts'
import { exportArchive, type ExportFormat } from '../../archive/export.ts'
import { importArchive, readArchiveFile } from '../../archive/import.ts'
import { LOCALITY } from '../../archive/kinds.ts'
import { createArchiveService, etagOf, type ArchiveService } from '../../archive/service.ts'
import { ApiError } from '../../api/errors.ts'
import { UsageError, type Command } from '../command.ts'
import { printImportReport } from './archive-report.ts'
import { configFrom, openMigrated } from '../context.ts'

export const archiveCommand: Command = {
  name: 'archive',
  usage: `Usage: holowatch archive import FILE [--dry-run] [--clear-empty] [--allow-cross-org] [--config FILE]
       holowatch archive export [--format csv|xlsx|json] [--headers en|zh] [--out FILE]
                                [--organisation ID] [--sector CODE] [--locality CODE] [--status active|decommissioned]
       holowatch archive locality CODE --zh NAME [--en NAME] [--parent CODE]
       holowatch archive conflicts [--json]

'import' reads a CSV (UTF-8 or GB18030) or XLSX file with one row per asset and its organisation's
columns, English or Chinese headers (template: docs/archive-import-template.csv, columns:
docs/archive-import.md). Every row is checked first; if any is wrong, every problem is printed
(row, column, reason) and nothing is written (exit code 1). --dry-run checks and prints what the
file would change, one line per field (before → after), and writes nothing.
A file changes only what it names: a column it does not have leaves the field as it is, and so
does an empty cell; --clear-empty makes an empty cell clear the field (lists too).
Rows that change nothing are skipped; the import is audited as cli:<user>. A network or
allocation overlapping another organisation's is a problem unless --allow-cross-org is given
(then the audit records it as cross_org_overlap).
'export' writes the archive (or the filtered part) to FILE or standard output.
'locality' adds a town or street (or renames one), so that import files can name it.
'conflicts' lists address space two organisations share (asset networks nested or equal,
overlapping allocations), for the centre to resolve; exit code 1 when there are any.`,
  async run(args) {
    const { values, positionals } = parseArgs({
      args, allowPositionals: true,
      options: {
        'dry-run': { type: 'boolean' }, 'clear-empty': { type: 'boolean' }, format: { type: 'string' }, headers: { type: 'string' }, out: { type: 'string' },
        organisation: { type: 'string' }, sector: { type: 'string' }, locality: { type: 'string' }, status: { type: 'string' }, config: { type: 'string' },
        zh: { type: 'string' }, en: { type: 'string' }, parent: { type: 'string' }, 'allow-cross-org': { type: 'boolean' }, json: { type: 'boolean' },
      },
    })
    const [action, file] = positionals
    if (!['import', 'export', 'locality', 'conflicts'].includes(action ?? '')) throw new UsageError('expected import, export, locality or conflicts')
    if (action === 'locality' && (!file || !values.zh)) throw new UsageError('locality needs CODE and --zh NAME')
    if (action === 'import' && !file) throw new UsageError('import needs a FILE')
    const format = (values.format ?? (values.out?.match(/\.(csv|xlsx|json)$/i)?.[1]?.toLowerCase() ?? 'csv')) as ExportFormat
    if (!['csv', 'xlsx', 'json'].includes(format)) throw new UsageError('--format is csv, xlsx or json')
    if (values.headers && !['en', 'zh'].includes(values.headers)) throw new UsageError('--headers is en or zh')
    let bytes: Buffer | undefined
    if (action === 'import') bytes = await readFile(file!)
    const { clickhouse } = await openMigrated(configFrom(values.config))
    try {
      const service = createArchiveService(clickhouse)
      if (action === 'locality') return await saveLocality(service, file!, values.zh!, values.en ?? '', values.parent ?? '')
      if (action === 'conflicts') return printConflicts(await loadConflicts(clickhouse), values.json ?? false)
      if (action === 'export') {
        const out = await exportArchive(service.repo, {
          organisation: values.organisation, sector: values.sector, locality: values.locality, status: values.status, scopeOrgs: [],
        }, format, (values.headers as 'en' | 'zh' | undefined) ?? 'en')
        if (values.out) {
          await writeFile(values.out, out.body)
          console.error(`archive exported to ${values.out}`)
        } else process.stdout.write(out.body)
        return 0
      }
      let rows: string[][]
      try {
        rows = await readArchiveFile(bytes!)
      } catch (err) {
        console.error(`holowatch archive: ${file} cannot be read as CSV or XLSX: ${(err as Error).message}`)
        return 1
      }
      console.error(`read ${Math.max(rows.length - 1, 0)} rows from ${file}; checking every row against the archive…`)
      const report = await importArchive(clickhouse, service, rows, {
        dryRun: values['dry-run'] ?? false, clearEmpty: values['clear-empty'] ?? false, allowCrossOrg: values['allow-cross-org'] ?? false,
        actor: cliActor(), source: basename(file!),
      })
      printImportReport(report)
      return report.problems.length > 0 ? 1 : 0
    } finally {
      await clickhouse.close()
    }
  },
}

async function saveLocality(service: ArchiveService, code: string, zh: string, en: string, parent: string): Promise<number> {
  const current = await service.repo.get(LOCALITY, code)
  const locality = { code, name_zh: zh, name_en: en || (current?.name_en ?? ''), parent_code: parent, status: 'active' as const }
  try {
    const r = current
      ? await service.update(LOCALITY, code, locality, etagOf(current), cliActor(), null)
      : await service.create(LOCALITY, locality, cliActor(), null)
    console.log(`locality ${r.object.code} (${r.object.name_zh}) ${current ? 'updated' : 'created'}`)
    return 0
  } catch (err) {
    if (err instanceof ApiError) {
      console.error(`holowatch archive locality: ${err.message}`)
      return 1
    }
    throw err
  }
}

function printConflicts(items: AllocationConflict[], json: boolean): number {
  if (json) console.log(JSON.stringify(items, null, 2))
  else {
    const who = (org: string, name: string, asset: string | null) => `${name || org} (${org})${asset ? `, asset ${asset}` : ''}`
    for (const c of items) {
      const what = c.kind === 'allocation' ? 'allocation' : 'asset network'
      console.log(`${what} ${c.network} of ${who(c.organisation_id, c.organisation_name, c.asset_id)} ${c.relation === 'equal' ? 'equals' : 'lies inside'} ${c.other_network} of ${who(c.other_organisation_id, c.other_organisation_name, c.other_asset_id)}`)
    }
    console.error(`${items.length} conflict(s)`)
  }
  return items.length > 0 ? 1 : 0
}
