import type { FastifyInstance, FastifyRequest } from 'fastify'
import { Type, type Static } from 'typebox'
import { NOTICE_STATES, TransitionError, type Healthcheck, type NoticeAction } from '../../../healthcheck/index.ts'
import type { NoticeKind } from '../../../healthcheck/notices.ts'
import { renderNotice } from '../../../healthcheck/render.ts'
import { ApiError } from '../../errors.ts'
import { requireRole, type Role } from '../attacks/access.ts'
import { Text } from '../archive/schemas.ts'
import { IdParams, Items, NoticeItem, Page, Problems } from '../campaigns/schemas.ts'
import { actorOf, orgScope } from '../campaigns/scope.ts'

const Query = Type.Object(
  {
    state: Type.Optional(Type.Array(Type.Union(NOTICE_STATES.map((s) => Type.Literal(s))), { maxItems: 5 })),
    campaign: Type.Optional(Type.String({ format: 'uuid' })),
    organisation: Type.Optional(Type.String({ format: 'uuid' })),
    overdue: Type.Optional(Type.Boolean()),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, default: 50 })),
    offset: Type.Optional(Type.Integer({ minimum: 0, maximum: 1_000_000, default: 0 })),
  },
  { additionalProperties: false },
)
const Step = Type.Object(
  { note: Type.Optional(Text(10_000)), evidence: Type.Optional(Text(100_000, { description: 'what shows the rectification: versions, configuration, rescan output, links' })) },
  { additionalProperties: false },
)
const Verify = Type.Object(
  {
    note: Type.Optional(Text(10_000)),
    by: Type.Optional(Type.Union([Type.Literal('analyst'), Type.Literal('rescan')], { description: 'rescan: every listed finding must be mitigated, a false positive or an accepted risk' })),
  },
  { additionalProperties: false },
)
const Doc = Type.Object({ lang: Type.Optional(Type.Union([Type.Literal('zh'), Type.Literal('en')], { default: 'zh' })) }, { additionalProperties: false })

/** Who may take each step: the addressee's owner tokens answer, the centre verifies and closes. */
const ACTORS: Record<NoticeAction, readonly Role[]> = {
  acknowledge: ['admin', 'owner'], report: ['admin', 'owner'], verify: ['admin', 'analyst'], reject: ['admin', 'analyst'], close: ['admin', 'analyst'],
}

/**
 * The routes notices and warnings share: list, read, history, printable document and the
 * lifecycle steps. Owners see only their organisations' documents; any other id is 404.
 */
export function lifecycleRoutes(app: FastifyInstance, hc: Healthcheck, kind: NoticeKind) {
  const path = kind === 'notice' ? '/notices' : '/warnings'
  const tags = [kind === 'notice' ? 'notices' : 'warnings']
  const readable = async (request: FastifyRequest, id: string) => {
    const caller = requireRole(request, ['admin', 'analyst', 'owner'])
    const n = await hc.notices.get(kind, id, orgScope(caller))
    if (!n) throw new ApiError('not_found', `no ${kind} ${id}`)
    return n
  }

  app.get(path, { schema: { tags, querystring: Query, response: { 200: Page(NoticeItem), ...Problems } } }, async (request) => {
    const caller = requireRole(request, ['admin', 'analyst', 'owner'])
    const q = request.query as Static<typeof Query>
    const limit = q.limit ?? 50
    const offset = q.offset ?? 0
    const { items, total } = await hc.notices.list(kind, { orgs: orgScope(caller), states: q.state, campaign: q.campaign, org: q.organisation, overdue: q.overdue, limit, offset })
    return { items, total, limit, offset }
  })

  app.get(`${path}/:id`, { schema: { tags, params: IdParams, response: { 200: NoticeItem, ...Problems } } }, async (request) => readable(request, (request.params as { id: string }).id))

  app.get(`${path}/:id/history`, { schema: { tags, params: IdParams, response: { 200: Items(NoticeItem), ...Problems } } }, async (request) => {
    const n = await readable(request, (request.params as { id: string }).id)
    return { items: await hc.notices.history(kind, n.id) }
  })

  app.get(`${path}/:id/document`, {
    schema: { tags, summary: 'The printable document (HTML, A4), in Chinese or English', params: IdParams, querystring: Doc, produces: ['text/html'], response: { 200: Type.String(), ...Problems } },
  }, async (request, reply) => {
    const n = await readable(request, (request.params as { id: string }).id)
    const lang = (request.query as Static<typeof Doc>).lang ?? 'zh'
    return reply.type('text/html; charset=utf-8').send(renderNotice(n, lang, hc.config.centre))
  })

  for (const action of Object.keys(ACTORS) as NoticeAction[]) {
    const body = action === 'verify' ? Verify : Step
    app.post(`${path}/:id/${action}`, { schema: { tags, params: IdParams, body, response: { 200: NoticeItem, ...Problems } } }, async (request) => {
      requireRole(request, ACTORS[action])
      const n = await readable(request, (request.params as { id: string }).id)
      const b = (request.body ?? {}) as Static<typeof Verify> & Static<typeof Step>
      if (action === 'report' && !b.note?.trim()) throw new ApiError('bad_request', 'note: say what was done to rectify')
      if (action === 'verify' && b.by === 'rescan') {
        const open = []
        for (const id of n.finding_ids) {
          const f = await hc.findings.get(id, { campaigns: null, orgs: null })
          if (f && (f.state === 'open' || f.state === 'reopened')) open.push(f.title)
        }
        if (open.length > 0) throw new ApiError('conflict', `the rescan still shows ${open.length} open finding(s): ${open.slice(0, 5).join('; ')}`)
      }
      try {
        const note = action === 'verify' && b.by === 'rescan' ? `verified by rescan${b.note ? `: ${b.note}` : ''}` : b.note
        return await hc.notices.act(kind, n.id, action, { note, evidence: b.evidence }, actorOf(request))
      } catch (err) {
        if (err instanceof TransitionError) throw new ApiError('conflict', err.message)
        throw err
      }
    })
  }

  app.post(`${path}/escalate`, {
    schema: { tags, summary: `Flag every overdue ${kind} to its sector regulator and locality (once)`, response: { 200: Items(NoticeItem), ...Problems } },
  }, async (request) => {
    requireRole(request, ['admin', 'analyst'])
    return { items: await hc.notices.escalate(kind, actorOf(request)) }
  })
}
