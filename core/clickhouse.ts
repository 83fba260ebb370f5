import { createClient, type ClickHouseClient } from '@clickhouse/client'
import type { Config } from './config.ts'
import { createEmbeddedConnection } from './embedded.ts'

export type { ClickHouseClient }

export type Engine = 'embedded' | 'server'

/**
 * Settings both engines run with, so that results look the same whichever answers: 64-bit
 * integers come out of JSON formats as numbers (holowatch's counters stay far below 2^53).
 */
const SESSION_SETTINGS = { output_format_json_quote_64bit_integers: 0 } as const

/**
 * The one way to reach ClickHouse. Without CLICKHOUSE_URL it opens the embedded engine on the
 * data directory; with it, the HTTP interface of a server. Nothing else in holowatch knows which
 * engine answers: both speak the same SQL through the same client, and statements name their
 * tables unqualified, resolved in the configured database (created here if missing).
 */
export async function openClickHouse(config: Config): Promise<ClickHouseClient> {
  const database = config.clickhouseDatabase
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(database)) {
    throw new Error(`CLICKHOUSE_DATABASE: "${database}" is not a plain identifier`)
  }
  const onCluster = config.clickhouseCluster ? ` ON CLUSTER '${config.clickhouseCluster}'` : ''
  if (!config.clickhouseUrl) {
    // The embedded engine ignores the client's `database` option; USE sets it for the session,
    // which lives as long as the process.
    const client = createClient({ connection: createEmbeddedConnection(config.dataDir) })
    await client.command({ query: `CREATE DATABASE IF NOT EXISTS ${database}` })
    await client.command({ query: `USE ${database}` })
    for (const [name, value] of Object.entries(SESSION_SETTINGS)) {
      await client.command({ query: `SET ${name} = ${value}` })
    }
    return client
  }
  const server = { url: config.clickhouseUrl, username: config.clickhouseUser, password: config.clickhousePassword }
  const bootstrap = createClient({ ...server, database: 'default' })
  try {
    await bootstrap.command({ query: `CREATE DATABASE IF NOT EXISTS ${database}${onCluster}` })
  } finally {
    await bootstrap.close()
  }
  return createClient({ ...server, database, request_timeout: 60_000, clickhouse_settings: SESSION_SETTINGS })
}

export function engineOf(config: Config): Engine {
  return config.clickhouseUrl ? 'server' : 'embedded'
}
