import type { ClickHouseClient } from '@clickhouse/client'
import type { RenderTarget } from './render.ts'

/** The tables of raw flows (and their sample) whose rows expire after HOLOWATCH_FLOWS_TTL_DAYS. */
const RAW_TABLES = ['flows', 'flow_sources_sample']

/**
 * Makes the retention of raw flows match HOLOWATCH_FLOWS_TTL_DAYS (0 keeps them forever). It is
 * a setting rather than a migration so that an operator can change it without touching the
 * schema; only a change alters the table. Whole daily partitions expire (ttl_only_drop_parts).
 * Returns what happened to `flows` (the sample follows it).
 */
export async function applyFlowsTtl(client: ClickHouseClient, target: RenderTarget, days: number): Promise<'unchanged' | 'set' | 'removed'> {
  if (!Number.isInteger(days) || days < 0) throw new Error(`flows TTL must be a whole number of days, got ${days}`)
  const [first, ...rest] = RAW_TABLES
  const result = await applyTtl(client, target, first!, days)
  for (const table of rest) await applyTtl(client, target, table, days)
  return result
}

async function applyTtl(client: ClickHouseClient, target: RenderTarget, name: string, days: number): Promise<'unchanged' | 'set' | 'removed'> {
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
  if (days === 0) {
    if (!current) return 'unchanged'
    await client.command({ query: `ALTER TABLE ${table}${onCluster} REMOVE TTL` })
    return 'removed'
  }
  if (current?.includes(`toIntervalDay(${days})`)) return 'unchanged'
  // `days` is a validated integer, not user text: DDL cannot take a bound parameter here.
  await client.command({
    query: `ALTER TABLE ${table}${onCluster} MODIFY TTL toDateTime(time_start) + toIntervalDay(${days})`,
    clickhouse_settings: { materialize_ttl_after_modify: 0 },
  })
  return 'set'
}
