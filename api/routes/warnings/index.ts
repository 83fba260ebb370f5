import type { FastifyInstance } from 'fastify'
import { Type, type Static } from 'typebox'
import { DispatchError, type Healthcheck, type SimilarAsset } from '../../../healthcheck/index.ts'
import { characteristicOf } from '../../../healthcheck/similar.ts'
import { ApiError } from '../../errors.ts'
import { requireRole } from '../attacks/access.ts'
import { Characteristic, NoticeItem, Problems, Severity, SimilarItem, Sla } from '../campaigns/schemas.ts'
import { actorOf } from '../campaigns/scope.ts'
import { lifecycleRoutes } from '../notices/lifecycle.ts'

const Search = Type.Object(
  {
    finding_id: Type.Optional(Type.String({ format: 'uuid', description: 'take the characteristic from this finding (its CVE, product and version, high-risk port)' })),
    characteristic: Type.Optional(Characteristic),
    severity: Type.Optional(Severity),
    sla: Type.Optional(Sla),
  },
  { additionalProperties: false },
)
const Found = Type.Object({ characteristic: Type.Object({}, { additionalProperties: true }), assets: Type.Array(SimilarItem) })
const Issued = Type.Object({ characteristic: Type.Object({}, { additionalProperties: true }), assets: Type.Array(SimilarItem), items: Type.Array(NoticeItem) })

const similarItem = (s: SimilarAsset) => ({
  asset_id: s.asset.id, asset_name: s.asset.name, org_id: s.asset.org_id, org_name: s.asset.org_name ?? '', sector: s.asset.sector ?? '',
  locality: s.asset.locality ?? '', grade: s.asset.grade, sources: s.sources, evidence: s.evidence, ports: s.ports,
})

/**
 * /warnings: "issue one, prevent ten" (风险预警提示单). From a finding or a characteristic (CVE,
 * product and version, open port) every other asset with it is found, through declared
 * services, services observed in traffic and health-check findings; each affected organisation
 * gets one warning, tracked like a notice.
 */
export default async function warningRoutes(app: FastifyInstance, opts: { hc: Healthcheck }) {
  const { hc } = opts
  async function resolve(request: Parameters<typeof requireRole>[0]) {
    requireRole(request, ['admin', 'analyst'])
    const b = request.body as Static<typeof Search>
    if (!b.finding_id && !b.characteristic) throw new ApiError('bad_request', 'give finding_id or characteristic')
    const finding = b.finding_id ? await hc.findings.get(b.finding_id, { campaigns: null, orgs: null }) : undefined
    if (b.finding_id && !finding) throw new ApiError('not_found', `no finding ${b.finding_id}`)
    const c = b.characteristic
    if (c && !c.cve && !c.product && !c.port) throw new ApiError('bad_request', 'characteristic: give a cve, a product or a port')
    return { b, finding, characteristic: c ? { ...c, cve: c.cve?.toUpperCase() } : undefined }
  }

  app.post('/warnings/search', { schema: { tags: ['warnings'], summary: 'Preview the assets a warning would reach', body: Search, response: { 200: Found, ...Problems } } }, async (request) => {
    const { finding, characteristic } = await resolve(request)
    const c = characteristic ?? characteristicOf(finding!)
    if (!c.cve && !c.product && !c.port) throw new ApiError('unprocessable', 'the finding has no CVE, no named product and no high-risk port; give a characteristic')
    const assets = await hc.similar(c, finding?.asset_id ? [finding.asset_id] : [])
    return { characteristic: c, assets: assets.map(similarItem) }
  })

  app.post('/warnings', { schema: { tags: ['warnings'], summary: 'Issue a warning to every organisation with a similar asset', body: Search, response: { 201: Issued, ...Problems } } }, async (request, reply) => {
    const { b, finding, characteristic } = await resolve(request)
    try {
      const r = await hc.issueWarnings({ finding, characteristic, severity: b.severity as never, sla: b.sla }, actorOf(request))
      return reply.code(201).send({ characteristic: r.characteristic, assets: r.assets.map(similarItem), items: r.warnings })
    } catch (err) {
      if (err instanceof DispatchError) throw new ApiError('unprocessable', err.message)
      throw err
    }
  })
  lifecycleRoutes(app, hc, 'warning')
}
