import { Type } from 'typebox'

/** Media types accepted for an upload: the capture's bytes as they are (gzip recognised by content). */
export const CAPTURE_TYPES = [
  'application/vnd.tcpdump.pcap',
  'application/x-pcapng',
  'application/octet-stream',
  'application/gzip',
  'application/x-gzip',
] as const

export const UploadQuery = Type.Object(
  {
    sensor: Type.Optional(Type.String({ pattern: '^[A-Za-z0-9][A-Za-z0-9_.:@-]{0,63}$', description: 'sensor to record (admins only; a sensor token records its own name)' })),
    name: Type.Optional(Type.String({ minLength: 1, maxLength: 255, description: 'file name to record (default: upload)' })),
    force: Type.Optional(Type.Boolean({ description: 'import content that was imported before (its flows are then stored twice)' })),
    wait: Type.Optional(Type.Boolean({ description: 'true: answer with the summary whatever the size; false: answer 202 with the import id at once (default: by HOLOWATCH_PCAP_SYNC_MAX_MB)' })),
  },
  { additionalProperties: false },
)

const Previous = Type.Object({
  id: Type.String(), file: Type.String(), sensor: Type.String(), origin: Type.String(), started: Type.String(), finished: Type.Union([Type.String(), Type.Null()]),
})

const RetentionSchema = Type.Object(
  {
    flowsExpireAt: Type.Union([Type.String(), Type.Null()], { description: 'when the flows and scan rollups of this import expire: import time + HOLOWATCH_IMPORT_TTL_DAYS; null: kept forever' }),
    trafficExpireAt: Type.Union([Type.String(), Type.Null()], { description: "when the traffic rollups of the capture's first minute expire: flow time + HOLOWATCH_ROLLUP_TTL_DAYS; null: kept forever" }),
    expiringAtOnce: Type.Object(
      { flows: Type.Integer(), traffic: Type.Integer() },
      { description: 'flows of this capture deleted as they were stored: from flows, and from the traffic rollups (charts, statistics)' },
    ),
    warnings: Type.Array(Type.String(), { description: 'one sentence per kind of data this import lost at once; empty when none' }),
  },
  { description: 'how long the import is kept (docs/retention.md); for imported only' },
)

export const ImportReportSchema = Type.Object({
  id: Type.String({ description: 'the import (for already_imported: the earlier one)' }),
  status: Type.Union([Type.Literal('imported'), Type.Literal('already_imported')]),
  file: Type.String(),
  sha256: Type.String(),
  sensor: Type.String(),
  size: Type.Integer(),
  forced: Type.Boolean(),
  format: Type.Union([Type.String(), Type.Null()]),
  compressed: Type.Boolean(),
  packets: Type.Integer(),
  flows: Type.Integer(),
  services: Type.Integer(),
  skipped: Type.Record(Type.String(), Type.Integer(), { description: 'records and packets dropped, by reason' }),
  stoppedBy: Type.Union([Type.String(), Type.Null()], { description: 'a structural error that ended reading early' }),
  firstPacket: Type.Union([Type.String(), Type.Null()]),
  lastPacket: Type.Union([Type.String(), Type.Null()]),
  seconds: Type.Number(),
  retention: Type.Optional(RetentionSchema),
  previous: Type.Optional(Previous),
})

/** The answer to an upload imported in the background: follow `location`. */
export const ImportAcceptedSchema = Type.Object({
  id: Type.String(),
  status: Type.Literal('running'),
  file: Type.String(),
  sensor: Type.String(),
  size: Type.Integer(),
  location: Type.String({ description: 'GET it for the import state and, when done, its counts' }),
})

/** One import as recorded in pcap_imports (its latest state). */
export const ImportRecordSchema = Type.Object({
  id: Type.String(),
  status: Type.Union([Type.Literal('running'), Type.Literal('done'), Type.Literal('failed')]),
  file: Type.String(),
  sha256: Type.String(),
  sensor: Type.String(),
  origin: Type.String({ description: 'cli, api or inbox' }),
  size: Type.Integer(),
  forced: Type.Boolean(),
  format: Type.Union([Type.String(), Type.Null()]),
  packets: Type.Integer(),
  flows: Type.Integer(),
  services: Type.Integer(),
  skipped: Type.Record(Type.String(), Type.Integer()),
  error: Type.Union([Type.String(), Type.Null()]),
  started: Type.String(),
  finished: Type.Union([Type.String(), Type.Null()]),
})

export const ImportParams = Type.Object({ id: Type.String({ format: 'uuid' }) }, { additionalProperties: false })

export const ImportListQuery = Type.Object(
  {
    sensor: Type.Optional(Type.String({ pattern: '^[A-Za-z0-9][A-Za-z0-9_.:@-]{0,63}$' })),
    status: Type.Optional(Type.Union([Type.Literal('running'), Type.Literal('done'), Type.Literal('failed')])),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, default: 100 })),
  },
  { additionalProperties: false },
)
