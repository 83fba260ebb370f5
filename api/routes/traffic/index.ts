import type { FastifyInstance, FastifyRequest } from 'fastify'
import { Type, type Static } from 'typebox'
import { ApiError } from '../../errors.ts'
import { READERS, requireRole, scopeOrgs } from '../attacks/access.ts'
import { autoStep, TOP_DIMENSIONS, TOP_METRICS, trafficSummary, trafficTimeseries, trafficTop, type TrafficFilter } from './queries.ts'

const literals = <T extends readonly string[]>(values: T) => Type.Union(values.map((v) => Type.Literal(v)))
const Time = Type.String({ format: 'date-time' })
const DIRECTIONS = ['inbound', 'outbound', 'internal', 'external'] as const
const filterFields = {
  from: Type.Optional(Time),
  to: Type.Optional(Time),
  asset: Type.Optional(Type.String({ format: 'uuid' })),
  organisation: Type.Optional(Type.String({ format: 'uuid' })),
  sector: Type.Optional(Type.String({ maxLength: 64 })),
  locality: Type.Optional(Type.String({ maxLength: 64 })),
  direction: Type.Optional(literals(DIRECTIONS)),
}
const FilterQuery = Type.Object(filterFields, { additionalProperties: false })
const SeriesQuery = Type.Object({ ...filterFields, step: Type.Optional(Type.Integer({ minimum: 60, maximum: 2_592_000, description: 'seconds, a multiple of 60' })) }, { additionalProperties: false })
const TopQuery = Type.Object(
  {
    ...filterFields,
    by: literals(Object.keys(TOP_DIMENSIONS) as (keyof typeof TOP_DIMENSIONS)[]),
    metric: Type.Optional(literals(TOP_METRICS)),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, default: 10 })),
  },
  { additionalProperties: false },
)
const Totals = { flows: Type.Integer(), packets: Type.Integer(), bytes: Type.Integer() }
const Summary = Type.Object({ from: Time, to: Time, ...Totals, by_direction: Type.Record(Type.String(), Type.Object(Totals)) })
const Series = Type.Object({ from: Time, to: Time, step: Type.Integer(), points: Type.Array(Type.Object({ time: Time, direction: Type.String(), ...Totals })) })
const Top = Type.Object({
  from: Time, to: Time, by: Type.String(), metric: Type.String(),
  estimated: Type.Boolean({ description: 'true when figures are scaled from the 1-in-16 flow sample (top sources over more than a day)' }),
  items: Type.Array(Type.Object({ key: Type.String(), ...Totals, inbound_bytes: Type.Integer(), outbound_bytes: Type.Integer(), internal_bytes: Type.Integer() })),
})

const DAY = 86_400_000
const NOBODY = '00000000-0000-0000-0000-000000000000'

/** Reads and checks the common filters; owners are limited to their organisations. */
function filterOf(request: FastifyRequest): TrafficFilter {
  const caller = requireRole(request, READERS)
  const q = request.query as Static<typeof FilterQuery>
  const to = q.to ? Date.parse(q.to) : Date.now()
  const from = q.from ? Date.parse(q.from) : to - DAY
  if (from >= to) throw new ApiError('bad_request', 'from must be before to')
  const scope = scopeOrgs(caller)
  let orgs = q.organisation ? [q.organisation] : []
  // An owner asking for another organisation gets an empty answer, not an error that confirms it exists.
  if (scope.length > 0) orgs = q.organisation ? (scope.includes(q.organisation) ? orgs : [NOBODY]) : scope
  return { from, to, orgs, asset: q.asset, sector: q.sector, locality: q.locality, direction: q.direction }
}

const iso = (ms: number) => new Date(ms).toISOString()

/** /traffic: what was analysed, over any time range, from the traffic_1m rollup. */
export default async function trafficRoutes(app: FastifyInstance) {
  app.get('/traffic/summary', { schema: { tags: ['traffic'], querystring: FilterQuery, response: { 200: Summary } } }, async (request) => {
    const f = filterOf(request)
    return { from: iso(f.from), to: iso(f.to), ...(await trafficSummary(app.clickhouse, f)) }
  })

  app.get('/traffic/timeseries', { schema: { tags: ['traffic'], querystring: SeriesQuery, response: { 200: Series } } }, async (request) => {
    const f = filterOf(request)
    const { step } = request.query as Static<typeof SeriesQuery>
    if (step !== undefined && step % 60 !== 0) throw new ApiError('bad_request', 'step must be a multiple of 60 seconds')
    const stepS = step ?? autoStep(f.from, f.to)
    if ((f.to - f.from) / 1000 / stepS > 10_000) throw new ApiError('bad_request', 'more than 10,000 points: use a larger step')
    const points = await trafficTimeseries(app.clickhouse, f, stepS)
    return { from: iso(f.from), to: iso(f.to), step: stepS, points: points.map(({ time_ms, ...p }) => ({ time: iso(time_ms), ...p })) }
  })

  app.get('/traffic/top', { schema: { tags: ['traffic'], querystring: TopQuery, response: { 200: Top } } }, async (request) => {
    const f = filterOf(request)
    const q = request.query as Static<typeof TopQuery>
    const metric = q.metric ?? 'bytes'
    const { estimated, items } = await trafficTop(app.clickhouse, f, q.by, metric, q.limit ?? 10)
    const key = (k: string) => (q.by === 'source' && k.startsWith('::ffff:') ? k.slice(7) : k)
    return { from: iso(f.from), to: iso(f.to), by: q.by, metric, estimated, items: items.map((i) => ({ ...i, key: key(i.key) })) }
  })
}
