import { parseArgs } from 'node:util'
import { startApiServer } from '../../api/server.ts'
import { startPcapInboxStage } from '../../collector/capture/inbox-stage.ts'
import { ensureFirstAdminToken } from '../../archive/tokens.ts'
import { engineOf } from '../../core/clickhouse.ts'
import { createLogger } from '../../core/logger.ts'
import { createMetricsRegistry } from '../../core/metrics.ts'
import type { Command } from '../command.ts'
import { configFrom, openMigrated } from '../context.ts'
import { runUntilSignal, type Stage } from '../lifecycle.ts'
import { startCollectorStage, startDetectionStage, startEscalationStage } from '../stages.ts'

export const serveCommand: Command = {
  name: 'serve',
  usage: `Usage: holowatch serve [--config FILE]

Opens ClickHouse (the embedded engine on HOLOWATCH_DATA_DIR unless CLICKHOUSE_URL is set),
applies pending migrations, then listens for NetFlow v5/v9 and IPFIX on UDP
HOLOWATCH_NETFLOW_PORT and HOLOWATCH_IPFIX_PORT, runs live detection and the escalation of
overdue notices (every 15 minutes), and serves the API,
/healthz, /readyz and /metrics on HOLOWATCH_API_HOST:HOLOWATCH_API_PORT. SIGINT or SIGTERM
stops it cleanly (exit code 0): listeners close, queued flows are written or spooled.
Run 'holowatch config --check' to see every setting.`,
  async run(args) {
    const { values } = parseArgs({ args, options: { config: { type: 'string' } } })
    const loaded = configFrom(values.config)
    const { config } = loaded
    const logger = createLogger(config.logLevel)
    const engine = engineOf(config)
    const { clickhouse, migrated } = await openMigrated(loaded)
    logger.info({ engine, database: config.clickhouseDatabase, applied: migrated.applied }, 'schema up to date')
    await ensureFirstAdminToken(clickhouse)
    const metrics = createMetricsRegistry()
    const stages: Stage[] = [{ name: 'clickhouse', stop: () => clickhouse.close() }]
    try {
      // Detection first: the collector hands it every decoded flow (streaming flood detection),
      // and stops before it (stages stop in reverse), so the last flows are judged.
      const detection = await startDetectionStage(config, { clickhouse, logger, metrics })
      stages.push(detection.stage)
      const { collector, stage } = await startCollectorStage(config, { clickhouse, logger, metrics, tap: detection.observe })
      stages.push(stage)
      stages.push(startEscalationStage(config, { clickhouse, logger }))
      if (config.pcapInbox) stages.push(await startPcapInboxStage(config, { clickhouse, logger, tap: detection.observe }))
      const api = await startApiServer({ config, clickhouse, engine, metrics, collector, observeFlows: detection.observe }, logger)
      stages.push({ name: 'api', stop: () => api.close() })
      logger.info({ url: api.url, docs: `${api.url}/docs` }, 'holowatch is serving')
    } catch (err) {
      for (const stage of stages.reverse()) await stage.stop().catch(() => undefined)
      throw err
    }
    return runUntilSignal(stages, logger)
  },
}
