import type { FastifyInstance } from 'fastify'
import { Type, type Static } from 'typebox'
import { ApiError } from '../../errors.ts'
import { READERS, requireRole, scopeOrgs } from '../attacks/access.ts'
import { statsOverview } from './queries.ts'

const Time = Type.String({ format: 'date-time' })
const OverviewQuery = Type.Object({ from: Type.Optional(Time), to: Type.Optional(Time) }, { additionalProperties: false })
const Totals = { flows: Type.Integer(), packets: Type.Integer(), bytes: Type.Integer() }
const Overview = Type.Object({
  from: Time,
  to: Time,
  traffic: Type.Object({ ...Totals, by_direction: Type.Record(Type.String(), Type.Object(Totals)) }),
  attacks: Type.Object({
    total: Type.Integer(),
    by_rule: Type.Record(Type.String(), Type.Integer()),
    by_severity: Type.Record(Type.String(), Type.Integer()),
    by_month: Type.Array(Type.Object({ month: Type.String(), incidents: Type.Integer() })),
  }),
  assets: Type.Object({ total: Type.Integer(), by_grade: Type.Record(Type.String(), Type.Integer()) }),
  most_attacked: Type.Array(Type.Object({ asset_id: Type.String(), asset_name: Type.String(), org_id: Type.String(), grade: Type.String(), incidents: Type.Integer() })),
})

/** /stats/overview: the centre's headline figures; by default the current calendar year. */
export default async function statsRoutes(app: FastifyInstance) {
  app.get('/stats/overview', { schema: { tags: ['stats'], querystring: OverviewQuery, response: { 200: Overview } } }, async (request) => {
    const caller = requireRole(request, READERS)
    const q = request.query as Static<typeof OverviewQuery>
    const to = q.to ? Date.parse(q.to) : Date.now()
    const from = q.from ? Date.parse(q.from) : Date.UTC(new Date(to).getUTCFullYear(), 0, 1)
    if (from >= to) throw new ApiError('bad_request', 'from must be before to')
    return statsOverview(app.clickhouse, { from, to }, scopeOrgs(caller))
  })
}
