import { Type } from 'typebox'
import { Text } from '../archive/schemas.ts'

/** The health-check resources' schemas, shared by campaigns, findings, notices, warnings and reports. */
export const Severity = Type.Union(['critical', 'high', 'medium', 'low', 'info'].map((s) => Type.Literal(s)))
export const Sla = Type.Object(
  Object.fromEntries(['critical', 'high', 'medium', 'low'].map((s) => [s, Type.Optional(Type.Integer({ minimum: 1, maximum: 3650 }))])),
  { additionalProperties: false, description: 'days to rectify by severity, overriding the centre-wide SLA' },
)
const Id = Type.String({ format: 'uuid' })
const Nullable = <T extends ReturnType<typeof Type.String>>(t: T) => Type.Union([t, Type.Null()])
const Time = Type.String({ format: 'date-time' })

export const CampaignBody = Type.Object(
  {
    name: Text(200, { minLength: 1 }),
    year: Type.Integer({ minimum: 2000, maximum: 2100 }),
    vendors: Type.Optional(Type.Array(Text(100, { minLength: 1 }), { maxItems: 50 })),
    scope: Type.Optional(Type.Object({
      organisations: Type.Optional(Type.Array(Id, { maxItems: 10000 })),
      sectors: Type.Optional(Type.Array(Text(64), { maxItems: 100 })),
      localities: Type.Optional(Type.Array(Text(64), { maxItems: 1000 })),
      networks: Type.Optional(Type.Array(Type.String({ maxLength: 64 }), { maxItems: 10000 })),
    }, { additionalProperties: false })),
    starts_at: Type.Optional(Nullable(Time)),
    ends_at: Type.Optional(Nullable(Time)),
    sla: Type.Optional(Sla),
    status: Type.Optional(Type.Union(['planned', 'active', 'closed'].map((s) => Type.Literal(s)))),
    notes: Type.Optional(Text(10_000)),
  },
  { additionalProperties: false },
)
export const CampaignPatch = Type.Partial(CampaignBody, { additionalProperties: false })

export const CampaignItem = Type.Object({
  id: Type.String(), name: Type.String(), year: Type.Integer(), vendors: Type.Array(Type.String()),
  scope: Type.Object({ organisations: Type.Array(Type.String()), sectors: Type.Array(Type.String()), localities: Type.Array(Type.String()), networks: Type.Array(Type.String()) }),
  starts_at: Nullable(Type.String()), ends_at: Nullable(Type.String()), sla: Type.Object({}, { additionalProperties: true }),
  status: Type.String(), notes: Type.String(), updated_at: Type.String(), changed_by: Type.String(),
})

const Counts = Object.fromEntries(['hosts', 'items', 'findings', 'observations', 'created', 'updated', 'reopened', 'mitigated', 'merged', 'matched_hosts', 'unregistered_hosts', 'out_of_scope_hosts'].map((k) => [k, Type.Integer()]))
export const UploadItem = Type.Object({
  id: Type.String(), campaign_id: Type.String(), sha256: Type.String(), file_name: Type.String(), size: Type.Integer(), format: Type.String(),
  vendor: Type.String(), uploaded_by: Type.String(), uploaded_at: Type.String(), notes: Type.Array(Type.String()), ...Counts,
})
export const UploadResult = Type.Object({ status: Type.Union([Type.Literal('imported'), Type.Literal('already_imported')]), upload: UploadItem })

export const UnregisteredItem = Type.Object({
  host: Type.String(), address: Type.String(), hostname: Type.String(), findings: Type.Integer(), observations: Type.Integer(),
  first_seen: Type.String(), last_seen: Type.String(), uploads: Type.Integer(),
})

export const FindingItem = Type.Object({
  id: Type.String(), campaign_id: Type.String(), host: Type.String(), address: Type.String(), hostname: Type.String(),
  asset_id: Nullable(Type.String()), asset_name: Type.String(), grade: Type.String(), org_id: Nullable(Type.String()), org_name: Type.String(),
  sector: Type.String(), locality: Type.String(), port: Type.Integer(), protocol: Type.String(), service: Type.String(), product: Type.String(),
  version: Type.String(), title: Type.String(), severity: Type.String(), scanner: Type.String(), scanner_id: Type.String(), cves: Type.Array(Type.String()),
  cwes: Type.Array(Type.String()), cvss: Type.Number(), description: Type.String(), evidence: Type.String(), solution: Type.String(),
  vendors: Type.Array(Type.String()), state: Type.String(), risk_expires_at: Nullable(Type.String()), state_note: Type.String(),
  first_seen: Type.String(), last_seen: Type.String(), updated_at: Type.String(), changed_by: Type.String(),
})
export const FindingVersion = Type.Object({
  version_at: Type.String(), event: Type.String(), state: Type.String(), state_note: Type.String(), changed_by: Type.String(), upload_id: Type.String(),
  severity: Type.String(), last_seen: Type.String(), vendors: Type.Array(Type.String()),
})

const NoticeItemSchema = Type.Object({
  finding_id: Type.Optional(Type.String()), asset_id: Type.String(), asset_name: Type.String(), host: Type.String(), port: Type.Integer(),
  protocol: Type.String(), title: Type.String(), severity: Type.String(), cves: Type.Array(Type.String()), solution: Type.String(),
  sources: Type.Optional(Type.Array(Type.String())), days: Type.Optional(Type.Integer()),
})
export const NoticeItem = Type.Object({
  id: Type.String(), kind: Type.String(), number: Type.String(), campaign_id: Nullable(Type.String()), org_id: Type.String(), org_name: Type.String(),
  copy_to: Type.Object({ sector: Type.String(), locality: Type.String() }), title: Type.String(), severity: Type.String(),
  finding_ids: Type.Array(Type.String()), incident_id: Type.String(), characteristic: Type.Object({}, { additionalProperties: true }),
  items: Type.Array(NoticeItemSchema), issued_at: Type.String(), due_at: Type.String(), state: Type.String(), overdue: Type.Boolean(),
  escalated_at: Nullable(Type.String()), owner_note: Type.String(), evidence: Type.String(), verify_note: Type.String(),
  event: Type.String(), event_note: Type.String(), updated_at: Type.String(), changed_by: Type.String(),
})

export const Characteristic = Type.Object(
  {
    cve: Type.Optional(Type.String({ pattern: '^[Cc][Vv][Ee]-\\d{4}-\\d{4,7}$' })),
    product: Type.Optional(Text(100, { minLength: 2 })),
    version: Type.Optional(Text(50)),
    port: Type.Optional(Type.Integer({ minimum: 1, maximum: 65535 })),
    protocol: Type.Optional(Type.Union([Type.Literal('tcp'), Type.Literal('udp')])),
  },
  { additionalProperties: false },
)
export const SimilarItem = Type.Object({
  asset_id: Type.String(), asset_name: Type.String(), org_id: Type.String(), org_name: Type.String(), sector: Type.String(), locality: Type.String(),
  grade: Type.String(), sources: Type.Array(Type.String()), evidence: Type.Array(Type.String()), ports: Type.Array(Type.Integer()),
})

export const Items = <T extends Parameters<typeof Type.Array>[0]>(item: T) => Type.Object({ items: Type.Array(item) })
export const Page = <T extends Parameters<typeof Type.Array>[0]>(item: T) => Type.Object({ items: Type.Array(item), total: Type.Integer(), limit: Type.Integer(), offset: Type.Integer() })
export const IdParams = Type.Object({ id: Id })
export const Problems = { 400: { $ref: 'Problem#' }, 403: { $ref: 'Problem#' }, 404: { $ref: 'Problem#' }, 409: { $ref: 'Problem#' }, 422: { $ref: 'Problem#' } }
