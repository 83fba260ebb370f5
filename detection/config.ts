import { ConfigError, type Config } from '../core/config.ts'
import { RULE_IDS, type RuleId } from './rules.ts'
import { parseThresholdOverrides, type Thresholds } from './thresholds.ts'

/** What the detector needs from the configuration, with the defaults of the settings catalogue. */
export interface DetectorConfig {
  /** Live runs start this often (HOLOWATCH_DETECT_INTERVAL_MS, default 3 s); a run with nothing new received does nothing. */
  intervalMs: number
  /** Detections this close in flow time continue the same incident (default 30 min). */
  mergeGapMs: number
  /** Centre-wide thresholds: defaults with HOLOWATCH_DETECT_THRESHOLDS applied. */
  thresholds: Thresholds
  /** Rules to run (default: all). */
  rules: readonly RuleId[]
  /** A live run writes an ongoing incident's new version at most this often, unless it escalates (default 60 s). */
  writeEveryMs: number
  /** How far back the first live run looks for flows received before the detector started (default 5 min). */
  startLookbackMs: number
}

export function detectorConfigFrom(config: Config): DetectorConfig {
  let thresholds: Thresholds
  try {
    thresholds = parseThresholdOverrides(config.detectThresholds)
  } catch (err) {
    throw new ConfigError('HOLOWATCH_DETECT_THRESHOLDS', (err as Error).message)
  }
  return {
    intervalMs: config.detectIntervalMs,
    mergeGapMs: config.detectMergeGapS * 1000,
    thresholds,
    rules: RULE_IDS,
    writeEveryMs: 60_000,
    startLookbackMs: 5 * 60_000,
  }
}
