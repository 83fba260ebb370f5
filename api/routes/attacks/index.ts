import type { FastifyInstance } from 'fastify'
import type { Static } from 'typebox'
import { createIncidentStore } from '../../../detection/store.ts'
import type { IncidentState } from '../../../detection/incident.ts'
import { auditedWrite, type Changes } from '../../../archive/audit.ts'
import { ApiError } from '../../errors.ts'
import { actorOf } from '../archive/actor.ts'
import { READERS, requireRole, scopeOrgs } from './access.ts'
import {
  incidentHistory, incidentSamples, incidentTraffic, listAttacks, type AttackRow,
} from './queries.ts'
import { Attack, AttackDetail, AttackDetailQuery, AttackList, AttackParams, AttackPatch, AttackQuery } from './schemas.ts'

const NIL = '00000000-0000-0000-0000-000000000000'
const iso = (ms: number) => new Date(ms).toISOString()
const DEFAULT_RANGE_MS = 30 * 24 * 3_600_000

/** Analysts may move an incident along; a closed one only reopens. */
const TRANSITIONS: Record<IncidentState, IncidentState[]> = {
  open: ['acknowledged', 'resolved', 'false_positive'],
  acknowledged: ['open', 'resolved', 'false_positive'],
  resolved: ['open'],
  false_positive: ['open'],
}

export function toAttack(r: AttackRow): Static<typeof Attack> {
  return {
    id: r.id, rule: r.rule, severity: r.severity, state: r.state, source: r.source, sources: r.sources, source_count: r.source_count,
    targets: r.targets, target_count: r.target_count, ports: r.ports, protocols: r.protocols,
    asset: {
      id: r.asset_id === NIL ? null : r.asset_id, name: r.asset_name, organisation_id: r.org_id === NIL ? null : r.org_id,
      organisation_name: r.org_name, sector: r.sector, locality: r.locality, grade: r.grade,
    },
    asset_ids: r.asset_ids, first_seen: iso(r.first_seen_ms), last_seen: iso(r.last_seen_ms), peak: r.peak, peak_unit: r.peak_unit,
    alert_count: r.alert_count, packets: r.packets, bytes: r.bytes, flows: r.flows,
    details: JSON.parse(r.details || '{}') as Record<string, unknown>, updated_at: iso(r.updated_ms),
  }
}

/**
 * /attacks: incidents found by detection. Analysts and admins see all of them, owners only those
 * on their organisations' assets; analysts and admins change the state, owners may add notes on
 * their own incidents. Every change is a new row of incident_states (who, from where, before, after).
 */
export default async function attackRoutes(app: FastifyInstance) {
  const store = createIncidentStore(app.clickhouse)

  app.get('/attacks', { schema: { tags: ['attacks'], querystring: AttackQuery, response: { 200: AttackList } } }, async (request) => {
    const caller = requireRole(request, READERS)
    const q = request.query as AttackQuery
    const to = q.to ? Date.parse(q.to) : Date.now()
    const from = q.from ? Date.parse(q.from) : to - DEFAULT_RANGE_MS
    if (from >= to) throw new ApiError('bad_request', 'from must be before to')
    if (q.source && !/^[0-9a-fA-F:.]+(\/\d{1,3})?$/.test(q.source)) throw new ApiError('bad_request', 'source must be an address or CIDR')
    const limit = q.limit ?? 50
    const offset = q.offset ?? 0
    const { rows, total } = await listAttacks(app.clickhouse, {
      from, to, rules: q.rule, severities: q.severity, states: q.state, asset: q.asset, organisation: q.organisation,
      sector: q.sector, locality: q.locality, source: q.source ? cidrOf(q.source) : undefined, port: q.port,
      scopeOrgs: scopeOrgs(caller), sort: q.sort ?? 'last_seen', order: q.order ?? 'desc', limit, offset,
    })
    return { items: rows.map(toAttack), total, limit, offset }
  })

  async function load(request: { params: unknown }, caller: ReturnType<typeof requireRole>): Promise<AttackRow> {
    const { id } = request.params as Static<typeof AttackParams>
    const { rows } = await listAttacks(app.clickhouse, {
      from: 0, to: Date.parse('2200-01-01'), id, scopeOrgs: scopeOrgs(caller), sort: 'last_seen', order: 'desc', limit: 1, offset: 0,
    })
    if (!rows[0]) throw new ApiError('not_found', `no attack ${id}`)
    return rows[0]
  }

  app.get(
    '/attacks/:id',
    { schema: { tags: ['attacks'], params: AttackParams, querystring: AttackDetailQuery, response: { 200: AttackDetail, 404: { $ref: 'Problem#' } } } },
    async (request) => {
      const caller = requireRole(request, READERS)
      const row = await load(request, caller)
      const { samples = 20 } = request.query as Static<typeof AttackDetailQuery>
      const q = { from: row.first_seen_ms, to: row.last_seen_ms, attackers: row.source ? [row.source] : row.rule === 'exposed_service' ? row.sources : [], targets: row.targets }
      const [traffic, sampleRows, history] = await Promise.all([
        incidentTraffic(app.clickhouse, q),
        samples > 0 ? incidentSamples(app.clickhouse, q, samples) : Promise.resolve([]), incidentHistory(app.clickhouse, row.id),
      ])
      return {
        // The facts count the same flows as the timeline, the sources and the ports below.
        ...toAttack(row), ...traffic.totals,
        timeline: traffic.timeline.map(({ minute_ms, ...t }) => ({ minute: iso(minute_ms), ...t })),
        top_sources: traffic.topSources.map((s) => ({ ...s, address: displayAddress(s.address) })),
        port_list: traffic.ports,
        samples: sampleRows.map(({ start_ms, end_ms, src, dst, ...s }) => ({ start: iso(start_ms), end: iso(end_ms), src: displayAddress(src), dst: displayAddress(dst), ...s })),
        history: history.map(({ at_ms, ...h }) => ({ ...h, at: iso(at_ms) })),
      }
    },
  )

  app.patch(
    '/attacks/:id',
    { schema: { tags: ['attacks'], params: AttackParams, body: AttackPatch, response: { 200: Attack, 404: { $ref: 'Problem#' }, 409: { $ref: 'Problem#' } } } },
    async (request) => {
      const caller = requireRole(request, READERS)
      const body = request.body as AttackPatch
      if (caller.role === 'owner' && body.state) throw new ApiError('forbidden', 'owners may add notes; analysts change the state')
      const row = await load(request, caller)
      const current = row.state as IncidentState
      const next = body.state ?? current
      if (next !== current && !TRANSITIONS[current].includes(next)) {
        throw new ApiError('conflict', `an incident that is ${current} cannot become ${next}`)
      }
      // The central audit log has every write too, beside the incident's own state history.
      const changes: Changes = next !== current ? { state: [current, next] } : {}
      if (body.note) changes.note = [null, body.note]
      await auditedWrite(app.clickhouse, actorOf(request), [{ action: 'update', objectType: 'incident', objectId: row.id, changes }], () =>
        store.appendStates([{ incidentId: row.id, state: next, previousState: current, note: body.note ?? '', changedBy: caller.name, changedFrom: request.ip }]))
      return toAttack((await load(request, caller)))
    },
  )
}

function cidrOf(source: string): string {
  return source.includes('/') ? source : `${source}/${source.includes(':') ? 128 : 32}`
}

function displayAddress(text: string): string {
  return text.startsWith('::ffff:') && text.includes('.') ? text.slice(7) : text
}
