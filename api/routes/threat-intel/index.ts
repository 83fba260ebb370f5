import type { FastifyInstance } from 'fastify'
import { Type, type Static } from 'typebox'
import { deleteFeed, getFeed, isFeedName, listFeeds, parseThreatList, refreshFeedFromFile, storeFeed } from '../../../detection/threat-intel.ts'
import { ApiError } from '../../errors.ts'
import { requireRole } from '../attacks/access.ts'

const Feed = Type.Object({
  name: Type.String(), description: Type.String(), source: Type.String(), version: Type.Integer(), entries: Type.Integer(),
  status: Type.String(), version_at: Type.String(), changed_by: Type.String(),
})
const Upload = Type.Object({
  feed: Feed,
  rejected: Type.Array(Type.Object({ line: Type.Integer(), text: Type.String() })),
})
const Params = Type.Object({ name: Type.String({ pattern: '^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$' }) })
const Body = Type.Object(
  {
    description: Type.Optional(Type.String({ maxLength: 500 })),
    content: Type.Optional(Type.String({ description: 'the list itself: plain text or CSV' })),
    path: Type.Optional(Type.String({ maxLength: 1000, description: 'a file on the server to load now and refresh from later' })),
  },
  { additionalProperties: false },
)

/**
 * /threat-intel/feeds: admin-managed lists of known-bad addresses and networks. A PUT replaces a
 * feed (a new version; the old one stays in history) from the body (JSON with `content`, or a
 * text/plain or text/csv body) or from a server file `path`; POST …/refresh re-reads that file.
 */
export default async function threatIntelRoutes(app: FastifyInstance) {
  app.addContentTypeParser(['text/plain', 'text/csv'], { parseAs: 'string', bodyLimit: 64 * 1024 * 1024 }, (_req, body, done) => done(null, { content: body }))

  app.get('/threat-intel/feeds', { schema: { tags: ['threat-intel'], response: { 200: Type.Object({ items: Type.Array(Feed) }) } } }, async (request) => {
    requireRole(request, ['admin', 'analyst'])
    return { items: await listFeeds(app.clickhouse) }
  })

  app.put(
    '/threat-intel/feeds/:name',
    { bodyLimit: 64 * 1024 * 1024, schema: { tags: ['threat-intel'], params: Params, body: Body, response: { 200: Upload } } },
    async (request) => {
      const caller = requireRole(request, ['admin'])
      const { name } = request.params as Static<typeof Params>
      const body = request.body as Static<typeof Body>
      if (!isFeedName(name)) throw new ApiError('bad_request', 'bad feed name')
      if ((body.content === undefined) === (body.path === undefined)) throw new ApiError('bad_request', 'give either content or path')
      if (body.path !== undefined) {
        try {
          return await refreshFeedFromFile(app.clickhouse, name, body.path, caller.name, body.description ?? '')
        } catch (err) {
          if ((err as NodeJS.ErrnoException).code) throw new ApiError('unprocessable', `cannot read ${body.path}: ${(err as NodeJS.ErrnoException).code}`)
          throw err
        }
      }
      const parsed = parseThreatList(body.content!)
      if (parsed.entries.length === 0) throw new ApiError('unprocessable', `no address or CIDR found (${parsed.rejected.length} lines rejected)`)
      const feed = await storeFeed(app.clickhouse, { name, description: body.description ?? '', source: 'upload', entries: parsed.entries, changedBy: caller.name })
      return { feed, rejected: parsed.rejected.slice(0, 100) }
    },
  )

  app.post('/threat-intel/feeds/:name/refresh', { schema: { tags: ['threat-intel'], params: Params, response: { 200: Upload } } }, async (request) => {
    const caller = requireRole(request, ['admin'])
    const { name } = request.params as Static<typeof Params>
    const feed = await getFeed(app.clickhouse, name)
    if (!feed || feed.status !== 'active') throw new ApiError('not_found', `no feed ${name}`)
    if (!feed.source || feed.source === 'upload') throw new ApiError('conflict', `feed ${name} was uploaded, not loaded from a file`)
    try {
      return await refreshFeedFromFile(app.clickhouse, name, feed.source, caller.name, feed.description)
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code) throw new ApiError('unprocessable', `cannot read ${feed.source}: ${(err as NodeJS.ErrnoException).code}`)
      throw err
    }
  })

  app.delete('/threat-intel/feeds/:name', { schema: { tags: ['threat-intel'], params: Params, response: { 204: Type.Null() } } }, async (request, reply) => {
    const caller = requireRole(request, ['admin'])
    const { name } = request.params as Static<typeof Params>
    if (!(await deleteFeed(app.clickhouse, name, caller.name))) throw new ApiError('not_found', `no feed ${name}`)
    return reply.code(204).send()
  })
}
