import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { flowRow } from '../helpers/archive-seed.ts'
import { creditCode, openHarness, type Harness } from './harness.ts'

// Address ownership (issue 15): owners register networks only inside their organisation's
// allocations, refusals name nobody, and administrators cross organisations only explicitly.
describe('address allocations', () => {
  let h: Harness
  let orgC: string
  let ownerC: string
  let assetB: string
  const asset = (org: string, name: string, networks: string[]) => ({ organisation_id: org, name, category: 'website', grade: 'general', mlps_level: 2, networks })
  const etag = async (url: string) => String((await h.call('admin', 'GET', url)).headers.etag)

  beforeAll(async () => {
    h = await openHarness()
    // B (the hospital) holds 2001:db8:77::/64 and has an asset network there, as in the probe.
    const b = await h.call('admin', 'PATCH', `/api/v1/organisations/${h.orgB}`, { allocations: ['10.110.0.0/16', '2001:db8:77::/64'] }, { 'if-match': await etag(`/api/v1/organisations/${h.orgB}`) })
    expect(b.statusCode, b.body).toBe(200)
    const res = await h.call('ownerB', 'POST', '/api/v1/assets', asset(h.orgB, 'HIS', ['2001:db8:77::/64']))
    expect(res.statusCode, res.body).toBe(201)
    assetB = res.json().id
    // A third organisation whose owner is named in nothing A sees.
    const c = await h.call('admin', 'POST', '/api/v1/organisations', { name: 'Water Works', credit_code: creditCode(3), sector: 'water', locality: 'east-street', allocations: ['10.120.0.0/16'] })
    orgC = c.json().id
    ownerC = (await h.app.tokens.create({ name: 'water-cso', role: 'owner', orgs: [orgC] }, { name: 'test-setup', role: 'admin', address: '127.0.0.1', via: 'cli' })).token
  })
  afterAll(() => h.close())

  it('the probe: owner A cannot claim a network inside B\'s block, learns nothing of B, and B keeps its flows', async () => {
    const res = await h.call('ownerA', 'POST', '/api/v1/assets', asset(h.orgA, 'claims B', ['2001:db8:77::10/128']))
    expect(res.statusCode, res.body).toBe(409)
    expect(res.headers['content-type']).toContain('application/problem+json')
    expect(res.json().detail).toBe('2001:db8:77::10/128 is outside the address space allocated to your organisation; ask the centre to allocate it')
    for (const secret of [h.orgB, assetB, 'County Hospital', 'HIS']) expect(res.body).not.toContain(secret)
    // The exact block, which used to answer "belongs to asset <B's id>", leaks nothing either.
    const exact = await h.call('ownerA', 'POST', '/api/v1/assets', asset(h.orgA, 'copies B', ['2001:db8:77::/64']))
    expect(exact.statusCode).toBe(409)
    for (const secret of [h.orgB, assetB, 'County Hospital']) expect(exact.body).not.toContain(secret)
    // B's traffic is still B's: the lookup and the enrichment of a new flow.
    expect((await h.call('analyst', 'GET', '/api/v1/assets/lookup?ip=2001:db8:77::10')).json()).toMatchObject({ network: '2001:db8:77::/64', asset: { id: assetB } })
    await h.db.clickhouse.insert({ table: 'flows', format: 'JSONEachRow', values: [flowRow('2001:db8:99::1', '2001:db8:77::10')] })
    const flows = await h.db.rows<{ asset: string; org: string }>("SELECT toString(dst_asset) AS asset, toString(dst_org) AS org FROM flows WHERE dst_addr = toIPv6('2001:db8:77::10')")
    expect(flows).toEqual([{ asset: assetB, org: h.orgB }])
    expect((await h.db.rows('SELECT count() AS n FROM assets WHERE org_id = {a:UUID}', { a: h.orgA }))).toEqual([{ n: 0 }])
  })

  it('an owner registers inside its own allocation (201) and not outside every allocation (409)', async () => {
    const inside = await h.call('ownerA', 'POST', '/api/v1/assets', asset(h.orgA, 'library', ['10.60.7.0/24']))
    expect(inside.statusCode, inside.body).toBe(201)
    expect(inside.json()).toMatchObject({ networks: ['10.60.7.0/24'], overlaps: [] })
    expect(inside.json().warnings).toBeUndefined()
    const outside = await h.call('ownerA', 'POST', '/api/v1/assets', asset(h.orgA, 'elsewhere', ['192.0.2.0/24']))
    expect(outside.statusCode).toBe(409)
    expect(outside.json()).toMatchObject({ code: 'conflict', errors: [{ field: 'networks.0' }] })
    // An update that adds a network is checked too; one that keeps the networks is not.
    const id = inside.json().id
    const widen = await h.call('ownerA', 'PATCH', `/api/v1/assets/${id}`, { networks: ['10.60.7.0/24', '10.120.0.9'] }, { 'if-match': await etag(`/api/v1/assets/${id}`) })
    expect(widen.statusCode).toBe(409)
    expect(widen.body).not.toContain(orgC)
    expect(widen.body).not.toContain('Water Works')
    const rename = await h.call('ownerA', 'PATCH', `/api/v1/assets/${id}`, { name: 'library v2' }, { 'if-match': await etag(`/api/v1/assets/${id}`) })
    expect(rename.statusCode, rename.body).toBe(200)
  })

  it('an owner sees overlaps with its own organisations\' assets only, and cannot set allocations or the flag', async () => {
    const campus = await h.call('ownerA', 'POST', '/api/v1/assets', asset(h.orgA, 'campus', ['10.100.0.0/16']))
    expect(campus.statusCode, campus.body).toBe(201)
    const lab = await h.call('ownerA', 'POST', '/api/v1/assets', asset(h.orgA, 'lab', ['10.100.9.0/24']))
    expect(lab.json().overlaps).toEqual([{ network: '10.100.9.0/24', other_asset_id: campus.json().id, other_network: '10.100.0.0/16' }])
    const own = await h.call('ownerA', 'PATCH', `/api/v1/organisations/${h.orgA}`, { allocations: ['10.0.0.0/8'] }, { 'if-match': await etag(`/api/v1/organisations/${h.orgA}`) })
    expect(own.statusCode).toBe(403)
    expect(own.json().detail).toBe('an owner cannot change allocations; ask the centre')
    const flagged = await h.call('ownerA', 'POST', '/api/v1/assets?allow_cross_org=true', asset(h.orgA, 'sneaky', ['10.110.0.1']))
    expect(flagged.statusCode).toBe(403)
    expect((await h.call('ownerA', 'GET', `/api/v1/organisations/${h.orgA}`)).json().allocations).toEqual(['10.60.0.0/16', '10.100.0.0/16'])
  })

  it('an administrator nests across organisations only with allow_cross_org, and the audit says so', async () => {
    const body = asset(h.orgA, 'shared clinic', ['10.110.5.0/24'])
    const refused = await h.call('admin', 'POST', '/api/v1/assets', body)
    expect(refused.statusCode).toBe(409)
    // The centre may see whose block it is, and how to go ahead.
    expect(refused.json().detail).toContain(`organisation ${h.orgB} (County Hospital): its allocation 10.110.0.0/16`)
    expect(refused.json().detail).toContain('allow_cross_org=true')
    const allowed = await h.call('admin', 'POST', '/api/v1/assets?allow_cross_org=true', body)
    expect(allowed.statusCode, allowed.body).toBe(201)
    const audit = (await h.call('admin', 'GET', `/api/v1/audit?object_type=asset&object_id=${allowed.json().id}`)).json().items[0]
    expect(audit.changes.cross_org_overlap).toEqual([null, [{ network: '10.110.5.0/24', organisation_id: h.orgB, organisation_name: 'County Hospital', other_network: '10.110.0.0/16' }]])
    // Allocations too: overlapping another organisation's allocation needs the flag.
    const url = `/api/v1/organisations/${orgC}`
    const alloc = await h.call('admin', 'PATCH', url, { allocations: ['10.120.0.0/16', '10.60.128.0/17'] }, { 'if-match': await etag(url) })
    expect(alloc.statusCode).toBe(409)
    expect(alloc.json().detail).toContain('No. 1 Middle School')
    const ok = await h.call('admin', 'PATCH', `${url}?allow_cross_org=true`, { allocations: ['10.120.0.0/16', '10.60.128.0/17'] }, { 'if-match': await etag(url) })
    expect(ok.statusCode, ok.body).toBe(200)
    const orgAudit = (await h.call('admin', 'GET', `/api/v1/audit?object_type=organisation&object_id=${orgC}`)).json().items[0]
    expect(orgAudit.changes.allocations).toEqual([['10.120.0.0/16'], ['10.120.0.0/16', '10.60.128.0/17']])
    expect(orgAudit.changes.cross_org_overlap[1][0]).toMatchObject({ network: '10.60.128.0/17', organisation_id: h.orgA, other_network: '10.60.0.0/16' })
    // Owner C was allocated a block nested in A's: C's owner still may not claim A's asset there.
    const c = await h.app.inject({ method: 'POST', url: '/api/v1/assets', payload: asset(orgC, 'pump', ['10.60.200.5']), headers: { authorization: `Bearer ${ownerC}` } })
    expect(c.statusCode).toBe(409)
    expect(c.json().detail).toBe('10.60.200.5/32 overlaps addresses registered to another organisation; ask the centre to resolve it')
  })

  it('an administrator registering outside the allocations gets a warning; the allocations stay as they are', async () => {
    const res = await h.call('admin', 'POST', '/api/v1/assets', asset(h.orgA, 'remote site', ['198.51.100.0/24']))
    expect(res.statusCode, res.body).toBe(201)
    expect(res.json().warnings).toEqual([`198.51.100.0/24 is outside the allocations of organisation ${h.orgA}; it was registered, the allocations were not extended`])
    expect((await h.call('admin', 'GET', `/api/v1/organisations/${h.orgA}`)).json().allocations).toEqual(['10.60.0.0/16', '10.100.0.0/16'])
    const audit = (await h.call('admin', 'GET', `/api/v1/audit?object_type=asset&object_id=${res.json().id}`)).json().items[0]
    expect(audit.changes.warnings[1]).toHaveLength(1)
  })

  it('bad allocations are refused with 400, each by its index', async () => {
    const url = `/api/v1/organisations/${h.orgB}`
    const res = await h.call('admin', 'PATCH', url, { allocations: ['10.110.0.0/16', '10.1.2.3/8', '0.0.0.0/0', '10.110.0.0/16'] }, { 'if-match': await etag(url) })
    expect(res.statusCode).toBe(400)
    expect(res.json().errors.map((e: { field: string }) => e.field)).toEqual(['allocations.1', 'allocations.2', 'allocations.3'])
    expect(res.json().detail).toContain('too broad for an allocation')
  })

  it('the import applies the same rule: a cross-organisation network is a problem unless allowed', async () => {
    const file = [
      'credit_code,org_name,sector,locality,asset_name,category,grade,mlps_level,networks,allocations',
      `${creditCode(60)},Bus Company,transport,east-street,Tickets,website,general,2,10.130.1.0/24,10.130.0.0/16`,
      `${creditCode(61)},Tram Company,transport,east-street,Signals,industrial_control,core,3,10.130.1.9,10.131.0.0/16`,
    ].join('\n')
    const upload = (query: string) =>
      h.app.inject({ method: 'POST', url: `/api/v1/archive/import${query}`, payload: file, headers: { authorization: `Bearer ${h.tokens.admin}`, 'content-type': 'text/csv' } })
    const dry = await upload('?dry_run=true')
    expect(dry.json().problems).toEqual([
      { row: 3, column: 'networks', reason: expect.stringContaining('10.130.1.9/32 shares addresses with organisation') },
      { row: 3, column: 'networks', reason: expect.stringContaining('allow_cross_org=true') },
    ])
    expect(dry.json().warnings).toEqual([])
    const ok = await upload('?allow_cross_org=true&name=transport.csv')
    expect(ok.statusCode, ok.body).toBe(200)
    expect(ok.json()).toMatchObject({ applied: true, created: { organisations: 2, assets: 2 }, problems: [] })
    const tram = (await h.call('admin', 'GET', '/api/v1/organisations?q=Tram')).json().items[0]
    expect(tram.allocations).toEqual(['10.131.0.0/16'])
    const audit = (await h.call('admin', 'GET', '/api/v1/audit?object_type=archive&action=import')).json().items[0]
    expect(audit).toMatchObject({ object_id: 'transport.csv', changes: { allow_cross_org: [null, true] } })
  })

  it('lists the address space two organisations share for an administrator only', async () => {
    const res = await h.call('admin', 'GET', '/api/v1/archive/allocation-conflicts?kind=asset_network')
    expect(res.statusCode, res.body).toBe(200)
    const items = res.json().items as { network: string; organisation_name: string; other_network: string; other_organisation_name: string; relation: string }[]
    expect(items.map((i) => `${i.network} ${i.organisation_name} ${i.relation} ${i.other_network} ${i.other_organisation_name}`)).toEqual([
      '10.130.1.9/32 Tram Company inside 10.130.1.0/24 Bus Company',
    ])
    const all = (await h.call('admin', 'GET', '/api/v1/archive/allocation-conflicts')).json()
    expect(all.items.filter((i: { kind: string }) => i.kind === 'allocation').map((i: { network: string; other_network: string }) => `${i.network} in ${i.other_network}`)).toEqual([
      '10.60.128.0/17 in 10.60.0.0/16',
    ])
    for (const who of ['analyst', 'ownerA'] as const) expect((await h.call(who, 'GET', '/api/v1/archive/allocation-conflicts')).statusCode).toBe(403)
  })
})
