import type { FastifyInstance } from 'fastify'
import { Type, type Static } from 'typebox'
import { listAudit } from '../../../archive/audit.ts'
import { ApiError } from '../../errors.ts'
import { requireRole } from '../attacks/access.ts'

const Entry = Type.Object({
  at: Type.String({ format: 'date-time' }),
  actor: Type.String({ description: 'token name, or cli:<user>' }),
  role: Type.String(),
  token_id: Type.String(),
  action: Type.String(),
  object_type: Type.String(),
  object_id: Type.String(),
  changes: Type.Record(Type.String(), Type.Array(Type.Unknown(), { minItems: 2, maxItems: 2 }), { description: '{field: [before, after]}' }),
  address: Type.String({ description: 'client address; the host name for the command line' }),
  via: Type.String(),
})
const Query = Type.Object(
  {
    from: Type.Optional(Type.String({ format: 'date-time' })),
    to: Type.Optional(Type.String({ format: 'date-time' })),
    object_type: Type.Optional(Type.Union(['token', 'sector', 'locality', 'organisation', 'asset', 'archive', 'incident'].map((t) => Type.Literal(t)))),
    object_id: Type.Optional(Type.String({ maxLength: 100 })),
    actor: Type.Optional(Type.String({ maxLength: 100 })),
    action: Type.Optional(Type.Union(['create', 'update', 'decommission', 'revoke', 'import'].map((t) => Type.Literal(t)))),
    via: Type.Optional(Type.Union([Type.Literal('api'), Type.Literal('cli')])),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, default: 100 })),
    offset: Type.Optional(Type.Integer({ minimum: 0, maximum: 1_000_000, default: 0 })),
  },
  { additionalProperties: false },
)

/** /audit: every write to the archive and the tokens (who, what, before → after, when, from where), for admins. */
export default async function auditRoutes(app: FastifyInstance) {
  app.get(
    '/audit',
    { schema: { tags: ['audit'], querystring: Query, response: { 200: Type.Object({ items: Type.Array(Entry), total: Type.Integer(), limit: Type.Integer(), offset: Type.Integer() }) } } },
    async (request) => {
      requireRole(request, ['admin'])
      const q = request.query as Static<typeof Query>
      const from = q.from ? Date.parse(q.from) : undefined
      const to = q.to ? Date.parse(q.to) : undefined
      if (from !== undefined && to !== undefined && from >= to) throw new ApiError('bad_request', 'from must be before to')
      const limit = q.limit ?? 100
      const offset = q.offset ?? 0
      const { items, total } = await listAudit(app.clickhouse, {
        from, to, objectType: q.object_type, objectId: q.object_id, actor: q.actor, action: q.action, via: q.via, limit, offset,
      })
      return { items, total, limit, offset }
    },
  )
}
