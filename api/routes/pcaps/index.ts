import { createHash, randomUUID } from 'node:crypto'
import { createWriteStream } from 'node:fs'
import { mkdir, rm } from 'node:fs/promises'
import { basename, join } from 'node:path'
import type { Readable } from 'node:stream'
import multipart from '@fastify/multipart'
import type { FastifyInstance } from 'fastify'
import { Type, type Static } from 'typebox'
import { NotACaptureError } from '../../../collector/capture/index.ts'
import { ImportWriteError } from '../../../collector/capture/import.ts'
import { createPcapImporter } from '../../../collector/capture/importer.ts'
import type { Logger } from '../../../core/logger.ts'
import { ApiError } from '../../errors.ts'
import { requireRole } from '../attacks/access.ts'
import { listImports } from './imports.ts'
import { CAPTURE_TYPES, ImportAcceptedSchema, ImportListQuery, ImportParams, ImportRecordSchema, ImportReportSchema, UploadQuery } from './schemas.ts'
import type { FlowTap } from '../../../collector/capture/import.ts'

/**
 * POST /pcaps: a sensor (or an admin) uploads one capture — pcap, pcapng or either gzipped — as
 * the raw request body or as the one file of a multipart form (`curl -F file=@x.pcap`), and gets
 * the import summary. The body is streamed to a temporary file
 * under the data directory (never held in memory) with the size limit HOLOWATCH_PCAP_UPLOAD_MAX_MB
 * enforced while it arrives, then imported like `holowatch import-pcap` does it: idempotent by
 * SHA-256, so a sensor retrying an upload never doubles its flows.
 */
export default async function pcapRoutes(app: FastifyInstance, opts: { tap?: FlowTap }) {
  const maxBytes = app.config.pcapUploadMaxMb * 1024 * 1024
  const syncMaxBytes = app.config.pcapSyncMaxMb * 1024 * 1024
  const uploads = join(app.config.dataDir, 'pcap-uploads')
  const importer = createPcapImporter(app.config, { clickhouse: app.clickhouse, logger: app.log as unknown as Logger, tap: opts.tap }, 'api')
  importer.start()
  app.addHook('onClose', () => importer.stop())

  // The body stays a stream: the route reads it. Fastify's bodyLimit does not apply to it.
  app.addContentTypeParser([...CAPTURE_TYPES], (_request, payload, done) => done(null, payload))
  // A form carries one file (its part is streamed the same way) and nothing else of size.
  await app.register(multipart, { limits: { files: 1, fields: 4, parts: 5, fieldSize: 1024, fileSize: maxBytes } })

  app.post<{ Querystring: Static<typeof UploadQuery> }>(
    '/pcaps',
    {
      schema: {
        tags: ['pcaps'],
        summary: 'Upload a capture (pcap, pcapng, gzip) to import its flows and services',
        querystring: UploadQuery,
        consumes: [...CAPTURE_TYPES, 'multipart/form-data'],
        response: { 200: ImportReportSchema, 201: ImportReportSchema, 202: ImportAcceptedSchema },
      },
    },
    async (request, reply) => {
      const caller = requireRole(request, ['sensor', 'admin'])
      const sensor = caller.role === 'sensor' ? sensorName(caller.name) : (request.query.sensor ?? sensorName(caller.name))
      if (caller.role === 'sensor' && request.query.sensor && request.query.sensor !== sensor) {
        throw new ApiError('forbidden', `a sensor token records its own name (${sensor}), not ${request.query.sensor}`)
      }
      const form = request.isMultipart()
      // A form's boundaries and headers add a little to the file itself.
      const declared = Number(request.headers['content-length'] ?? NaN)
      if (declared > maxBytes + (form ? FORM_OVERHEAD : 0)) {
        reply.header('connection', 'close')
        throw new ApiError('payload_too_large', `the capture is ${declared} bytes; the limit is ${maxBytes} (HOLOWATCH_PCAP_UPLOAD_MAX_MB)`)
      }
      const type = (request.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase()
      if (!form && (!(CAPTURE_TYPES as readonly string[]).includes(type) || !isStream(request.body))) {
        throw new ApiError('unsupported_media_type', `send the capture file itself as the body, with Content-Type ${CAPTURE_TYPES.join(', ')}, or as the file of a multipart/form-data form`)
      }

      await mkdir(uploads, { recursive: true })
      const path = join(uploads, `${randomUUID()}.upload`)
      // An import running on in the background removes its file itself.
      let keep = false
      try {
        let fileName = request.query.name
        let received: { size: number; sha256: string }
        if (form) {
          const part = await request.file()
          if (!part) throw new ApiError('bad_request', 'the form has no file: send the capture as its one file field')
          received = await receive(part.file, path, maxBytes)
          // The form's own limit cuts the file at maxBytes and says so.
          if (part.file.truncated) throw new ApiError('payload_too_large', `the capture passed the limit of ${maxBytes} bytes (HOLOWATCH_PCAP_UPLOAD_MAX_MB)`)
          fileName ??= part.filename ? basename(part.filename).slice(0, 255) : undefined
        } else received = await receive(request.body as Readable, path, maxBytes)
        const { size, sha256 } = received
        const background = request.query.wait === undefined ? size > syncMaxBytes : !request.query.wait
        let started = (_id: string) => {}
        const running = new Promise<string>((resolve) => (started = resolve))
        const job = importer.importFile(path, { sensor, origin: 'api', force: request.query.force, fileName: fileName || 'upload', sha256, onStarted: (id) => started(id) })
        if (background) {
          // Answered as soon as the import is recorded as running, unless it is over by then
          // (content imported before, or not a capture at all).
          const first = await Promise.race([job.then((report) => ({ report, id: '' })), running.then((id) => ({ report: null, id }))])
          if (!first.report) {
            keep = true
            void job
              .catch((err: unknown) => app.log.warn({ err, id: first.id }, 'background capture import failed'))
              .finally(() => rm(path, { force: true }))
            const location = `/api/v1/pcaps/${first.id}`
            reply.code(202).header('location', location)
            return { id: first.id, status: 'running' as const, file: fileName || 'upload', sensor, size, location }
          }
        }
        const report = await job
        if (report.status === 'in_progress') throw new ApiError('conflict', `the same content is being imported right now (import ${report.id}); ask again when it is done`)
        reply.code(report.status === 'imported' ? 201 : 200)
        return report
      } catch (err) {
        if (err instanceof ApiError && err.code === 'payload_too_large') reply.header('connection', 'close')
        if (err instanceof NotACaptureError) throw new ApiError('unprocessable', err.message)
        if (err instanceof ImportWriteError) throw new ApiError('database_unavailable', 'the flows could not be stored now; upload the capture again later')
        throw err
      } finally {
        if (!keep) await rm(path, { force: true })
      }
    },
  )

  app.get<{ Params: Static<typeof ImportParams> }>(
    '/pcaps/:id',
    { schema: { tags: ['pcaps'], summary: 'One capture import: running, done (with its counts) or failed (with why)', params: ImportParams, response: { 200: ImportRecordSchema } } },
    async (request) => {
      const caller = requireRole(request, ['sensor', 'admin', 'analyst'])
      const owner = caller.role === 'sensor' ? sensorName(caller.name) : ''
      // A sensor sees its own imports only; another's is as unknown as a missing one.
      const [found] = await listImports(app.clickhouse, { id: request.params.id, owner, limit: 1 })
      if (!found) throw new ApiError('not_found', `no capture import ${request.params.id}`)
      return found
    },
  )

  app.get<{ Querystring: Static<typeof ImportListQuery> }>(
    '/pcaps',
    { schema: { tags: ['pcaps'], summary: 'Capture imports, newest first (a sensor sees its own)', querystring: ImportListQuery, response: { 200: Type.Object({ items: Type.Array(ImportRecordSchema) }) } } },
    async (request) => {
      const caller = requireRole(request, ['sensor', 'admin', 'analyst'])
      const owner = caller.role === 'sensor' ? sensorName(caller.name) : ''
      const { sensor, status, limit } = request.query
      return { items: await listImports(app.clickhouse, { owner, sensor, status, limit: limit ?? 100 }) }
    },
  )
}

/**
 * Writes the body to `path`, failing with 413 as soon as it passes `maxBytes`, and hashes it on
 * the way (the import needs the SHA-256 first; reading the file again for it would double the
 * I/O). The request is left paused rather than destroyed, so that the client still gets the 413
 * answer (sent with Connection: close) instead of a reset connection.
 */
async function receive(body: Readable, path: string, maxBytes: number): Promise<{ size: number; sha256: string }> {
  const out = createWriteStream(path)
  const hash = createHash('sha256')
  let seen = 0
  try {
    await new Promise<void>((resolve, reject) => {
      const stop = (err: Error) => {
        body.off('data', onData)
        body.off('end', resolve)
        body.pause()
        reject(err)
      }
      const onData = (chunk: Buffer) => {
        seen += chunk.length
        if (seen > maxBytes) return stop(new ApiError('payload_too_large', `the capture passed the limit of ${maxBytes} bytes (HOLOWATCH_PCAP_UPLOAD_MAX_MB)`))
        hash.update(chunk)
        if (!out.write(chunk)) {
          body.pause()
          out.once('drain', () => body.resume())
        }
      }
      body.on('data', onData)
      body.once('end', resolve)
      body.once('error', stop)
      out.once('error', stop)
    })
  } finally {
    await new Promise<void>((resolve) => out.end(resolve))
  }
  return { size: seen, sha256: hash.digest('hex') }
}

/** Bytes a multipart form may add around the file (boundaries, part headers, a few small fields). */
const FORM_OVERHEAD = 64 * 1024

function isStream(body: unknown): body is Readable {
  return typeof (body as Readable | null)?.pipe === 'function'
}

/** A token name as a sensor name: characters outside the sensor alphabet become '-'. */
function sensorName(name: string): string {
  const cleaned = name.replace(/[^A-Za-z0-9_.:@-]/g, '-').replace(/^[^A-Za-z0-9]+/, '').slice(0, 64)
  return cleaned || 'sensor'
}
