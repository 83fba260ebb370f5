import { Readable } from 'node:stream'
import type { ClickHouseClient } from '@clickhouse/client'
import type { Batch } from './batch.ts'
import { NATIVE_COLUMNS } from './native.ts'

/**
 * ClickHouse error codes meaning "this data is wrong", which no retry can fix (parse errors,
 * type mismatches, bad values). Everything else (network, timeouts, too many parts, memory)
 * is retried. Classified by the error's code, never its message.
 */
const BAD_DATA_CODES = new Set(['6', '26', '27', '38', '41', '53', '69', '70', '72', '117', '131', '190', '441', '676'])

export function isBadData(err: unknown): boolean {
  const code = (err as { code?: unknown }).code
  return typeof code === 'string' && BAD_DATA_CODES.has(code)
}

/**
 * Inserts one batch (a Native block); its id is the deduplication token, for the table and
 * for its rollup views, so a retried or replayed batch is stored once.
 */
export async function insertBatch(clickhouse: ClickHouseClient, batch: Batch): Promise<void> {
  await clickhouse.exec({
    query: `INSERT INTO flows (${NATIVE_COLUMNS.join(', ')}) FORMAT Native`,
    values: Readable.from([batch.payload]),
    clickhouse_settings: {
      insert_deduplication_token: batch.id,
      deduplicate_blocks_in_dependent_materialized_views: 1,
    },
  }).then((result) => drain(result.stream))
}

async function drain(stream: AsyncIterable<unknown>): Promise<void> {
  for await (const _ of stream) {
    // The answer of an INSERT is empty; reading it frees the connection.
  }
}
