import type { ClickHouseClient } from '@clickhouse/client'
import type { Static } from 'typebox'
import { loadSql } from '../../../sql/queries.ts'
import type { ImportRecordSchema } from './schemas.ts'

type ImportRecord = Static<typeof ImportRecordSchema>

interface Row {
  import_id: string
  status: ImportRecord['status']
  file_name: string
  sha256: string
  sensor: string
  origin: string
  size: string
  forced: boolean
  format: string
  packets: string
  flows: string
  services: string
  skipped: string
  error: string
  started_ms: string
  finished_ms: string | null
}

/** Capture imports from pcap_imports, newest first; `owner` limits them to one sensor's (a sensor token). */
export async function listImports(
  clickhouse: ClickHouseClient,
  filter: { id?: string; owner: string; sensor?: string; status?: string; limit: number },
): Promise<ImportRecord[]> {
  const rs = await clickhouse.query({
    query: loadSql('queries/pcap/imports'),
    query_params: { id: filter.id ?? '', owner: filter.owner, sensor: filter.sensor ?? '', status: filter.status ?? '', limit: filter.limit },
    format: 'JSONEachRow',
  })
  return (await rs.json<Row>()).map((r) => ({
    id: r.import_id,
    status: r.status,
    file: r.file_name,
    sha256: r.sha256,
    sensor: r.sensor,
    origin: r.origin,
    size: Number(r.size),
    forced: r.forced,
    format: r.format || null,
    packets: Number(r.packets),
    flows: Number(r.flows),
    services: Number(r.services),
    skipped: r.skipped ? (JSON.parse(r.skipped) as Record<string, number>) : {},
    error: r.error || null,
    started: new Date(Number(r.started_ms)).toISOString(),
    finished: r.finished_ms === null ? null : new Date(Number(r.finished_ms)).toISOString(),
  }))
}
