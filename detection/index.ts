import type { ClickHouseClient } from '@clickhouse/client'
import type { Logger } from '../core/logger.ts'
import type { Registry } from '../core/metrics.ts'
import { loadSql } from '../sql/queries.ts'
import { allowedBy, loadAllowlist } from './allowlist.ts'
import { createBaselines, type Baselines } from './baseline.ts'
import type { DetectorConfig } from './config.ts'
import { chTime, type Incident } from './incident.ts'
import { mergeDetection } from './merge.ts'
import { createDetectorMetrics } from './metrics.ts'
import { loadOverrides, type Overrides } from './overrides.ts'
import { RULE_QUERIES, type RuleQuery } from './rules.ts'
import { evaluateRules, type Detection } from './runner.ts'
import { freshSpans, type FreshHour } from './spans.ts'

export type { Detection } from './runner.ts'
export { createFloodWatch, type FloodWatch } from './flood-watch.ts'
import { createIncidentStore, type StateChange, type WindowRow } from './store.ts'

export { detectorConfigFrom, type DetectorConfig } from './config.ts'
export type { Incident, IncidentState, Severity } from './incident.ts'
export { RULE_IDS, type RuleId } from './rules.ts'
export { THRESHOLDS, type Thresholds } from './thresholds.ts'

const LONG_WINDOW_MS = 10 * 60_000
const LONG_EVERY_MS = 60_000

export interface RunResult {
  from: number
  to: number
  detections: number
  suppressed: number
  opened: Incident[]
  updated: Incident[]
  alerts: Incident[]
  /** Live runs: earlier stretches of flow time received meanwhile (old captures imported), each evaluated whole like runWindow. */
  earlier?: { from: number; to: number }[]
}

export interface Detector {
  /** Starts the live loop: every interval, the flows received since the last run, on their own time. */
  start(): void
  /** Stops the loop, waits for a run in flight and writes what is pending. */
  stop(): Promise<void>
  /** Evaluates every rule over flows with time_start in [from, to) and writes the incidents (history, tests, `holowatch detect`). */
  runWindow(from: number | Date, to: number | Date): Promise<RunResult>
  /** One live run now (what the loop does each interval). */
  runLive(): Promise<RunResult | undefined>
  /** Merges detections made elsewhere (streaming flood detection) into incidents, as a live run does. */
  ingest(detections: Detection[]): Promise<Omit<RunResult, 'from' | 'to'>>
  /** Settles when the detector stops. */
  done: Promise<void>
}

export interface DetectorDeps {
  clickhouse: ClickHouseClient
  logger: Logger
  metrics?: Registry
  /** Called for every alert: a new incident, or one whose magnitude grew tenfold. */
  onAlert?: (incident: Incident, kind: 'opened' | 'escalated') => void
}

interface Tracked {
  incident: Incident
  dirty: boolean
  writtenAt: number
}

/**
 * The detection stage: rules (sql/detection/*.sql) over flows and rollups → detections, judged
 * against the thresholds of the asset hit, filtered by the allow-list, merged into incidents.
 * Live runs follow time_received so that late NetFlow records and imported captures are seen,
 * and evaluate windows of flow time; `runWindow` does the same for any past range.
 */
export function createDetector(config: DetectorConfig, deps: DetectorDeps): Detector {
  const { clickhouse: ch } = deps
  const logger = deps.logger.child({ stage: 'detection' })
  const metrics = createDetectorMetrics(deps.metrics)
  const store = createIncidentStore(ch)
  const baselines = createBaselines(ch)
  const queries = RULE_QUERIES.filter((q) => config.rules.includes(q.rule))
  const tracked = new Map<string, Tracked>()
  let since = Date.now() - config.startLookbackMs
  let lastSeenBatch = ''
  let timer: NodeJS.Timeout | undefined
  let running: Promise<unknown> | undefined
  let stopped = false
  let resolveDone: () => void = () => {}
  const done = new Promise<void>((resolve) => (resolveDone = resolve))
  /** Long-window queries (slow sweeps, slow brute force, sprays): when each last ran live, and the earliest flow time it has not seen since. */
  const longRuns = new Map<RuleQuery, { at: number; pendingFrom: number }>()

  /**
   * Evaluates a live run's range: every short-window rule each time; the long-window ones (30 min
   * to 2 h of flows each time) at most once a minute, over every range they skipped meanwhile —
   * soon enough for attacks that slow.
   */
  async function evaluateLive(range: { from: number; to: number }, overrides: Overrides, learned: Baselines) {
    const now = Date.now()
    const short: RuleQuery[] = []
    const due: RuleQuery[] = []
    let dueFrom = range.from
    for (const q of queries) {
      if (config.thresholds[q.window] * 1000 < LONG_WINDOW_MS) {
        short.push(q)
        continue
      }
      const state = longRuns.get(q) ?? { at: 0, pendingFrom: range.from }
      state.pendingFrom = Math.min(state.pendingFrom, range.from)
      if (now - state.at >= LONG_EVERY_MS) {
        due.push(q)
        dueFrom = Math.min(dueFrom, state.pendingFrom)
        longRuns.set(q, { at: now, pendingFrom: Infinity })
      } else longRuns.set(q, state)
    }
    const a = await evaluateRules(ch, short, range, config.thresholds, overrides, learned)
    const b = due.length ? await evaluateRules(ch, due, { from: dueFrom, to: range.to }, config.thresholds, overrides, learned) : { detections: [], failed: [] }
    return { detections: [...a.detections, ...b.detections], failed: [...a.failed, ...b.failed] }
  }

  /** Runs one piece of work after the previous one: runs and streamed verdicts share the incidents in memory. */
  let queue: Promise<unknown> = Promise.resolve()
  function serial<T>(work: () => Promise<T>): Promise<T> {
    const next = queue.then(work, work)
    queue = next.catch(() => undefined)
    return next
  }

  async function run(from: number, to: number, mode: 'live' | 'window', tracker = tracked): Promise<RunResult> {
    const started = performance.now()
    const [overrides, learned] = await Promise.all([
      loadOverrides(ch), queries.some((q) => q.rule === 'flood') ? baselines.asOf(from) : new Map(),
    ])
    const { detections: found, failed } = mode === 'live'
      ? await evaluateLive({ from, to }, overrides, learned)
      : await evaluateRules(ch, queries, { from, to }, config.thresholds, overrides, learned)
    for (const { rule, variant, err } of failed) {
      metrics.ruleErrors.labels(rule).inc()
      logger.error({ err, rule, variant }, 'a detection rule failed; the other rules ran')
    }
    const result = await settle(found, mode, tracker)
    metrics.runSeconds.observe((performance.now() - started) / 1000)
    metrics.runs.labels(mode, 'ok').inc()
    return { from, to, ...result }
  }

  /** The allow-list, then the merge into incidents. */
  async function settle(found: Detection[], mode: 'live' | 'window', tracker = tracked) {
    const allow = await loadAllowlist(ch, Date.now())
    const kept: Detection[] = []
    let suppressed = 0
    for (const d of found) {
      metrics.detections.labels(d.rule).inc()
      const attackers = d.source ? [d.source] : d.sources
      if (allowedBy(allow, d.rule, attackers, d.targets)) {
        suppressed++
        metrics.suppressed.labels(d.rule).inc()
      } else kept.push(d)
    }
    kept.sort((a, b) => a.firstSeen - b.firstSeen || a.windowStart - b.windowStart)
    return { detections: found.length, suppressed, ...(await merge(kept, mode, tracker)) }
  }

  async function merge(detections: Detection[], mode: 'live' | 'window', tracker: Map<string, Tracked>) {
    const missing = [...new Set(detections.map((d) => d.key))].filter((k) => !tracker.has(k))
    const earliest = Math.min(...detections.map((d) => d.firstSeen))
    const latest = Math.max(...detections.map((d) => d.lastSeen))
    for (const [key, incident] of await store.byKeys(missing, earliest - config.mergeGapMs, latest + config.mergeGapMs)) {
      tracker.set(key, { incident, dirty: false, writtenAt: Date.now() })
    }
    const openedIds = new Set<string>()
    const alertIds = new Set<string>()
    const touched = new Set<string>()
    const escalated = new Set<string>()
    const windows: WindowRow[] = []
    for (const d of detections) {
      const t = tracker.get(d.key)
      const { incident, opened: isNew, realerted } = mergeDetection(t?.incident, d, config.mergeGapMs)
      if (isNew) {
        openedIds.add(incident.id)
        alertIds.add(incident.id)
        escalated.add(incident.id)
        metrics.opened.labels(d.rule).inc()
        if (t?.dirty) await store.insertVersions([t.incident])
      } else if (realerted || incident.severity !== t!.incident.severity) {
        escalated.add(incident.id)
        if (realerted) alertIds.add(incident.id)
      }
      tracker.set(d.key, { incident, dirty: true, writtenAt: isNew ? 0 : (t?.writtenAt ?? 0) })
      touched.add(incident.id)
      windows.push({
        incident_id: incident.id, phase: d.phase, window_start: chTime(d.windowStart), magnitude: d.verdict.magnitude,
        packets: d.packets, bytes: d.bytes, flows: d.flows,
      })
    }
    await store.insertWindows(windows)
    const totals = await store.totals([...touched])
    const states = await store.currentStates([...touched].filter((id) => !openedIds.has(id)))
    const stateRows: StateChange[] = [...openedIds].map((id) => ({
      incidentId: id, state: 'open', previousState: '', note: '', changedBy: 'detector', changedFrom: '',
    }))
    for (const [id, state] of states) {
      // Activity on a resolved incident reopens it; a false positive stays one (allow-list it instead).
      if (state === 'resolved') {
        stateRows.push({ incidentId: id, state: 'open', previousState: 'resolved', note: 'activity resumed', changedBy: 'detector', changedFrom: '' })
        escalated.add(id)
      }
    }
    const updated: Incident[] = []
    const now = Date.now()
    const toWrite: Incident[] = []
    for (const t of tracker.values()) {
      if (!touched.has(t.incident.id)) continue
      const sums = totals.get(t.incident.id)
      if (sums) Object.assign(t.incident, sums)
      updated.push(t.incident)
      if (mode === 'window' || escalated.has(t.incident.id) || now - t.writtenAt >= config.writeEveryMs) {
        toWrite.push(t.incident)
        t.dirty = false
        t.writtenAt = now
      }
    }
    await store.insertVersions(toWrite)
    await store.appendStates(stateRows)
    const opened = updated.filter((u) => openedIds.has(u.id))
    for (const i of updated.filter((u) => alertIds.has(u.id))) {
      const kind = openedIds.has(i.id) ? 'opened' : 'escalated'
      metrics.alerts.labels(i.rule).inc()
      logger.warn(
        { incident: i.id, rule: i.rule, source: i.source, targets: i.targets.slice(0, 5), asset: i.assets[0]?.id, severity: i.severity, peak: i.peak, unit: i.peakUnit, kind },
        kind === 'opened' ? 'attack detected' : 'attack escalated tenfold',
      )
      deps.onAlert?.(i, kind)
    }
    forget(tracker, now)
    return { opened, updated: updated.filter((u) => !openedIds.has(u.id)), alerts: updated.filter((u) => alertIds.has(u.id)) }
  }

  /** Drops incidents from memory once written and quiet for longer than the merge gap. */
  function forget(tracker: Map<string, Tracked>, now: number): void {
    for (const [key, t] of tracker) {
      if (!t.dirty && now - t.writtenAt > config.mergeGapMs) tracker.delete(key)
    }
  }

  async function flush(): Promise<void> {
    const dirty = [...tracked.values()].filter((t) => t.dirty)
    await store.insertVersions(dirty.map((t) => t.incident))
    for (const t of dirty) {
      t.dirty = false
      t.writtenAt = Date.now()
    }
  }

  async function runLive(): Promise<RunResult | undefined> {
    const rs = await ch.query({ query: loadSql('detection/new_data'), query_params: { since: chTime(since) }, format: 'JSONEachRow' })
    const hours = await rs.json<FreshHour>()
    const spans = freshSpans(hours)
    if (spans.length === 0) return undefined
    const flows = spans.reduce((n, s) => n + s.flows, 0)
    const maxReceived = Math.max(...hours.map((h) => Number(h.max_received_ms)))
    // A small overlap re-reads rows received just before the last look (a batch that was being
    // inserted); when nothing new arrived since, there is nothing to do.
    const batch = `${flows}:${maxReceived}`
    if (batch === lastSeenBatch) return undefined
    lastSeenBatch = batch
    since = Math.max(since, maxReceived - 2_000)
    // The latest stretch is the live one; earlier ones (a capture of last year imported beside
    // live traffic) are evaluated whole on their own, not as one range from then to now.
    const latest = spans.pop()!
    const earlier: RunResult[] = []
    // Each with incidents of its own in memory: the live ones stay those of live traffic.
    for (const span of spans) earlier.push(await run(span.from, span.to, 'window', new Map()))
    const result = await run(latest.from, latest.to, 'live')
    metrics.lag.set(Math.max(0, (Date.now() - maxReceived) / 1000))
    if (earlier.length === 0) return result
    return {
      ...result,
      detections: result.detections + earlier.reduce((n, r) => n + r.detections, 0),
      suppressed: result.suppressed + earlier.reduce((n, r) => n + r.suppressed, 0),
      opened: [...earlier.flatMap((r) => r.opened), ...result.opened],
      updated: [...earlier.flatMap((r) => r.updated), ...result.updated],
      alerts: [...earlier.flatMap((r) => r.alerts), ...result.alerts],
      earlier: spans.map(({ from, to }) => ({ from, to })),
    }
  }

  function schedule(): void {
    if (stopped) return
    timer = setTimeout(() => {
      running = serial(runLive)
        .catch((err: unknown) => {
          metrics.runs.labels('live', 'error').inc()
          logger.error({ err }, 'detection run failed; retrying at the next interval')
        })
        .finally(schedule)
    }, config.intervalMs)
  }

  return {
    start() {
      if (timer || stopped) return
      logger.info({ intervalMs: config.intervalMs, rules: config.rules }, 'detection started')
      schedule()
    },
    async stop() {
      stopped = true
      clearTimeout(timer)
      await running
      await flush()
      resolveDone()
    },
    runWindow: (from, to) => serial(async () => {
      const result = await run(+from, +to, 'window')
      await flush()
      return result
    }),
    runLive: () => serial(runLive),
    ingest: (detections) => serial(() => settle(detections, 'live')),
    done,
  }
}
