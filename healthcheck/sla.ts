import type { Severity } from './importers/types.ts'
import { DAY_MS } from './time.ts'

/** Days to rectify by severity; info findings never set a deadline. */
export type SlaDays = Partial<Record<Exclude<Severity, 'info'>, number>>
export type Grade = 'core' | 'important' | 'general'

export interface SlaPolicy {
  days: Required<SlaDays>
  /** Percent of the days a finding on an asset of this grade gets (core assets are fixed sooner). */
  gradePercent: Record<Grade, number>
}

export const DEFAULT_SLA: SlaPolicy = {
  days: { critical: 7, high: 30, medium: 90, low: 120 },
  gradePercent: { core: 50, important: 100, general: 100 },
}

const KEYS = ['critical', 'high', 'medium', 'low'] as const

/**
 * Parses "critical=7,high=30,medium=90,low=120" (HOLOWATCH_HC_SLA_DAYS) or
 * "core=50,important=100,general=100" (HOLOWATCH_HC_SLA_GRADE_PERCENT); throws a RangeError naming
 * the bad entry.
 */
export function parseSlaList<K extends string>(text: string, keys: readonly K[], max: number): Partial<Record<K, number>> {
  const out: Partial<Record<K, number>> = {}
  for (const entry of text.split(',').map((e) => e.trim()).filter(Boolean)) {
    const [k = '', v = ''] = entry.split('=').map((x) => x.trim())
    if (!(keys as readonly string[]).includes(k)) throw new RangeError(`"${entry}": the key must be one of ${keys.join(', ')}`)
    if (!/^\d+$/.test(v) || Number(v) < 1 || Number(v) > max) throw new RangeError(`"${entry}": the value must be a whole number 1–${max}`)
    out[k as K] = Number(v)
  }
  return out
}

export function slaPolicyFrom(daysText: string, gradeText: string): SlaPolicy {
  return {
    days: { ...DEFAULT_SLA.days, ...parseSlaList(daysText, KEYS, 3650) },
    gradePercent: { ...DEFAULT_SLA.gradePercent, ...parseSlaList(gradeText, ['core', 'important', 'general'] as const, 1000) },
  }
}

/**
 * Days to rectify one finding: the campaign's or the call's override of the severity's days,
 * scaled by the asset grade's percent, rounded up, at least one day. Undefined for info.
 */
export function slaDays(policy: SlaPolicy, severity: Severity, grade: string, ...overrides: (SlaDays | undefined)[]): number | undefined {
  if (severity === 'info') return undefined
  let days = policy.days[severity]
  for (const o of overrides) if (o?.[severity] !== undefined) days = o[severity]!
  const percent = policy.gradePercent[grade as Grade] ?? 100
  return Math.max(1, Math.ceil((days * percent) / 100))
}

/** The due date of a notice: the earliest deadline of the findings it lists. */
export function dueDate(issuedMs: number, days: (number | undefined)[], fallbackDays: number): number {
  const known = days.filter((d): d is number => d !== undefined)
  return issuedMs + (known.length > 0 ? Math.min(...known) : fallbackDays) * DAY_MS
}
