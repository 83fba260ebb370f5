import { join } from 'node:path'
import type { ClickHouseClient } from '@clickhouse/client'
import type { Config } from '../../core/config.ts'
import type { Logger } from '../../core/logger.ts'
import { createFlowWriter, defaultWriterConfig, type FlowWriter } from '../writer/index.ts'
import { importCaptureFile, sha256File, type ImportOptions, type ImportReport } from './import.ts'

export interface PcapImporter {
  start(): void
  /** Imports one file (see importCaptureFile); the same content imported twice at once runs once. */
  importFile(path: string, options: ImportOptions): Promise<ImportReport>
  /** Waits for running imports, then stops the writer (spooling what ClickHouse cannot take). */
  stop(): Promise<void>
}

/**
 * The import stage shared by the CLI, the API and the inbox: one flow writer of its own, with
 * its own spool folder (`<data dir>/spool/pcap-<name>`) so that it never replays the batches of
 * the NetFlow collector's writer or of another importer in the same process.
 */
export function createPcapImporter(config: Config, deps: { clickhouse: ClickHouseClient; logger: Logger }, name: string): PcapImporter {
  const logger = deps.logger.child({ stage: `pcap-${name}` })
  const writer: FlowWriter = createFlowWriter(
    {
      ...defaultWriterConfig(config.dataDir),
      spoolDir: join(config.dataDir, 'spool', `pcap-${name}`),
      batchRows: config.writerBatchRows,
      flushIntervalMs: config.writerFlushMs,
      maxQueueBytes: config.writerQueueMb * 1024 * 1024,
      maxSpoolBytes: config.spoolMaxMb * 1024 * 1024,
    },
    { clickhouse: deps.clickhouse, logger },
  )
  const running = new Map<string, Promise<ImportReport>>()
  return {
    start: () => writer.start(),
    async importFile(path, options) {
      // Two uploads of the same content at the same moment: the second waits for the first and
      // then finds it done (pcap_imports covers other processes).
      const sha256 = await sha256File(path)
      const key = options.force ? `${sha256}:${path}` : sha256
      while (running.has(key)) await running.get(key)!.catch(() => undefined)
      const job = importCaptureFile(path, { ...options, sha256 }, { clickhouse: deps.clickhouse, writer, logger })
      running.set(key, job)
      try {
        return await job
      } finally {
        running.delete(key)
      }
    },
    async stop() {
      await Promise.allSettled(running.values())
      await writer.stop()
    },
  }
}
