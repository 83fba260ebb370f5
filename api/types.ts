import type { ClickHouseClient, Engine } from '../core/clickhouse.ts'
import type { Config } from '../core/config.ts'
import type { Registry } from '../core/metrics.ts'

/** What the application needs from the process that hosts it, passed in by hand. */
export interface AppDeps {
  config: Config
  clickhouse: ClickHouseClient
  engine: Engine
  metrics: Registry
}

declare module 'fastify' {
  interface FastifyInstance {
    config: Config
    clickhouse: ClickHouseClient
    engine: Engine
    metrics: Registry
  }
}
