import { parseArgs } from 'node:util'
import { startApiServer } from '../../api/server.ts'
import { engineOf } from '../../core/clickhouse.ts'
import { createLogger } from '../../core/logger.ts'
import { createMetricsRegistry } from '../../core/metrics.ts'
import type { Command } from '../command.ts'
import { configFrom, openMigrated } from '../context.ts'
import { runUntilSignal, type Stage } from '../lifecycle.ts'
import { startCollectorStage } from '../stages.ts'

const REPORT_INTERVAL_MS = 60_000

export const collectCommand: Command = {
  name: 'collect',
  usage: `Usage: holowatch collect [--config FILE]

Opens ClickHouse, applies pending migrations, then listens for NetFlow v5/v9 and IPFIX on UDP
HOLOWATCH_NETFLOW_PORT and HOLOWATCH_IPFIX_PORT and writes every flow to ClickHouse (spooling to
HOLOWATCH_DATA_DIR/spool while ClickHouse is away). Serves only /healthz, /readyz and /metrics on
HOLOWATCH_API_HOST:HOLOWATCH_API_PORT, and logs a line per exporter every minute.
For a collector on a separate host from 'holowatch serve', point both at the same server with
CLICKHOUSE_URL. SIGINT or SIGTERM stops it cleanly: queued flows are written or spooled.`,
  async run(args) {
    const { values } = parseArgs({ args, options: { config: { type: 'string' } } })
    const loaded = configFrom(values.config)
    const logger = createLogger(loaded.config.logLevel)
    const { clickhouse } = await openMigrated(loaded)
    const metrics = createMetricsRegistry()
    const stages: Stage[] = [{ name: 'clickhouse', stop: () => clickhouse.close() }]
    try {
      const { collector, stage } = await startCollectorStage(loaded.config, { clickhouse, logger, metrics })
      stages.push(stage)
      const report = setInterval(() => {
        for (const e of collector.exporters()) logger.info({ exporter: e }, 'exporter')
        logger.info({ writer: collector.writer.stats() }, 'writer')
      }, REPORT_INTERVAL_MS)
      report.unref()
      stages.push({ name: 'report', stop: async () => clearInterval(report) })
      const ops = await startApiServer({ config: loaded.config, clickhouse, engine: engineOf(loaded.config), metrics, collector }, logger, 'operations')
      stages.push({ name: 'operations', stop: () => ops.close() })
      logger.info({ ports: collector.listener.ports(), metrics: `${ops.url}/metrics` }, 'holowatch is collecting')
    } catch (err) {
      for (const stage of stages.reverse()) await stage.stop().catch(() => undefined)
      throw err
    }
    return runUntilSignal(stages, logger)
  },
}
