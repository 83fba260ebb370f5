import type { FastifyInstance } from 'fastify'
import { Type, type Static } from 'typebox'
import { exportArchive } from '../../../archive/export.ts'
import { MAX_IMPORT_BYTES, importArchive, readArchiveFile } from '../../../archive/import.ts'
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
  warnings: Type.Array(Type.Object({ row: Type.Integer(), message: Type.String() })),
})
const ImportQuery = Type.Object(
  {
    dry_run: Type.Optional(Type.Boolean({ default: false })), name: Type.Optional(Type.String({ maxLength: 200, description: 'file name, for the audit log' })),
    allow_cross_org: Type.Optional(Type.Boolean({ default: false, description: 'accept networks and allocations that overlap another organisation\'s (audited); without it they are problems' })),
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
 * the request body, all or nothing; ?dry_run=true reports every bad row without writing.
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
        dryRun: q.dry_run ?? false, actor: actorOf(request), source: q.name ?? 'upload', allowCrossOrg: q.allow_cross_org ?? false,
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
