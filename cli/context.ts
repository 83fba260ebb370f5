import { loadConfig, type LoadedConfig } from '../core/config.ts'
import { openClickHouse, type ClickHouseClient } from '../core/clickhouse.ts'
import { migrate, type MigrateResult } from '../sql/migrate.ts'
import { applyRetention, retentionOf } from '../sql/ttl.ts'

/** Reads the configuration, honouring `--config FILE` if the command was given one. */
export function configFrom(configFile: string | undefined): LoadedConfig {
  return loadConfig(process.env, configFile ?? process.env.HOLOWATCH_CONFIG)
}

/** Opens ClickHouse and brings the schema up to date (what serve, migrate and collect share). */
export async function openMigrated(loaded: LoadedConfig): Promise<{ clickhouse: ClickHouseClient; migrated: MigrateResult }> {
  const { config } = loaded
  const clickhouse = await openClickHouse(config)
  try {
    const target = { database: config.clickhouseDatabase, cluster: config.clickhouseCluster }
    const migrated = await migrate(clickhouse, target)
    await applyRetention(clickhouse, target, retentionOf(config))
    return { clickhouse, migrated }
  } catch (err) {
    await clickhouse.close()
    throw err
  }
}
