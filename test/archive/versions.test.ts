import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { flowRow } from '../helpers/archive-seed.ts'
import { creditCode, openHarness, type Harness } from './harness.ts'

// History, as_of, optimistic concurrency, audit and enrichment through the API.
describe('archive versions', () => {
  let h: Harness
  beforeAll(async () => { h = await openHarness() })
  afterAll(() => h.close())

  const create = async (payload: Record<string, unknown>) => {
    const res = await h.call('admin', 'POST', '/api/v1/assets', { organisation_id: h.orgA, category: 'business_system', grade: 'general', mlps_level: 2, ...payload })
    expect(res.statusCode, res.body).toBe(201)
    return res
  }
  const pause = () => new Promise((r) => setTimeout(r, 20))

  it('history and as_of: after three edits, a read at each point in time returns the state of that time', async () => {
    const first = await create({ name: 'HIS v1', networks: ['10.30.0.0/24'] })
    const id = first.json().id
    const states = [{ at: first.json().version_at, name: 'HIS v1', etag: String(first.headers.etag) }]
    for (const name of ['HIS v2', 'HIS v3', 'HIS v4']) {
      await pause()
      const prev = states[states.length - 1]!
      const res = await h.call('ownerA', 'PATCH', `/api/v1/assets/${id}`, { name, grade: name === 'HIS v4' ? 'core' : 'general' }, { 'if-match': prev.etag })
      expect(res.statusCode, res.body).toBe(200)
      states.push({ at: res.json().version_at, name, etag: String(res.headers.etag) })
    }
    for (const s of states) {
      const res = await h.call('analyst', 'GET', `/api/v1/assets/${id}?as_of=${encodeURIComponent(s.at)}`)
      expect(res.json().name).toBe(s.name)
      expect(res.headers.etag).toBe(s.etag)
      const list = await h.call('analyst', 'GET', `/api/v1/assets?as_of=${encodeURIComponent(s.at)}&q=HIS`)
      expect(list.json().items.map((a: { name: string }) => a.name)).toEqual([s.name])
    }
    const before = new Date(Date.parse(states[0]!.at) - 1000).toISOString()
    expect((await h.call('analyst', 'GET', `/api/v1/assets/${id}?as_of=${before}`)).statusCode).toBe(404)
    const history = (await h.call('ownerA', 'GET', `/api/v1/assets/${id}/history`)).json().items
    expect(history.map((v: { name: string; changed_by: string }) => [v.name, v.changed_by])).toEqual([
      ['HIS v1', 'centre-admin'], ['HIS v2', 'school-cso'], ['HIS v3', 'school-cso'], ['HIS v4', 'school-cso'],
    ])
    expect((await h.call('analyst', 'GET', `/api/v1/assets/${id}`)).json()).toMatchObject({ name: 'HIS v4', grade: 'core' })
  })

  it('an update needs If-Match (428) and a stale one gets 412; of two writes with the same ETag exactly one wins', async () => {
    const res = await create({ name: 'mail', networks: ['10.31.0.0/24'] })
    const id = res.json().id
    const etag = String(res.headers.etag)
    expect((await h.call('ownerA', 'PATCH', `/api/v1/assets/${id}`, { notes: 'x' })).statusCode).toBe(428)
    const both = await Promise.all(['owner A', 'admin'].map((who, i) =>
      h.call(i === 0 ? 'ownerA' : 'admin', 'PATCH', `/api/v1/assets/${id}`, { notes: `edited by ${who}` }, { 'if-match': etag })))
    expect(both.map((r) => r.statusCode).sort()).toEqual([200, 412])
    const loser = both.find((r) => r.statusCode === 412)!
    expect(loser.json()).toMatchObject({ code: 'precondition_failed' })
    const history = (await h.call('admin', 'GET', `/api/v1/assets/${id}/history`)).json().items
    expect(history).toHaveLength(2)
    expect((await h.call('admin', 'PATCH', `/api/v1/assets/${id}`, { notes: 'late' }, { 'if-match': etag })).statusCode).toBe(412)
  })

  it('delete decommissions: the asset stays readable with its history and leaves the network dictionary', async () => {
    const res = await create({ name: 'camera', category: 'iot_camera', networks: ['10.32.0.7'] })
    const id = res.json().id
    expect((await h.call('analyst', 'GET', '/api/v1/assets/lookup?ip=10.32.0.7')).json().asset.id).toBe(id)
    const del = await h.call('ownerA', 'DELETE', `/api/v1/assets/${id}`)
    expect(del.statusCode).toBe(200)
    expect(del.json().status).toBe('decommissioned')
    expect((await h.call('ownerA', 'DELETE', `/api/v1/assets/${id}`)).statusCode).toBe(409)
    expect((await h.call('analyst', 'GET', `/api/v1/assets/${id}`)).json().status).toBe('decommissioned')
    expect((await h.call('analyst', 'GET', `/api/v1/assets/${id}/history`)).json().items).toHaveLength(2)
    expect((await h.call('analyst', 'GET', '/api/v1/assets/lookup?ip=10.32.0.7')).statusCode).toBe(404)
    const dict = await h.db.rows("SELECT dictGetOrDefault('asset_networks_dict', 'asset_id', toIPv6('::ffff:10.32.0.7'), toUUIDOrZero('')) AS a")
    expect(dict).toEqual([{ a: '00000000-0000-0000-0000-000000000000' }])
  })

  it('a sector, locality or organisation still in use cannot be retired (409); an unused one can, and stays readable', async () => {
    expect((await h.call('admin', 'DELETE', '/api/v1/sectors/education')).statusCode).toBe(409)
    expect((await h.call('admin', 'DELETE', '/api/v1/localities/east-street')).statusCode).toBe(409)
    await create({ name: 'keeps org A busy', networks: [] })
    const busy = await h.call('admin', 'DELETE', `/api/v1/organisations/${h.orgA}`)
    expect(busy.statusCode).toBe(409)
    expect(busy.json().detail).toContain('active assets')
    const retired = await h.call('admin', 'DELETE', '/api/v1/sectors/transport')
    expect(retired.json()).toMatchObject({ code: 'transport', status: 'retired', changed_by: 'centre-admin' })
    expect((await h.call('analyst', 'GET', '/api/v1/sectors?status=retired')).json().items.map((x: { code: string }) => x.code)).toEqual(['transport'])
    const org = await h.call('admin', 'POST', '/api/v1/organisations', { name: 'Bus Co', credit_code: creditCode(99), sector: 'transport', locality: 'east-street' })
    expect(org.statusCode).toBe(400)
    expect(org.json().detail).toBe('sector: no active sector transport')
  })

  it('lookup returns the most specific network; duplicates are refused with 409 and overlaps reported', async () => {
    const wide = (await create({ name: 'campus', networks: ['10.40.0.0/16'] })).json()
    const narrow = await create({ name: 'library', networks: ['10.40.7.0/24'] })
    expect(narrow.json().overlaps).toEqual([{ network: '10.40.7.0/24', other_asset_id: wide.id, other_network: '10.40.0.0/16' }])
    expect((await h.call('analyst', 'GET', '/api/v1/assets/lookup?ip=10.40.7.9')).json()).toMatchObject({ network: '10.40.7.0/24', asset: { name: 'library' } })
    expect((await h.call('analyst', 'GET', '/api/v1/assets/lookup?ip=10.40.8.9')).json()).toMatchObject({ network: '10.40.0.0/16', asset: { name: 'campus' } })
    const dup = await h.call('admin', 'POST', '/api/v1/assets', { organisation_id: h.orgB, name: 'copy', category: 'website', grade: 'general', mlps_level: 1, networks: ['10.40.7.0/24'] })
    expect(dup.statusCode).toBe(409)
    expect(dup.json().detail).toContain('10.40.7.0/24')
    expect((await h.call('analyst', 'GET', '/api/v1/assets/lookup?ip=not-an-ip')).statusCode).toBe(400)
    expect((await h.call('analyst', 'GET', '/api/v1/assets/lookup?ip=192.0.2.1')).statusCode).toBe(404)
  })

  it('every write is audited with who, role, address and the changed fields before → after', async () => {
    const res = await create({ name: 'OA', networks: ['10.33.0.0/24'] })
    const id = res.json().id
    await h.call('ownerA', 'PATCH', `/api/v1/assets/${id}`, { name: 'OA system', tags: ['office'] }, { 'if-match': String(res.headers.etag) })
    const audit = await h.call('admin', 'GET', `/api/v1/audit?object_type=asset&object_id=${id}`)
    expect(audit.statusCode, audit.body).toBe(200)
    const [update, created] = audit.json().items
    expect(update).toMatchObject({ actor: 'school-cso', role: 'owner', action: 'update', address: '127.0.0.1', via: 'api', changes: { name: ['OA', 'OA system'], tags: [[], ['office']] } })
    expect(Object.keys(update.changes).sort()).toEqual(['name', 'tags'])
    expect(created).toMatchObject({ actor: 'centre-admin', action: 'create', changes: { name: [null, 'OA'] } })
    const byActor = await h.call('admin', 'GET', '/api/v1/audit?actor=school-cso&action=update')
    expect(byActor.json().items.every((e: { actor: string; action: string }) => e.actor === 'school-cso' && e.action === 'update')).toBe(true)
    expect((await h.call('admin', 'GET', '/api/v1/audit?action=drop')).statusCode).toBe(400)
  })

  it('enrichment after an edit: a flow inserted after an asset gains a network is attributed to it', async () => {
    const res = await create({ name: 'new portal', networks: [] })
    const id = res.json().id
    const dst = (n: number) => `::ffff:10.60.0.${n}`
    await h.db.clickhouse.insert({ table: 'flows', format: 'JSONEachRow', values: [flowRow('::ffff:198.51.100.7', dst(1))] })
    const patch = await h.call('ownerA', 'PATCH', `/api/v1/assets/${id}`, { networks: ['10.60.0.0/24'] }, { 'if-match': String(res.headers.etag) })
    expect(patch.statusCode, patch.body).toBe(200)
    await h.db.clickhouse.insert({ table: 'flows', format: 'JSONEachRow', values: [flowRow('::ffff:198.51.100.7', dst(2))] })
    const rows = await h.db.rows<{ dst: string; asset: string; org: string }>(
      "SELECT toString(dst_addr) AS dst, toString(dst_asset) AS asset, toString(dst_org) AS org FROM flows WHERE startsWith(toString(dst_addr), '::ffff:10.60.') ORDER BY dst",
    )
    expect(rows).toEqual([
      { dst: dst(1), asset: '00000000-0000-0000-0000-000000000000', org: '00000000-0000-0000-0000-000000000000' },
      { dst: dst(2), asset: id, org: h.orgA },
    ])
  })
})
