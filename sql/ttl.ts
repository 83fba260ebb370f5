import type { ClickHouseClient } from '@clickhouse/client'
import type { RenderTarget } from './render.ts'

/** Days each kind of data is kept; 0 keeps it forever (docs/retention.md). */
export interface Retention {
  /** Live flows (NetFlow/IPFIX), from their own time: HOLOWATCH_FLOWS_TTL_DAYS. */
  flowsDays: number
  /** Flows of imported captures, from the import: HOLOWATCH_IMPORT_TTL_DAYS. */
  importDays: number
  /** Traffic rollups, from flow time: HOLOWATCH_ROLLUP_TTL_DAYS. */
  rollupDays: number
}

export function retentionOf(config: { flowsTtlDays: number; importTtlDays: number; rollupTtlDays: number }): Retention {
  return { flowsDays: config.flowsTtlDays, importDays: config.importTtlDays, rollupDays: config.rollupTtlDays }
}

/**
 * Every table with a retention and how its rows are told apart. Raw flows and the tables
 * detection reads beside them (the sample, the scan rollups) follow the same two clocks: a row of
 * an imported capture expires from its import, a live row from its own time. The traffic rollups
 * keep traffic history on flow time alone.
 */
type Rule = { kind: 'flows'; imported: string; received: string; start: string } | { kind: 'rollup'; start: string }

export const RETENTION_TABLES: Readonly<Record<string, Rule>> = {
  flows: { kind: 'flows', imported: "source_kind = 'pcap'", received: 'toDateTime(time_received)', start: 'toDateTime(time_start)' },
  flow_sources_sample: { kind: 'flows', imported: 'imported = 1', received: 'toDateTime(time_received)', start: 'toDateTime(time_start)' },
  fanout_ports_1m: { kind: 'flows', imported: 'imported = 1', received: 'time_received', start: 'minute' },
  fanout_hosts_1m: { kind: 'flows', imported: 'imported = 1', received: 'time_received', start: 'minute' },
  traffic_1m: { kind: 'rollup', start: 'minute' },
  traffic_1d: { kind: 'rollup', start: 'day' },
}

/**
 * A row whose side of the rule keeps it forever gets the last day DateTime can hold (it ends in
 * February 2106); the settings stop at 25,000 days so that no computed date wraps past it.
 */
const NEVER = "toDateTime('2106-01-01 00:00:00', 'UTC')"

function checkDays(name: string, days: number): number {
  if (!Number.isInteger(days) || days < 0 || days > 25_000) throw new Error(`${name} must be a whole number of days from 0 to 25000, got ${days}`)
  return days
}

/**
 * The TTL expression of one table, or undefined for no TTL. Only validated integers and the
 * fixed column expressions above go into it: DDL cannot take bound parameters. It is written
 * the way ClickHouse prints it back in system.tables, so an unchanged setting alters nothing.
 */
export function ttlExpression(table: string, retention: Retention): string | undefined {
  const rule = RETENTION_TABLES[table]
  if (!rule) throw new Error(`no retention rule for table ${table}`)
  const live = checkDays('flows retention', retention.flowsDays)
  const imported = checkDays('import retention', retention.importDays)
  const rollup = checkDays('rollup retention', retention.rollupDays)
  if (rule.kind === 'rollup') return rollup === 0 ? undefined : `${rule.start} + toIntervalDay(${rollup})`
  if (live === 0 && imported === 0) return undefined
  const importedSide = imported === 0 ? NEVER : `${rule.received} + toIntervalDay(${imported})`
  const liveSide = live === 0 ? NEVER : `${rule.start} + toIntervalDay(${live})`
  return `if(${rule.imported}, ${importedSide}, ${liveSide})`
}

export type TtlChange = 'unchanged' | 'set' | 'removed'

/**
 * Makes the retention of every table in RETENTION_TABLES match the settings. It is a setting
 * rather than a migration so that an operator can change it without touching the schema; only a
 * change alters a table, and existing parts are not rewritten (materialize_ttl_after_modify = 0):
 * the new rule applies as parts are merged and to every new insert. Raw flows expire by whole
 * daily partitions (ttl_only_drop_parts), the rollups row by row as they merge.
 */
export async function applyRetention(client: ClickHouseClient, target: RenderTarget, retention: Retention): Promise<Record<string, TtlChange>> {
  const changes: Record<string, TtlChange> = {}
  for (const name of Object.keys(RETENTION_TABLES)) changes[name] = await applyTtl(client, target, name, ttlExpression(name, retention))
  return changes
}

async function applyTtl(client: ClickHouseClient, target: RenderTarget, name: string, wanted: string | undefined): Promise<TtlChange> {
  const table = target.cluster ? `${name}_local` : name
  const rs = await client.query({
    query: 'SELECT engine_full FROM system.tables WHERE database = {database:String} AND name = {table:String}',
    query_params: { database: target.database, table },
    format: 'JSONEachRow',
  })
  const [row] = await rs.json<{ engine_full: string }>()
  if (!row) throw new Error(`table ${target.database}.${table} does not exist: run the migrations first`)
  const current = /\bTTL\s+(.+?)(?:\s+SETTINGS\b|$)/.exec(row.engine_full)?.[1]
  const onCluster = target.cluster ? ` ON CLUSTER '${target.cluster}'` : ''
  if (wanted === undefined) {
    if (!current) return 'unchanged'
    await client.command({ query: `ALTER TABLE ${table}${onCluster} REMOVE TTL` })
    return 'removed'
  }
  if (current === wanted) return 'unchanged'
  await client.command({
    query: `ALTER TABLE ${table}${onCluster} MODIFY TTL ${wanted}`,
    clickhouse_settings: { materialize_ttl_after_modify: 0 },
  })
  return 'set'
}
