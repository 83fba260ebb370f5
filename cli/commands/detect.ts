import { parseArgs } from 'node:util'
import { createLogger } from '../../core/logger.ts'
import { createDetector, detectorConfigFrom, type Incident } from '../../detection/index.ts'
import { parseThresholdOverrides } from '../../detection/thresholds.ts'
import { UsageError, type Command } from '../command.ts'
import { configFrom, openMigrated } from '../context.ts'

export const detectCommand: Command = {
  name: 'detect',
  usage: `Usage: holowatch detect --from TIME --to TIME [--threshold rule.param=value]... [--json] [--config FILE]

Evaluates every detection rule over the flows whose own time (time_start) lies in [--from, --to)
and merges the detections into incidents, exactly as 'holowatch serve' does live. Use it for
imported pcaps and NetFlow replays: they are analysed on capture time, not on the wall clock.
Times are ISO 8601 (UTC unless they carry an offset), e.g. 2026-11-22T12:08:00Z.

  --from, --to       the window of flow time to analyse
  --threshold R.P=V  override a threshold for this run (repeatable; see docs/detection.md),
                     on top of HOLOWATCH_DETECT_THRESHOLDS
  --json             print the incidents opened or updated as JSON
  --config FILE      JSON file of settings (environment variables win)`,
  async run(args) {
    const { values } = parseArgs({
      args,
      options: {
        from: { type: 'string' }, to: { type: 'string' }, threshold: { type: 'string', multiple: true },
        json: { type: 'boolean' }, config: { type: 'string' },
      },
    })
    const from = parseTime(values.from, '--from')
    const to = parseTime(values.to, '--to')
    if (to <= from) throw new UsageError('--to must be after --from')
    const loaded = configFrom(values.config)
    const detectorConfig = detectorConfigFrom(loaded.config)
    try {
      detectorConfig.thresholds = parseThresholdOverrides(values.threshold ?? [], detectorConfig.thresholds)
    } catch (err) {
      throw new UsageError(`--threshold: ${(err as Error).message}`)
    }
    // Logs go to standard error: standard output is the result (JSON with --json).
    const logger = createLogger(loaded.config.logLevel === 'info' ? 'warn' : loaded.config.logLevel, {}, 2)
    const { clickhouse } = await openMigrated(loaded)
    try {
      const detector = createDetector(detectorConfig, { clickhouse, logger })
      const result = await detector.runWindow(from, to)
      const incidents = [...result.opened, ...result.updated]
      if (values.json) {
        console.log(JSON.stringify({ from: iso(from), to: iso(to), detections: result.detections, suppressed: result.suppressed, incidents: incidents.map(describe) }, null, 2))
        return 0
      }
      console.log(`analysed ${iso(from)} → ${iso(to)}: ${result.detections} detection(s), ${result.suppressed} suppressed by the allow-list`)
      console.log(`${result.opened.length} incident(s) opened, ${result.updated.length} updated`)
      for (const i of incidents) {
        const d = describe(i)
        console.log(`  ${d.severity.padEnd(8)} ${d.rule.padEnd(15)} ${(d.source || `${i.sourceCount} sources`).padEnd(24)} → ${d.targets.slice(0, 3).join(', ')}${d.targets.length > 3 ? ', …' : ''}  peak ${d.peak} ${d.peak_unit}  ${d.first_seen} … ${d.last_seen}  ${d.id}`)
      }
      return 0
    } finally {
      await clickhouse.close()
    }
  },
}

function parseTime(value: string | undefined, flag: string): number {
  if (!value) throw new UsageError(`${flag} is required`)
  const withZone = /[zZ]|[+-]\d\d:?\d\d$/.test(value) ? value : `${value}Z`
  const ms = Date.parse(withZone)
  if (Number.isNaN(ms)) throw new UsageError(`${flag}: "${value}" is not an ISO 8601 time`)
  return ms
}

const iso = (ms: number) => new Date(ms).toISOString()

function describe(i: Incident) {
  return {
    id: i.id, rule: i.rule, severity: i.severity, source: i.source, sources: i.sources, targets: i.targets, ports: i.ports,
    asset_id: i.assets[0]?.id ?? null, first_seen: iso(i.firstSeen), last_seen: iso(i.lastSeen), peak: i.peak, peak_unit: i.peakUnit,
    packets: i.packets, bytes: i.bytes, flows: i.flows, details: i.details,
  }
}
