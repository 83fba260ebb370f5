import type { FastifyInstance } from 'fastify'
import { Type } from 'typebox'
import { callerOf } from '../attacks/access.ts'

const Me = Type.Object({
  name: Type.String({ description: 'the token name, as the audit log shows it' }),
  role: Type.String(),
  orgs: Type.Array(Type.String(), { description: 'owner: the organisations it may read and edit' }),
  campaigns: Type.Array(Type.String(), { description: 'vendor: its campaigns' }),
})

/**
 * GET /me: who the bearer token speaks for. The dashboard asks once after login to decide which
 * pages to offer; the API still checks every request on its own.
 */
export default async function meRoutes(app: FastifyInstance) {
  app.get('/me', { schema: { tags: ['tokens'], summary: 'the role and scope of the calling token', response: { 200: Me } } }, async (request) => {
    const caller = callerOf(request)
    return { name: caller.name, role: caller.role, orgs: caller.orgs, campaigns: caller.campaigns ?? [] }
  })
}
