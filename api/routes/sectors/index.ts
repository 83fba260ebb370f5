import type { FastifyInstance } from 'fastify'
import { Type } from 'typebox'
import { SECTOR, type Sector } from '../../../archive/kinds.ts'
import type { ArchiveService } from '../../../archive/service.ts'
import { registerCrud } from '../archive/crud.ts'
import { Code, Paging, Stamp, Text, sortOf } from '../archive/schemas.ts'

const Status = Type.Union([Type.Literal('active'), Type.Literal('retired')])
export const SectorItem = Type.Object({ code: Type.String(), name_zh: Type.String(), name_en: Type.String(), status: Status, ...Stamp })
const Fields = { name_zh: Text(100), name_en: Text(100) }

/** /sectors: the sector regulators (education, health, …): an editable list, read by everyone in the archive. */
export default async function sectorRoutes(app: FastifyInstance, opts: { service: ArchiveService }) {
  registerCrud<Sector>(app, opts.service, {
    kind: SECTOR, path: 'sectors', item: SectorItem,
    create: Type.Object({ code: Code, ...Fields, status: Type.Optional(Status) }, { additionalProperties: false }),
    patch: Type.Object({ name_zh: Type.Optional(Fields.name_zh), name_en: Type.Optional(Fields.name_en), status: Type.Optional(Status) }, { additionalProperties: false }),
    query: Type.Object({ ...Paging, sort: sortOf(Object.keys(SECTOR.sorts)), status: Type.Optional(Status) }, { additionalProperties: false }),
    params: Type.Object({ code: Code }),
    readers: ['admin', 'analyst', 'owner'], writers: ['admin'], editors: ['admin'],
    fromCreate: (b) => ({ code: String(b.code), name_zh: String(b.name_zh), name_en: String(b.name_en), status: (b.status as Sector['status']) ?? 'active' }),
  })
}
