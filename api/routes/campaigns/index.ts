import multipart from '@fastify/multipart'
import type { FastifyInstance } from 'fastify'
import type { Static } from 'typebox'
import { Type } from 'typebox'
import { CampaignClosedError, ReportError, type Healthcheck } from '../../../healthcheck/index.ts'
import { checkCampaign, type CampaignInput } from '../../../healthcheck/campaigns.ts'
import { listUnregistered } from '../../../healthcheck/report.ts'
import { ApiError } from '../../errors.ts'
import { requireRole } from '../attacks/access.ts'
import {
  CampaignBody, CampaignItem, CampaignPatch, IdParams, Items, NoticeItem, Problems, Severity, Sla, UnregisteredItem, UploadItem, UploadResult,
} from './schemas.ts'
import { actorOf, campaignFor, campaignScope } from './scope.ts'

const IssueBody = Type.Object(
  {
    severities: Type.Optional(Type.Array(Severity, { maxItems: 5, description: 'default: critical, high, medium, low' })),
    finding_ids: Type.Optional(Type.Array(Type.String({ format: 'uuid' }), { maxItems: 100000 })),
    organisations: Type.Optional(Type.Array(Type.String({ format: 'uuid' }), { maxItems: 10000 })),
    sla: Type.Optional(Sla),
  },
  { additionalProperties: false },
)

/**
 * /campaigns: the centre's yearly health checks. Admins create and edit them; vendor tokens see
 * and upload into the campaigns they are scoped to (others answer 404). Uploads are streamed
 * multipart (one file field) and imported all or nothing.
 */
export default async function campaignRoutes(app: FastifyInstance, opts: { hc: Healthcheck }) {
  const { hc } = opts
  await app.register(multipart, { limits: { files: 1, fields: 10, fileSize: hc.config.maxUploadBytes, fieldSize: 1024 } })

  app.get('/campaigns', { schema: { tags: ['campaigns'], response: { 200: Items(CampaignItem) } } }, async (request) => {
    const caller = requireRole(request, ['admin', 'analyst', 'vendor'])
    const scope = campaignScope(caller)
    return { items: await hc.campaigns.list(scope ?? undefined) }
  })

  app.post('/campaigns', { schema: { tags: ['campaigns'], body: CampaignBody, response: { 201: CampaignItem, ...Problems } } }, async (request, reply) => {
    requireRole(request, ['admin'])
    const b = request.body as Static<typeof CampaignBody>
    const input: CampaignInput = {
      name: b.name, year: b.year, vendors: b.vendors ?? [], starts_at: b.starts_at ?? null, ends_at: b.ends_at ?? null, sla: b.sla ?? {},
      scope: { organisations: b.scope?.organisations ?? [], sectors: b.scope?.sectors ?? [], localities: b.scope?.localities ?? [], networks: b.scope?.networks ?? [] },
      status: (b.status ?? 'active') as CampaignInput['status'], notes: b.notes ?? '',
    }
    const problem = checkCampaign(input)
    if (problem) throw new ApiError('bad_request', problem)
    return reply.code(201).send(await hc.campaigns.create(input, actorOf(request)))
  })

  app.get('/campaigns/:id', { schema: { tags: ['campaigns'], params: IdParams, response: { 200: CampaignItem, ...Problems } } }, async (request) => {
    return campaignFor(request, hc, (request.params as { id: string }).id, ['admin', 'analyst', 'vendor'])
  })

  app.patch('/campaigns/:id', { schema: { tags: ['campaigns'], params: IdParams, body: CampaignPatch, response: { 200: CampaignItem, ...Problems } } }, async (request) => {
    const before = await campaignFor(request, hc, (request.params as { id: string }).id, ['admin'])
    const b = request.body as Static<typeof CampaignPatch>
    const merged: CampaignInput = { ...before, ...b, scope: { ...before.scope, ...b.scope }, status: (b.status ?? before.status) as CampaignInput['status'] } as CampaignInput
    const problem = checkCampaign(merged)
    if (problem) throw new ApiError('bad_request', problem)
    return hc.campaigns.update(before.id, merged, actorOf(request))
  })

  app.post('/campaigns/:id/uploads', {
    schema: {
      tags: ['campaigns'], summary: 'Upload a scanner report (multipart, one file; field "vendor" for admins)', consumes: ['multipart/form-data'],
      params: IdParams, response: { 200: UploadResult, 201: UploadResult, ...Problems, 413: { $ref: 'Problem#' }, 415: { $ref: 'Problem#' } },
    },
  }, async (request, reply) => {
    const campaign = await campaignFor(request, hc, (request.params as { id: string }).id, ['admin', 'vendor'])
    const caller = requireRole(request, ['admin', 'vendor'])
    if (!request.isMultipart()) throw new ApiError('unsupported_media_type', 'send the report as multipart/form-data with one file field')
    const file = await request.file()
    if (!file) throw new ApiError('bad_request', 'the form has no file')
    // Chunks are collected as they stream in; the size limit stops a runaway upload early.
    const chunks: Buffer[] = []
    for await (const chunk of file.file) chunks.push(chunk as Buffer)
    if (file.file.truncated) {
      reply.header('connection', 'close')
      throw new ApiError('payload_too_large', `the report passed the limit of ${hc.config.maxUploadBytes} bytes (HOLOWATCH_HC_UPLOAD_MAX_MB)`)
    }
    const vendorField = file.fields.vendor
    const named = vendorField && !Array.isArray(vendorField) && vendorField.type === 'field' ? String(vendorField.value).trim().slice(0, 100) : ''
    const vendor = caller.role === 'vendor' ? caller.name : named || caller.name
    try {
      const result = await hc.uploads.importReport(campaign, Buffer.concat(chunks), { fileName: file.filename || 'upload', vendor, actor: actorOf(request) })
      return reply.code(result.status === 'imported' ? 201 : 200).send(result)
    } catch (err) {
      if (err instanceof ReportError) throw new ApiError('unprocessable', `the report cannot be imported: ${err.message}; nothing was written`, { errors: err.problems.map((p) => ({ field: p.place, message: p.reason })) })
      if (err instanceof CampaignClosedError) throw new ApiError('conflict', err.message)
      throw err
    }
  })

  app.get('/campaigns/:id/uploads', { schema: { tags: ['campaigns'], params: IdParams, response: { 200: Items(UploadItem), ...Problems } } }, async (request) => {
    const campaign = await campaignFor(request, hc, (request.params as { id: string }).id, ['admin', 'analyst', 'vendor'])
    return { items: await hc.uploads.list(null, campaign.id) }
  })

  app.get('/campaigns/:id/unregistered', { schema: { tags: ['campaigns'], params: IdParams, response: { 200: Items(UnregisteredItem), ...Problems } } }, async (request) => {
    const campaign = await campaignFor(request, hc, (request.params as { id: string }).id, ['admin', 'analyst', 'vendor'])
    return { items: await listUnregistered(app.clickhouse, campaign.id) }
  })

  app.post('/campaigns/:id/notices', {
    schema: { tags: ['notices'], summary: 'Issue rectification notices, one per organisation, from open findings', params: IdParams, body: IssueBody, response: { 201: Items(NoticeItem), ...Problems } },
  }, async (request, reply) => {
    const campaign = await campaignFor(request, hc, (request.params as { id: string }).id, ['admin', 'analyst'])
    const b = request.body as Static<typeof IssueBody>
    const items = await hc.issueCampaignNotices(campaign, {
      severities: b.severities as never, findingIds: b.finding_ids, orgs: b.organisations, sla: b.sla,
    }, actorOf(request))
    return reply.code(201).send({ items })
  })
}
