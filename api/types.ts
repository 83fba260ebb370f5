import type { ClickHouseClient, Engine } from '../core/clickhouse.ts'
import type { Config } from '../core/config.ts'
import type { Registry } from '../core/metrics.ts'
import type { ExporterSource } from './routes/exporters/index.ts'

/** What the application needs from the process that hosts it, passed in by hand. */
export interface AppDeps {
  config: Config
  clickhouse: ClickHouseClient
  engine: Engine
  metrics: Registry
  /** The collector of this process, when it runs one (serve does; tests may not). */
  collector?: ExporterSource
}

declare module 'fastify' {
  interface FastifyInstance {
    config: Config
    clickhouse: ClickHouseClient
    engine: Engine
    metrics: Registry
  }
}
