import type { FastifyRequest } from 'fastify'
import { ApiError } from '../../errors.ts'

export type Role = 'admin' | 'analyst' | 'owner' | 'vendor' | 'sensor'

/** Who is calling, as the auth plugin established it from the bearer token. */
export interface Caller {
  role: Role
  /** For owners: the organisations whose assets they may see. */
  orgs: string[]
  name: string
  /** For vendors: the health-check campaigns they may see. */
  campaigns?: string[]
  /** The token the request came with (absent for the bootstrap token of HOLOWATCH_ADMIN_TOKEN). */
  tokenId?: string
}

/** The authenticated caller; the auth plugin sets `request.principal` before any route runs. */
export function callerOf(request: FastifyRequest): Caller {
  const principal = request.principal
  if (!principal) throw new ApiError('unauthorized', 'a bearer token is required')
  return principal
}

export function requireRole(request: FastifyRequest, roles: readonly Role[]): Caller {
  const caller = callerOf(request)
  if (!roles.includes(caller.role)) throw new ApiError('forbidden', `the ${caller.role} role cannot do this`)
  return caller
}

const NOBODY = '00000000-0000-0000-0000-000000000000'

/**
 * The organisations a caller's results are limited to: none (everything) for the centre's roles,
 * the owner's own organisations for an owner (never empty: an owner without organisations sees nothing).
 */
export function scopeOrgs(caller: Caller): string[] {
  if (caller.role !== 'owner') return []
  return caller.orgs.length > 0 ? caller.orgs : [NOBODY]
}

/** Readers of attack and traffic data. */
export const READERS: readonly Role[] = ['admin', 'analyst', 'owner']
