import type { FastifyInstance } from 'fastify'
import { Type, type Static } from 'typebox'
import { loadConflicts } from '../../../archive/conflicts.ts'
import { requireRole } from '../attacks/access.ts'

const Query = Type.Object(
  {
    kind: Type.Optional(Type.Union([Type.Literal('asset_network'), Type.Literal('allocation')], { description: 'only conflicts of this kind' })),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, default: 100 })),
    offset: Type.Optional(Type.Integer({ minimum: 0, maximum: 1_000_000, default: 0 })),
  },
  { additionalProperties: false },
)
const Nullable = Type.Union([Type.String(), Type.Null()])
const Conflict = Type.Object({
  kind: Type.Union([Type.Literal('asset_network'), Type.Literal('allocation')]),
  relation: Type.Union([Type.Literal('equal'), Type.Literal('inside')], { description: 'network equals other_network, or lies inside it' }),
  network: Type.String(), organisation_id: Type.String(), organisation_name: Type.String(), asset_id: Nullable,
  other_network: Type.String(), other_organisation_id: Type.String(), other_organisation_name: Type.String(), other_asset_id: Nullable,
})
const Problem = { $ref: 'Problem#' }

/**
 * /archive/allocation-conflicts (administrators): address space two active organisations share,
 * the more specific block first: what the migration to allocations found in an existing archive,
 * and what administrators registered since with allow_cross_org. Sorted by kind, network, organisation.
 */
export default async function conflictRoutes(app: FastifyInstance) {
  app.get(
    '/archive/allocation-conflicts',
    { schema: { tags: ['archive'], querystring: Query, response: { 200: Type.Object({ items: Type.Array(Conflict), total: Type.Integer() }), 401: Problem, 403: Problem } } },
    async (request) => {
      requireRole(request, ['admin'])
      const { kind, limit = 100, offset = 0 } = request.query as Static<typeof Query>
      const all = (await loadConflicts(app.clickhouse)).filter((c) => kind === undefined || c.kind === kind)
      return { items: all.slice(offset, offset + limit), total: all.length }
    },
  )
}
