import type { ClickHouseClient } from '@clickhouse/client'
import { hostname } from 'node:os'
import { createCollector, type Collector, type FlowRecord } from '../collector/index.ts'
import type { Config } from '../core/config.ts'
import type { Logger } from '../core/logger.ts'
import type { Registry } from '../core/metrics.ts'
import { createDetector, createFloodWatch, detectorConfigFrom } from '../detection/index.ts'
import { createHealthcheck, healthcheckConfigFrom } from '../healthcheck/index.ts'
import type { Stage } from './lifecycle.ts'

/** Starts the NetFlow / IPFIX collector (listeners, decoder, writer with its spool replay). */
export async function startCollectorStage(
  config: Config,
  deps: { clickhouse: ClickHouseClient; logger: Logger; metrics: Registry; tap?: (flows: readonly FlowRecord[]) => void },
): Promise<{ collector: Collector; stage: Stage }> {
  const collector = createCollector(config, deps)
  try {
    await collector.start()
  } catch (err) {
    await collector.stop().catch(() => undefined)
    throw err
  }
  return { collector, stage: { name: 'collector', stop: () => collector.stop() } }
}

/**
 * Starts detection: the live loop over the flows as they are stored (every rule), and streaming
 * flood detection over the flows as they are decoded (`observe`, the collector's tap), whose
 * verdicts the same detector merges into incidents within a second or two.
 */
export async function startDetectionStage(config: Config, deps: { clickhouse: ClickHouseClient; logger: Logger; metrics: Registry }): Promise<{ stage: Stage; observe: (flows: readonly FlowRecord[]) => void }> {
  const detectorConfig = detectorConfigFrom(config)
  const detector = createDetector(detectorConfig, deps)
  const logger = deps.logger.child({ stage: 'flood-watch' })
  const watch = createFloodWatch(detectorConfig.thresholds, {
    ...deps,
    onDetection: (d) => void detector.ingest([d]).catch((err: unknown) => logger.error({ err }, 'a streamed flood verdict could not be stored')),
  })
  await watch.start()
  detector.start()
  return {
    observe: (flows) => watch.observe(flows),
    stage: {
      name: 'detection',
      async stop() {
        watch.stop()
        await detector.stop()
      },
    },
  }
}

const ESCALATION_INTERVAL_MS = 15 * 60_000

/**
 * Flags overdue rectification notices and risk warnings to their regulator and locality (once
 * each, audited as "escalation"): a minute after start, then every 15 minutes.
 */
export function startEscalationStage(config: Config, deps: { clickhouse: ClickHouseClient; logger: Logger }): Stage {
  const hc = createHealthcheck(healthcheckConfigFrom(config), { clickhouse: deps.clickhouse })
  const actor = { name: 'escalation', role: 'system', address: hostname(), via: 'cli' as const }
  const logger = deps.logger.child({ stage: 'escalation' })
  let running: Promise<void> = Promise.resolve()
  const run = () => {
    running = (async () => {
      try {
        const flagged = [...(await hc.notices.escalate('notice', actor)), ...(await hc.notices.escalate('warning', actor))]
        if (flagged.length > 0) logger.warn({ escalated: flagged.map((n) => n.number) }, 'overdue notices and warnings escalated')
      } catch (err) {
        logger.error({ err }, 'escalation run failed; trying again at the next interval')
      }
    })()
  }
  const first = setTimeout(run, 60_000)
  const timer = setInterval(run, ESCALATION_INTERVAL_MS)
  first.unref()
  timer.unref()
  return {
    name: 'escalation',
    async stop() {
      clearTimeout(first)
      clearInterval(timer)
      await running
    },
  }
}
