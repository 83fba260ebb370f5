import type { ClickHouseClient } from '@clickhouse/client'
import { createCollector, type Collector } from '../collector/index.ts'
import type { Config } from '../core/config.ts'
import type { Logger } from '../core/logger.ts'
import type { Registry } from '../core/metrics.ts'
import { createDetector, detectorConfigFrom } from '../detection/index.ts'
import type { Stage } from './lifecycle.ts'

/** Starts the NetFlow / IPFIX collector (listeners, decoder, writer with its spool replay). */
export async function startCollectorStage(config: Config, deps: { clickhouse: ClickHouseClient; logger: Logger; metrics: Registry }): Promise<{ collector: Collector; stage: Stage }> {
  const collector = createCollector(config, deps)
  try {
    await collector.start()
  } catch (err) {
    await collector.stop().catch(() => undefined)
    throw err
  }
  return { collector, stage: { name: 'collector', stop: () => collector.stop() } }
}

/** Starts the live detection loop over the flows as they arrive. */
export function startDetectionStage(config: Config, deps: { clickhouse: ClickHouseClient; logger: Logger; metrics: Registry }): Stage {
  const detector = createDetector(detectorConfigFrom(config), deps)
  detector.start()
  return { name: 'detection', stop: () => detector.stop() }
}
