import type { ClickHouseClient } from '@clickhouse/client'
import { loadMigrations, type Migration } from './migrations.ts'
import { renderMigration, shardedTableNames, type RenderTarget } from './render.ts'

export interface MigrateResult {
  applied: string[]
  alreadyApplied: string[]
}

export class MigrationError extends Error {
  constructor(
    readonly migration: string,
    message: string,
  ) {
    super(`migration ${migration}: ${message}`)
    this.name = 'MigrationError'
  }
}

interface AppliedRow {
  name: string
  checksum: string
}

/**
 * Applies the pending migrations in order and records each one (name, checksum, time) once all
 * its statements have run. A second run applies nothing. An applied migration whose file has
 * changed since is refused: a shipped migration is never edited, a new one is added instead.
 */
export async function migrate(
  client: ClickHouseClient,
  target: RenderTarget,
  migrations: Migration[] = loadMigrations(),
): Promise<MigrateResult> {
  await ensureMigrationsTable(client, target)
  const applied = await appliedMigrations(client)
  const sharded = shardedTableNames(migrations)
  const result: MigrateResult = { applied: [], alreadyApplied: [] }
  for (const migration of migrations) {
    const done = applied.get(migration.name)
    if (done) {
      if (done !== migration.checksum) {
        throw new MigrationError(
          migration.name,
          `was applied with checksum ${done.slice(0, 12)}… but the file now has ${migration.checksum.slice(0, 12)}…; ` +
            'applied migrations must not change: restore the file and add a new migration',
        )
      }
      result.alreadyApplied.push(migration.name)
      continue
    }
    for (const statement of renderMigration(migration, target, sharded)) {
      try {
        await client.command({ query: statement })
      } catch (err) {
        throw new MigrationError(migration.name, `${(err as Error).message}\n--- statement ---\n${statement}`)
      }
    }
    await client.insert({
      table: 'schema_migrations',
      values: [{ name: migration.name, checksum: migration.checksum }],
      format: 'JSONEachRow',
    })
    result.applied.push(migration.name)
  }
  return result
}

/** Names of migrations not applied yet (for /readyz and `holowatch migrate --status`). */
export async function pendingMigrations(client: ClickHouseClient, migrations: Migration[] = loadMigrations()): Promise<string[]> {
  const applied = await appliedMigrations(client)
  return migrations.filter((m) => !applied.has(m.name)).map((m) => m.name)
}

async function ensureMigrationsTable(client: ClickHouseClient, target: RenderTarget): Promise<void> {
  const onCluster = target.cluster ? ` ON CLUSTER '${target.cluster}'` : ''
  const engine = target.cluster
    ? `ReplicatedMergeTree('/clickhouse/${target.cluster}/tables/all/${target.database}/schema_migrations', '{replica}')`
    : 'MergeTree'
  await client.command({
    query: `CREATE TABLE IF NOT EXISTS schema_migrations${onCluster}
      (name String, checksum String, applied_at DateTime64(3, 'UTC') DEFAULT now64(3))
      ENGINE = ${engine} ORDER BY name`,
  })
}

async function appliedMigrations(client: ClickHouseClient): Promise<Map<string, string>> {
  const rs = await client.query({
    query: 'SELECT name, argMax(checksum, applied_at) AS checksum FROM schema_migrations GROUP BY name',
    format: 'JSONEachRow',
  })
  const rows = await rs.json<AppliedRow>()
  return new Map(rows.map((r) => [r.name, r.checksum]))
}
