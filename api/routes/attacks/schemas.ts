import { Type, type Static } from 'typebox'
import { RULE_IDS } from '../../../detection/rules.ts'
import { SEVERITIES, STATES } from '../../../detection/incident.ts'
import { ATTACK_SORTS } from './queries.ts'

const literals = <T extends readonly string[]>(values: T) => Type.Union(values.map((v) => Type.Literal(v)))
const Uuid = Type.String({ format: 'uuid' })
const Time = Type.String({ format: 'date-time', description: 'ISO 8601, UTC' })

export const AttackQuery = Type.Object(
  {
    from: Type.Optional(Time),
    to: Type.Optional(Time),
    rule: Type.Optional(Type.Array(literals(RULE_IDS))),
    severity: Type.Optional(Type.Array(literals(SEVERITIES))),
    state: Type.Optional(Type.Array(literals(STATES))),
    asset: Type.Optional(Uuid),
    organisation: Type.Optional(Uuid),
    sector: Type.Optional(Type.String({ maxLength: 64 })),
    locality: Type.Optional(Type.String({ maxLength: 64 })),
    source: Type.Optional(Type.String({ maxLength: 64, description: 'attacker address or CIDR' })),
    port: Type.Optional(Type.Integer({ minimum: 0, maximum: 65535, description: 'destination port touched' })),
    sort: Type.Optional(literals(Object.keys(ATTACK_SORTS) as (keyof typeof ATTACK_SORTS)[])),
    order: Type.Optional(literals(['asc', 'desc'] as const)),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 50 })),
    offset: Type.Optional(Type.Integer({ minimum: 0, maximum: 1_000_000, default: 0 })),
  },
  { additionalProperties: false },
)
export type AttackQuery = Static<typeof AttackQuery>

const AssetRef = Type.Object({ id: Type.Union([Uuid, Type.Null()]), name: Type.String(), organisation_id: Type.Union([Uuid, Type.Null()]), organisation_name: Type.String(), sector: Type.String(), locality: Type.String(), grade: Type.String() })

export const Attack = Type.Object({
  id: Uuid,
  rule: Type.String(),
  severity: Type.String(),
  state: Type.String(),
  source: Type.String({ description: 'the attacker; empty for many (floods) or none (exposures)' }),
  sources: Type.Array(Type.String()),
  source_count: Type.Integer(),
  targets: Type.Array(Type.String()),
  target_count: Type.Integer(),
  ports: Type.Array(Type.Integer()),
  protocols: Type.Array(Type.Integer()),
  asset: AssetRef,
  asset_ids: Type.Array(Uuid),
  first_seen: Time,
  last_seen: Time,
  peak: Type.Number(),
  peak_unit: Type.String(),
  alert_count: Type.Integer(),
  packets: Type.Integer(),
  bytes: Type.Integer(),
  flows: Type.Integer(),
  details: Type.Record(Type.String(), Type.Unknown()),
  updated_at: Time,
})

export const AttackList = Type.Object({ items: Type.Array(Attack), total: Type.Integer(), limit: Type.Integer(), offset: Type.Integer() })

const Count = { flows: Type.Integer(), packets: Type.Integer(), bytes: Type.Integer() }
export const AttackDetail = Type.Intersect([
  Attack,
  Type.Object({
    timeline: Type.Array(Type.Object({ minute: Time, ...Count, flows_in: Type.Integer(), sources: Type.Integer() })),
    top_sources: Type.Array(Type.Object({ address: Type.String(), ...Count, ports: Type.Integer() })),
    port_list: Type.Array(Type.Object({ protocol: Type.Integer(), port: Type.Integer(), ...Count })),
    samples: Type.Array(Type.Record(Type.String(), Type.Unknown())),
    history: Type.Array(Type.Object({ state: Type.String(), previous_state: Type.String(), note: Type.String(), changed_by: Type.String(), changed_from: Type.String(), at: Time })),
  }),
])

export const AttackParams = Type.Object({ id: Uuid })
export const AttackDetailQuery = Type.Object({ samples: Type.Optional(Type.Integer({ minimum: 0, maximum: 500, default: 20 })) }, { additionalProperties: false })
export const AttackPatch = Type.Object(
  {
    state: Type.Optional(literals(STATES)),
    note: Type.Optional(Type.String({ minLength: 1, maxLength: 4000 })),
  },
  { additionalProperties: false, minProperties: 1 },
)
export type AttackPatch = Static<typeof AttackPatch>
