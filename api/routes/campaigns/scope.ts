import type { FastifyRequest } from 'fastify'
import type { Actor } from '../../../archive/audit.ts'
import type { Campaign, Healthcheck } from '../../../healthcheck/index.ts'
import { ApiError } from '../../errors.ts'
import { callerOf, requireRole, type Caller, type Role } from '../attacks/access.ts'

/**
 * Who sees what of the health checks: the centre (admin, analyst) everything; a vendor the
 * campaigns its token names; an owner the findings and notices of its own organisations.
 * Out of scope answers 404, as if the object did not exist.
 */
export function campaignScope(caller: Caller): string[] | null {
  if (caller.role === 'admin' || caller.role === 'analyst') return null
  if (caller.role === 'vendor') return caller.campaigns ?? []
  // Owners are limited by organisation (orgScope), whatever campaign found the problem.
  return caller.role === 'owner' ? null : []
}

export function orgScope(caller: Caller): string[] | null {
  return caller.role === 'owner' ? caller.orgs : null
}

/** The campaign, if the caller (of one of `roles`) may see it; 404 otherwise. */
export async function campaignFor(request: FastifyRequest, hc: Healthcheck, id: string, roles: readonly Role[]): Promise<Campaign> {
  const caller = requireRole(request, roles)
  const scope = campaignScope(caller)
  const campaign = scope === null || scope.includes(id) ? await hc.campaigns.get(id) : undefined
  if (!campaign) throw new ApiError('not_found', `no campaign ${id}`)
  return campaign
}

export function actorOf(request: FastifyRequest): Actor {
  const caller = callerOf(request)
  return { name: caller.name, role: caller.role, tokenId: caller.tokenId, address: request.ip, via: 'api' }
}
