import { SETTINGS } from '../../core/settings.ts'
import type { Retention } from '../../sql/ttl.ts'
import type { FlowColumns } from '../flows/columns.ts'

/** How long an import's data stays, as its summary tells it (docs/retention.md). */
export interface ImportRetention {
  /** When the import's flows and scan rollups expire: the import time + HOLOWATCH_IMPORT_TTL_DAYS; null: kept forever. */
  flowsExpireAt: string | null
  /** When the traffic rollups (charts, statistics) of the capture's first minute expire: flow time + HOLOWATCH_ROLLUP_TTL_DAYS; null: kept forever. */
  trafficExpireAt: string | null
  /**
   * Flows of this capture whose rows are deleted as they are written, in flows and in the traffic
   * rollups. Imported flows expire from the import, a day at the earliest, so `flows` is 0; it is
   * in the shape so that a client reads both in one place.
   */
  expiringAtOnce: { flows: number; traffic: number }
  /** One sentence per kind of data this import loses at once; empty when nothing does. */
  warnings: string[]
}

/** The retention at the catalogue's defaults (for callers that pass none). */
export const DEFAULT_RETENTION: Retention = {
  flowsDays: Number(SETTINGS.flowsTtlDays.default),
  importDays: Number(SETTINGS.importTtlDays.default),
  rollupDays: Number(SETTINGS.rollupTtlDays.default),
}

const DAY_MS = 86_400_000

/**
 * Counts, as an import's flows go by, those that the retention rules of sql/ttl.ts delete as they
 * are written. Imported flows expire from the import (never at once); the traffic rollups count
 * from flow time, so a capture older than HOLOWATCH_ROLLUP_TTL_DAYS leaves no trace on the charts.
 */
export function createRetentionCount(retention: Retention, importedAt: number) {
  const flowsExpireMs = retention.importDays === 0 ? null : importedAt + retention.importDays * DAY_MS
  // A rollup row is kept while its minute + the days is in the future.
  const trafficCutoff = retention.rollupDays === 0 ? -Infinity : importedAt - retention.rollupDays * DAY_MS
  let traffic = 0
  let first = Infinity
  return {
    see(batch: FlowColumns): void {
      for (let i = 0; i < batch.length; i++) {
        const start = batch.timeStart[i]!
        if (start < first) first = start
        if (Math.floor(start / 60_000) * 60_000 < trafficCutoff) traffic++
      }
    },
    report(): ImportRetention {
      const warnings: string[] = []
      if (traffic > 0) {
        warnings.push(
          `${traffic} flows are older than the traffic rollups keep (HOLOWATCH_ROLLUP_TTL_DAYS ${retention.rollupDays}): ` +
            'they stay in flows for detection and the flow explorer, but the traffic charts and statistics will not show them',
        )
      }
      return {
        flowsExpireAt: flowsExpireMs === null ? null : new Date(flowsExpireMs).toISOString(),
        trafficExpireAt: retention.rollupDays === 0 || first === Infinity ? null : new Date(Math.floor(first / 60_000) * 60_000 + retention.rollupDays * DAY_MS).toISOString(),
        expiringAtOnce: { flows: 0, traffic },
        warnings,
      }
    },
  }
}
