import { randomUUID } from 'node:crypto'
import type { FastifyInstance } from 'fastify'
import { Type, type Static } from 'typebox'
import { parseNetwork } from '../../../detection/cidr.ts'
import { RULE_IDS } from '../../../detection/rules.ts'
import { ApiError } from '../../errors.ts'
import { requireRole } from '../attacks/access.ts'

const Entry = Type.Object({
  id: Type.String({ format: 'uuid' }),
  source: Type.String(),
  target: Type.String(),
  rules: Type.Array(Type.String()),
  reason: Type.String(),
  expires_at: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
  changed_by: Type.String(),
  version_at: Type.String(),
})
const Create = Type.Object(
  {
    source: Type.String({ maxLength: 64, description: 'attacker-side address or CIDR (an authorised scanner, a backup peer)' }),
    target: Type.Optional(Type.String({ maxLength: 64, description: 'victim-side address or CIDR; absent covers every target' })),
    rules: Type.Optional(Type.Array(Type.Union(RULE_IDS.map((r) => Type.Literal(r))), { maxItems: 16 })),
    reason: Type.String({ minLength: 3, maxLength: 1000 }),
    expires_at: Type.Optional(Type.String({ format: 'date-time' })),
  },
  { additionalProperties: false },
)
const Params = Type.Object({ id: Type.String({ format: 'uuid' }) })

interface Row {
  id: string
  source_cidr: string
  target_cidr: string
  rules: string[]
  reason: string
  expires_ms: number | null
  status: string
  changed_by: string
  version_at: string
}

/** /allowlist: detections from authorised sources are suppressed, with the reason on record. */
export default async function allowlistRoutes(app: FastifyInstance) {
  async function current(id?: string): Promise<Row[]> {
    const rs = await app.clickhouse.query({
      query: `SELECT id, source_cidr, target_cidr, rules, reason, toUnixTimestamp64Milli(expires_at) AS expires_ms,
                toString(status) AS status, changed_by, toString(version_at) AS version_at
              FROM allowlist WHERE ({id:String} = '' OR id = toUUIDOrZero({id:String}))
              ORDER BY id, version_at DESC LIMIT 1 BY id`,
      query_params: { id: id ?? '' },
      format: 'JSONEachRow',
    })
    return (await rs.json<Row>()).filter((r) => r.status === 'active')
  }
  const toEntry = (r: Row): Static<typeof Entry> => ({
    id: r.id, source: r.source_cidr, target: r.target_cidr, rules: r.rules, reason: r.reason,
    expires_at: r.expires_ms === null ? null : new Date(r.expires_ms).toISOString(), changed_by: r.changed_by, version_at: r.version_at,
  })

  app.get('/allowlist', { schema: { tags: ['allowlist'], response: { 200: Type.Object({ items: Type.Array(Entry) }) } } }, async (request) => {
    requireRole(request, ['admin', 'analyst'])
    return { items: (await current()).map(toEntry) }
  })

  app.post('/allowlist', { schema: { tags: ['allowlist'], body: Create, response: { 201: Entry } } }, async (request, reply) => {
    const caller = requireRole(request, ['admin'])
    const body = request.body as Static<typeof Create>
    const source = parseNetwork(body.source)
    if (!source) throw new ApiError('bad_request', `source "${body.source}" is not an address or CIDR`)
    const target = body.target ? parseNetwork(body.target) : undefined
    if (body.target && !target) throw new ApiError('bad_request', `target "${body.target}" is not an address or CIDR`)
    const id = randomUUID()
    await app.clickhouse.insert({
      table: 'allowlist',
      values: [{
        id, source_cidr: source.text, target_cidr: target?.text ?? '', rules: body.rules ?? [], reason: body.reason,
        expires_at: body.expires_at ? new Date(body.expires_at).toISOString().replace('T', ' ').replace('Z', '') : null,
        status: 'active', changed_by: caller.name,
      }],
      format: 'JSONEachRow',
    })
    const [row] = await current(id)
    return reply.code(201).send(toEntry(row!))
  })

  app.delete('/allowlist/:id', { schema: { tags: ['allowlist'], params: Params, response: { 204: Type.Null() } } }, async (request, reply) => {
    const caller = requireRole(request, ['admin'])
    const { id } = request.params as Static<typeof Params>
    const [row] = await current(id)
    if (!row) throw new ApiError('not_found', `no allow-list entry ${id}`)
    await app.clickhouse.insert({
      table: 'allowlist',
      values: [{ id, source_cidr: row.source_cidr, target_cidr: row.target_cidr, rules: row.rules, reason: row.reason, expires_at: null, status: 'deleted', changed_by: caller.name }],
      format: 'JSONEachRow',
    })
    return reply.code(204).send()
  })
}
