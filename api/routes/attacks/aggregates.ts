import type { FastifyInstance, FastifyRequest } from 'fastify'
import { Type, type Static } from 'typebox'
import { chTime } from '../../../detection/incident.ts'
import { loadSql } from '../../../sql/queries.ts'
import { ApiError } from '../../errors.ts'
import { READERS, requireRole, scopeOrgs } from './access.ts'

const Time = Type.String({ format: 'date-time' })
const Range = { from: Type.Optional(Time), to: Type.Optional(Time) }
const SeriesQuery = Type.Object(
  { ...Range, step: Type.Optional(Type.Integer({ minimum: 60, maximum: 2_592_000, description: 'bucket in seconds, a multiple of 60; default: at most ~200 buckets' })) },
  { additionalProperties: false },
)
const Series = Type.Object({
  from: Time, to: Time, step: Type.Integer(),
  points: Type.Array(Type.Object({ time: Time, rule: Type.String(), started: Type.Integer({ description: 'incidents that started in the bucket' }) })),
})
const SourcesQuery = Type.Object({ ...Range, limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100, default: 10 })) }, { additionalProperties: false })
const Sources = Type.Object({
  from: Time, to: Time,
  items: Type.Array(Type.Object({ source: Type.String(), incidents: Type.Integer(), rules: Type.Array(Type.String()), last_seen: Time })),
})

const DEFAULT_RANGE_MS = 24 * 3_600_000
const STEPS = [60, 300, 900, 3600, 21_600, 86_400]
const iso = (ms: number) => new Date(ms).toISOString()
const display = (text: string) => (text.startsWith('::ffff:') && text.includes('.') ? text.slice(7) : text)

function rangeOf(request: FastifyRequest): { from: number; to: number; scope: string[] } {
  const caller = requireRole(request, READERS)
  const q = request.query as { from?: string; to?: string }
  const to = q.to ? Date.parse(q.to) : Date.now()
  const from = q.from ? Date.parse(q.from) : to - DEFAULT_RANGE_MS
  if (from >= to) throw new ApiError('bad_request', 'from must be before to')
  return { from, to, scope: scopeOrgs(caller) }
}

async function rows<T>(app: FastifyInstance, name: string, params: Record<string, unknown>): Promise<T[]> {
  const rs = await app.clickhouse.query({ query: loadSql(`queries/attacks/${name}`), query_params: params, format: 'JSONEachRow' })
  return rs.json<T>()
}

/**
 * Aggregates over every incident of a range (not a page of them), for the one screen:
 * GET /attacks/timeseries — incidents started per bucket and rule; GET /attacks/sources — the
 * attackers in the most incidents. Owners get their organisations' incidents only.
 */
export default async function attackAggregateRoutes(app: FastifyInstance) {
  app.get('/attacks/timeseries', { schema: { tags: ['attacks'], querystring: SeriesQuery, response: { 200: Series } } }, async (request) => {
    const { from, to, scope } = rangeOf(request)
    const q = request.query as Static<typeof SeriesQuery>
    if (q.step !== undefined && q.step % 60 !== 0) throw new ApiError('bad_request', 'step must be a multiple of 60 seconds')
    const step = q.step ?? STEPS.find((s) => (to - from) / 1000 / s <= 200) ?? 86_400
    if ((to - from) / 1000 / step > 10_000) throw new ApiError('bad_request', 'more than 10,000 buckets: use a larger step')
    const found = await rows<{ time_ms: number; rule: string; started: number }>(app, 'timeseries', { from: chTime(from), to: chTime(to), step_s: step, scope_orgs: scope })
    return { from: iso(from), to: iso(to), step, points: found.map((p) => ({ time: iso(p.time_ms), rule: p.rule, started: p.started })) }
  })

  app.get('/attacks/sources', { schema: { tags: ['attacks'], querystring: SourcesQuery, response: { 200: Sources } } }, async (request) => {
    const { from, to, scope } = rangeOf(request)
    const q = request.query as Static<typeof SourcesQuery>
    const found = await rows<{ source: string; incidents: number; rules: string[]; last_seen_ms: number }>(app, 'sources', {
      from: chTime(from), to: chTime(to), scope_orgs: scope, limit: q.limit ?? 10,
    })
    return { from: iso(from), to: iso(to), items: found.map((s) => ({ source: display(s.source), incidents: s.incidents, rules: s.rules.sort(), last_seen: iso(s.last_seen_ms) })) }
  })
}
