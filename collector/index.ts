import type { ClickHouseClient } from '@clickhouse/client'
import { Counter } from 'prom-client'
import type { Config } from '../core/config.ts'
import type { Logger } from '../core/logger.ts'
import type { Registry } from '../core/metrics.ts'
import { createNetflowDecoder, newExporterStats, type ExporterStats } from './netflow/index.ts'
import { registerDecoderMetrics } from './netflow/metrics.ts'
import { kernelDrops } from './udp/kernel-drops.ts'
import { createUdpListener, type UdpListener } from './udp/listener.ts'
import { createFlowWriter, defaultWriterConfig, type FlowWriter } from './writer/index.ts'

import type { FlowRecord } from './flows/record.ts'

export type { FlowRecord } from './flows/record.ts'
export type { FlowWriter } from './writer/index.ts'

/** One exporter as operators see it: what arrived on the socket and what the decoder made of it. */
export interface ExporterView extends Omit<ExporterStats, 'firstSeen' | 'lastSeen'> {
  firstSeen: string
  lastSeen: string
  datagrams: number
  bytes: number
  /** Datagrams refused because the exporter is not on HOLOWATCH_EXPORTERS_ALLOW. */
  refused: number
  templates: number
  domains: number[]
}

export interface Collector {
  writer: FlowWriter
  listener: UdpListener
  /** Every exporter heard from (or refused), most recently seen first. */
  exporters(): ExporterView[]
  start(): Promise<void>
  /** Stops listening, then flushes the writer (spooling what ClickHouse cannot take now). */
  stop(): Promise<void>
}

const EXPIRE_INTERVAL_MS = 1000

/**
 * The collector stage: UDP listeners → NetFlow/IPFIX decoder → writer → ClickHouse. This file
 * only wires the parts together and publishes their state.
 */
export function createCollector(
  config: Config,
  deps: { clickhouse: ClickHouseClient; logger: Logger; metrics?: Registry; /** Also sees every decoded flow (streaming flood detection). */ tap?: (flows: readonly FlowRecord[]) => void },
): Collector {
  const logger = deps.logger.child({ stage: 'collector' })
  const decoder = createNetflowDecoder()
  if (deps.metrics) registerDecoderMetrics(deps.metrics, decoder)
  const writer = createFlowWriter(
    {
      ...defaultWriterConfig(config.dataDir),
      batchRows: config.writerBatchRows,
      flushIntervalMs: config.writerFlushMs,
      maxQueueBytes: config.writerQueueMb * 1024 * 1024,
      maxSpoolBytes: config.spoolMaxMb * 1024 * 1024,
    },
    { clickhouse: deps.clickhouse, logger, metrics: deps.metrics },
  )
  const listener = createUdpListener(
    {
      host: config.collectorHost,
      ports: [...new Set([config.netflowPort, config.ipfixPort])],
      receiveBufferBytes: config.udpReceiveBuffer,
      allowedExporters: config.exportersAllow,
    },
    { decoder, sink: deps.tap ? { write: (flows) => (writer.write(flows), deps.tap!(flows)) } : writer, logger },
  )
  if (deps.metrics) registerReceiveMetrics(deps.metrics, listener)
  // Data sets waiting for a template expire even when their exporter goes quiet.
  let expiry: NodeJS.Timeout | undefined

  return {
    writer,
    listener,
    exporters() {
      const decoded = new Map(decoder.exporters().map((e) => [e.exporter, e]))
      const views: ExporterView[] = []
      for (const [exporter, traffic] of listener.exporters()) {
        // An exporter only ever refused (allow-list) has no decoder counters: they are zero.
        const d = decoded.get(exporter) ?? { ...newExporterStats(exporter, traffic.lastSeen), templates: 0, domains: [] }
        views.push({
          ...d,
          firstSeen: new Date(d.firstSeen).toISOString(),
          lastSeen: new Date(traffic.lastSeen).toISOString(),
          datagrams: traffic.datagrams,
          bytes: traffic.bytes,
          refused: traffic.refused,
        })
      }
      return views.sort((a, b) => b.lastSeen.localeCompare(a.lastSeen))
    },
    async start() {
      writer.start()
      await listener.start()
      expiry = setInterval(() => decoder.expire(Date.now()), EXPIRE_INTERVAL_MS)
      expiry.unref()
    },
    async stop() {
      clearInterval(expiry)
      await listener.stop()
      await writer.stop()
    },
  }
}

/** Datagrams lost before decoding: by the kernel (socket buffer full) and by the receive thread (decoder far behind). */
function registerReceiveMetrics(registry: Registry, listener: UdpListener): void {
  new Counter({
    name: 'holowatch_udp_dropped_datagrams_total',
    help: 'Export datagrams lost before decoding: where=kernel (socket receive buffer full), where=receiver (decoding too far behind)',
    labelNames: ['where'] as const,
    registers: [registry],
    collect() {
      this.reset()
      const kernel = kernelDrops(listener.ports())
      if (kernel !== undefined) this.inc({ where: 'kernel' }, kernel)
      this.inc({ where: 'receiver' }, listener.dropped())
    },
  })
}
