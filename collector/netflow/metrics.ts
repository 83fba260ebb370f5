import { Counter, Gauge, type Registry } from 'prom-client'
import type { NetflowDecoder } from './index.ts'

/**
 * Publishes the decoder's per-exporter counters on /metrics, read when scraped (the decoder
 * keeps them; nothing is counted twice). Exporters are bounded by the decoder's limits, so the
 * label sets are too.
 */
export function registerDecoderMetrics(registry: Registry, decoder: NetflowDecoder): void {
  const registers = [registry]
  const counter = <L extends string>(name: string, help: string, labelNames: readonly L[], fill: (set: (labels: Record<L, string>, value: number) => void) => void) =>
    new Counter({
      name,
      help,
      labelNames,
      registers,
      collect() {
        this.reset()
        fill((labels, value) => {
          if (value > 0) this.inc(labels, value)
        })
      },
    })
  counter('holowatch_netflow_packets_total', 'Export packets received, by exporter and version', ['exporter', 'version'] as const, (set) => {
    for (const e of decoder.exporters()) for (const [version, n] of Object.entries(e.packets)) set({ exporter: e.exporter, version }, n)
  })
  counter('holowatch_netflow_flows_total', 'Flows decoded, by exporter', ['exporter'] as const, (set) => {
    for (const e of decoder.exporters()) set({ exporter: e.exporter }, e.flows)
  })
  counter('holowatch_netflow_drops_total', 'Packets, sets or records not decoded, by exporter and reason', ['exporter', 'reason'] as const, (set) => {
    for (const e of decoder.exporters()) for (const [reason, n] of Object.entries(e.drops)) set({ exporter: e.exporter, reason }, n ?? 0)
  })
  counter('holowatch_netflow_template_misses_total', 'Data sets that arrived before their template', ['exporter'] as const, (set) => {
    for (const e of decoder.exporters()) set({ exporter: e.exporter }, e.templateMisses)
  })
  counter('holowatch_netflow_sequence_gaps_total', 'Forward jumps in export sequence numbers', ['exporter'] as const, (set) => {
    for (const e of decoder.exporters()) set({ exporter: e.exporter }, e.sequenceGaps)
  })
  counter('holowatch_netflow_lost_total', 'Flows (v5, IPFIX) or export packets (v9) lost according to sequence numbers', ['exporter', 'unit'] as const, (set) => {
    for (const e of decoder.exporters()) {
      set({ exporter: e.exporter, unit: 'flows' }, e.lostFlows)
      set({ exporter: e.exporter, unit: 'packets' }, e.lostPackets)
    }
  })
  new Gauge({
    name: 'holowatch_netflow_templates',
    help: 'Templates currently known, by exporter',
    labelNames: ['exporter'] as const,
    registers,
    collect() {
      this.reset()
      for (const e of decoder.exporters()) this.set({ exporter: e.exporter }, e.templates)
    },
  })
}
