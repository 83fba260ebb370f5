import { Readable } from 'node:stream'
import type { ClickHouseClient } from '@clickhouse/client'
import type { Batch } from './batch.ts'
import { FLOW_COLUMNS } from './serialize.ts'

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

/** Inserts one batch; its id is the deduplication token, for the table and its rollup views. */
export async function insertBatch(clickhouse: ClickHouseClient, batch: Batch): Promise<void> {
  await clickhouse.insert({
    table: 'flows',
    columns: [...FLOW_COLUMNS],
    format: 'TabSeparated',
    values: Readable.from([batch.payload], { objectMode: false }),
    clickhouse_settings: {
      insert_deduplication_token: batch.id,
      deduplicate_blocks_in_dependent_materialized_views: 1,
    },
  })
}
