import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { creditCode, openHarness, type Harness } from '../archive/harness.ts'

// Every archive, token and audit route for every role: the status each must get. Write routes
// work on a fresh object per call, so one role's write never changes what the next one sees.
type Who = 'admin' | 'analyst' | 'ownerA' | 'ownerB' | 'vendor' | 'sensor' | 'none'
const WHO: Who[] = ['admin', 'analyst', 'ownerA', 'ownerB', 'vendor', 'sensor', 'none']

interface Case {
  name: string
  request: (h: Harness, n: number) => Promise<{ method: string; url: string; payload?: unknown; headers?: Record<string, string> }>
  expect: Record<Who, number>
}

const row = (admin: number, analyst: number, ownerA: number, ownerB: number): Record<Who, number> => ({ admin, analyst, ownerA, ownerB, vendor: 403, sensor: 403, none: 401 })

describe('role × route matrix', () => {
  let h: Harness
  let assetA: string
  let net = 0
  const freshAsset = async (): Promise<string> => {
    const res = await h.call('admin', 'POST', '/api/v1/assets', { organisation_id: h.orgA, name: 'fresh', category: 'website', grade: 'general', mlps_level: 2, networks: [`10.200.${++net}.0/24`] })
    expect(res.statusCode, res.body).toBe(201)
    return res.json().id
  }
  const etag = async (url: string) => String((await h.call('admin', 'GET', url)).headers.etag)

  beforeAll(async () => {
    h = await openHarness()
    const res = await h.call('admin', 'POST', '/api/v1/assets', { organisation_id: h.orgA, name: 'school web', category: 'website', grade: 'important', mlps_level: 3, networks: ['10.20.0.0/24'] })
    assetA = res.json().id
  })
  afterAll(() => h.close())

  const cases: Case[] = [
    { name: 'GET /sectors', request: async () => ({ method: 'GET', url: '/api/v1/sectors' }), expect: row(200, 200, 200, 200) },
    { name: 'GET /sectors/:code', request: async () => ({ method: 'GET', url: '/api/v1/sectors/health' }), expect: row(200, 200, 200, 200) },
    { name: 'GET /sectors/:code/history', request: async () => ({ method: 'GET', url: '/api/v1/sectors/health/history' }), expect: row(200, 200, 200, 200) },
    { name: 'POST /sectors', request: async (_h, n) => ({ method: 'POST', url: '/api/v1/sectors', payload: { code: `s${n}`, name_zh: '新', name_en: 'New' } }), expect: row(201, 403, 403, 403) },
    {
      name: 'PATCH /sectors/:code',
      request: async () => ({ method: 'PATCH', url: '/api/v1/sectors/water', payload: { name_en: `Water ${Math.random()}` }, headers: { 'if-match': await etag('/api/v1/sectors/water') } }),
      expect: row(200, 403, 403, 403),
    },
    {
      name: 'DELETE /sectors/:code',
      request: async (hh, n) => {
        await hh.call('admin', 'POST', '/api/v1/sectors', { code: `d${n}`, name_zh: '删', name_en: 'Gone' })
        return { method: 'DELETE', url: `/api/v1/sectors/d${n}` }
      },
      expect: row(200, 403, 403, 403),
    },
    { name: 'GET /localities', request: async () => ({ method: 'GET', url: '/api/v1/localities' }), expect: row(200, 200, 200, 200) },
    { name: 'POST /localities', request: async (_h, n) => ({ method: 'POST', url: '/api/v1/localities', payload: { code: `l${n}`, name_zh: '镇', name_en: 'Town' } }), expect: row(201, 403, 403, 403) },
    { name: 'GET /organisations', request: async () => ({ method: 'GET', url: '/api/v1/organisations' }), expect: row(200, 200, 200, 200) },
    { name: 'GET /organisations/:A', request: async (hh) => ({ method: 'GET', url: `/api/v1/organisations/${hh.orgA}` }), expect: row(200, 200, 200, 404) },
    { name: 'GET /organisations/:A/history', request: async (hh) => ({ method: 'GET', url: `/api/v1/organisations/${hh.orgA}/history` }), expect: row(200, 200, 200, 404) },
    {
      name: 'POST /organisations',
      request: async (_h, n) => ({ method: 'POST', url: '/api/v1/organisations', payload: { name: `Org ${n}`, credit_code: creditCode(100 + n), sector: 'water', locality: 'east-street' } }),
      expect: row(201, 403, 403, 403),
    },
    {
      name: 'PATCH /organisations/:A',
      request: async (hh) => ({ method: 'PATCH', url: `/api/v1/organisations/${hh.orgA}`, payload: { address: `No. ${Math.random()} East Road` }, headers: { 'if-match': await etag(`/api/v1/organisations/${hh.orgA}`) } }),
      expect: row(200, 403, 200, 404),
    },
    {
      name: 'DELETE /organisations/:id',
      request: async (hh, n) => {
        const org = await hh.call('admin', 'POST', '/api/v1/organisations', { name: `Closing ${n}`, credit_code: creditCode(500 + n), sector: 'water', locality: 'east-street' })
        return { method: 'DELETE', url: `/api/v1/organisations/${org.json().id}` }
      },
      expect: row(200, 403, 403, 403),
    },
    { name: 'GET /assets', request: async () => ({ method: 'GET', url: '/api/v1/assets' }), expect: row(200, 200, 200, 200) },
    { name: 'GET /assets/:a', request: async () => ({ method: 'GET', url: `/api/v1/assets/${assetA}` }), expect: row(200, 200, 200, 404) },
    { name: 'GET /assets/:a/history', request: async () => ({ method: 'GET', url: `/api/v1/assets/${assetA}/history` }), expect: row(200, 200, 200, 404) },
    { name: 'GET /assets/lookup', request: async () => ({ method: 'GET', url: '/api/v1/assets/lookup?ip=10.20.0.7' }), expect: row(200, 200, 200, 404) },
    {
      name: 'POST /assets (organisation A)',
      request: async (hh) => ({ method: 'POST', url: '/api/v1/assets', payload: { organisation_id: hh.orgA, name: 'new', category: 'database', grade: 'core', mlps_level: 3, networks: [`10.100.${++net}.0/24`] } }),
      expect: row(201, 403, 201, 404),
    },
    {
      name: 'PATCH /assets/:a',
      request: async () => {
        const id = await freshAsset()
        return { method: 'PATCH', url: `/api/v1/assets/${id}`, payload: { notes: 'patched' }, headers: { 'if-match': await etag(`/api/v1/assets/${id}`) } }
      },
      expect: row(200, 403, 200, 404),
    },
    { name: 'DELETE /assets/:a', request: async () => ({ method: 'DELETE', url: `/api/v1/assets/${await freshAsset()}` }), expect: row(200, 403, 200, 404) },
    { name: 'GET /tokens', request: async () => ({ method: 'GET', url: '/api/v1/tokens' }), expect: row(200, 403, 403, 403) },
    { name: 'POST /tokens', request: async (_h, n) => ({ method: 'POST', url: '/api/v1/tokens', payload: { name: `t${n}`, role: 'analyst' } }), expect: row(201, 403, 403, 403) },
    {
      name: 'DELETE /tokens/:id',
      request: async (hh, n) => {
        const t = await hh.call('admin', 'POST', '/api/v1/tokens', { name: `r${n}`, role: 'analyst' })
        return { method: 'DELETE', url: `/api/v1/tokens/${t.json().info.id}` }
      },
      expect: row(204, 403, 403, 403),
    },
    { name: 'GET /archive/export', request: async () => ({ method: 'GET', url: '/api/v1/archive/export?format=json' }), expect: row(200, 200, 200, 200) },
    {
      name: 'POST /archive/import (dry run)',
      request: async () => ({ method: 'POST', url: '/api/v1/archive/import?dry_run=true', payload: 'credit_code,org_name,sector,locality\n', headers: { 'content-type': 'text/csv' } }),
      expect: row(200, 403, 403, 403),
    },
    { name: 'GET /audit', request: async () => ({ method: 'GET', url: '/api/v1/audit' }), expect: row(200, 403, 403, 403) },
  ]

  for (const c of cases) {
    it(c.name, async () => {
      const got: Record<string, number> = {}
      let n = 0
      for (const who of WHO) {
        const req = await c.request(h, ++n + WHO.length * cases.indexOf(c))
        const res = await h.call(who === 'none' ? null : who, req.method, req.url, req.payload, req.headers)
        got[who] = res.statusCode
        if (res.statusCode >= 400) expect(res.headers['content-type'], `${who}: ${res.body}`).toContain('application/problem+json')
      }
      expect(got).toEqual(c.expect)
    })
  }

  it('owner A cannot move its asset into organisation B, nor create one there (404: B is not confirmed)', async () => {
    const id = await freshAsset()
    const move = await h.call('ownerA', 'PATCH', `/api/v1/assets/${id}`, { organisation_id: h.orgB }, { 'if-match': await etag(`/api/v1/assets/${id}`) })
    expect(move.statusCode).toBe(404)
    const lists = await h.call('ownerB', 'GET', '/api/v1/assets')
    expect(lists.json().items).toEqual([])
    const orgs = await h.call('ownerB', 'GET', '/api/v1/organisations')
    expect(orgs.json().items.map((o: { id: string }) => o.id)).toEqual([h.orgB])
  })

  it('an owner cannot change the fields the centre decides', async () => {
    const res = await h.call('ownerA', 'PATCH', `/api/v1/organisations/${h.orgA}`, { sector: 'health' }, { 'if-match': await etag(`/api/v1/organisations/${h.orgA}`) })
    expect(res.statusCode).toBe(403)
    expect(res.json().detail).toContain('sector')
  })
})
