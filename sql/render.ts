import type { Migration } from './migrations.ts'
import { splitStatements, stripComments } from './statements.ts'

export interface RenderTarget {
  database: string
  /** Set for a cluster: statements run ON CLUSTER with Replicated and Distributed tables. */
  cluster?: string | undefined
}

const CREATE_TABLE = /^CREATE\s+TABLE\s+(IF\s+NOT\s+EXISTS\s+)?(\w+)/i
const ENGINE = /ENGINE\s*=\s*(\w*)MergeTree(\s*\(([^)]*)\))?/i

/**
 * Turns the single-node migrations into the statements to run. On one node they run as written.
 * On a cluster, every statement gets ON CLUSTER; tables of `replicated` files become
 * Replicated*MergeTree with one copy per node; tables of `sharded` files (flows and its rollups)
 * become `<name>_local` Replicated tables spread over the shards plus a `<name>` Distributed table
 * for reads and writes, and materialized views read from and write to the local tables so each
 * shard aggregates its own rows.
 */
export function renderMigration(migration: Migration, target: RenderTarget, shardedTables: ReadonlySet<string>): string[] {
  const sql = migration.sql.replaceAll('${database}', target.database)
  const statements = splitStatements(sql)
  if (!target.cluster) return statements
  const cluster = target.cluster
  return statements.flatMap((stmt) => renderForCluster(stmt, cluster, target.database, migration.clusterMode, shardedTables))
}

/** Names of the tables that sharded migration files create: on a cluster they become local + Distributed. */
export function shardedTableNames(migrations: readonly Migration[]): Set<string> {
  const names = new Set<string>()
  for (const m of migrations) {
    if (m.clusterMode !== 'sharded') continue
    for (const stmt of splitStatements(m.sql)) {
      const match = CREATE_TABLE.exec(stripComments(stmt).trim())
      if (match && ENGINE.test(stmt)) names.add(match[2]!)
    }
  }
  return names
}

function renderForCluster(stmt: string, cluster: string, database: string, mode: Migration['clusterMode'], sharded: ReadonlySet<string>): string[] {
  const body = stripComments(stmt).trim()
  const onCluster = `ON CLUSTER '${cluster}'`
  const table = CREATE_TABLE.exec(body)
  if (table) {
    const name = table[2]!
    const engine = ENGINE.exec(body)
    if (!engine) return [insertAfter(body, table[0], onCluster)]
    const isSharded = mode === 'sharded' && sharded.has(name)
    const local = isSharded ? `${name}_local` : name
    const zkPath = isSharded
      ? `/clickhouse/${cluster}/tables/{shard}/${database}/${local}`
      : `/clickhouse/${cluster}/tables/all/${database}/${local}`
    const args = [`'${zkPath}'`, `'{replica}'`, ...(engine[3]?.trim() ? [engine[3].trim()] : [])].join(', ')
    const replicated = body
      .replace(table[0], `${table[0].replace(new RegExp(`${name}$`), local)} ${onCluster}`)
      .replace(engine[0], `ENGINE = Replicated${engine[1]}MergeTree(${args})`)
    if (!isSharded) return [replicated]
    const ifNotExists = table[1] ? 'IF NOT EXISTS ' : ''
    const distributed = `CREATE TABLE ${ifNotExists}${name} ${onCluster} AS ${local}\nENGINE = Distributed('${cluster}', '${database}', '${local}', rand())`
    return [replicated, distributed]
  }
  const mv = /^CREATE\s+MATERIALIZED\s+VIEW\s+(IF\s+NOT\s+EXISTS\s+)?\w+/i.exec(body)
  if (mv) {
    const toLocal = body.replace(/\bTO\s+(\w+)/i, (m, t: string) => (sharded.has(t) ? `TO ${t}_local` : m))
    const fromLocal = toLocal.replace(/\bFROM\s+(\w+)/gi, (m, t: string) => (sharded.has(t) ? `FROM ${t}_local` : m))
    return [insertAfter(fromLocal, mv[0], onCluster)]
  }
  const other = /^(CREATE\s+(?:OR\s+REPLACE\s+)?(?:VIEW|DICTIONARY)\s+(?:IF\s+NOT\s+EXISTS\s+)?\w+|DROP\s+(?:TABLE|VIEW|DICTIONARY)\s+(?:IF\s+EXISTS\s+)?\w+)/i.exec(body)
  if (other) return [insertAfter(body, other[0], onCluster)]
  const alter = /^ALTER\s+TABLE\s+(\w+)/i.exec(body)
  if (alter) {
    const name = alter[1]!
    if (!sharded.has(name)) return [insertAfter(body, alter[0], onCluster)]
    // Column changes must reach the Distributed table too; everything else is storage-only.
    const local = body.replace(alter[0], `ALTER TABLE ${name}_local ${onCluster}`)
    const columnChange = /\b(ADD|DROP|MODIFY|RENAME)\s+COLUMN\b/i.test(body)
    return columnChange ? [local, insertAfter(body, alter[0], onCluster)] : [local]
  }
  // INSERT and SELECT run once: replicated tables copy the rows to every node.
  return [body]
}

function insertAfter(sql: string, head: string, clause: string): string {
  return sql.replace(head, `${head} ${clause}`)
}
