import { parseArgs } from 'node:util'
import { openClickHouse } from '../../core/clickhouse.ts'
import { loadMigrations } from '../../sql/migrations.ts'
import { pendingMigrations } from '../../sql/migrate.ts'
import type { Command } from '../command.ts'
import { configFrom, openMigrated } from '../context.ts'

export const migrateCommand: Command = {
  name: 'migrate',
  usage: `Usage: holowatch migrate [--status] [--config FILE]

Applies the numbered migrations of sql/migrations/ that are not applied yet, in order, and
records each (name, checksum, time). Running it again does nothing. A migration that was applied
and whose file has changed since is refused. Also sets the retention of flows and rollups
(HOLOWATCH_FLOWS_TTL_DAYS, HOLOWATCH_IMPORT_TTL_DAYS, HOLOWATCH_ROLLUP_TTL_DAYS; docs/retention.md).

  --status        list applied and pending migrations, change nothing
  --config FILE   JSON file of settings (environment variables win)`,
  async run(args) {
    const { values } = parseArgs({ args, options: { status: { type: 'boolean' }, config: { type: 'string' } } })
    const loaded = configFrom(values.config)
    if (values.status) {
      const clickhouse = await openClickHouse(loaded.config)
      try {
        const all = loadMigrations().map((m) => m.name)
        const pending = new Set(await pendingMigrations(clickhouse).catch(() => all))
        for (const name of all) console.log(`${pending.has(name) ? 'pending' : 'applied'}  ${name}`)
        return 0
      } finally {
        await clickhouse.close()
      }
    }
    const { clickhouse, migrated } = await openMigrated(loaded)
    await clickhouse.close()
    for (const name of migrated.applied) console.log(`applied  ${name}`)
    console.log(
      migrated.applied.length === 0
        ? `schema is up to date (${migrated.alreadyApplied.length} migrations applied earlier)`
        : `${migrated.applied.length} migration(s) applied`,
    )
    return 0
  },
}
