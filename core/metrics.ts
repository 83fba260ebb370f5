import { collectDefaultMetrics, Registry } from 'prom-client'

export type { Registry }

/**
 * One Prometheus registry per process, passed by hand to every stage that publishes metrics
 * (no global default registry), with Node's process metrics under the holowatch_ prefix.
 */
export function createMetricsRegistry(): Registry {
  const registry = new Registry()
  collectDefaultMetrics({ register: registry, prefix: 'holowatch_' })
  return registry
}
