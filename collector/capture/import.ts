import { createHash, randomUUID } from 'node:crypto'
import { stat } from 'node:fs/promises'
import { basename } from 'node:path'
import type { ClickHouseClient } from '@clickhouse/client'
import type { Logger } from '../../core/logger.ts'
import { loadSql } from '../../sql/queries.ts'
import type { FlowMemory } from '../flows/memory.ts'
import { fileChunks, type ReadBuffers } from '../pcap/file.ts'
import { createImportBatches } from './batches.ts'
import { analyseCapture, type CaptureSummary, type SkipReason } from './index.ts'
import type { FlowRecord } from '../flows/record.ts'
import type { Retention } from '../../sql/ttl.ts'
import { createRetentionCount, DEFAULT_RETENTION, type ImportRetention } from './retention.ts'

/** Also sees every flow (streaming flood detection in serve). */
export type FlowTap = (flows: readonly FlowRecord[]) => void

export { ImportWriteError } from './batches.ts'

/** Where an import came from, as recorded in pcap_imports. */
export type ImportOrigin = 'cli' | 'api' | 'inbox'


export interface ImportOptions {
  sensor: string
  origin: ImportOrigin
  /** Import even if the same content was imported before (its flows are then stored twice). */
  force?: boolean
  /** Name recorded for the file (default: the path's base name). */
  fileName?: string
  activeTimeoutMs?: number
  idleTimeoutMs?: number
  onProgress?: (bytesRead: number, packets: number, size: number) => void
  /** The file's SHA-256 when the caller already computed it. */
  sha256?: string
  /** Told the import's id once it is recorded as running (the API answers 202 with it). */
  onStarted?: (id: string) => void
}

/** What an import did, as the CLI prints it and the API answers it. */
export interface ImportReport {
  id: string
  status: 'imported' | 'already_imported' | 'in_progress'
  file: string
  sha256: string
  sensor: string
  size: number
  forced: boolean
  format: string | null
  compressed: boolean
  packets: number
  flows: number
  services: number
  skipped: Partial<Record<SkipReason, number>>
  /** A structural error that ended reading early (the rest of the file was not read). */
  stoppedBy: string | null
  firstPacket: string | null
  lastPacket: string | null
  seconds: number
  /** For imported: how long its flows and rollups stay, and what expires at once (retention.ts). */
  retention?: ImportRetention
  /** For already_imported / in_progress: the earlier import. */
  previous?: { id: string; file: string; sensor: string; origin: string; started: string; finished: string | null }
}

/** The sensor names accepted: what a token name or a host name looks like. */
export const SENSOR_NAME = /^[A-Za-z0-9][A-Za-z0-9_.:@-]{0,63}$/


/** Hex SHA-256 of a file's bytes, streamed. */
export async function sha256File(path: string, reads?: ReadBuffers): Promise<string> {
  const hash = createHash('sha256')
  for await (const chunk of fileChunks(path, undefined, reads)) hash.update(chunk)
  return hash.digest('hex')
}

interface Previous {
  id: string
  status: 'running' | 'done'
  file_name: string
  sensor: string
  origin: string
  format: string
  packets: string
  flows: string
  services: string
  skipped: string
  started_ms: string
  finished_ms: string
}

/** Memory an importer keeps from one import to the next (fresh memory costs a page fault per 4 KiB). */
export interface ImportMemory {
  flows: FlowMemory
  reads: ReadBuffers
}

/** A running import writes a new "running" row this often; one silent for LEASE (previous_import.sql) died. */
const HEARTBEAT_MS = 30_000

/**
 * Imports one capture file: its flows into `flows` (source kind pcap, the sensor's name) in
 * batches of its own (see batches.ts), its services into observed_services, and a record into
 * pcap_imports. The file's SHA-256 makes it idempotent: content imported before (or being
 * imported right now) is reported as such and not read again, unless `force`; an import that
 * died or failed midway is done again and its batches already stored are not stored twice.
 * Throws NotACaptureError for a file that is no capture, passes on I/O errors, and throws
 * ImportWriteError when the flows could not be stored; each of these leaves a `failed` record.
 */
export async function importCaptureFile(
  path: string,
  options: ImportOptions,
  deps: { clickhouse: ClickHouseClient; logger: Logger; batchRows?: number; heartbeatMs?: number; memory?: ImportMemory; tap?: FlowTap; retention?: Retention },
): Promise<ImportReport> {
  const { clickhouse, logger } = deps
  if (!SENSOR_NAME.test(options.sensor)) throw new RangeError(`bad sensor name "${options.sensor}": letters, digits and _ . : @ - (at most 64)`)
  const started = Date.now()
  const size = (await stat(path)).size
  const sha256 = options.sha256 ?? (await sha256File(path, deps.memory?.reads))
  const file = options.fileName ?? basename(path)
  const forced = options.force === true
  const base = { file, sha256, sensor: options.sensor, size, forced }

  if (!forced) {
    const previous = await findPrevious(clickhouse, sha256)
    if (previous) return reportPrevious(previous, base, started)
  }

  const id = randomUUID()
  const record = (row: Record<string, unknown>) =>
    clickhouse.insert({
      table: 'pcap_imports',
      format: 'JSONEachRow',
      values: [{ id, sha256, file_name: file, sensor: options.sensor, origin: options.origin, size, forced, started, ...row }],
    })
  await record({ status: 'running' })
  options.onStarted?.(id)
  let beat: Promise<unknown> = Promise.resolve()
  const heartbeat = setInterval(() => {
    beat = record({ status: 'running' }).catch((err: unknown) => logger.warn({ err, id }, 'could not record that the import is alive'))
  }, deps.heartbeatMs ?? HEARTBEAT_MS)
  // The last word (done, failed) must come after any "running" still on its way.
  const quiet = async () => {
    clearInterval(heartbeat)
    await beat
  }
  // The same content read with the same timeouts makes the same batches: they share tokens. A
  // forced import is new data by definition, with tokens of its own.
  const activeMs = options.activeTimeoutMs ?? 60_000
  const idleMs = options.idleTimeoutMs ?? 15_000
  const token = forced ? `pcap:${id}` : `pcap:${sha256}:${activeMs}:${idleMs}`
  const batches = createImportBatches(clickhouse, { token, rows: deps.batchRows ?? 250_000 })
  // Retention counts from when a batch is stored (batches.ts stamps it): the import's start is the
  // earliest of those, so the expiry told is never later than the real one.
  const retention = createRetentionCount(deps.retention ?? DEFAULT_RETENTION, started)
  let summary: CaptureSummary
  try {
    summary = await analyseCapture(fileChunks(path, undefined, deps.memory?.reads), {
      memory: deps.memory?.flows,
      sensor: options.sensor,
      activeTimeoutMs: activeMs,
      idleTimeoutMs: idleMs,
      timeReceived: started,
      onFlows: (batch) => {
        // Streaming flood detection sees the capture's flows as they are assembled (serve only).
        if (deps.tap) deps.tap(batch.toRecords())
        retention.see(batch)
        // Awaited by the analysis: a batch ClickHouse refused stops the import, and reading waits for the inserts.
        return batches.add(batch)
      },
      onProgress: options.onProgress && ((bytes, packets) => options.onProgress!(bytes, packets, size)),
    })
    await batches.finish()
    if (summary.services.length > 0) {
      await clickhouse.insert({
        table: 'observed_services_input',
        format: 'JSONEachRow',
        values: summary.services.map((s) => ({
          addr: s.addr, port: s.port, protocol: s.protocol, service: s.service, product: s.product, evidence: s.evidence,
          first_seen: s.firstSeen, last_seen: s.lastSeen, packets: s.packets, sensor: s.sensor, import_sha256: sha256,
        })),
        // Like the flows: the same content's services are stored once, however often it is imported.
        clickhouse_settings: { insert_deduplication_token: `${token}:services`, deduplicate_blocks_in_dependent_materialized_views: 1 },
      })
    }
  } catch (err) {
    await quiet()
    const error = err instanceof Error ? err.message : String(err)
    await record({ status: 'failed', error, finished: Date.now() }).catch((e: unknown) => logger.warn({ err: e, id }, 'could not record the failed import'))
    throw err
  }
  await quiet()
  const finished = Date.now()
  await record({
    status: 'done', format: summary.format, packets: summary.packets, flows: summary.flows, services: summary.services.length,
    skipped: JSON.stringify(summary.skipped), finished,
  })
  const kept = retention.report()
  logger.info({ id, file, sha256, sensor: options.sensor, packets: summary.packets, flows: summary.flows, services: summary.services.length, skipped: summary.skipped }, 'capture imported')
  for (const warning of kept.warnings) logger.warn({ id, file }, warning)
  return {
    id, status: 'imported', ...base,
    format: summary.format, compressed: summary.compressed, packets: summary.packets, flows: summary.flows, services: summary.services.length,
    skipped: summary.skipped, stoppedBy: summary.stoppedBy,
    firstPacket: summary.firstPacket?.iso ?? null, lastPacket: summary.lastPacket?.iso ?? null,
    seconds: (finished - started) / 1000,
    retention: kept,
  }
}

async function findPrevious(clickhouse: ClickHouseClient, sha256: string): Promise<Previous | undefined> {
  const rs = await clickhouse.query({ query: loadSql('queries/pcap/previous_import'), query_params: { sha256 }, format: 'JSONEachRow' })
  return (await rs.json<Previous>())[0]
}

function reportPrevious(p: Previous, base: Pick<ImportReport, 'file' | 'sha256' | 'sensor' | 'size' | 'forced'>, started: number): ImportReport {
  const done = p.status === 'done'
  return {
    id: p.id, status: done ? 'already_imported' : 'in_progress', ...base,
    format: p.format || null, compressed: false, packets: Number(p.packets), flows: Number(p.flows), services: Number(p.services),
    skipped: done && p.skipped ? (JSON.parse(p.skipped) as ImportReport['skipped']) : {}, stoppedBy: null,
    firstPacket: null, lastPacket: null, seconds: (Date.now() - started) / 1000,
    previous: {
      id: p.id, file: p.file_name, sensor: p.sensor, origin: p.origin,
      started: new Date(Number(p.started_ms)).toISOString(), finished: done ? new Date(Number(p.finished_ms)).toISOString() : null,
    },
  }
}
