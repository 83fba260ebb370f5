import { randomUUID } from 'node:crypto'

/**
 * A closed batch of flow rows, ready to insert. Its id doubles as the insert deduplication
 * token, so inserting the same batch again (a retry, a spool replay after a crash) adds nothing.
 */
export interface Batch {
  id: string
  /** Monotonic across restarts of the process (epoch ms × 1000 + counter): spool files sort by it. */
  seq: number
  rows: number
  /** The rows as one ClickHouse Native block. */
  payload: Buffer
}

let lastSeq = 0

export function newBatch(rows: number, payload: Buffer, now = Date.now()): Batch {
  lastSeq = Math.max(lastSeq + 1, now * 1000)
  return { id: randomUUID(), seq: lastSeq, rows, payload }
}
