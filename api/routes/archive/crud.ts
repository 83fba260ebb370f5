import { randomUUID } from 'node:crypto'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { Type, type TObject, type TSchema } from 'typebox'
import type { ArchiveObject, Kind } from '../../../archive/kinds.ts'
import { etagOf, type ArchiveService, type Scope } from '../../../archive/service.ts'
import { ApiError } from '../../errors.ts'
import { callerOf, requireRole, scopeOrgs, type Role } from '../attacks/access.ts'
import { actorOf } from './actor.ts'
import { AsOf, historyOf, listOf } from './schemas.ts'

export interface CrudSpec<T extends ArchiveObject> {
  kind: Kind<T>
  /** The URL segment: /api/v1/<path>. */
  path: string
  item: TSchema
  /** What writes answer, when it is more than the item (assets add their overlaps). */
  written?: TSchema
  create: TObject
  patch: TObject
  /** Filters (besides paging, sort, order and as_of) of the list. */
  query: TObject
  params: TObject
  readers: readonly Role[]
  writers: readonly Role[]
  /** Roles that may edit and decommission (owners within their organisations). */
  editors: readonly Role[]
  /** Roles that may decommission (default: the editors). */
  retirers?: readonly Role[]
  /** Fields an owner may not change. */
  ownerLocked?: readonly string[]
  /** Writes take ?allow_cross_org=true (address blocks nested across organisations, administrators only). */
  crossOrg?: boolean
  /** A complete new object from a create body (defaults filled, id drawn). */
  fromCreate(body: Record<string, unknown>): T
  /** What writes answer besides the object (assets add the overlaps found and the warnings). */
  decorate?(object: unknown, overlaps: unknown[], warnings: string[]): unknown
}

const Problem = { $ref: 'Problem#' }
const problems = { 400: Problem, 401: Problem, 403: Problem, 404: Problem }
const CrossOrgQuery = Type.Object(
  {
    allow_cross_org: Type.Optional(Type.Boolean({
      default: false, description: 'administrators: register address blocks that overlap another organisation\'s allocations or asset networks (audited as cross_org_overlap)',
    })),
  },
  { additionalProperties: false },
)

export function scopeOf(request: FastifyRequest): Scope {
  const caller = callerOf(request)
  return caller.role === 'owner' ? scopeOrgs(caller) : null
}

function asOfMs(text: string | undefined): number | undefined {
  if (text === undefined) return undefined
  const ms = Date.parse(text)
  if (Number.isNaN(ms)) throw new ApiError('bad_request', 'as_of must be an ISO 8601 time')
  return ms
}

/**
 * List, get, history, create, update (If-Match) and decommission for one archive kind, with
 * the roles of its spec. Reads take ?as_of; an owner sees only its organisations' objects and
 * gets 404 for anybody else's, exactly as if they did not exist.
 */
export function registerCrud<T extends ArchiveObject>(app: FastifyInstance, service: ArchiveService, spec: CrudSpec<T>): void {
  const { kind, path } = spec
  const tags = [path]
  const written = spec.written ?? spec.item
  const keyOf = (request: FastifyRequest) => String((request.params as Record<string, string>)[kind.key])
  const sendWritten = (reply: FastifyReply, code: number, r: { object: unknown; etag: string; overlaps: unknown[]; warnings: string[] }) =>
    reply.code(code).header('etag', r.etag).send(spec.decorate ? spec.decorate(r.object, r.overlaps, r.warnings) : r.object)
  const writeQuery = spec.crossOrg ? { querystring: CrossOrgQuery } : {}
  const writeOptions = (request: FastifyRequest) => ({ allowCrossOrg: (request.query as { allow_cross_org?: boolean }).allow_cross_org === true })

  app.get(`/${path}`, { schema: { tags, querystring: spec.query, response: { 200: listOf(spec.item), ...problems } } }, async (request) => {
    requireRole(request, spec.readers)
    const { limit = 50, offset = 0, sort = Object.keys(kind.sorts)[0]!, order = 'asc', as_of, ...filters } = request.query as Record<string, string | number | undefined>
    const scope = scopeOf(request)
    const defined = Object.fromEntries(Object.entries(filters).filter(([, v]) => v !== undefined)) as Record<string, string | number>
    const asOf = asOfMs(as_of as string | undefined)
    const { items, total } = await service.repo.list(kind, {
      filters: defined, sort: String(sort), order: order === 'desc' ? 'desc' : 'asc', limit: Number(limit), offset: Number(offset), asOf, scopeOrgs: scope ?? [],
    })
    return { items, total, limit: Number(limit), offset: Number(offset), as_of: asOf === undefined ? null : new Date(asOf).toISOString() }
  })

  app.get(`/${path}/:${kind.key}`, { schema: { tags, params: spec.params, querystring: AsOf, response: { 200: spec.item, ...problems } } }, async (request, reply) => {
    requireRole(request, spec.readers)
    const key = keyOf(request)
    const obj = await service.visible(kind, key, scopeOf(request), asOfMs((request.query as { as_of?: string }).as_of))
    if (!obj) throw new ApiError('not_found', `no ${kind.name} ${key}`)
    return reply.header('etag', etagOf(obj)).send(obj)
  })

  app.get(`/${path}/:${kind.key}/history`, { schema: { tags, params: spec.params, response: { 200: historyOf(spec.item), ...problems } } }, async (request) => {
    requireRole(request, spec.readers)
    const key = keyOf(request)
    if (!(await service.visible(kind, key, scopeOf(request)))) throw new ApiError('not_found', `no ${kind.name} ${key}`)
    return { items: await service.repo.history(kind, key) }
  })

  app.post(`/${path}`, { schema: { tags, ...writeQuery, body: spec.create, response: { 201: written, ...problems, 409: Problem } } }, async (request, reply) => {
    requireRole(request, spec.writers)
    const obj = spec.fromCreate(request.body as Record<string, unknown>)
    const result = await service.create(kind, obj, actorOf(request), scopeOf(request), writeOptions(request))
    reply.header('location', `/api/v1/${path}/${String((obj as unknown as Record<string, unknown>)[kind.key])}`)
    return sendWritten(reply, 201, result)
  })

  app.patch(
    `/${path}/:${kind.key}`,
    { schema: { tags, params: spec.params, ...writeQuery, body: spec.patch, response: { 200: written, ...problems, 409: Problem, 412: Problem, 428: Problem } } },
    async (request, reply) => {
      const caller = requireRole(request, spec.editors)
      const patch = request.body as Record<string, unknown>
      if (Object.keys(patch).length === 0) throw new ApiError('bad_request', 'nothing to change')
      const locked = caller.role === 'owner' ? (spec.ownerLocked ?? []).filter((f) => f in patch) : []
      if (locked.length > 0) throw new ApiError('forbidden', `an owner cannot change ${locked.join(', ')}; ask the centre`)
      const result = await service.update(kind, keyOf(request), patch as Partial<T>, ifMatchOf(request), actorOf(request), scopeOf(request), writeOptions(request))
      return sendWritten(reply, 200, result)
    },
  )

  app.delete(`/${path}/:${kind.key}`, { schema: { tags, params: spec.params, response: { 200: written, ...problems, 409: Problem, 412: Problem } } }, async (request, reply) => {
    requireRole(request, spec.retirers ?? spec.editors)
    const result = await service.retire(kind, keyOf(request), ifMatchOf(request), actorOf(request), scopeOf(request))
    return sendWritten(reply, 200, result)
  })
}

function ifMatchOf(request: FastifyRequest): string | undefined {
  const h = request.headers['if-match']
  return Array.isArray(h) ? h.join(',') : h
}

export const newId = () => randomUUID()
export const ItemWithOverlaps = (item: TObject) => Type.Object({
  ...item.properties,
  overlaps: Type.Optional(Type.Array(Type.Object({ network: Type.String(), other_asset_id: Type.String(), other_network: Type.String() }))),
  warnings: Type.Optional(Type.Array(Type.String(), { description: 'allowed, but worth knowing (a network outside the organisation\'s allocations)' })),
})
