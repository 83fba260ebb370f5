import { mkdirSync, readdirSync, readFileSync, renameSync, statSync, unlinkSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import type { Batch } from './batch.ts'

/**
 * The on-disk overflow of the writer queue: one file per batch, named `<seq>-<id>-<rows>.native`
 * so that replay order, deduplication token and row count survive a restart without an index.
 * Files are written to a temporary name and renamed, so a crash never leaves half a batch.
 */
export interface Spool {
  readonly bytes: number
  readonly batches: number
  /** Stores a batch; false (nothing written) when it would exceed the size limit. */
  push(batch: Batch): boolean
  /** The oldest spooled batch, read back from disk, or undefined. */
  peek(): Batch | undefined
  /** Removes the batch returned by the last peek(). */
  remove(batch: Batch): void
  /** Moves a batch ClickHouse refused as bad data aside (never retried, never deleted). */
  reject(batch: Batch, reason: string): void
}

const FILE = /^(\d+)-([0-9a-f-]{36})-(\d+)\.native$/

export function openSpool(dir: string, maxBytes: number): Spool {
  mkdirSync(dir, { recursive: true })
  const entries: { name: string; seq: number; id: string; rows: number; size: number }[] = []
  for (const name of readdirSync(dir)) {
    const m = FILE.exec(name)
    if (!m) continue
    entries.push({ name, seq: Number(m[1]), id: m[2]!, rows: Number(m[3]), size: statSync(join(dir, name)).size })
  }
  entries.sort((a, b) => a.seq - b.seq)
  let bytes = entries.reduce((sum, e) => sum + e.size, 0)

  return {
    get bytes() {
      return bytes
    },
    get batches() {
      return entries.length
    },
    push(batch) {
      const size = batch.payload.length
      if (bytes + size > maxBytes) return false
      const name = `${batch.seq}-${batch.id}-${batch.rows}.native`
      writeFileSync(join(dir, `.${name}.tmp`), batch.payload)
      renameSync(join(dir, `.${name}.tmp`), join(dir, name))
      entries.push({ name, seq: batch.seq, id: batch.id, rows: batch.rows, size })
      bytes += size
      return true
    },
    peek() {
      const e = entries[0]
      if (!e) return undefined
      return { id: e.id, seq: e.seq, rows: e.rows, payload: readFileSync(join(dir, e.name)) }
    },
    remove(batch) {
      const i = entries.findIndex((e) => e.id === batch.id)
      if (i < 0) return
      const [e] = entries.splice(i, 1)
      unlinkSync(join(dir, e!.name))
      bytes -= e!.size
    },
    reject(batch, reason) {
      const rejected = join(dir, 'rejected')
      mkdirSync(rejected, { recursive: true })
      const i = entries.findIndex((e) => e.id === batch.id)
      const name = `${batch.seq}-${batch.id}-${batch.rows}.native`
      if (i >= 0) {
        const [e] = entries.splice(i, 1)
        renameSync(join(dir, e!.name), join(rejected, name))
        bytes -= e!.size
      } else {
        writeFileSync(join(rejected, name), batch.payload)
      }
      writeFileSync(join(rejected, `${name}.reason.txt`), reason + '\n')
    },
  }
}
