import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildApp, type App } from '../../api/app.ts'
import { attackListSql } from '../../api/routes/attacks/queries.ts'
import { trafficTopSql } from '../../api/routes/traffic/queries.ts'
import type { NewToken } from '../../archive/tokens.ts'
import { createLogger } from '../../core/logger.ts'
import { createMetricsRegistry } from '../../core/metrics.ts'
import { createDetector, detectorConfigFrom } from '../../detection/index.ts'
import { openTestDb, type TestDb } from '../helpers/db.ts'
import { reloadArchiveDictionary, seedAsset, seedOrganisation } from '../helpers/archive-seed.ts'
import { T0, flow, insertFlows, session, synProbe } from '../detection/scenario.ts'

// The attack, traffic and statistics API over incidents the detector found in synthetic flows.
// Callers are real API tokens issued in beforeAll and sent as bearer tokens.
const SCHOOL = '0a000000-0000-4000-8000-00000000000a'
const HOSPITAL = '0a000000-0000-4000-8000-00000000000b'
const SCHOOL_WEB = '0b000000-0000-4000-8000-00000000000a'
const HIS = '0b000000-0000-4000-8000-00000000000b'
const CALLERS: Record<string, NewToken> = {
  admin: { role: 'admin', name: 'admin-token' },
  analyst: { role: 'analyst', name: 'analyst-li' },
  school: { role: 'owner', orgs: [SCHOOL], name: 'school-cso' },
  vendor: { role: 'vendor', name: 'vendor-x' },
}
const ACTOR = { name: 'test-setup', role: 'admin', address: '127.0.0.1', via: 'cli' } as const
const range = (a: number, b: number) => Array.from({ length: b - a + 1 }, (_, i) => a + i)

describe('attacks, traffic and stats API', () => {
  let db: TestDb
  let app: App
  const tokens: Record<string, string> = {}
  const as = (who: string | undefined) => (who ? { authorization: `Bearer ${tokens[who]}` } : {})
  const get = async (url: string, who = 'analyst') => app.inject({ method: 'GET', url, headers: as(who) })

  beforeAll(async () => {
    db = await openTestDb()
    const ch = db.clickhouse
    await seedOrganisation(ch, { id: SCHOOL, name: 'No. 1 Middle School', sector: 'education', locality: 'east-street' })
    await seedOrganisation(ch, { id: HOSPITAL, name: 'County Hospital', sector: 'health', locality: 'west-town' })
    await seedAsset(ch, { id: SCHOOL_WEB, org_id: SCHOOL, name: 'school web', grade: 'important', networks: ['10.20.0.5/32'] })
    await seedAsset(ch, { id: HIS, org_id: HOSPITAL, name: 'HIS', grade: 'core', networks: ['10.30.0.5/32'] })
    await reloadArchiveDictionary(ch)
    await insertFlows(ch, [
      ...range(1, 30).flatMap((p) => synProbe('198.51.100.1', '10.20.0.5', p, T0 + p * 100)), // scan of the school
      ...range(0, 11).flatMap((s) => session('203.0.113.9', '10.30.0.5', 3389, T0 + s * 4000, 5, 50000 + s)), // RDP brute force on the hospital
      ...range(0, 99).map((n) => flow(`192.0.2.${n}`, '10.20.0.5', T0 + 120_000 + n, { dst_port: 443, packets: 20, bytes: 20_000 })),
    ])
    const detector = createDetector(detectorConfigFrom(db.config), { clickhouse: ch, logger: createLogger('silent') })
    await detector.runWindow(T0 - 3_600_000, T0 + 3_600_000)
    app = await buildApp({ config: db.config, clickhouse: ch, engine: 'embedded', metrics: createMetricsRegistry() }, { logger: false })
    await app.ready()
    for (const [who, spec] of Object.entries(CALLERS)) tokens[who] = (await app.tokens.create(spec, ACTOR)).token
  })
  afterAll(async () => {
    await app.close()
    await db.close()
  })

  const window = `from=${new Date(T0 - 3_600_000).toISOString()}&to=${new Date(T0 + 3_600_000).toISOString()}`

  it('lists incidents with asset, organisation, sector, locality and grade; paged and sorted', async () => {
    const res = await get(`/api/v1/attacks?${window}&sort=severity&order=desc`)
    expect(res.statusCode).toBe(200)
    const body = res.json()
    expect(body).toMatchObject({ total: 3, limit: 50, offset: 0 })
    // Both hospital incidents are high (a core asset); the scan of an important one is low.
    expect(body.items.map((i: { severity: string }) => i.severity)).toEqual(['high', 'high', 'low'])
    expect(body.items[2].rule).toBe('port_scan')
    const scan = body.items.find((i: { rule: string }) => i.rule === 'port_scan')
    expect(scan).toMatchObject({
      source: '198.51.100.1', targets: ['10.20.0.5'], state: 'open', severity: 'low',
      asset: { id: SCHOOL_WEB, name: 'school web', organisation_id: SCHOOL, organisation_name: 'No. 1 Middle School', sector: 'education', locality: 'east-street', grade: 'important' },
    })
    expect(scan.ports).toHaveLength(30)
    const page = (await get(`/api/v1/attacks?${window}&limit=1&offset=1&sort=first_seen&order=asc`)).json()
    expect(page).toMatchObject({ total: 3, limit: 1, offset: 1 })
    expect(page.items).toHaveLength(1)
  })

  it('filters by rule, severity, organisation, sector, locality, source CIDR and port', async () => {
    const ids = async (q: string) => {
      const res = await get(`/api/v1/attacks?${window}&${q}`)
      expect(res.statusCode, res.body).toBe(200)
      return res.json().items.map((i: { rule: string; severity: string }) => `${i.rule}`).sort()
    }
    expect(await ids('rule=brute_force')).toEqual(['brute_force'])
    expect(await ids('severity=high&severity=critical')).toEqual(['brute_force', 'exposed_service'])
    expect(await ids(`organisation=${HOSPITAL}`)).toEqual(['brute_force', 'exposed_service'])
    expect(await ids('sector=education')).toEqual(['port_scan'])
    expect(await ids('locality=west-town')).toEqual(['brute_force', 'exposed_service'])
    expect(await ids('source=198.51.100.0/24')).toEqual(['port_scan'])
    expect(await ids('source=203.0.113.9')).toEqual(['brute_force', 'exposed_service'])
    expect(await ids('port=3389')).toEqual(['brute_force', 'exposed_service'])
    expect(await ids('state=acknowledged')).toEqual([])
    expect((await get(`/api/v1/attacks?${window}&sort=nope`)).statusCode).toBe(400)
    expect((await get(`/api/v1/attacks?${window}&source=not-an-ip`)).statusCode).toBe(400)
  })

  it('sort keys come from an allow-list: the SQL carries only the chosen fragment', () => {
    expect(attackListSql('peak', 'asc')).toContain('ORDER BY peak ASC, id')
    expect(trafficTopSql('organisation', 'packets')).toContain('toString(side_org) AS key')
    expect(trafficTopSql('source', 'flows')).toContain('ORDER BY flows_sum DESC')
  })

  it('an incident with its per-minute timeline, top sources, ports and sample flows, whose figures agree', async () => {
    const list = (await get(`/api/v1/attacks?${window}&rule=port_scan`)).json()
    const res = await get(`/api/v1/attacks/${list.items[0].id}?samples=5`)
    expect(res.statusCode).toBe(200)
    const d = res.json()
    // The attack's traffic (attacker to target): the facts, the timeline, the sources and the ports count the same flows.
    expect(d).toMatchObject({ flows: 30, packets: 30, bytes: 30 * 44 })
    expect(d.timeline).toEqual([{ minute: new Date(T0).toISOString(), flows: 30, flows_in: 30, packets: 30, bytes: 30 * 44, sources: 1 }])
    expect(d.top_sources).toEqual([{ address: '198.51.100.1', flows: 30, packets: 30, bytes: 30 * 44, ports: 30 }])
    expect(d.port_list).toHaveLength(30)
    expect(d.port_list.reduce((n: number, p: { flows: number }) => n + p.flows, 0)).toBe(d.flows)
    expect(d.samples).toHaveLength(5)
    expect(d.samples[0]).toMatchObject({ src: '198.51.100.1', dst: '10.20.0.5', dst_port: 1, tcp_flags: 2 })
    expect(d.history).toMatchObject([{ state: 'open', changed_by: 'detector' }])
  })

  it('lifecycle: acknowledge with a note, resolve, refuse an invalid change; every change is kept', async () => {
    const [i] = (await get(`/api/v1/attacks?${window}&rule=brute_force`)).json().items
    const patch = (body: unknown, who = 'analyst') => app.inject({ method: 'PATCH', url: `/api/v1/attacks/${i.id}`, headers: as(who), payload: body as object })
    expect((await patch({ state: 'acknowledged', note: 'calling the hospital CSO' })).json()).toMatchObject({ state: 'acknowledged' })
    expect((await patch({ state: 'resolved', note: 'password policy enforced' })).json()).toMatchObject({ state: 'resolved' })
    const bad = await patch({ state: 'acknowledged' })
    expect(bad.statusCode).toBe(409)
    expect(bad.headers['content-type']).toContain('application/problem+json')
    expect((await patch({})).statusCode).toBe(400)
    const d = (await get(`/api/v1/attacks/${i.id}`)).json()
    expect(d.history.map((h: { state: string; changed_by: string; previous_state: string }) => [h.previous_state, h.state, h.changed_by])).toEqual([
      ['', 'open', 'detector'], ['open', 'acknowledged', 'analyst-li'], ['acknowledged', 'resolved', 'analyst-li'],
    ])
    expect(d.history[1].note).toBe('calling the hospital CSO')
    expect((await get(`/api/v1/attacks?${window}&state=resolved`)).json().total).toBe(1)
    // The central audit log has both changes, with who made them.
    const audit = (await get(`/api/v1/audit?object_type=incident&object_id=${i.id}`, 'admin')).json()
    expect(audit.items.map((a: { actor: string; changes: { state: unknown } }) => [a.actor, a.changes.state]).sort()).toEqual([
      ['analyst-li', ['acknowledged', 'resolved']],
      ['analyst-li', ['open', 'acknowledged']],
    ])
  })

  it('owners see only incidents on their assets, may add notes but not change the state', async () => {
    const mine = (await get(`/api/v1/attacks?${window}`, 'school')).json()
    expect(mine.items.map((i: { rule: string }) => i.rule)).toEqual(['port_scan'])
    const others = (await get(`/api/v1/attacks?${window}&rule=brute_force`)).json().items[0]
    expect((await get(`/api/v1/attacks/${others.id}`, 'school')).statusCode).toBe(404)
    const scan = mine.items[0]
    const note = await app.inject({ method: 'PATCH', url: `/api/v1/attacks/${scan.id}`, headers: as('school'), payload: { note: 'our scanner? checking' } })
    expect(note.statusCode).toBe(200)
    const state = await app.inject({ method: 'PATCH', url: `/api/v1/attacks/${scan.id}`, headers: as('school'), payload: { state: 'false_positive' } })
    expect(state.statusCode).toBe(403)
    expect((await get(`/api/v1/attacks?${window}`, 'vendor')).statusCode).toBe(403)
    expect((await get(`/api/v1/attacks?${window}`, '')).statusCode).toBe(401)
  })

  it('traffic summary, time series and top lists, with the inbound/outbound/internal split', async () => {
    const summary = (await get(`/api/v1/traffic/summary?${window}`)).json()
    expect(summary.flows).toBe(60 + 24 + 100)
    expect(summary.by_direction.inbound.flows).toBe(30 + 12 + 100)
    expect(summary.by_direction.outbound.flows).toBe(30 + 12)
    const series = (await get(`/api/v1/traffic/timeseries?${window}&step=3600`)).json()
    expect(series.step).toBe(3600)
    expect(series.points.reduce((a: number, p: { flows: number }) => a + p.flows, 0)).toBe(184)
    const topRes = await get(`/api/v1/traffic/top?${window}&by=organisation&direction=inbound`)
    expect(topRes.statusCode, topRes.body).toBe(200)
    const top = topRes.json()
    expect(top.items[0]).toMatchObject({ key: SCHOOL, flows: 130 })
    const sources = (await get(`/api/v1/traffic/top?${window}&by=source&metric=flows&direction=inbound&limit=2`)).json()
    expect(sources.items.map((i: { key: string }) => i.key)).toEqual(['198.51.100.1', '203.0.113.9'])
    const ports = (await get(`/api/v1/traffic/top?${window}&by=destination_port&metric=bytes&limit=1`)).json()
    expect(ports.items[0]).toMatchObject({ key: '443', bytes: 100 * 20_000 })
    const owner = (await get(`/api/v1/traffic/summary?${window}`, 'school')).json()
    expect(owner.by_direction.inbound.flows).toBe(130)
    expect((await get(`/api/v1/traffic/top?${window}&by=nothing`)).statusCode).toBe(400)
  })

  it('the overview: traffic analysed, attacks by type and month, assets by grade, most attacked', async () => {
    const o = (await get(`/api/v1/stats/overview?${window}`)).json()
    expect(o.traffic.flows).toBe(184)
    expect(o.attacks).toMatchObject({ total: 3, by_rule: { port_scan: 1, brute_force: 1, exposed_service: 1 }, by_month: [{ month: '2026-11', incidents: 3 }] })
    expect(o.assets).toEqual({ total: 2, by_grade: { core: 1, important: 1, general: 0 } })
    expect(o.most_attacked[0]).toMatchObject({ asset_id: HIS, asset_name: 'HIS', incidents: 2 })
    const school = (await get(`/api/v1/stats/overview?${window}`, 'school')).json()
    expect(school.attacks.total).toBe(1)
    expect(school.assets.total).toBe(1)
  })

  it('admins manage threat-intel feeds, the allow-list and threshold overrides; analysts read them', async () => {
    const put = await app.inject({
      method: 'PUT', url: '/api/v1/threat-intel/feeds/blocklist-de', headers: { ...as('admin'), 'content-type': 'text/plain' },
      payload: '# blocklist.de export\n203.0.113.9\n198.51.100.0/24 scanners\nnot-an-address\n',
    })
    expect(put.statusCode).toBe(200)
    expect(put.json()).toMatchObject({ feed: { name: 'blocklist-de', entries: 2, changed_by: 'admin-token' }, rejected: [{ line: 4, text: 'not-an-address' }] })
    expect((await app.inject({ method: 'PUT', url: '/api/v1/threat-intel/feeds/x', headers: as('analyst'), payload: { content: '1.2.3.4' } })).statusCode).toBe(403)
    expect((await get('/api/v1/threat-intel/feeds')).json().items.map((f: { name: string }) => f.name)).toEqual(['blocklist-de'])
    const allow = await app.inject({ method: 'POST', url: '/api/v1/allowlist', headers: as('admin'), payload: { source: '198.51.100.1', rules: ['port_scan'], reason: 'authorised yearly scan by the centre' } })
    expect(allow.statusCode, allow.body).toBe(201)
    expect(allow.json()).toMatchObject({ source: '198.51.100.1/32', rules: ['port_scan'] })
    expect((await app.inject({ method: 'POST', url: '/api/v1/allowlist', headers: as('admin'), payload: { source: 'x', reason: 'bad input' } })).statusCode).toBe(400)
    const t = await app.inject({ method: 'PUT', url: '/api/v1/detection/thresholds', headers: as('admin'), payload: { name: 'port_scan.min_ports', scope: 'grade', scope_value: 'core', value: 8 } })
    expect(t.statusCode).toBe(200)
    expect(t.json().overrides).toEqual([{ name: 'port_scan.min_ports', scope: 'grade', scope_value: 'core', value: 8 }])
    expect(t.json().defaults.find((d: { name: string }) => d.name === 'flood.min_pps')).toMatchObject({ value: 20000, origin: expect.stringContaining('FastNetMon threshold_pps') })
    expect(t.json().defaults.find((d: { name: string }) => d.name === 'flood.core_min_pps')).toMatchObject({ value: 800, unit: 'packets/s' })
    const window_ = await app.inject({ method: 'PUT', url: '/api/v1/detection/thresholds', headers: as('admin'), payload: { name: 'flood.window_s', scope: 'grade', scope_value: 'core', value: 1 } })
    expect(window_.statusCode).toBe(400)
  })

  it('aggregates every incident of a range: started per bucket and rule, and the attackers in most incidents', async () => {
    const list = (await get(`/api/v1/attacks?${window}&limit=500`)).json()
    const series = (await get(`/api/v1/attacks/timeseries?${window}&step=300`)).json()
    expect(series.step).toBe(300)
    const perRule: Record<string, number> = {}
    for (const p of series.points as { rule: string; started: number; time: string }[]) {
      perRule[p.rule] = (perRule[p.rule] ?? 0) + p.started
      expect(Date.parse(p.time) % 300_000).toBe(0)
    }
    const expected: Record<string, number> = {}
    for (const i of list.items as { rule: string }[]) expected[i.rule] = (expected[i.rule] ?? 0) + 1
    expect(perRule).toEqual(expected)
    expect((await get(`/api/v1/attacks/timeseries?${window}&step=90`)).statusCode).toBe(400)

    const sources = (await get(`/api/v1/attacks/sources?${window}`)).json()
    const bySource = Object.fromEntries((sources.items as { source: string; rules: string[] }[]).map((s) => [s.source, s.rules]))
    expect(bySource['198.51.100.1']).toEqual(['port_scan'])
    // The RDP brute force, and the exposure it revealed (the hospital's RDP answered that address).
    expect(bySource['203.0.113.9']).toEqual(['brute_force', 'exposed_service'])
    // The school's owner sees its own attackers only.
    const own = (await get(`/api/v1/attacks/sources?${window}`, 'school')).json()
    expect(own.items.map((s: { source: string }) => s.source)).not.toContain('203.0.113.9')
    expect(own.items.map((s: { source: string }) => s.source)).toContain('198.51.100.1')
    expect((await get(`/api/v1/attacks/sources?${window}`, 'vendor')).statusCode).toBe(403)
  })
})
