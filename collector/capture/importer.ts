import type { ClickHouseClient } from '@clickhouse/client'
import type { Config } from '../../core/config.ts'
import type { Logger } from '../../core/logger.ts'
import { FlowMemory } from '../flows/memory.ts'
import { ReadBuffers } from '../pcap/file.ts'
import { retentionOf } from '../../sql/ttl.ts'
import { importCaptureFile, sha256File, type FlowTap, type ImportMemory, type ImportOptions, type ImportReport } from './import.ts'

export interface PcapImporter {
  /** Nothing to start (kept for the stages' shape). */
  start(): void
  /** Imports one file (see importCaptureFile; `options.sha256` spares reading it to hash it); the same content imported twice at once runs once. */
  importFile(path: string, options: ImportOptions): Promise<ImportReport>
  /** Waits for running imports. */
  stop(): Promise<void>
}

/**
 * The import stage shared by the CLI, the API and the inbox: it runs imports (each writes its own
 * batches, see batches.ts) and makes the same content imported twice at once run once.
 */
export function createPcapImporter(config: Config, deps: { clickhouse: ClickHouseClient; logger: Logger; tap?: FlowTap }, name: string): PcapImporter {
  const logger = deps.logger.child({ stage: `pcap-${name}` })
  const running = new Map<string, Promise<ImportReport>>()
  const memory: ImportMemory = { flows: new FlowMemory(), reads: new ReadBuffers() }
  return {
    start: () => undefined,
    async importFile(path, options) {
      // Two uploads of the same content at the same moment: the second waits for the first and
      // then finds it done (pcap_imports covers other processes).
      const sha256 = options.sha256 ?? (await sha256File(path, memory.reads))
      const key = options.force ? `${sha256}:${path}` : sha256
      while (running.has(key)) await running.get(key)!.catch(() => undefined)
      const job = importCaptureFile(path, { ...options, sha256 }, { clickhouse: deps.clickhouse, logger, batchRows: config.writerBatchRows, memory, tap: deps.tap, retention: retentionOf(config) })
      running.set(key, job)
      try {
        return await job
      } finally {
        running.delete(key)
      }
    },
    async stop() {
      await Promise.allSettled(running.values())
    },
  }
}
