import type { ClickHouseClient } from '@clickhouse/client'
import { FlowColumns } from '../flows/columns.ts'
import { insertBatch, isBadData } from '../writer/insert.ts'
import { columnsToNative } from '../writer/native.ts'

/** The import could not store what it read (ClickHouse away or refusing the rows). */
export class ImportWriteError extends Error {
  readonly code = 'IMPORT_NOT_WRITTEN'
}

export interface ImportBatches {
  /** Adds flows; resolves once they are taken (a full batch waits for the insert before it). */
  add(flows: FlowColumns): Promise<void>
  /** Inserts what is left and waits for every insert. */
  finish(): Promise<void>
}

/** Tries of one insert and the pause before each retry. */
const RETRY_MS = [500, 1_000, 2_000, 4_000]

/**
 * The flows of one import go to ClickHouse in batches of their own, cut every `rows` flows of
 * the capture, the n-th carrying the deduplication token `<token>:<n>`. The analysis of a file
 * is deterministic, so importing the same content again (after an import that died or failed
 * midway) makes the same batches with the same tokens, and ClickHouse drops those it already
 * has (within its deduplication window of the last 1,000 inserts): the file is never stored
 * twice. One insert is in flight while the next batch fills. A capture is its own spool: when
 * ClickHouse cannot take a batch after a few tries, the import fails and the file is imported
 * again later.
 */
export function createImportBatches(clickhouse: ClickHouseClient, config: { token: string; rows: number }): ImportBatches {
  const open = new FlowColumns(Math.min(config.rows, 65_536))
  let seq = 0
  let inFlight: Promise<void> = Promise.resolve()

  const send = async (): Promise<void> => {
    if (open.length === 0) return
    // Received when stored: live detection follows time_received, and a long import's later
    // batches must not look older than what it has already read meanwhile. The token, not the
    // content, makes a batch stored again a duplicate, so this does not defeat deduplication.
    open.timeReceived.fill(Date.now(), 0, open.length)
    const batch = { id: `${config.token}:${seq++}`, seq: 0, rows: open.length, payload: columnsToNative(open) }
    open.length = 0
    await inFlight
    inFlight = insertWithRetry(clickhouse, batch)
    // Awaited by the next send or by finish; marked handled now so a failure never goes unseen.
    inFlight.catch(() => undefined)
  }

  return {
    async add(flows) {
      for (let from = 0; from < flows.length; ) {
        const to = Math.min(flows.length, from + config.rows - open.length)
        open.append(flows, from, to)
        from = to
        if (open.length === config.rows) await send()
      }
    },
    async finish() {
      await send()
      await inFlight
    },
  }
}

async function insertWithRetry(clickhouse: ClickHouseClient, batch: Parameters<typeof insertBatch>[1]): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await insertBatch(clickhouse, batch)
    } catch (err) {
      if (isBadData(err) || attempt >= RETRY_MS.length) {
        throw new ImportWriteError(`ClickHouse did not take the flows: ${(err as Error).message}`, { cause: err })
      }
      await new Promise((resolve) => setTimeout(resolve, RETRY_MS[attempt]))
    }
  }
}
