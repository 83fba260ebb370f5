import type { FastifyInstance } from 'fastify'
import { Type, type Static } from 'typebox'
import { ASSET } from '../../../archive/kinds.ts'
import { createArchiveService } from '../../../archive/service.ts'
import { loadSql } from '../../../sql/queries.ts'
import { ApiError } from '../../errors.ts'
import { READERS, requireRole } from '../attacks/access.ts'
import { scopeOf } from '../archive/crud.ts'

const Params = Type.Object({ id: Type.String({ format: 'uuid' }) })
const Observed = Type.Object({
  address: Type.String(),
  port: Type.Integer(),
  protocol: Type.String(),
  service: Type.String({ description: 'application protocol recognised from payload; empty when only the handshake was seen' }),
  product: Type.String(),
  evidence: Type.String(),
  first_seen: Type.String({ format: 'date-time' }),
  last_seen: Type.String({ format: 'date-time' }),
  packets: Type.Integer(),
  sensors: Type.Array(Type.String()),
})
const Result = Type.Object({ items: Type.Array(Observed) })

interface Row { address: string; port: number; protocol: string; service: string; product: string; evidence: string; first_seen_ms: string | number; last_seen_ms: string | number; packets: string | number; sensors: string[] }

/** IPv4 networks as the IPv4-mapped IPv6 ranges addresses are stored as. */
function mapped(network: string): string {
  const [addr, len] = network.split('/')
  if (!addr || addr.includes(':')) return network.includes('/') ? network : `${network}/128`
  return `::ffff:${addr}/${96 + Number(len ?? 32)}`
}

/**
 * GET /assets/{id}/observed-services: the services passive discovery saw answering on the
 * asset's addresses (observed_services_current), to set against the services its owner declared.
 * Owners see only their own assets (404 for another organisation's, as everywhere in the archive).
 */
export default async function observedServiceRoutes(app: FastifyInstance) {
  const service = createArchiveService(app.clickhouse)
  app.get(
    '/assets/:id/observed-services',
    { schema: { tags: ['assets'], summary: 'services observed in traffic on an asset', params: Params, response: { 200: Result, 404: { $ref: 'Problem#' } } } },
    async (request) => {
      requireRole(request, READERS)
      const { id } = request.params as Static<typeof Params>
      const asset = await service.visible(ASSET, id, scopeOf(request))
      if (!asset) throw new ApiError('not_found', `no asset ${id}`)
      const rs = await app.clickhouse.query({
        query: loadSql('queries/assets/observed_services'),
        query_params: { asset: id, networks: asset.networks.map(mapped) },
        format: 'JSONEachRow',
      })
      const rows = await rs.json<Row>()
      const iso = (ms: string | number) => new Date(Number(ms)).toISOString()
      return {
        items: rows.map((r) => ({
          address: r.address, port: Number(r.port), protocol: r.protocol, service: r.service, product: r.product, evidence: r.evidence,
          first_seen: iso(r.first_seen_ms), last_seen: iso(r.last_seen_ms), packets: Number(r.packets), sensors: r.sensors,
        })),
      }
    },
  )
}
