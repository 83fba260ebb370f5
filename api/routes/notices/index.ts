import type { FastifyInstance } from 'fastify'
import { Type, type Static } from 'typebox'
import { DispatchError, type Healthcheck } from '../../../healthcheck/index.ts'
import { ApiError } from '../../errors.ts'
import { requireRole } from '../attacks/access.ts'
import { NoticeItem, Problems, Sla } from '../campaigns/schemas.ts'
import { actorOf } from '../campaigns/scope.ts'
import { lifecycleRoutes } from './lifecycle.ts'

const FromIncident = Type.Object({ incident_id: Type.String({ format: 'uuid' }), sla: Type.Optional(Sla) }, { additionalProperties: false })

/**
 * /notices: rectification notices (整改通知单). Issued from a campaign's findings
 * (POST /campaigns/:id/notices) or, in one call, from a detection incident.
 */
export default async function noticeRoutes(app: FastifyInstance, opts: { hc: Healthcheck }) {
  const { hc } = opts
  app.post('/notices/from-incident', {
    schema: { tags: ['notices'], summary: "Dispatch an incident as a notice to the attacked asset's organisation", body: FromIncident, response: { 201: NoticeItem, ...Problems } },
  }, async (request, reply) => {
    requireRole(request, ['admin', 'analyst'])
    const b = request.body as Static<typeof FromIncident>
    try {
      const notice = await hc.dispatchIncident(b.incident_id, b.sla, actorOf(request))
      if (!notice) throw new ApiError('not_found', `no incident ${b.incident_id}`)
      return reply.code(201).send(notice)
    } catch (err) {
      if (err instanceof DispatchError) throw new ApiError('unprocessable', err.message)
      throw err
    }
  })
  lifecycleRoutes(app, hc, 'notice')
}
