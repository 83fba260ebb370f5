import type { App } from '../../api/app.ts'

// The API's operations as its OpenAPI document lists them, and values that pass their schemas.

export interface Schema {
  type?: string | string[]
  format?: string
  properties?: Record<string, Schema>
  required?: string[]
  items?: Schema
  enum?: unknown[]
  const?: unknown
  anyOf?: Schema[]
  oneOf?: Schema[]
  minimum?: number
  maximum?: number
  minLength?: number
  maxLength?: number
  pattern?: string
}

export interface Operation {
  method: string
  path: string
  query: string[]
  querySchema: Record<string, Schema>
  body?: Schema
}

/**
 * A value that passes the schema's types and formats but is as awkward as it can be: the longest
 * allowed text with quotes and SQL, boundary numbers, far dates, the nil UUID.
 */
export function awkward(schema: Schema | undefined, seed: number, depth = 0): unknown {
  if (!schema || depth > 6) return null
  if (schema.const !== undefined) return schema.const
  if (schema.enum) return schema.enum[seed % schema.enum.length]
  const alternatives = schema.anyOf ?? schema.oneOf
  if (alternatives) return awkward(alternatives[seed % alternatives.length], seed, depth + 1)
  const type = Array.isArray(schema.type) ? schema.type[seed % schema.type.length] : schema.type
  switch (type) {
    case 'object': {
      const out: Record<string, unknown> = {}
      for (const [k, v] of Object.entries(schema.properties ?? {})) if (schema.required?.includes(k) || seed % 2 === 0) out[k] = awkward(v, seed + k.length, depth + 1)
      return out
    }
    case 'array':
      return seed % 3 === 0 ? [] : [awkward(schema.items, seed, depth + 1), awkward(schema.items, seed + 1, depth + 1)]
    case 'integer':
    case 'number':
      return [schema.minimum ?? 0, schema.maximum ?? 2_147_483_647, schema.minimum ?? -1][seed % 3]
    case 'boolean':
      return seed % 2 === 0
    case 'string': {
      if (schema.format === 'uuid') return ['00000000-0000-4000-8000-000000000000', 'ffffffff-ffff-4fff-bfff-ffffffffffff'][seed % 2]
      if (schema.format === 'date-time') return ['1970-01-01T00:00:00Z', '2999-12-31T23:59:59Z', '2026-11-26T00:00:00Z'][seed % 3]
      if (schema.format === 'date') return '2026-11-26'
      if (schema.format === 'email') return 'a@b.example'
      if (schema.format === 'ipv4') return '10.0.0.1'
      if (schema.pattern) return undefined
      const text = ["x' OR '1'='1", '漢字😀', '../..', 'x'][seed % 4]!
      const max = schema.maxLength ?? 300
      const min = schema.minLength ?? 0
      return text.repeat(Math.max(1, Math.ceil(Math.min(max, Math.max(min, 40)) / text.length))).slice(0, max).padEnd(min, 'x')
    }
    case 'null':
      return null
    default:
      return 'x'
  }
}

/** Every operation of the app's OpenAPI document, with its query parameters and JSON body schema. */
export async function listOperations(app: App): Promise<Operation[]> {
  const spec = (await app.inject({ method: 'GET', url: '/docs/json' })).json() as {
    paths: Record<string, Record<string, { parameters?: { in: string; name: string; schema?: Schema }[]; requestBody?: { content?: Record<string, { schema?: Schema }> } }>>
  }
  return Object.entries(spec.paths).flatMap(([path, methods]) =>
    Object.entries(methods)
      .filter(([m]) => ['get', 'post', 'put', 'patch', 'delete'].includes(m))
      .map(([method, op]) => {
        const queryParams = (op.parameters ?? []).filter((p) => p.in === 'query')
        return {
          method: method.toUpperCase(),
          path,
          query: queryParams.map((p) => p.name),
          querySchema: Object.fromEntries(queryParams.map((p) => [p.name, p.schema ?? {}])),
          body: op.requestBody?.content?.['application/json']?.schema,
        }
      }),
  )
}
