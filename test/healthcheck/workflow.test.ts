import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createHealthcheck, healthcheckConfigFrom, ReportError, type Campaign, type Healthcheck } from '../../healthcheck/index.ts'
import { DAY_MS } from '../../healthcheck/time.ts'
import { openTestDb, type TestDb } from '../helpers/db.ts'
import { reloadArchiveDictionary, seedOrganisation } from '../helpers/archive-seed.ts'

// The health-check stage over the real embedded ClickHouse, with a clock the test moves:
// reimport semantics, all-or-nothing uploads, SLA deadlines, escalation and similar assets.
const SCHOOL = '0a000000-0000-4000-8000-00000000000a'
const HOSPITAL = '0a000000-0000-4000-8000-00000000000b'
const WATERWORKS = '0a000000-0000-4000-8000-00000000000c'
const A = {
  web: '0b000000-0000-4000-8000-000000000001', his: '0b000000-0000-4000-8000-000000000002', declared: '0b000000-0000-4000-8000-000000000003',
  observed: '0b000000-0000-4000-8000-000000000004', found: '0b000000-0000-4000-8000-000000000005', unrelated: '0b000000-0000-4000-8000-000000000006',
}
const T0 = Date.parse('2026-06-01T08:00:00Z')
const ACTOR = { name: 'analyst-li', role: 'analyst', address: '127.0.0.1', via: 'api' } as const
const HEADER = 'ip,hostname,port,protocol,product,version,title,severity,scanner_id,cve,solution\n'
const csv = (...rows: string[]) => Buffer.from(HEADER + rows.join('\n') + '\n')
const HEARTBLEED = '10.20.0.5,,443,tcp,OpenSSL,1.0.1f,OpenSSL Heartbleed,high,HB-1,CVE-2014-0160,Upgrade OpenSSL'
const WEAK_DB = '10.20.0.5,,3306,tcp,MySQL,5.5,MySQL weak password,high,DB-1,,Set a strong password'
const DIR_LIST = '10.20.0.5,,80,tcp,Apache,2.2,Directory listing,low,DIR-1,,Disable indexes'
const SSH_HIS = '10.30.0.5,,22,tcp,OpenSSH,7.4,OpenSSH user enumeration,critical,SSH-1,CVE-2016-6210,Upgrade OpenSSH'
const STRANGER = '198.51.100.9,,8080,tcp,,,Tomcat manager exposed,medium,TC-1,,Remove the manager'

describe('health-check workflow', () => {
  let db: TestDb
  let hc: Healthcheck
  let campaign: Campaign
  let clock = T0
  const count = async (table: string) => Number((await db.rows<{ n: string }>(`SELECT count() AS n FROM ${table}`))[0]!.n)
  const finding = async (title: string) => (await hc.findings.list({ campaign: campaign.id, campaigns: null, orgs: null, q: title, limit: 5, offset: 0 })).items[0]!
  const upload = (bytes: Buffer, vendor = 'vendor-a', c = campaign) => hc.uploads.importReport(c, bytes, { fileName: 'scan.csv', vendor, actor: ACTOR })

  beforeAll(async () => {
    db = await openTestDb()
    const ch = db.clickhouse
    await seedOrganisation(ch, { id: SCHOOL, name: 'No. 1 Middle School', sector: 'education', locality: 'east-street' })
    await seedOrganisation(ch, { id: HOSPITAL, name: 'County Hospital', sector: 'health', locality: 'west-town' })
    await seedOrganisation(ch, { id: WATERWORKS, name: 'Waterworks', sector: 'water', locality: 'north-town' })
    const asset = (id: string, org: string, name: string, grade: string, networks: string[], services: unknown[] = [], domains: string[] = []) =>
      ({ id, org_id: org, name, grade, networks, services, domains, category: 'website', mlps_level: 3, status: 'active', changed_by: 'test' })
    await ch.insert({
      table: 'assets', format: 'JSONEachRow',
      values: [
        asset(A.web, SCHOOL, 'school web', 'important', ['10.20.0.0/24'], [], ['school.example.cn']),
        asset(A.his, HOSPITAL, 'HIS', 'core', ['10.30.0.5/32'], [{ port: 22, protocol: 'tcp', product: 'OpenSSH', version: '7.4' }]),
        asset(A.declared, WATERWORKS, 'SCADA gateway', 'core', ['10.50.0.1/32'], [{ port: 22, protocol: 'tcp', product: 'OpenSSH', version: '7.4p1' }]),
        asset(A.observed, WATERWORKS, 'billing', 'general', ['10.50.0.2/32']),
        asset(A.found, SCHOOL, 'library', 'general', ['10.20.1.9/32']),
        asset(A.unrelated, HOSPITAL, 'PACS', 'important', ['10.30.0.6/32'], [{ port: 22, protocol: 'tcp', product: 'OpenSSH', version: '9.6' }]),
      ],
    })
    await reloadArchiveDictionary(ch)
    await ch.insert({
      table: 'observed_services_input', format: 'JSONEachRow',
      values: [{ addr: '::ffff:10.50.0.2', port: 22, protocol: 'tcp', service: 'ssh', product: 'OpenSSH_7.4', evidence: 'SSH-2.0-OpenSSH_7.4', first_seen: '2026-05-01 00:00:00.000', last_seen: '2026-05-02 00:00:00.000', packets: 10, sensor: 's1', import_sha256: 'x' }],
    })
    hc = createHealthcheck(healthcheckConfigFrom(db.config), { clickhouse: ch, now: () => clock })
    campaign = await hc.campaigns.create({
      name: '2026 health check', year: 2026, vendors: ['vendor-a', 'vendor-b'], scope: { organisations: [], sectors: ['education', 'health'], localities: [], networks: ['10.0.0.0/8'] },
      starts_at: '2026-05-01T00:00:00.000Z', ends_at: '2026-07-01T00:00:00.000Z', sla: {}, status: 'active', notes: '',
    }, ACTOR)
  })
  afterAll(async () => db.close())

  it('imports a first scan: findings matched to assets, the stranger an unregistered host, the file kept by hash', async () => {
    const r = await upload(csv(HEARTBLEED, WEAK_DB, DIR_LIST, SSH_HIS, STRANGER))
    expect(r.status).toBe('imported')
    expect(r.upload).toMatchObject({ format: 'csv', hosts: 3, items: 5, findings: 5, created: 5, matched_hosts: 2, unregistered_hosts: 1 })
    expect(existsSync(join(hc.config.uploadsDir, r.upload.sha256))).toBe(true)
    expect(await finding('Heartbleed')).toMatchObject({ asset_id: A.web, org_id: SCHOOL, sector: 'education', locality: 'east-street', grade: 'important', state: 'open', cves: ['CVE-2014-0160'] })
    expect(await finding('Tomcat')).toMatchObject({ asset_id: null, org_id: null, host: '198.51.100.9' })
    const audit = await db.rows<{ action: string; object_type: string }>("SELECT action, object_type FROM audit_log WHERE object_type = 'upload'")
    expect(audit).toEqual([{ action: 'import', object_type: 'upload' }])
  })

  it('the same file again is recognised by its hash and adds nothing', async () => {
    const before = await count('hc_findings')
    const r = await upload(csv(HEARTBLEED, WEAK_DB, DIR_LIST, SSH_HIS, STRANGER))
    expect(r.status).toBe('already_imported')
    expect(await count('hc_findings')).toBe(before)
    expect(await count('hc_uploads')).toBe(1)
  })

  it('a rescan: present stays open, absent is mitigated, a false positive stays one; present again reopens', async () => {
    await hc.findings.decide((await finding('MySQL')).id, 'false_positive', 'test database, no data', null, ACTOR)
    clock += DAY_MS
    const second = await upload(csv(HEARTBLEED, WEAK_DB))
    expect(second.upload).toMatchObject({ created: 0, updated: 2, mitigated: 1, reopened: 0 })
    expect((await finding('Heartbleed')).state).toBe('open')
    expect((await finding('MySQL')).state).toBe('false_positive')
    expect((await finding('Directory listing')).state).toBe('mitigated')
    // The hospital host was not in the rescan: its finding is untouched.
    expect((await finding('OpenSSH')).state).toBe('open')
    clock += DAY_MS
    const third = await upload(csv(HEARTBLEED, DIR_LIST, '10.20.0.5,,3306,tcp,MySQL,5.5,MySQL weak password,high,DB-1,,'))
    expect(third.upload).toMatchObject({ reopened: 1, updated: 2, mitigated: 0 })
    expect((await finding('Directory listing')).state).toBe('reopened')
    const history = await hc.findings.history((await finding('Directory listing')).id)
    expect(history.map((v) => v.event)).toEqual(['created', 'mitigated', 'reopened'])
  })

  it('an accepted risk stays accepted until it expires, then a rescan reopens it', async () => {
    const id = (await finding('Heartbleed')).id
    await hc.findings.decide(id, 'accepted_risk', 'replacement ordered', clock + 2 * DAY_MS, ACTOR)
    clock += DAY_MS
    await upload(csv(HEARTBLEED, DIR_LIST, WEAK_DB, '10.20.0.5,,25,tcp,,,SMTP relay,medium,SMTP-1,,'))
    expect((await finding('Heartbleed')).state).toBe('accepted_risk')
    clock += 2 * DAY_MS
    await upload(csv(HEARTBLEED, DIR_LIST, WEAK_DB))
    expect((await finding('Heartbleed')).state).toBe('reopened')
  })

  it('another vendor reporting the same CVE on the same host and port merges into the finding', async () => {
    const before = (await hc.findings.list({ campaign: campaign.id, campaigns: null, orgs: null, limit: 100, offset: 0 })).total
    const r = await upload(csv('10.20.0.5,,443,tcp,OpenSSL,1.0.1f,TLS heartbeat read overrun,critical,VB-77,CVE-2014-0160,'), 'vendor-b')
    expect(r.upload).toMatchObject({ merged: 1, created: 0 })
    expect((await hc.findings.list({ campaign: campaign.id, campaigns: null, orgs: null, limit: 100, offset: 0 })).total).toBe(before)
    expect((await finding('Heartbleed')).vendors).toEqual(['vendor-a', 'vendor-b'])
  })

  it('malformed, hostile and invalid uploads fail with the place named and write nothing', async () => {
    const tables = ['hc_findings', 'hc_uploads', 'hc_observations', 'hc_unregistered', 'audit_log']
    const before = await Promise.all(tables.map(count))
    const bad = [
      Buffer.from('<?xml version="1.0"?>\n<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>\n<issues><issue><host>&e;</host></issue></issues>'),
      Buffer.from('<NessusClientData_v2><Report><ReportHost name="10.20.0.5"><ReportItem port="80"'),
      Buffer.from(''),
      Buffer.from(`${HEADER}10.20.0.5,,80,tcp,,,"unclosed,high,X,,\n`),
      csv(HEARTBLEED, '10.20.0.256,,80,tcp,,,Bad address,high,X,,'),
    ]
    for (const bytes of bad) await expect(upload(bytes)).rejects.toBeInstanceOf(ReportError)
    expect(await Promise.all(tables.map(count))).toEqual(before)
  })

  it('notices: one per organisation, copied to sector and locality, due by severity and grade; escalated when overdue', async () => {
    clock = T0 + 10 * DAY_MS
    const issued = await hc.issueCampaignNotices(campaign, {}, ACTOR)
    expect(issued.map((n) => n.org_id).sort()).toEqual([SCHOOL, HOSPITAL].sort())
    const his = issued.find((n) => n.org_id === HOSPITAL)!
    // A critical finding on a core asset: 7 days × 50 % = 4 days (rounded up).
    expect(his).toMatchObject({ state: 'issued', severity: 'critical', copy_to: { sector: 'health', locality: 'west-town' }, overdue: false })
    expect(Date.parse(his.due_at) - clock).toBe(4 * DAY_MS)
    const school = issued.find((n) => n.org_id === SCHOOL)!
    // The school's worst open finding is high on an important asset: 30 days.
    expect(Date.parse(school.due_at) - clock).toBe(30 * DAY_MS)
    expect(school.items.every((i) => i.finding_id)).toBe(true)
    // Issuing again finds nothing new: the findings are on active notices.
    expect(await hc.issueCampaignNotices(campaign, {}, ACTOR)).toEqual([])

    clock += 3 * DAY_MS
    expect(await hc.notices.escalate('notice', ACTOR)).toEqual([])
    clock += 2 * DAY_MS
    const escalated = await hc.notices.escalate('notice', ACTOR)
    expect(escalated.map((n) => [n.org_id, n.overdue, n.event])).toEqual([[HOSPITAL, true, 'escalated']])
    expect(await hc.notices.escalate('notice', ACTOR)).toEqual([])

    await hc.notices.act('notice', school.id, 'acknowledge', {}, ACTOR)
    await expect(hc.notices.act('notice', school.id, 'close', {}, ACTOR)).rejects.toThrow(/cannot close a notice that is acknowledged/)
    await hc.notices.act('notice', school.id, 'report', { note: 'patched', evidence: 'openssl version output' }, ACTOR)
    await hc.notices.act('notice', school.id, 'reject', { note: 'still vulnerable on rescan' }, ACTOR)
    await hc.notices.act('notice', school.id, 'report', { note: 'patched again', evidence: 'rescan clean' }, ACTOR)
    await hc.notices.act('notice', school.id, 'verify', { note: 'rescan confirms' }, ACTOR)
    const closed = await hc.notices.act('notice', school.id, 'close', {}, ACTOR)
    expect(closed).toMatchObject({ state: 'closed', owner_note: 'patched again', evidence: 'rescan clean', verify_note: 'rescan confirms' })
    const history = await hc.notices.history('notice', school.id)
    expect(history.map((h) => h.event)).toEqual(['issued', 'acknowledged', 'reported', 'rejected', 'reported', 'verified', 'closed'])
  })

  it('"issue one, prevent ten": finds assets through declared, observed and found characteristics', async () => {
    const other = await hc.campaigns.create({ ...campaign, name: '2025 check', year: 2025 }, ACTOR)
    await upload(csv('10.20.1.9,,2222,tcp,,,Old SSH,high,X-9,CVE-2016-6210,'), 'vendor-c', other)
    const ssh = await finding('OpenSSH')
    const { assets, warnings, characteristic } = await hc.issueWarnings({ finding: ssh }, ACTOR)
    expect(characteristic).toMatchObject({ cve: 'CVE-2016-6210', product: 'OpenSSH', version: '7.4', port: 22 })
    const found = Object.fromEntries(assets.map((a) => [a.asset.id, a.sources]))
    // port 22 alone is a high-risk characteristic: the PACS (OpenSSH 9.6 on 22) is warned too.
    expect(found).toEqual({ [A.declared]: ['declared'], [A.observed]: ['observed'], [A.found]: ['found'], [A.unrelated]: ['declared'] })
    expect(warnings.map((w) => w.org_id).sort()).toEqual([SCHOOL, HOSPITAL, WATERWORKS].sort())
    expect(warnings.every((w) => w.kind === 'warning' && w.number.startsWith('YJ-') && w.finding_ids[0] === ssh.id)).toBe(true)
    const byProduct = await hc.similar({ product: 'openssh', version: '7.4' })
    expect(byProduct.map((a) => a.asset.id).sort()).toEqual([A.his, A.declared, A.observed].sort())
  })

  it("leaves out registered hosts outside the campaign's scope, names them, and keeps unregistered ones", async () => {
    const schools = await hc.campaigns.create({
      name: 'schools only', year: 2026, vendors: ['vendor-a'], scope: { organisations: [], sectors: ['education'], localities: [], networks: [] },
      starts_at: null, ends_at: null, sla: {}, status: 'active', notes: '',
    }, ACTOR)
    const r = await upload(csv(HEARTBLEED, SSH_HIS, STRANGER), 'vendor-a', schools)
    expect(r.upload).toMatchObject({ hosts: 2, findings: 2, matched_hosts: 1, unregistered_hosts: 1, out_of_scope_hosts: 1 })
    expect(r.upload.notes.join(' ')).toContain('10.30.0.5')
    const imported = await hc.findings.list({ campaign: schools.id, campaigns: null, orgs: null, limit: 10, offset: 0 })
    expect(imported.items.map((f) => f.host).sort()).toEqual(['10.20.0.5', '198.51.100.9'])
  })
})
