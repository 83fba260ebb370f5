import type { FastifyInstance } from 'fastify'
import { Type } from 'typebox'
import { ORGANISATION, type Contact, type Organisation } from '../../../archive/kinds.ts'
import type { ArchiveService } from '../../../archive/service.ts'
import { newId, registerCrud } from '../archive/crud.ts'
import { Code, Contact as ContactSchema, Paging, Stamp, Text, Uuid, sortOf } from '../archive/schemas.ts'

const Status = Type.Union([Type.Literal('active'), Type.Literal('inactive')])
const CreditCode = Type.String({ minLength: 18, maxLength: 18, description: 'unified social credit code (GB 32100-2015), checksum validated' })
const Cso = Type.Object(
  { name: Type.Optional(Text(100)), phone: Type.Optional(Text(40)), email: Type.Optional(Text(200)), certificate: Type.Optional(Text(100)) },
  { additionalProperties: false, description: 'chief security officer' },
)
const Contacts = Type.Array(ContactSchema, { maxItems: 50 })
const Allocations = Type.Array(Type.String({ maxLength: 64 }), {
  maxItems: 1000, description: 'address blocks the centre allocated (CIDRs, host bits zero): owners register asset networks only inside them',
})
export const OrganisationItem = Type.Object({
  id: Type.String(), name: Type.String(), credit_code: Type.String(), sector: Type.String(), locality: Type.String(), address: Type.String(),
  cso: Type.Object({ name: Type.String(), phone: Type.String(), email: Type.String(), certificate: Type.String() }),
  contacts: Type.Array(Type.Object({ name: Type.String(), role: Type.String(), phone: Type.String(), email: Type.String() })),
  allocations: Type.Array(Type.String()), status: Status, ...Stamp,
})
const Editable = { name: Text(200, { minLength: 1 }), credit_code: CreditCode, sector: Code, locality: Code, address: Text(500), cso: Cso, contacts: Contacts, allocations: Allocations, status: Status }

/**
 * /organisations: the internet entities of the area. Admins register them; an owner reads and
 * edits its own record (contacts, address, chief security officer) but not its credit code,
 * sector, locality, allocations or status, which the centre decides. An allocation overlapping
 * another organisation's block needs ?allow_cross_org=true (archive/allocations.ts).
 */
export default async function organisationRoutes(app: FastifyInstance, opts: { service: ArchiveService }) {
  registerCrud<Organisation>(app, opts.service, {
    kind: ORGANISATION, path: 'organisations', item: OrganisationItem,
    create: Type.Object(
      {
        ...Editable, address: Type.Optional(Editable.address), cso: Type.Optional(Cso), contacts: Type.Optional(Contacts), allocations: Type.Optional(Allocations),
        status: Type.Optional(Status),
      },
      { additionalProperties: false },
    ),
    patch: Type.Object(Object.fromEntries(Object.entries(Editable).map(([k, v]) => [k, Type.Optional(v)])), { additionalProperties: false }),
    query: Type.Object(
      {
        ...Paging, sort: sortOf(Object.keys(ORGANISATION.sorts)), status: Type.Optional(Status), sector: Type.Optional(Code), locality: Type.Optional(Code),
        credit_code: Type.Optional(Type.String({ maxLength: 18 })), q: Type.Optional(Text(100)),
      },
      { additionalProperties: false },
    ),
    params: Type.Object({ id: Uuid }),
    readers: ['admin', 'analyst', 'owner'], writers: ['admin'], editors: ['admin', 'owner'], retirers: ['admin'],
    ownerLocked: ['credit_code', 'sector', 'locality', 'status', 'allocations'], crossOrg: true,
    fromCreate: (b) => {
      const cso = (b.cso ?? {}) as Partial<Organisation['cso']>
      return {
        id: newId(), name: String(b.name), credit_code: String(b.credit_code), sector: String(b.sector), locality: String(b.locality),
        address: String(b.address ?? ''), cso: { name: cso.name ?? '', phone: cso.phone ?? '', email: cso.email ?? '', certificate: cso.certificate ?? '' },
        contacts: (b.contacts as Contact[] | undefined) ?? [], allocations: (b.allocations as string[] | undefined) ?? [], status: (b.status as Organisation['status']) ?? 'active',
      }
    },
  })
}
