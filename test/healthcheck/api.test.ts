import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildApp, type App } from '../../api/app.ts'
import type { NewToken } from '../../archive/tokens.ts'
import { createMetricsRegistry } from '../../core/metrics.ts'
import { openTestDb, type TestDb } from '../helpers/db.ts'
import { reloadArchiveDictionary, seedAsset, seedOrganisation } from '../helpers/archive-seed.ts'

// The health-check API with real tokens: vendor and owner scopes, streamed multipart uploads,
// notices answered by owners, warnings, incident dispatch and reports.
const SCHOOL = '0a000000-0000-4000-8000-00000000000a'
const HOSPITAL = '0a000000-0000-4000-8000-00000000000b'
const WEB = '0b000000-0000-4000-8000-00000000000a'
const HIS = '0b000000-0000-4000-8000-00000000000b'
const INCIDENT = '0c000000-0000-4000-8000-00000000000c'
const ACTOR = { name: 'test-setup', role: 'admin', address: '127.0.0.1', via: 'cli' } as const
const FIXTURES = join(import.meta.dirname, '../fixtures/scans')
const REPORT = 'ip,port,protocol,product,version,title,severity,scanner_id,cve,solution\n' +
  '10.20.0.5,3306,tcp,MySQL,5.5,MySQL reachable with a weak password,high,DB-1,,Use a strong password\n' +
  '10.30.0.5,3389,tcp,,,RDP exposed,critical,RDP-1,,Close RDP to the internet\n' +
  '203.0.113.50,80,tcp,,,Default page,low,WEB-1,,Remove it\n'

function form(name: string, content: Buffer | string, fields: Record<string, string> = {}) {
  const boundary = '----holowatch-test-boundary'
  const parts = Object.entries(fields).map(([k, v]) => `--${boundary}\r\nContent-Disposition: form-data; name="${k}"\r\n\r\n${v}\r\n`)
  const body = Buffer.concat([
    Buffer.from(parts.join('')),
    Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${name}"\r\nContent-Type: application/octet-stream\r\n\r\n`),
    Buffer.isBuffer(content) ? content : Buffer.from(content),
    Buffer.from(`\r\n--${boundary}--\r\n`),
  ])
  return { payload: body, headers: { 'content-type': `multipart/form-data; boundary=${boundary}` } }
}

describe('health-check API', () => {
  let db: TestDb
  let app: App
  const tokens: Record<string, string> = {}
  const campaigns: Record<string, string> = {}
  const as = (who: string) => ({ authorization: `Bearer ${tokens[who]}` })
  const call = async (method: 'GET' | 'POST' | 'PATCH', url: string, who: string, body?: unknown) =>
    app.inject({ method, url, headers: as(who), ...(body === undefined ? {} : { payload: body as object }) })
  const upload = async (campaign: string, who: string, name: string, content: Buffer | string) => {
    const f = form(name, content)
    return app.inject({ method: 'POST', url: `/api/v1/campaigns/${campaign}/uploads`, headers: { ...as(who), ...f.headers }, payload: f.payload })
  }
  const count = async (table: string) => Number((await db.rows<{ n: string }>(`SELECT count() AS n FROM ${table}`))[0]!.n)

  beforeAll(async () => {
    db = await openTestDb()
    const ch = db.clickhouse
    await seedOrganisation(ch, { id: SCHOOL, name: 'No. 1 Middle School', sector: 'education', locality: 'east-street' })
    await seedOrganisation(ch, { id: HOSPITAL, name: 'County Hospital', sector: 'health', locality: 'west-town' })
    await seedAsset(ch, { id: WEB, org_id: SCHOOL, name: 'school web', grade: 'important', networks: ['10.20.0.5/32'] })
    await seedAsset(ch, { id: HIS, org_id: HOSPITAL, name: 'HIS', grade: 'core', networks: ['10.30.0.0/24'] })
    await reloadArchiveDictionary(ch)
    app = await buildApp({ config: db.config, clickhouse: ch, engine: 'embedded', metrics: createMetricsRegistry() }, { logger: false })
    await app.ready()
    tokens.admin = (await app.tokens.create({ role: 'admin', name: 'admin' }, ACTOR)).token
    for (const name of ['one', 'two']) {
      const res = await call('POST', '/api/v1/campaigns', 'admin', { name: `campaign ${name}`, year: 2026, vendors: ['acme'], scope: { sectors: ['education', 'health'] } })
      expect(res.statusCode).toBe(201)
      campaigns[name] = res.json().id
    }
    const specs: Record<string, NewToken> = {
      analyst: { role: 'analyst', name: 'analyst' }, vendor: { role: 'vendor', name: 'acme-scan', campaigns: [campaigns.one!] },
      otherVendor: { role: 'vendor', name: 'other-scan', campaigns: [campaigns.two!] },
      school: { role: 'owner', name: 'school-cso', orgs: [SCHOOL] }, hospital: { role: 'owner', name: 'hospital-cso', orgs: [HOSPITAL] },
    }
    for (const [who, spec] of Object.entries(specs)) tokens[who] = (await app.tokens.create(spec, ACTOR)).token
  })
  afterAll(async () => {
    await app.close()
    await db.close()
  })

  it('only admins create campaigns; vendors see only theirs (another campaign is 404)', async () => {
    expect((await call('POST', '/api/v1/campaigns', 'analyst', { name: 'x', year: 2026 })).statusCode).toBe(403)
    expect((await call('POST', '/api/v1/campaigns', 'admin', { name: 'x', year: 2026, scope: { networks: ['10.0.0.0/33'] } })).json().detail).toContain('10.0.0.0/33')
    expect((await call('GET', '/api/v1/campaigns', 'vendor')).json().items.map((c: { id: string }) => c.id)).toEqual([campaigns.one])
    expect((await call('GET', `/api/v1/campaigns/${campaigns.two}`, 'vendor')).statusCode).toBe(404)
    expect((await call('GET', '/api/v1/campaigns', 'school')).statusCode).toBe(403)
  })

  it('a vendor uploads a report (streamed multipart) into its campaign, not into another', async () => {
    const res = await upload(campaigns.one!, 'vendor', 'report.csv', REPORT)
    expect(res.statusCode).toBe(201)
    expect(res.json()).toMatchObject({ status: 'imported', upload: { vendor: 'acme-scan', uploaded_by: 'acme-scan', hosts: 3, items: 3, created: 3, unregistered_hosts: 1, matched_hosts: 2 } })
    expect((await upload(campaigns.one!, 'vendor', 'again.csv', REPORT)).json()).toMatchObject({ status: 'already_imported', upload: { file_name: 'report.csv' } })
    expect((await upload(campaigns.two!, 'vendor', 'report.csv', REPORT)).statusCode).toBe(404)
    expect((await upload(campaigns.one!, 'school', 'report.csv', REPORT)).statusCode).toBe(403)
    const nessus = await upload(campaigns.two!, 'otherVendor', 'scan.nessus', readFileSync(join(FIXTURES, 'nessus/ruby-nessus_example_v2.nessus')))
    expect(nessus.json().upload).toMatchObject({ format: 'nessus', hosts: 2, items: 69, unregistered_hosts: 2 })
    const uploads = (await call('GET', `/api/v1/campaigns/${campaigns.one}/uploads`, 'vendor')).json().items
    expect(uploads).toHaveLength(1)
    const unregistered = (await call('GET', `/api/v1/campaigns/${campaigns.one}/unregistered`, 'vendor')).json().items
    expect(unregistered.map((u: { host: string }) => u.host)).toEqual(['203.0.113.50'])
  })

  it('bad uploads answer 422 naming the place and write nothing', async () => {
    const before = await Promise.all(['hc_findings', 'hc_uploads'].map(count))
    const xxe = await upload(campaigns.one!, 'vendor', 'x.xml', '<?xml version="1.0"?>\n<!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]><issues>&x;</issues>')
    expect(xxe.statusCode).toBe(422)
    expect(xxe.json().detail).toMatch(/line 2, column 14: entity declarations are refused.*nothing was written/)
    const csv = await upload(campaigns.one!, 'vendor', 'bad.csv', 'ip,title,severity\n10.20.0.5,ok,high\n999.1.1.1,bad,high\n')
    expect(csv.statusCode).toBe(422)
    expect(csv.json().errors).toEqual([{ field: 'row 3, column ip', message: '"999.1.1.1" is not a valid IPv4 or IPv6 address' }])
    expect((await upload(campaigns.one!, 'vendor', 'empty.xml', '')).json()).toMatchObject({ status: 422, detail: expect.stringContaining('empty') })
    const raw = await app.inject({ method: 'POST', url: `/api/v1/campaigns/${campaigns.one}/uploads`, headers: { ...as('vendor'), 'content-type': 'application/json' }, payload: {} })
    expect(raw.statusCode).toBe(415)
    expect(await Promise.all(['hc_findings', 'hc_uploads'].map(count))).toEqual(before)
  })

  it('findings: vendors see their campaigns, owners their organisations, analysts everything', async () => {
    const vendor = (await call('GET', '/api/v1/findings', 'vendor')).json()
    expect(vendor.total).toBe(3)
    expect((await call('GET', `/api/v1/findings?campaign=${campaigns.two}`, 'vendor')).json().total).toBe(0)
    const school = (await call('GET', '/api/v1/findings', 'school')).json()
    expect(school.items.map((f: { org_id: string }) => f.org_id)).toEqual([SCHOOL])
    const his = (await call('GET', '/api/v1/findings?severity=critical', 'analyst')).json().items[0]
    expect(his).toMatchObject({ asset_id: HIS, sector: 'health', grade: 'core', title: 'RDP exposed' })
    expect((await call('GET', `/api/v1/findings/${his.id}`, 'school')).statusCode).toBe(404)
    // 3 + 69 Nessus items, of which plugin 42799 is reported twice for snorby.org 443/tcp: one finding.
    expect((await call('GET', '/api/v1/findings?sort=cvss&order=asc&limit=1', 'analyst')).json()).toMatchObject({ limit: 1, total: 71 })
    const fp = await call('POST', `/api/v1/findings/${his.id}/state`, 'analyst', { state: 'accepted_risk', note: 'tender under way' })
    expect(fp.statusCode).toBe(400)
    expect((await call('POST', `/api/v1/findings/${his.id}/state`, 'vendor', { state: 'false_positive', note: 'no' })).statusCode).toBe(403)
  })

  it('notices: issued per organisation; owners see and answer only their own (404 otherwise); the centre verifies and closes', async () => {
    const issued = await call('POST', `/api/v1/campaigns/${campaigns.one}/notices`, 'analyst', {})
    expect(issued.statusCode).toBe(201)
    const notices = issued.json().items as { id: string; org_id: string; copy_to: { sector: string } }[]
    expect(notices.map((n) => n.org_id).sort()).toEqual([SCHOOL, HOSPITAL].sort())
    const school = notices.find((n) => n.org_id === SCHOOL)!
    const hospital = notices.find((n) => n.org_id === HOSPITAL)!
    expect(school.copy_to.sector).toBe('education')
    expect((await call('GET', '/api/v1/notices', 'school')).json().items.map((n: { id: string }) => n.id)).toEqual([school.id])
    expect((await call('GET', `/api/v1/notices/${hospital.id}`, 'school')).statusCode).toBe(404)
    expect((await call('POST', `/api/v1/notices/${hospital.id}/acknowledge`, 'school', {})).statusCode).toBe(404)
    expect((await call('POST', `/api/v1/notices/${school.id}/verify`, 'school', {})).statusCode).toBe(403)
    expect((await call('POST', `/api/v1/notices/${school.id}/report`, 'school', { note: 'done' })).statusCode).toBe(409)
    expect((await call('POST', `/api/v1/notices/${school.id}/acknowledge`, 'school', {})).json().state).toBe('acknowledged')
    expect((await call('POST', `/api/v1/notices/${school.id}/report`, 'school', { note: 'password changed', evidence: 'screenshot' })).json().state).toBe('reported')
    const rescan = await call('POST', `/api/v1/notices/${school.id}/verify`, 'analyst', { by: 'rescan' })
    expect(rescan.statusCode).toBe(409)
    expect(rescan.json().detail).toContain('MySQL reachable')
    expect((await call('POST', `/api/v1/notices/${school.id}/verify`, 'analyst', { note: 'checked on site' })).json().state).toBe('verified')
    expect((await call('POST', `/api/v1/notices/${school.id}/close`, 'analyst', {})).json().state).toBe('closed')
    const history = (await call('GET', `/api/v1/notices/${school.id}/history`, 'school')).json().items.map((v: { event: string }) => v.event)
    expect(history).toEqual(['issued', 'acknowledged', 'reported', 'verified', 'closed'])
    const zh = await call('GET', `/api/v1/notices/${school.id}/document?lang=zh`, 'school')
    expect(zh.headers['content-type']).toContain('text/html')
    expect(zh.body).toContain('网络安全整改通知单')
    expect(zh.body).toContain('No. 1 Middle School')
    expect((await call('GET', `/api/v1/notices/${school.id}/document?lang=en`, 'analyst')).body).toContain('Rectification notice')
    const audit = await db.rows<{ n: string }>("SELECT count() AS n FROM audit_log WHERE object_type = 'notice'")
    expect(Number(audit[0]!.n)).toBe(2 + 4)
  })

  it('warnings reach organisations with a similar asset; an incident becomes a notice in one call; the report counts it all', async () => {
    const preview = await call('POST', '/api/v1/warnings/search', 'analyst', { characteristic: { port: 3389 } })
    expect(preview.json().assets.map((a: { asset_id: string; sources: string[] }) => [a.asset_id, a.sources])).toEqual([[HIS, ['found']]])
    const issued = await call('POST', '/api/v1/warnings', 'analyst', { characteristic: { port: 3389, protocol: 'tcp' } })
    expect(issued.statusCode).toBe(201)
    expect(issued.json().items.map((w: { org_id: string; kind: string }) => [w.org_id, w.kind])).toEqual([[HOSPITAL, 'warning']])
    expect((await call('GET', '/api/v1/warnings', 'school')).json().total).toBe(0)
    expect((await call('POST', '/api/v1/warnings', 'analyst', { characteristic: {} })).statusCode).toBe(400)

    await db.clickhouse.insert({
      table: 'incidents', format: 'JSONEachRow',
      values: [{ id: INCIDENT, rule: 'brute_force', incident_key: 'k', source: '198.51.100.7', sources: ['198.51.100.7'], source_count: 1, targets: ['10.30.0.5'], target_count: 1,
        ports: [3389], protocols: [6], asset_id: HIS, org_id: HOSPITAL, sector: 'health', locality: 'west-town', grade: 'core', first_seen: '2026-06-01 01:00:00.000',
        last_seen: '2026-06-01 02:00:00.000', peak: 120, peak_unit: 'attempts/min', severity: 'high', details: '{}' }],
    })
    const dispatched = await call('POST', '/api/v1/notices/from-incident', 'analyst', { incident_id: INCIDENT })
    expect(dispatched.statusCode).toBe(201)
    expect(dispatched.json()).toMatchObject({ org_id: HOSPITAL, incident_id: INCIDENT, severity: 'high', copy_to: { sector: 'health', locality: 'west-town' } })
    expect((await call('POST', '/api/v1/notices/from-incident', 'analyst', { incident_id: HIS })).statusCode).toBe(404)

    const report = (await call('GET', `/api/v1/reports/campaigns/${campaigns.one}`, 'analyst')).json()
    expect(report.by_severity).toEqual({ critical: 1, high: 1, medium: 0, low: 1, info: 0 })
    expect(report.rectification).toMatchObject({ notices: 2, verified_or_closed: 1, rate: 0.5 })
    expect(report.unregistered.map((u: { host: string }) => u.host)).toEqual(['203.0.113.50'])
    expect(report.by_sector.map((s: { key: string }) => s.key).sort()).toEqual(['-', 'education', 'health'])
    const html = await call('GET', `/api/v1/reports/campaigns/${campaigns.one}/document?lang=en`, 'analyst')
    expect(html.body).toContain('<svg')
    expect(html.body).toContain('Health-check report')
    expect((await call('GET', `/api/v1/reports/campaigns/${campaigns.one}`, 'vendor')).statusCode).toBe(403)
  })
})
