import { Type, type TSchema } from 'typebox'

/** Shared pieces of the archive schemas. Text fields refuse control characters. */
export const Text = (maxLength: number, extra: Record<string, unknown> = {}) =>
  Type.String({ maxLength, pattern: '^[^\\u0000-\\u0008\\u000b\\u000c\\u000e-\\u001f\\u007f]*$', ...extra })
export const Code = Type.String({ pattern: '^[a-z0-9][a-z0-9_-]{0,63}$', description: 'lower-case letters, digits, _ and -' })
export const Uuid = Type.String({ format: 'uuid' })
export const Stamp = {
  version_at: Type.String({ format: 'date-time', description: 'when this version was written (microseconds)' }),
  changed_by: Type.String({ description: 'the token name that wrote it' }),
}
export const Contact = Type.Object(
  { name: Text(100), role: Text(100, { default: '' }), phone: Text(40, { default: '' }), email: Text(200, { default: '' }) },
  { additionalProperties: false },
)
export const Overlap = Type.Object({ network: Type.String(), other_asset_id: Type.String(), other_network: Type.String() })

export const Paging = {
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, default: 50 })),
  offset: Type.Optional(Type.Integer({ minimum: 0, maximum: 1_000_000, default: 0 })),
  order: Type.Optional(Type.Union([Type.Literal('asc'), Type.Literal('desc')])),
  as_of: Type.Optional(Type.String({ format: 'date-time', description: 'the archive as it was at this time' })),
}
export const AsOf = Type.Object({ as_of: Type.Optional(Type.String({ format: 'date-time' })) }, { additionalProperties: false })

export const sortOf = (keys: string[]) => Type.Optional(Type.Union(keys.map((k) => Type.Literal(k))))
export const listOf = (item: TSchema) =>
  Type.Object({ items: Type.Array(item), total: Type.Integer(), limit: Type.Integer(), offset: Type.Integer(), as_of: Type.Union([Type.String(), Type.Null()]) })
export const historyOf = (item: TSchema) => Type.Object({ items: Type.Array(item) })
