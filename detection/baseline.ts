import type { ClickHouseClient } from '@clickhouse/client'
import { loadSql } from '../sql/queries.ts'
import { chTime } from './incident.ts'

/** An asset's own normal inbound rates (p99 of its 5-minute slots over 14 days). */
export interface Baseline {
  slots: number
  pps: number
  bps: number
  fps: number
}

export type Baselines = ReadonlyMap<string, Baseline>

const SLOT_MS = 5 * 60_000

/**
 * Learns every archive asset's baseline (sql/detection/baseline.sql) as of a moment, and keeps it
 * for the 5-minute slot of that moment: live runs every few seconds reuse it, a run over last
 * year's capture learns from the days before it. Whether a baseline has enough history to be
 * trusted is the flood rule's to judge (flood.baseline_min_slots, overridable per asset).
 */
export function createBaselines(ch: ClickHouseClient) {
  let cached: { slot: number; baselines: Baselines } | undefined
  return {
    async asOf(atMs: number): Promise<Baselines> {
      const slot = Math.floor(atMs / SLOT_MS) * SLOT_MS
      if (cached?.slot === slot) return cached.baselines
      const rs = await ch.query({ query: loadSql('detection/baseline'), query_params: { until: chTime(slot) }, format: 'JSONEachRow' })
      const rows = await rs.json<{ asset: string; slots: number; pps: number; bps: number; fps: number }>()
      const baselines = new Map(rows.map((r) => [r.asset, { slots: Number(r.slots), pps: Number(r.pps), bps: Number(r.bps), fps: Number(r.fps) }]))
      cached = { slot, baselines }
      return baselines
    },
  }
}
