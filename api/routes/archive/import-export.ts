import type { FastifyInstance } from 'fastify'
import { Type, type Static } from 'typebox'
import { exportArchive } from '../../../archive/export.ts'
import { MAX_IMPORT_BYTES, importArchive, readArchiveFile } from '../../../archive/import.ts'
import { MAX_LISTED } from '../../../archive/import-report.ts'
import type { ArchiveService } from '../../../archive/service.ts'
import { ApiError } from '../../errors.ts'
import { requireRole } from '../attacks/access.ts'
import { actorOf } from './actor.ts'
import { scopeOf } from './crud.ts'
import { Code, Uuid } from './schemas.ts'

const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet'
const Count = Type.Object({ organisations: Type.Integer(), assets: Type.Integer() })
const Report = Type.Object({
  dry_run: Type.Boolean(),
  applied: Type.Boolean({ description: 'true when the file was written (all of it)' }),
  rows: Type.Integer(),
  created: Count,
  updated: Count,
  unchanged: Type.Integer(),
  problems: Type.Array(Type.Object({ row: Type.Integer(), column: Type.String(), reason: Type.String() })),
  overlaps: Type.Array(Type.Object({ row: Type.Integer(), network: Type.String(), other_asset_id: Type.String(), other_network: Type.String() })),
  warnings: Type.Array(Type.Object({ row: Type.Integer(), message: Type.String() }), {
    description: 'written, but worth knowing: a network outside its organisation\'s allocations',
  }),
  clear_empty: Type.Boolean({ description: 'whether empty cells cleared fields (else they kept them)' }),
  changes: Type.Array(Type.Object({
    row: Type.Integer(),
    kind: Type.Union([Type.Literal('organisation'), Type.Literal('asset')]),
    key: Type.String({ description: 'credit code of an organisation; id of an asset (its name while it is new)' }),
    name: Type.String(),
    action: Type.Union([Type.Literal('create'), Type.Literal('update')]),
    // A pair rather than a tuple: the response serialiser cannot check a tuple item that may be null.
    fields: Type.Record(Type.String(), Type.Array(Type.Union([Type.String(), Type.Null()]), { minItems: 2, maxItems: 2 }), {
      description: 'column → [before, after] as cell text; before is null for a new object',
    }),
  }), { description: `the objects the file changes (or would), field by field: the first ${MAX_LISTED}` }),
  changes_omitted: Type.Integer({ description: 'changes beyond the listed ones' }),
  kept: Type.Array(
    Type.Object({ row: Type.Integer(), kind: Type.Union([Type.Literal('organisation'), Type.Literal('asset')]), key: Type.String(), column: Type.String(), value: Type.String() }),
    { description: `empty cells that left a value in place (clear_empty=true clears them): the first ${MAX_LISTED}` },
  ),
  kept_omitted: Type.Integer(),
})
const ImportQuery = Type.Object(
  {
    dry_run: Type.Optional(Type.Boolean({ default: false })),
    clear_empty: Type.Optional(Type.Boolean({ default: false, description: 'an empty cell clears the field (default: it keeps the current value)' })),
    allow_cross_org: Type.Optional(Type.Boolean({ default: false, description: 'accept networks and allocations that overlap another organisation\'s (audited); without it they are problems' })),
    name: Type.Optional(Type.String({ maxLength: 200, description: 'file name, for the audit log' })),
  },
  { additionalProperties: false },
)
const ExportQuery = Type.Object(
  {
    format: Type.Optional(Type.Union([Type.Literal('csv'), Type.Literal('xlsx'), Type.Literal('json')], { default: 'csv' })),
    headers: Type.Optional(Type.Union([Type.Literal('en'), Type.Literal('zh')], { description: 'column headers: English keys or Chinese labels' })),
    organisation: Type.Optional(Uuid), sector: Type.Optional(Code), locality: Type.Optional(Code),
    status: Type.Optional(Type.Union([Type.Literal('active'), Type.Literal('decommissioned')])),
  },
  { additionalProperties: false },
)

/**
 * /archive/import (admins): the archive spreadsheet (CSV or XLSX, English or Chinese headers) as
 * the request body, all or nothing; ?dry_run=true reports every bad row and every change, field
 * by field, without writing. Columns the file lacks and empty cells keep what the archive has;
 * ?clear_empty=true makes empty cells clear fields. Address blocks nested across organisations are
 * problems unless ?allow_cross_org=true (then written and audited).
 * /archive/export: organisations and assets as CSV, XLSX or JSON (owners get their own).
 */
export default async function importExportRoutes(app: FastifyInstance, opts: { service: ArchiveService }) {
  app.addContentTypeParser(['text/csv', 'text/plain', XLSX_TYPE, 'application/octet-stream'], { parseAs: 'buffer', bodyLimit: MAX_IMPORT_BYTES }, (_req, body, done) => done(null, body))

  app.post(
    '/archive/import',
    {
      bodyLimit: MAX_IMPORT_BYTES,
      schema: { tags: ['archive'], querystring: ImportQuery, consumes: ['text/csv', XLSX_TYPE], response: { 200: Report, 400: { $ref: 'Problem#' }, 422: { $ref: 'Problem#' } } },
    },
    async (request) => {
      requireRole(request, ['admin'])
      const q = request.query as Static<typeof ImportQuery>
      if (!Buffer.isBuffer(request.body) || request.body.length === 0) throw new ApiError('unsupported_media_type', `send the file as the body, with Content-Type text/csv or ${XLSX_TYPE}`)
      let rows: string[][]
      try {
        rows = await readArchiveFile(request.body)
      } catch (err) {
        throw new ApiError('bad_request', `the file cannot be read as CSV or XLSX: ${(err as Error).message}`)
      }
      const report = await importArchive(app.clickhouse, opts.service, rows, {
        dryRun: q.dry_run ?? false, clearEmpty: q.clear_empty ?? false, allowCrossOrg: q.allow_cross_org ?? false, actor: actorOf(request), source: q.name ?? 'upload',
      })
      if (report.problems.length > 0 && !report.dry_run) {
        const errors = report.problems.map((p) => ({ field: `row ${p.row}, ${p.column}`, message: p.reason }))
        throw new ApiError('unprocessable', `${report.problems.length} problem(s) in the file; nothing was written (first: row ${report.problems[0]!.row}, ${report.problems[0]!.column}: ${report.problems[0]!.reason})`, { errors })
      }
      return report
    },
  )

  app.get('/archive/export', { schema: { tags: ['archive'], querystring: ExportQuery, produces: ['text/csv', XLSX_TYPE, 'application/json'] } }, async (request, reply) => {
    requireRole(request, ['admin', 'analyst', 'owner'])
    const q = request.query as Static<typeof ExportQuery>
    const format = q.format ?? 'csv'
    const scope = scopeOf(request)
    const file = await exportArchive(opts.service.repo, { organisation: q.organisation, sector: q.sector, locality: q.locality, status: q.status, scopeOrgs: scope ?? [] }, format, q.headers ?? 'en')
    const stamp = new Date().toISOString().slice(0, 10)
    return reply.type(file.type).header('content-disposition', `attachment; filename="holowatch-archive-${stamp}.${format}"`).send(file.body)
  })
}
