import type { FastifyRequest } from 'fastify'
import type { Actor } from '../../../archive/audit.ts'
import { callerOf } from '../attacks/access.ts'

/** The audit's "who and from where" of an API request. */
export function actorOf(request: FastifyRequest): Actor {
  const caller = callerOf(request)
  return { name: caller.name, role: caller.role, tokenId: caller.tokenId, address: request.ip, via: 'api' }
}
