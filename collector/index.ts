import type { ClickHouseClient } from '@clickhouse/client'
import type { Config } from '../core/config.ts'
import type { Logger } from '../core/logger.ts'
import type { Registry } from '../core/metrics.ts'
import { createUdpListener, type PacketDecoder, type UdpListener } from './udp/listener.ts'
import { createFlowWriter, defaultWriterConfig, type FlowWriter } from './writer/index.ts'

export type { FlowRecord } from './flows/record.ts'
export type { FlowWriter } from './writer/index.ts'

export interface Collector {
  writer: FlowWriter
  listener: UdpListener
  start(): Promise<void>
  /** Stops listening, then flushes the writer (spooling what ClickHouse cannot take now). */
  stop(): Promise<void>
}

/**
 * The collector stage: UDP listeners → decoder → writer → ClickHouse. The decoder is passed in
 * (NetFlow v5/v9/IPFIX in production) so that this file only wires the parts together.
 */
export function createCollector(
  config: Config,
  deps: { clickhouse: ClickHouseClient; logger: Logger; metrics?: Registry; decoder: PacketDecoder },
): Collector {
  const logger = deps.logger.child({ stage: 'collector' })
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
    { decoder: deps.decoder, sink: writer, logger },
  )
  return {
    writer,
    listener,
    async start() {
      writer.start()
      await listener.start()
    },
    async stop() {
      await listener.stop()
      await writer.stop()
    },
  }
}
