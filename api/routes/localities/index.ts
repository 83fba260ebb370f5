import type { FastifyInstance } from 'fastify'
import { Type } from 'typebox'
import { LOCALITY, type Locality } from '../../../archive/kinds.ts'
import type { ArchiveService } from '../../../archive/service.ts'
import { registerCrud } from '../archive/crud.ts'
import { Code, Paging, Stamp, Text, sortOf } from '../archive/schemas.ts'

const Status = Type.Union([Type.Literal('active'), Type.Literal('retired')])
export const LocalityItem = Type.Object({
  code: Type.String(), name_zh: Type.String(), name_en: Type.String(), parent_code: Type.String(), status: Status, ...Stamp,
})
const Parent = Type.Union([Code, Type.Literal('')], { description: 'the town a street belongs to; empty for a top-level locality' })

/** /localities: towns and streets, an editable list; a locality may belong to a parent locality. */
export default async function localityRoutes(app: FastifyInstance, opts: { service: ArchiveService }) {
  registerCrud<Locality>(app, opts.service, {
    kind: LOCALITY, path: 'localities', item: LocalityItem,
    create: Type.Object({ code: Code, name_zh: Text(100), name_en: Text(100), parent_code: Type.Optional(Parent), status: Type.Optional(Status) }, { additionalProperties: false }),
    patch: Type.Object(
      { name_zh: Type.Optional(Text(100)), name_en: Type.Optional(Text(100)), parent_code: Type.Optional(Parent), status: Type.Optional(Status) },
      { additionalProperties: false },
    ),
    query: Type.Object({ ...Paging, sort: sortOf(Object.keys(LOCALITY.sorts)), status: Type.Optional(Status), parent: Type.Optional(Code) }, { additionalProperties: false }),
    params: Type.Object({ code: Code }),
    readers: ['admin', 'analyst', 'owner'], writers: ['admin'], editors: ['admin'],
    fromCreate: (b) => ({
      code: String(b.code), name_zh: String(b.name_zh), name_en: String(b.name_en), parent_code: String(b.parent_code ?? ''),
      status: (b.status as Locality['status']) ?? 'active',
    }),
  })
}
