import { Counter, Gauge, Histogram, type Registry } from 'prom-client'

export interface DetectorMetrics {
  runs: Counter<'mode' | 'outcome'>
  runSeconds: Histogram
  detections: Counter<'rule'>
  suppressed: Counter<'rule'>
  opened: Counter<'rule'>
  alerts: Counter<'rule'>
  lag: Gauge
  ruleErrors: Counter<'rule'>
}

export function createDetectorMetrics(registry: Registry | undefined): DetectorMetrics {
  const registers = registry ? [registry] : []
  return {
    runs: new Counter({ name: 'holowatch_detection_runs_total', help: 'Detection runs by mode (live, window) and outcome', labelNames: ['mode', 'outcome'], registers }),
    runSeconds: new Histogram({
      name: 'holowatch_detection_run_seconds',
      help: 'Duration of one detection run',
      buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 120],
      registers,
    }),
    detections: new Counter({ name: 'holowatch_detection_detections_total', help: 'Rule windows over threshold', labelNames: ['rule'], registers }),
    suppressed: new Counter({ name: 'holowatch_detection_suppressed_total', help: 'Detections suppressed by the allow-list', labelNames: ['rule'], registers }),
    opened: new Counter({ name: 'holowatch_incidents_opened_total', help: 'Incidents opened', labelNames: ['rule'], registers }),
    alerts: new Counter({ name: 'holowatch_detection_alerts_total', help: 'Alerts raised (new incidents and order-of-magnitude growth)', labelNames: ['rule'], registers }),
    ruleErrors: new Counter({ name: 'holowatch_detection_rule_errors_total', help: 'Rule queries that failed (the run goes on with the other rules)', labelNames: ['rule'], registers }),
    lag: new Gauge({ name: 'holowatch_detection_lag_seconds', help: 'Wall-clock age of the newest flow received when the last live run finished', registers }),
  }
}
