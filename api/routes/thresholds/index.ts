import type { FastifyInstance } from 'fastify'
import { Type, type Static } from 'typebox'
import { isOverridable, loadOverrides } from '../../../detection/overrides.ts'
import { isThresholdName, THRESHOLDS, type ThresholdName } from '../../../detection/thresholds.ts'
import { ApiError } from '../../errors.ts'
import { requireRole } from '../attacks/access.ts'

const Override = Type.Object({
  name: Type.String({ description: 'rule.param, e.g. port_scan.min_ports' }),
  scope: Type.Union([Type.Literal('grade'), Type.Literal('asset')]),
  scope_value: Type.String({ maxLength: 64, description: 'core, important, general, or an asset id' }),
  value: Type.Number({ exclusiveMinimum: 0 }),
})
const Thresholds = Type.Object({
  defaults: Type.Array(Type.Object({ name: Type.String(), value: Type.Number(), default: Type.Number(), unit: Type.String(), origin: Type.String() })),
  overrides: Type.Array(Override),
})
const Remove = Type.Object({ name: Type.String(), scope: Type.Union([Type.Literal('grade'), Type.Literal('asset')]), scope_value: Type.String({ maxLength: 64 }) }, { additionalProperties: false })

/**
 * /detection/thresholds: the centre-wide values in force (defaults and HOLOWATCH_DETECT_THRESHOLDS)
 * and the overrides per asset grade and per asset, which admins set here.
 */
export default async function thresholdRoutes(app: FastifyInstance, opts: { current: () => Record<ThresholdName, number> }) {
  async function state() {
    const o = await loadOverrides(app.clickhouse)
    const overrides: Static<typeof Override>[] = []
    for (const [scope, map] of [['grade', o.byGrade], ['asset', o.byAsset]] as const) {
      for (const [scopeValue, partial] of map) {
        for (const [name, value] of Object.entries(partial)) overrides.push({ name, scope, scope_value: scopeValue, value: value as number })
      }
    }
    const values = opts.current()
    const defaults = Object.entries(THRESHOLDS).map(([name, spec]) => ({ name, value: values[name as ThresholdName], default: spec.default, unit: spec.unit, origin: spec.origin }))
    return { defaults, overrides }
  }

  async function write(body: Static<typeof Override>, status: 'active' | 'deleted', by: string): Promise<void> {
    if (!isThresholdName(body.name)) throw new ApiError('bad_request', `unknown threshold ${body.name}`)
    if (!isOverridable(body.name)) throw new ApiError('bad_request', `${body.name} is a window length: set it centre-wide (HOLOWATCH_DETECT_THRESHOLDS)`)
    if (body.scope === 'grade' && !['core', 'important', 'general'].includes(body.scope_value)) throw new ApiError('bad_request', 'grade must be core, important or general')
    if (body.scope === 'asset' && !/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(body.scope_value)) throw new ApiError('bad_request', 'scope_value must be an asset id')
    const [rule, param] = body.name.split('.')
    await app.clickhouse.insert({
      table: 'detection_thresholds',
      values: [{ rule, param, scope: body.scope, scope_value: body.scope_value.toLowerCase(), value: body.value, status, changed_by: by }],
      format: 'JSONEachRow',
    })
  }

  app.get('/detection/thresholds', { schema: { tags: ['detection'], response: { 200: Thresholds } } }, async (request) => {
    requireRole(request, ['admin', 'analyst'])
    return state()
  })

  app.put('/detection/thresholds', { schema: { tags: ['detection'], body: Override, response: { 200: Thresholds } } }, async (request) => {
    const caller = requireRole(request, ['admin'])
    await write(request.body as Static<typeof Override>, 'active', caller.name)
    return state()
  })

  app.delete('/detection/thresholds', { schema: { tags: ['detection'], body: Remove, response: { 200: Thresholds } } }, async (request) => {
    const caller = requireRole(request, ['admin'])
    await write({ ...(request.body as Static<typeof Remove>), value: 1 }, 'deleted', caller.name)
    return state()
  })
}
