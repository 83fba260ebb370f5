import type { FastifyInstance } from 'fastify'
import { Type, type Static } from 'typebox'
import type { Healthcheck } from '../../../healthcheck/index.ts'
import { renderReport } from '../../../healthcheck/render.ts'
import { IdParams, Problems } from '../campaigns/schemas.ts'
import { campaignFor } from '../campaigns/scope.ts'

const Report = Type.Object({}, { additionalProperties: true, description: 'findings by severity, sector, locality and organisation; rectification; top vulnerabilities; unregistered assets' })
const Doc = Type.Object({ lang: Type.Optional(Type.Union([Type.Literal('zh'), Type.Literal('en')], { default: 'zh' })) }, { additionalProperties: false })

/** /reports/campaigns/:id: a campaign's report as JSON, and as printable HTML with charts. */
export default async function reportRoutes(app: FastifyInstance, opts: { hc: Healthcheck }) {
  const { hc } = opts
  app.get('/reports/campaigns/:id', { schema: { tags: ['reports'], params: IdParams, response: { 200: Report, ...Problems } } }, async (request) => {
    return hc.report(await campaignFor(request, hc, (request.params as { id: string }).id, ['admin', 'analyst']))
  })
  app.get('/reports/campaigns/:id/document', {
    schema: { tags: ['reports'], params: IdParams, querystring: Doc, produces: ['text/html'], response: { 200: Type.String(), ...Problems } },
  }, async (request, reply) => {
    const report = await hc.report(await campaignFor(request, hc, (request.params as { id: string }).id, ['admin', 'analyst']))
    return reply.type('text/html; charset=utf-8').send(renderReport(report, (request.query as Static<typeof Doc>).lang ?? 'zh', hc.config.centre))
  })
}
