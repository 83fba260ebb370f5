import type { MessageKey } from './i18n/index.ts'

export const PRESETS = ['1h', '6h', '24h', '7d', '30d', 'year'] as const
export type Preset = (typeof PRESETS)[number]

export interface Range {
  from: string
  to: string
  /** A preset, or 'custom' for explicit from/to. */
  preset: Preset | 'custom'
}

const HOUR = 3600_000
const SPANS: Record<Exclude<Preset, 'year'>, number> = { '1h': HOUR, '6h': 6 * HOUR, '24h': 24 * HOUR, '7d': 7 * 24 * HOUR, '30d': 30 * 24 * HOUR }

/** The time range a page shows: explicit ?from&to, else a preset (?range=, default 24 h) ending now. */
export function rangeOf(query: URLSearchParams, now = Date.now()): Range {
  const from = Date.parse(query.get('from') ?? '')
  const to = Date.parse(query.get('to') ?? '')
  if (!Number.isNaN(from) && !Number.isNaN(to) && from < to) return { from: new Date(from).toISOString(), to: new Date(to).toISOString(), preset: 'custom' }
  const preset = (PRESETS as readonly string[]).includes(query.get('range') ?? '') ? (query.get('range') as Preset) : '24h'
  const start = preset === 'year' ? Date.UTC(new Date(now).getUTCFullYear(), 0, 1) : now - SPANS[preset]
  return { from: new Date(start).toISOString(), to: new Date(now).toISOString(), preset }
}

export const presetLabel = (p: Preset | 'custom'): MessageKey => `range.${p}` as MessageKey

/** A bucket width giving about `points` buckets over the range, rounded to a readable step. */
export function bucketMs(range: Range, points = 48): number {
  const span = Date.parse(range.to) - Date.parse(range.from)
  const steps = [60_000, 300_000, 600_000, 1800_000, HOUR, 3 * HOUR, 6 * HOUR, 12 * HOUR, 24 * HOUR, 7 * 24 * HOUR]
  return steps.find((s) => span / s <= points) ?? 30 * 24 * HOUR
}
