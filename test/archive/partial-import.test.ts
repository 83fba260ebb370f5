import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { creditCode, openHarness, type Harness } from './harness.ts'

// Issue 15, item 2: a file changes only what it names. A file with only the required columns used
// to clear an organisation's address and its security officer's contact; now an absent column or
// an empty cell keeps what the archive has, clearing needs an empty cell *and* clear_empty, and
// the dry run shows every change field by field before anything is written.
describe('partial archive imports', () => {
  let h: Harness
  beforeAll(async () => { h = await openHarness() })
  afterAll(() => h.close())

  const CODE = creditCode(60)
  const ORG = `${CODE},Water Works,water,east-street`
  const upload = (lines: string[], query = '') =>
    h.app.inject({
      method: 'POST', url: `/api/v1/archive/import${query}`, payload: lines.join('\n'),
      headers: { authorization: `Bearer ${h.tokens.admin}`, 'content-type': 'text/csv' },
    })
  const org = async () => (await h.call('admin', 'GET', `/api/v1/organisations?credit_code=${CODE}`)).json().items[0]
  const asset = async () => (await h.call('admin', 'GET', '/api/v1/assets?q=SCADA')).json().items[0]
  const versions = async () => {
    const [o, a] = [await org(), await asset()]
    const history = async (path: string) => (await h.call('admin', 'GET', path)).json().items.length
    return {
      org: o.version_at, asset: a.version_at, orgHistory: await history(`/api/v1/organisations/${o.id}/history`),
      assetHistory: await history(`/api/v1/assets/${a.id}/history`), audit: (await h.db.rows('SELECT count() AS n FROM audit_log'))[0],
    }
  }

  beforeAll(async () => {
    const full = await upload([
      'credit_code,org_name,sector,locality,org_address,cso_name,cso_phone,cso_email,allocations,asset_name,category,grade,mlps_level,networks,domains,services,tags,notes',
      `${ORG},1 River Road,Wang Fang,0591-8888060,wang@water.example.cn,10.160.0.0/16,SCADA portal,website,important,2,10.160.0.0/24,scada.water.example.cn,443/tcp nginx 1.24; 22/tcp OpenSSH 9.6,scada; critical,behind VPN`,
    ])
    expect(full.json(), full.body).toMatchObject({ applied: true, created: { organisations: 1, assets: 1 } })
  })

  const FULL_ORG = { address: '1 River Road', allocations: ['10.160.0.0/16'], cso: { name: 'Wang Fang', phone: '0591-8888060', email: 'wang@water.example.cn' } }
  const FULL_ASSET = {
    category: 'website', grade: 'important', mlps_level: 2, networks: ['10.160.0.0/24'], domains: ['scada.water.example.cn'], tags: ['scada', 'critical'],
    services: [{ port: 443, protocol: 'tcp', product: 'nginx', version: '1.24' }, { port: 22, protocol: 'tcp', product: 'OpenSSH', version: '9.6' }], notes: 'behind VPN',
  }

  it('a file with only the four required columns leaves the address and the security officer as they are', async () => {
    const before = await versions()
    const res = await upload(['credit_code,org_name,sector,locality', ORG])
    expect(res.json(), res.body).toMatchObject({ applied: true, updated: { organisations: 0, assets: 0 }, unchanged: 1, changes: [], kept: [] })
    expect(await org()).toMatchObject(FULL_ORG)
    expect(await versions()).toEqual(before)
  })

  it('a file with some asset columns changes those and keeps the others; a new asset still needs its grade, level and category', async () => {
    const res = await upload(['credit_code,org_name,sector,locality,asset_name,notes', `${ORG},SCADA portal,moved to the new data centre`])
    const id = (await asset()).id
    expect(res.json(), res.body).toMatchObject({
      applied: true, updated: { organisations: 0, assets: 1 }, unchanged: 1,
      changes: [{ row: 2, kind: 'asset', key: id, name: 'SCADA portal', action: 'update', fields: { notes: ['behind VPN', 'moved to the new data centre'] } }],
    })
    expect(Object.keys(res.json().changes[0].fields)).toEqual(['notes'])
    expect(await asset()).toMatchObject({ ...FULL_ASSET, notes: 'moved to the new data centre' })
    const fresh = await upload(['credit_code,org_name,sector,locality,asset_name,notes', `${ORG},Billing,new`], '?dry_run=true')
    expect(fresh.json().problems).toEqual([
      { row: 2, column: 'grade', reason: '"" is not core, important or general (核心/重要/一般)' },
      { row: 2, column: 'mlps_level', reason: '"" is not an MLPS level 1–5' },
    ])
    const noCategory = await upload(['credit_code,org_name,sector,locality,asset_name,grade,mlps_level', `${ORG},Billing,general,2`], '?dry_run=true')
    expect(noCategory.json().problems).toEqual([{ row: 2, column: 'category', reason: expect.stringMatching(/^one of website, /) }])
  })

  it('an empty cell keeps the value by default and is listed as kept; lists too', async () => {
    const before = await versions()
    const res = await upload([
      'credit_code,org_name,sector,locality,cso_phone,asset_name,domains,tags,notes',
      `${ORG},,SCADA portal,,,moved to the new data centre`,
    ])
    expect(res.json(), res.body).toMatchObject({ applied: true, clear_empty: false, updated: { organisations: 0, assets: 0 }, unchanged: 2, changes: [] })
    expect(res.json().kept).toEqual([
      { row: 2, kind: 'organisation', key: CODE, column: 'cso_phone', value: '0591-8888060' },
      { row: 2, kind: 'asset', key: (await asset()).id, column: 'domains', value: 'scada.water.example.cn' },
      { row: 2, kind: 'asset', key: (await asset()).id, column: 'tags', value: 'scada; critical' },
    ])
    expect(await org()).toMatchObject(FULL_ORG)
    expect(await asset()).toMatchObject({ domains: FULL_ASSET.domains, tags: FULL_ASSET.tags })
    expect(await versions()).toEqual(before)
  })

  it('with clear_empty an empty cell clears: the dry run shows the diff and writes nothing, then the import writes it', async () => {
    const file = ['credit_code,org_name,sector,locality,cso_phone,asset_name,tags', `${ORG},,SCADA portal,`]
    const before = await versions()
    const dry = await upload(file, '?dry_run=true&clear_empty=true')
    const id = (await asset()).id
    expect(dry.json(), dry.body).toMatchObject({
      dry_run: true, applied: false, clear_empty: true, updated: { organisations: 1, assets: 1 }, kept: [], changes_omitted: 0,
      changes: [
        { row: 2, kind: 'organisation', key: CODE, name: 'Water Works', action: 'update', fields: { cso_phone: ['0591-8888060', ''] } },
        { row: 2, kind: 'asset', key: id, action: 'update', fields: { tags: ['scada; critical', ''] } },
      ],
    })
    expect(await versions()).toEqual(before)
    expect(await org()).toMatchObject(FULL_ORG)

    const done = await upload(file, '?clear_empty=true')
    expect(done.json(), done.body).toMatchObject({ applied: true, updated: { organisations: 1, assets: 1 }, changes: dry.json().changes })
    expect(await org()).toMatchObject({ address: '1 River Road', cso: { name: 'Wang Fang', phone: '', email: 'wang@water.example.cn' } })
    expect(await asset()).toMatchObject({ ...FULL_ASSET, notes: 'moved to the new data centre', tags: [] })
    const audit = (await h.call('admin', 'GET', `/api/v1/audit?object_type=organisation&object_id=${(await org()).id}`)).json().items[0]
    expect(audit).toMatchObject({ action: 'update', changes: { cso: [{ phone: '0591-8888060' }, { phone: '' }] } })

    // A grade cannot be cleared: an empty one with clear_empty is the error it always was.
    const grade = await upload(['credit_code,org_name,sector,locality,asset_name,grade', `${ORG},SCADA portal,`], '?dry_run=true&clear_empty=true')
    expect(grade.json().problems).toEqual([{ row: 2, column: 'grade', reason: '"" is not core, important or general (核心/重要/一般)' }])
  })

  it('the allocations column is a list like the others: an empty cell keeps, a value replaces, clear_empty clears', async () => {
    const before = await versions()
    const empty = await upload(['credit_code,org_name,sector,locality,allocations', `${ORG},`])
    expect(empty.json(), empty.body).toMatchObject({ applied: true, unchanged: 1, changes: [], kept: [{ row: 2, kind: 'organisation', key: CODE, column: 'allocations', value: '10.160.0.0/16' }] })
    expect(await versions()).toEqual(before)
    // Two rows of the organisation give the same cell; the checks put it in canonical form (a /32).
    const cols = 'credit_code,org_name,sector,locality,allocations,asset_name'
    const wider = await upload([cols, `${ORG},10.160.0.0/16; 10.161.0.1,SCADA portal`, `${ORG},10.160.0.0/16; 10.161.0.1,`], '?dry_run=true')
    expect(wider.json(), wider.body).toMatchObject({
      problems: [], warnings: [], updated: { organisations: 1 },
      changes: [{ row: 2, kind: 'organisation', key: CODE, action: 'update', fields: { allocations: ['10.160.0.0/16', '10.160.0.0/16; 10.161.0.1/32'] } }],
    })
    const cleared = await upload(['credit_code,org_name,sector,locality,allocations', `${ORG},`], '?dry_run=true&clear_empty=true')
    expect(cleared.json().changes).toEqual([expect.objectContaining({ kind: 'organisation', fields: { allocations: ['10.160.0.0/16', ''] } })])
    expect((await org()).allocations).toEqual(['10.160.0.0/16'])
  })

  it('later rows of one organisation may leave its cells empty, but must not contradict the first', async () => {
    const cols = 'credit_code,org_name,sector,locality,org_address,asset_name,category,grade,mlps_level'
    const quiet = await upload([cols, `${ORG},2 River Road,SCADA portal,,,`, `${ORG},,Pump control,industrial_control,core,3`], '?dry_run=true')
    expect(quiet.json(), quiet.body).toMatchObject({ problems: [], updated: { organisations: 1 }, created: { assets: 1 } })
    expect(quiet.json().changes).toContainEqual(expect.objectContaining({
      row: 3, kind: 'asset', key: 'Pump control', action: 'create',
      fields: { credit_code: [null, CODE], asset_name: [null, 'Pump control'], category: [null, 'industrial_control'], grade: [null, 'core'], mlps_level: [null, '3'], status: [null, 'active'] },
    }))
    const clash = await upload([cols, `${ORG},2 River Road,SCADA portal,,,`, `${ORG},3 River Road,Pump control,industrial_control,core,3`], '?dry_run=true')
    expect(clash.json().problems).toEqual([{ row: 3, column: 'org_address', reason: `organisation ${CODE} is described differently in row 2` }])
  })

  it('the listed changes are capped at 1,000 with a count of the rest; an export still re-imports as nothing', async () => {
    const rows = Array.from({ length: 1001 }, (_, i) => `${creditCode(1000 + i)},Org ${i},education,east-street`)
    const big = await upload(['credit_code,org_name,sector,locality', ...rows], '?dry_run=true')
    expect(big.json()).toMatchObject({ problems: [], created: { organisations: 1001 }, changes_omitted: 1 })
    expect(big.json().changes).toHaveLength(1000)
    const exported = await h.call('admin', 'GET', '/api/v1/archive/export?format=csv')
    const back = await h.app.inject({
      method: 'POST', url: '/api/v1/archive/import', payload: exported.rawPayload,
      headers: { authorization: `Bearer ${h.tokens.admin}`, 'content-type': 'text/csv' },
    })
    expect(back.json(), back.body).toMatchObject({ problems: [], created: { organisations: 0, assets: 0 }, updated: { organisations: 0, assets: 0 }, changes: [], kept: [] })
  })
})
