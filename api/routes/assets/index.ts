import type { FastifyInstance } from 'fastify'
import { Type, type Static } from 'typebox'
import { ASSET, ASSET_CATEGORIES, type Asset, type Contact, type Service } from '../../../archive/kinds.ts'
import { parseAssetNetwork } from '../../../archive/networks.ts'
import { etagOf, type ArchiveService } from '../../../archive/service.ts'
import { parseAddress } from '../../../detection/cidr.ts'
import { ApiError } from '../../errors.ts'
import { requireRole } from '../attacks/access.ts'
import { ItemWithOverlaps, newId, registerCrud, scopeOf } from '../archive/crud.ts'
import { Code, Contact as ContactSchema, Paging, Stamp, Text, Uuid, sortOf } from '../archive/schemas.ts'

const Status = Type.Union([Type.Literal('active'), Type.Literal('decommissioned')])
const Grade = Type.Union([Type.Literal('core'), Type.Literal('important'), Type.Literal('general')])
const Category = Type.Union(ASSET_CATEGORIES.map((c) => Type.Literal(c)))
const ServiceSchema = Type.Object(
  {
    port: Type.Integer({ minimum: 1, maximum: 65535 }),
    protocol: Type.Union([Type.Literal('tcp'), Type.Literal('udp'), Type.Literal('sctp')]),
    product: Text(100, { default: '' }),
    version: Text(100, { default: '' }),
  },
  { additionalProperties: false },
)
const Editable = {
  organisation_id: Uuid,
  name: Text(200, { minLength: 1 }),
  category: Category,
  grade: Grade,
  mlps_level: Type.Integer({ minimum: 1, maximum: 5, description: 'MLPS (等级保护) level 1–5' }),
  networks: Type.Array(Type.String({ maxLength: 64 }), { maxItems: 1000, description: 'IPv4/IPv6 addresses and CIDRs, host bits zero' }),
  domains: Type.Array(Type.String({ maxLength: 253 }), { maxItems: 1000 }),
  services: Type.Array(ServiceSchema, { maxItems: 1000 }),
  icp_filing: Text(100),
  mlps_filing: Text(100),
  tags: Type.Array(Text(64, { minLength: 1 }), { maxItems: 100 }),
  contacts: Type.Array(ContactSchema, { maxItems: 50 }),
  status: Status,
  notes: Text(10_000),
}
export const AssetItem = Type.Object({
  id: Type.String(), organisation_id: Type.String(), name: Type.String(), category: Type.String(), grade: Grade, mlps_level: Type.Integer(),
  networks: Type.Array(Type.String()), domains: Type.Array(Type.String()),
  services: Type.Array(Type.Object({ port: Type.Integer(), protocol: Type.String(), product: Type.String(), version: Type.String() })),
  icp_filing: Type.String(), mlps_filing: Type.String(), tags: Type.Array(Type.String()),
  contacts: Type.Array(Type.Object({ name: Type.String(), role: Type.String(), phone: Type.String(), email: Type.String() })),
  status: Status, notes: Type.String(), ...Stamp,
})
const REQUIRED = ['organisation_id', 'name', 'category', 'grade', 'mlps_level']
const Lookup = Type.Object({ ip: Type.String({ maxLength: 64 }) }, { additionalProperties: false })
const LookupResult = Type.Object({ network: Type.String({ description: 'the most specific network that matched' }), asset: AssetItem })

/**
 * /assets: the core systems and key platforms. Owners create, edit and decommission their own
 * organisations' assets, with networks inside their organisation's allocations; analysts read all
 * of them. Writes answer with the networks that overlap another asset's (an owner: only its own
 * organisations' assets; an exact duplicate is refused with 409), and warnings. A network
 * overlapping another organisation's block needs ?allow_cross_org=true (administrators only).
 */
export default async function assetRoutes(app: FastifyInstance, opts: { service: ArchiveService }) {
  const { service } = opts

  app.get('/assets/lookup', { schema: { tags: ['assets'], querystring: Lookup, response: { 200: LookupResult, 400: { $ref: 'Problem#' }, 404: { $ref: 'Problem#' } } } }, async (request, reply) => {
    requireRole(request, ['admin', 'analyst', 'owner'])
    const { ip } = request.query as Static<typeof Lookup>
    const parsed = parseAssetNetwork(ip.includes(':') ? `${ip}/128` : `${ip}/32`)
    if ('problem' in parsed || parseAddress(ip) === undefined) throw new ApiError('bad_request', `ip: "${ip}" is not an IPv4 or IPv6 address`)
    const found = await service.lookup(ip, scopeOf(request))
    if (!found) throw new ApiError('not_found', `no asset has a network containing ${ip}`)
    return reply.header('etag', etagOf(found.asset)).send(found)
  })

  registerCrud<Asset>(app, service, {
    kind: ASSET, path: 'assets', item: AssetItem, written: ItemWithOverlaps(AssetItem),
    create: Type.Object(
      Object.fromEntries(Object.entries(Editable).map(([k, v]) => [k, REQUIRED.includes(k) ? v : Type.Optional(v)])),
      { additionalProperties: false },
    ),
    patch: Type.Object(Object.fromEntries(Object.entries(Editable).map(([k, v]) => [k, Type.Optional(v)])), { additionalProperties: false }),
    query: Type.Object(
      {
        ...Paging, sort: sortOf(Object.keys(ASSET.sorts)), status: Type.Optional(Status), organisation: Type.Optional(Uuid), category: Type.Optional(Category),
        grade: Type.Optional(Grade), mlps_level: Type.Optional(Type.Integer({ minimum: 1, maximum: 5 })), tag: Type.Optional(Text(64)),
        domain: Type.Optional(Type.String({ maxLength: 253 })), ip: Type.Optional(Type.String({ maxLength: 64, pattern: '^[0-9A-Fa-f:.]+$' })),
        sector: Type.Optional(Code), locality: Type.Optional(Code), q: Type.Optional(Text(100)),
      },
      { additionalProperties: false },
    ),
    params: Type.Object({ id: Uuid }),
    readers: ['admin', 'analyst', 'owner'], writers: ['admin', 'owner'], editors: ['admin', 'owner'], crossOrg: true,
    fromCreate: (b) => ({
      id: newId(), organisation_id: String(b.organisation_id), name: String(b.name), category: String(b.category), grade: b.grade as Asset['grade'],
      mlps_level: Number(b.mlps_level), networks: (b.networks as string[]) ?? [], domains: (b.domains as string[]) ?? [],
      services: ((b.services as Service[]) ?? []).map((s) => ({ port: s.port, protocol: s.protocol, product: s.product ?? '', version: s.version ?? '' })),
      icp_filing: String(b.icp_filing ?? ''), mlps_filing: String(b.mlps_filing ?? ''), tags: (b.tags as string[]) ?? [],
      contacts: (b.contacts as Contact[]) ?? [], status: (b.status as Asset['status']) ?? 'active', notes: String(b.notes ?? ''),
    }),
    decorate: (object, overlaps, warnings) => ({ ...(object as object), overlaps, ...(warnings.length > 0 ? { warnings } : {}) }),
  })
}
