import { join } from 'node:path'
import type { ClickHouseClient } from '@clickhouse/client'
import type { Logger } from '../../core/logger.ts'
import type { Registry } from '../../core/metrics.ts'
import { FlowColumns } from '../flows/columns.ts'
import type { FlowRecord } from '../flows/record.ts'
import { newBatch, type Batch } from './batch.ts'
import { insertBatch, isBadData } from './insert.ts'
import { createWriterMetrics } from './metrics.ts'
import { columnsToNative } from './native.ts'
import { openSpool, type Spool } from './spool.ts'

export { columnsToNative, flowsToNative, NATIVE_COLUMNS } from './native.ts'

export interface FlowWriterConfig {
  /** A batch closes at this many rows… (default 250,000: fewer, larger parts cost ClickHouse less per row) */
  batchRows: number
  /** …or this long after its first row, whichever comes first (default 1,000 ms). */
  flushIntervalMs: number
  /** Closed batches kept in memory while ClickHouse is slow or away (default 256 MiB); beyond, the spool. */
  maxQueueBytes: number
  /** Folder of the on-disk spool (default `<data dir>/spool`). */
  spoolDir: string
  /** Size limit of the spool (default 2 GiB); beyond it batches are dropped and counted. */
  maxSpoolBytes: number
  /** Retry back-off bounds after a failed insert (defaults 250 ms → 30 s). */
  retryMinMs: number
  retryMaxMs: number
  /**
   * Inserts of queued batches in flight at once (default 2): one insert keeps about one core of
   * ClickHouse busy, so a second one uses the other while the first is parsed and merged. Spooled
   * batches (after an outage) are replayed one at a time, oldest first.
   */
  insertConcurrency: number
}

export interface WriterStats {
  rowsWritten: number
  rowsDropped: number
  rowsRejected: number
  queueBatches: number
  queueBytes: number
  spoolBatches: number
  spoolBytes: number
}

export interface FlowWriter {
  /** Starts the insert loop; batches left in the spool by an earlier run are replayed first. */
  start(): void
  /** Adds flows to the open batch. Never blocks and never throws. */
  write(flows: readonly FlowRecord[]): void
  /** Closes the open batch and resolves once everything queued is in ClickHouse (or the timeout passes: false). */
  flush(timeoutMs?: number): Promise<boolean>
  /** Flushes for up to `timeoutMs`, then spools whatever is still queued, so nothing is lost. */
  stop(timeoutMs?: number): Promise<void>
  stats(): WriterStats
}

export function defaultWriterConfig(dataDir: string): FlowWriterConfig {
  return {
    batchRows: 250_000,
    flushIntervalMs: 1_000,
    maxQueueBytes: 256 * 1024 * 1024,
    spoolDir: join(dataDir, 'spool'),
    maxSpoolBytes: 2 * 1024 * 1024 * 1024,
    retryMinMs: 250,
    retryMaxMs: 30_000,
    insertConcurrency: 2,
  }
}

/**
 * Batches flows and inserts them into `flows` one batch at a time, in order. While ClickHouse is
 * down, closed batches wait in memory, then in the spool, and are replayed in order when it is
 * back; every insert carries the batch id as deduplication token, so a replay never doubles rows.
 */
export function createFlowWriter(
  config: FlowWriterConfig,
  deps: { clickhouse: ClickHouseClient; logger: Logger; metrics?: Registry },
): FlowWriter {
  const { clickhouse, logger } = deps
  let spool: Spool | undefined
  const queue: Batch[] = []
  let queueBytes = 0
  // The open batch, in columns: kept and reused from batch to batch (closing copies it out).
  const open = new FlowColumns(Math.min(config.batchRows, 16_384))
  let openSince = 0
  let timer: NodeJS.Timeout | undefined
  let running = false
  let loops: Promise<void> | undefined
  /** Insert loops waiting for a batch or a retry time; woken when a batch closes or at stop. */
  const waiters: (() => void)[] = []
  const wakeAll = () => {
    for (const w of waiters.splice(0)) w()
  }
  /** Ids of the batches being inserted now. */
  const claimed = new Set<string>()
  let retryMs = config.retryMinMs
  const counts = { rowsWritten: 0, rowsDropped: 0, rowsRejected: 0 }
  const metrics = createWriterMetrics(deps.metrics, () => liveStats())

  function liveStats() {
    return { queueBatches: queue.length, queueBytes, spoolBatches: spool?.batches ?? 0, spoolBytes: spool?.bytes ?? 0 }
  }

  function closeBatch(): void {
    if (open.length === 0) return
    const batch = newBatch(open.length, columnsToNative(open))
    open.length = 0
    const size = batch.payload.length
    // Batches stay in order: once anything is spooled, newer batches are spooled behind it.
    if ((spool?.batches ?? 0) === 0 && queueBytes + size <= config.maxQueueBytes) {
      queue.push(batch)
      queueBytes += size
    } else if (!spool?.push(batch)) {
      counts.rowsDropped += batch.rows
      metrics.rowsDropped.inc(batch.rows)
      logger.error({ rows: batch.rows }, 'writer queue and spool are full: batch dropped')
    }
    wakeAll()
  }

  /** The oldest queued batch nobody inserts yet; the spool only when nothing else is in flight. */
  function claim(): { batch: Batch; fromSpool: boolean } | undefined {
    for (const batch of queue) {
      if (claimed.has(batch.id)) continue
      claimed.add(batch.id)
      return { batch, fromSpool: false }
    }
    if (claimed.size > 0) return undefined
    const spooled = spool?.peek()
    if (!spooled) return undefined
    claimed.add(spooled.id)
    return { batch: spooled, fromSpool: true }
  }

  function sleep(ms: number | undefined): Promise<void> {
    return new Promise<void>((resolve) => {
      const t = ms === undefined ? undefined : setTimeout(resolve, ms)
      waiters.push(() => {
        clearTimeout(t)
        resolve()
      })
    })
  }

  function done(item: { batch: Batch; fromSpool: boolean }): void {
    if (item.fromSpool) return spool!.remove(item.batch)
    // stop() may have moved the batch to the spool while its insert was in flight.
    const i = queue.indexOf(item.batch)
    if (i >= 0) {
      queue.splice(i, 1)
      queueBytes -= item.batch.payload.length
    } else spool!.remove(item.batch)
  }

  async function insertLoop(): Promise<void> {
    while (running) {
      const item = claim()
      if (!item) {
        await sleep(undefined)
        continue
      }
      const started = performance.now()
      try {
        await insertBatch(clickhouse, item.batch)
        metrics.insertSeconds.observe((performance.now() - started) / 1000)
        metrics.batchRows.observe(item.batch.rows)
        metrics.rowsWritten.inc(item.batch.rows)
        counts.rowsWritten += item.batch.rows
        done(item)
        retryMs = config.retryMinMs
      } catch (err) {
        if (isBadData(err)) {
          metrics.insertErrors.labels('false').inc()
          counts.rowsRejected += item.batch.rows
          metrics.rowsRejected.inc(item.batch.rows)
          logger.error({ err, batch: item.batch.id, rows: item.batch.rows }, 'ClickHouse refused a batch as bad data; kept in spool/rejected')
          if (!item.fromSpool) done(item)
          spool!.reject(item.batch, String((err as Error).message))
          continue
        }
        metrics.insertErrors.labels('true').inc()
        logger.warn({ err: (err as Error).message, retryInMs: retryMs, queued: queue.length, spooled: spool?.batches }, 'insert failed; will retry')
        // The batch stays claimed while this loop waits: the back-off applies to it.
        const wait = retryMs
        retryMs = Math.min(retryMs * 2, config.retryMaxMs)
        await sleep(wait)
      } finally {
        if (claimed.delete(item.batch.id)) wakeAll()
      }
    }
  }

  return {
    start() {
      if (running) return
      spool = openSpool(config.spoolDir, config.maxSpoolBytes)
      if (spool.batches > 0) logger.info({ batches: spool.batches, bytes: spool.bytes }, 'replaying spooled batches')
      running = true
      timer = setInterval(() => {
        if (open.length > 0 && Date.now() - openSince >= config.flushIntervalMs) closeBatch()
      }, Math.max(10, Math.floor(config.flushIntervalMs / 4)))
      loops = Promise.all(Array.from({ length: Math.max(1, config.insertConcurrency) }, () => insertLoop())).then(() => undefined)
    },
    write(flows) {
      if (flows.length === 0) return
      if (open.length === 0) openSince = Date.now()
      for (const f of flows) {
        open.pushRecord(f)
        if (open.length >= config.batchRows) closeBatch()
      }
    },
    async flush(timeoutMs = 60_000) {
      closeBatch()
      const deadline = Date.now() + timeoutMs
      while (queue.length > 0 || (spool?.batches ?? 0) > 0) {
        if (Date.now() > deadline) return false
        await new Promise((r) => setTimeout(r, 5))
      }
      return true
    },
    async stop(timeoutMs = 10_000) {
      if (!running) return
      await this.flush(timeoutMs)
      running = false
      clearInterval(timer)
      wakeAll()
      // Whatever is still in memory goes to disk: the next start replays it (deduplicated if
      // an insert was in flight and did land).
      let spooledRows = 0
      for (const batch of queue.splice(0)) {
        if (spool!.push(batch)) spooledRows += batch.rows
        else {
          counts.rowsDropped += batch.rows
          metrics.rowsDropped.inc(batch.rows)
        }
      }
      queueBytes = 0
      // An insert still hanging on an unreachable server is abandoned: its batch is spooled.
      await Promise.race([loops, new Promise((r) => setTimeout(r, 1_000))])
      if (spooledRows > 0) logger.warn({ rows: spooledRows }, 'ClickHouse unavailable at shutdown: batches spooled for the next start')
    },
    stats() {
      return { ...counts, ...liveStats() }
    },
  }
}
