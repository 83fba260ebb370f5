import type { FastifyInstance } from 'fastify'
import { Type, type Static } from 'typebox'
import { FINDING_STATES, type Healthcheck } from '../../../healthcheck/index.ts'
import { SORTS } from '../../../healthcheck/findings.ts'
import { isoFromChText } from '../../../healthcheck/time.ts'
import { ApiError } from '../../errors.ts'
import { requireRole } from '../attacks/access.ts'
import { Code, Text } from '../archive/schemas.ts'
import { FindingItem, FindingVersion, IdParams, Items, Page, Problems, Severity } from '../campaigns/schemas.ts'
import { actorOf, campaignScope, orgScope } from '../campaigns/scope.ts'

const State = Type.Union(FINDING_STATES.map((s) => Type.Literal(s)))
const Query = Type.Object(
  {
    campaign: Type.Optional(Type.String({ format: 'uuid' })),
    severity: Type.Optional(Type.Array(Severity, { maxItems: 5 })),
    state: Type.Optional(Type.Array(State, { maxItems: 5 })),
    cve: Type.Optional(Type.String({ pattern: '^[Cc][Vv][Ee]-\\d{4}-\\d{4,7}$' })),
    organisation: Type.Optional(Type.String({ format: 'uuid' })),
    asset: Type.Optional(Type.String({ format: 'uuid' })),
    host: Type.Optional(Type.String({ maxLength: 253 })),
    sector: Type.Optional(Code),
    locality: Type.Optional(Code),
    registered: Type.Optional(Type.Boolean({ description: 'true: on archive assets only; false: unregistered hosts only' })),
    q: Type.Optional(Text(100)),
    sort: Type.Optional(Type.Union(Object.keys(SORTS).map((k) => Type.Literal(k)))),
    order: Type.Optional(Type.Union([Type.Literal('asc'), Type.Literal('desc')])),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, default: 50 })),
    offset: Type.Optional(Type.Integer({ minimum: 0, maximum: 1_000_000, default: 0 })),
  },
  { additionalProperties: false },
)
const Decision = Type.Object(
  {
    state: State,
    note: Text(2000, { minLength: 1, description: 'why: shown in the finding history' }),
    risk_expires_at: Type.Optional(Type.String({ format: 'date-time', description: 'required for accepted_risk: when the acceptance ends' })),
  },
  { additionalProperties: false },
)
const READERS = ['admin', 'analyst', 'vendor', 'owner'] as const

/**
 * /findings: what the health checks found, current versions with their archive context. Vendors
 * see their campaigns' findings, owners their organisations'; analysts decide false positives
 * and accepted risks.
 */
export default async function findingRoutes(app: FastifyInstance, opts: { hc: Healthcheck }) {
  const { hc } = opts
  const scopeOf = (request: Parameters<typeof requireRole>[0]) => {
    const caller = requireRole(request, READERS)
    return { campaigns: campaignScope(caller), orgs: orgScope(caller) }
  }
  const found = async (request: Parameters<typeof requireRole>[0], id: string) => {
    const f = await hc.findings.get(id, scopeOf(request))
    if (!f) throw new ApiError('not_found', `no finding ${id}`)
    return f
  }

  app.get('/findings', { schema: { tags: ['findings'], querystring: Query, response: { 200: Page(FindingItem), ...Problems } } }, async (request) => {
    const q = request.query as Static<typeof Query>
    const limit = q.limit ?? 50
    const offset = q.offset ?? 0
    const { items, total } = await hc.findings.list({
      ...scopeOf(request), campaign: q.campaign, severities: q.severity, states: q.state, cve: q.cve, org: q.organisation, asset: q.asset,
      host: q.host, sector: q.sector, locality: q.locality, registered: q.registered, q: q.q, sort: q.sort, order: q.order, limit, offset,
    })
    return { items, total, limit, offset }
  })

  app.get('/findings/:id', { schema: { tags: ['findings'], params: IdParams, response: { 200: FindingItem, ...Problems } } }, async (request) => {
    return found(request, (request.params as { id: string }).id)
  })

  app.get('/findings/:id/history', { schema: { tags: ['findings'], params: IdParams, response: { 200: Items(FindingVersion), ...Problems } } }, async (request) => {
    const f = await found(request, (request.params as { id: string }).id)
    const versions = await hc.findings.history(f.id)
    return { items: versions.map((v) => ({ ...v, version_at: isoFromChText(v.version_at)!, last_seen: isoFromChText(v.last_seen)! })) }
  })

  app.post('/findings/:id/state', { schema: { tags: ['findings'], params: IdParams, body: Decision, response: { 200: FindingItem, ...Problems } } }, async (request) => {
    requireRole(request, ['admin', 'analyst'])
    const f = await found(request, (request.params as { id: string }).id)
    const b = request.body as Static<typeof Decision>
    let expires: number | null = null
    if (b.state === 'accepted_risk') {
      if (!b.risk_expires_at) throw new ApiError('bad_request', 'risk_expires_at: an accepted risk needs an expiry')
      expires = Date.parse(b.risk_expires_at)
      if (expires <= hc.now()) throw new ApiError('bad_request', 'risk_expires_at: the expiry must be in the future')
    } else if (b.risk_expires_at) throw new ApiError('bad_request', 'risk_expires_at: only an accepted risk has an expiry')
    return hc.findings.decide(f.id, b.state, b.note, expires, actorOf(request))
  })
}
