import type { ClickHouseClient, Engine } from '../core/clickhouse.ts'
import type { Config } from '../core/config.ts'
import type { Registry } from '../core/metrics.ts'
import type { FlowTap } from '../collector/capture/import.ts'
import type { ExporterSource } from './routes/exporters/index.ts'

/** What the application needs from the process that hosts it, passed in by hand. */
export interface AppDeps {
  config: Config
  clickhouse: ClickHouseClient
  engine: Engine
  metrics: Registry
  /** The collector of this process, when it runs one (serve does; tests may not). */
  collector?: ExporterSource
  /** Sees the flows of every capture uploaded here (serve's streaming flood detection). */
  observeFlows?: FlowTap
}

declare module 'fastify' {
  interface FastifyInstance {
    config: Config
    clickhouse: ClickHouseClient
    engine: Engine
    metrics: Registry
  }
}
