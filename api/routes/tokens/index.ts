import type { FastifyInstance } from 'fastify'
import { Type, type Static } from 'typebox'
import { ROLES, isTokenName } from '../../../archive/tokens.ts'
import { ApiError } from '../../errors.ts'
import { actorOf } from '../archive/actor.ts'
import { requireRole } from '../attacks/access.ts'

const Role = Type.Union(ROLES.map((r) => Type.Literal(r)))
const Token = Type.Object({
  id: Type.String({ format: 'uuid' }),
  name: Type.String(),
  role: Role,
  orgs: Type.Array(Type.String()),
  campaigns: Type.Array(Type.String()),
  hint: Type.String({ description: 'the first characters of the token' }),
  created_at: Type.String({ format: 'date-time' }),
  created_by: Type.String(),
  expires_at: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
  revoked_at: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
  revoked_by: Type.String(),
  last_used_at: Type.Union([Type.String({ format: 'date-time' }), Type.Null()], { description: 'to the minute' }),
})
const Created = Type.Object({ token: Type.String({ description: 'the secret: shown this once, store it now' }), info: Token })
const Create = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 64 }),
    role: Role,
    orgs: Type.Optional(Type.Array(Type.String({ format: 'uuid' }), { maxItems: 1000, description: 'owner: the organisations it may read and edit' })),
    campaigns: Type.Optional(Type.Array(Type.String({ minLength: 1, maxLength: 64 }), { maxItems: 1000, description: 'vendor: its campaigns' })),
    expires_at: Type.Optional(Type.String({ format: 'date-time' })),
  },
  { additionalProperties: false },
)
const Params = Type.Object({ id: Type.String({ format: 'uuid' }) })
const Problem = { $ref: 'Problem#' }

/** /tokens: admins issue, list and revoke API tokens. The secret is returned once, at creation. */
export default async function tokenRoutes(app: FastifyInstance) {
  app.get('/tokens', { schema: { tags: ['tokens'], response: { 200: Type.Object({ items: Type.Array(Token) }) } } }, async (request) => {
    requireRole(request, ['admin'])
    return { items: await app.tokens.list() }
  })

  app.get('/tokens/:id', { schema: { tags: ['tokens'], params: Params, response: { 200: Token, 404: Problem } } }, async (request) => {
    requireRole(request, ['admin'])
    const { id } = request.params as Static<typeof Params>
    const token = await app.tokens.get(id)
    if (!token) throw new ApiError('not_found', `no token ${id}`)
    return token
  })

  app.post('/tokens', { schema: { tags: ['tokens'], body: Create, response: { 201: Created, 400: Problem } } }, async (request, reply) => {
    requireRole(request, ['admin'])
    const body = request.body as Static<typeof Create>
    if (!isTokenName(body.name)) throw new ApiError('bad_request', 'name: 1–64 letters, digits, spaces, _ . @ -, starting with a letter or digit')
    if (body.role === 'owner' && !body.orgs?.length) throw new ApiError('bad_request', 'orgs: an owner token needs at least one organisation')
    if (body.role !== 'owner' && body.orgs?.length) throw new ApiError('bad_request', 'orgs: only owner tokens are scoped to organisations')
    if (body.role !== 'vendor' && body.campaigns?.length) throw new ApiError('bad_request', 'campaigns: only vendor tokens are scoped to campaigns')
    const expiresAt = body.expires_at === undefined ? null : Date.parse(body.expires_at)
    if (expiresAt !== null && expiresAt <= Date.now()) throw new ApiError('bad_request', 'expires_at must be in the future')
    const created = await app.tokens.create(
      { name: body.name, role: body.role, orgs: body.orgs ?? [], campaigns: body.campaigns ?? [], expiresAt },
      actorOf(request),
    )
    return reply.code(201).send(created)
  })

  app.delete('/tokens/:id', { schema: { tags: ['tokens'], params: Params, response: { 204: Type.Null(), 404: Problem } } }, async (request, reply) => {
    requireRole(request, ['admin'])
    const { id } = request.params as Static<typeof Params>
    if (!(await app.tokens.revoke(id, actorOf(request)))) throw new ApiError('not_found', `no active token ${id}`)
    return reply.code(204).send()
  })
}
