import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { openClickHouse, type ClickHouseClient } from '../../core/clickhouse.ts'
import { loadConfig, type Config } from '../../core/config.ts'
import { migrate } from '../../sql/migrate.ts'
import { applyRetention, retentionOf } from '../../sql/ttl.ts'

export interface TestDb {
  clickhouse: ClickHouseClient
  config: Config
  dir: string
  /** Runs a query with bound parameters and returns its rows. */
  rows<T = Record<string, unknown>>(query: string, params?: Record<string, unknown>): Promise<T[]>
  close(): Promise<void>
}

/**
 * Opens the real embedded engine on a fresh temporary data directory. chDB binds one data
 * directory per process, so a test file opens it once (beforeAll) and shares it; vitest runs
 * each file in its own process. `retention` also sets the tables' TTLs from the settings, as
 * every holowatch command does after migrating (cli/context.ts).
 */
export async function openTestDb(options: { migrate?: boolean; retention?: boolean; env?: Record<string, string> } = {}): Promise<TestDb> {
  const dir = mkdtempSync(join(tmpdir(), 'holowatch-test-'))
  const { config } = loadConfig({ HOLOWATCH_DATA_DIR: dir, ...options.env })
  const clickhouse = await openClickHouse(config)
  if (options.migrate !== false) await migrate(clickhouse, { database: config.clickhouseDatabase })
  if (options.retention) await applyRetention(clickhouse, { database: config.clickhouseDatabase }, retentionOf(config))
  return {
    clickhouse,
    config,
    dir,
    async rows<T>(query: string, params: Record<string, unknown> = {}) {
      const rs = await clickhouse.query({ query, query_params: params, format: 'JSONEachRow' })
      return rs.json<T>()
    },
    async close() {
      await clickhouse.close()
      rmSync(dir, { recursive: true, force: true })
    },
  }
}
