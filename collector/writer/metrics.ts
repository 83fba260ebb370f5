import { Counter, Gauge, Histogram, type Registry } from 'prom-client'

export interface WriterMetrics {
  batchRows: Histogram
  insertSeconds: Histogram
  rowsWritten: Counter
  rowsDropped: Counter
  rowsRejected: Counter
  insertErrors: Counter<'retryable'>
}

/** The writer's Prometheus metrics; gauges read the live queue and spool when scraped. */
export function createWriterMetrics(
  registry: Registry | undefined,
  live: () => { queueBatches: number; queueBytes: number; spoolBatches: number; spoolBytes: number },
): WriterMetrics {
  const registers = registry ? [registry] : []
  const gauge = (name: string, help: string, read: () => number) =>
    new Gauge({ name, help, registers, collect() { this.set(read()) } })
  gauge('holowatch_writer_queue_batches', 'Batches waiting in memory for insertion', () => live().queueBatches)
  gauge('holowatch_writer_queue_bytes', 'Bytes of batches waiting in memory', () => live().queueBytes)
  gauge('holowatch_writer_spool_batches', 'Batches waiting in the on-disk spool', () => live().spoolBatches)
  gauge('holowatch_writer_spool_bytes', 'Bytes in the on-disk spool', () => live().spoolBytes)
  return {
    batchRows: new Histogram({
      name: 'holowatch_writer_batch_rows',
      help: 'Rows per inserted batch',
      buckets: [100, 1000, 10_000, 50_000, 100_000, 250_000, 500_000],
      registers,
    }),
    insertSeconds: new Histogram({
      name: 'holowatch_writer_insert_seconds',
      help: 'Latency of one batch insert into ClickHouse',
      buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers,
    }),
    rowsWritten: new Counter({ name: 'holowatch_writer_rows_written_total', help: 'Flow rows inserted into ClickHouse', registers }),
    rowsDropped: new Counter({
      name: 'holowatch_writer_rows_dropped_total',
      help: 'Flow rows dropped because the memory queue and the spool were both full',
      registers,
    }),
    rowsRejected: new Counter({
      name: 'holowatch_writer_rows_rejected_total',
      help: 'Flow rows ClickHouse refused as bad data (kept in spool/rejected/)',
      registers,
    }),
    insertErrors: new Counter({
      name: 'holowatch_writer_insert_errors_total',
      help: 'Failed insert attempts by whether they are retried',
      labelNames: ['retryable'] as const,
      registers,
    }),
  }
}
