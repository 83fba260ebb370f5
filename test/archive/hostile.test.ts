import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { creditCode, openHarness, type Harness } from './harness.ts'

// Hostile input on every archive route family: a 4xx problem with a clear detail, never a 500,
// and nothing written (the row counts of every archive table and of the audit log stay put).
describe('hostile input', () => {
  let h: Harness
  let asset: { id: string; etag: string }
  const counts = async () =>
    h.db.rows('SELECT (SELECT count() FROM sectors) AS s, (SELECT count() FROM localities) AS l, (SELECT count() FROM organisations) AS o, (SELECT count() FROM assets) AS a, (SELECT count() FROM audit_log) AS audit, (SELECT count() FROM api_tokens) AS t')
  const deep = (n: number): unknown => (n === 0 ? 'x' : [deep(n - 1)])
  const good = () => ({ organisation_id: h.orgA, name: 'ok', category: 'website', grade: 'general', mlps_level: 2 })

  beforeAll(async () => {
    h = await openHarness()
    const res = await h.call('admin', 'POST', '/api/v1/assets', { ...good(), networks: ['10.70.0.0/24'] })
    asset = { id: res.json().id, etag: String(res.headers.etag) }
  })
  afterAll(() => h.close())

  const cases: [string, string, string, unknown, number, string][] = [
    // [what, method, url, body, status, detail contains]
    ['CIDR with host bits', 'POST', '/api/v1/assets', { networks: ['10.1.2.3/24'] }, 400, 'host bits set; the network is 10.1.2.0/24'],
    ['prefix too long', 'POST', '/api/v1/assets', { networks: ['10.0.0.0/33'] }, 400, 'not an IPv4/IPv6 address or CIDR'],
    ['octet out of range', 'POST', '/api/v1/assets', { networks: ['999.1.1.1'] }, 400, 'networks.0'],
    ['leading zeros', 'POST', '/api/v1/assets', { networks: ['010.1.1.1'] }, 400, 'leading zeros'],
    ['the whole internet', 'POST', '/api/v1/assets', { networks: ['0.0.0.0/0'] }, 400, 'too broad'],
    ['bad IPv6', 'POST', '/api/v1/assets', { networks: ['2001:db8:::1'] }, 400, 'networks.0'],
    ['SQL in a network', 'POST', '/api/v1/assets', { networks: ["10.0.0.1'; DROP TABLE assets; --"] }, 400, 'networks.0'],
    ['network twice', 'POST', '/api/v1/assets', { networks: ['10.71.0.0/24', '10.71.0.0/24'] }, 400, 'listed twice'],
    ['unknown field', 'POST', '/api/v1/assets', { owner: 'me' }, 400, 'unknown field "owner"'],
    ['wrong type', 'POST', '/api/v1/assets', { mlps_level: { $gt: 0 } }, 400, 'mlps_level'],
    ['MLPS level 6', 'POST', '/api/v1/assets', { mlps_level: 6 }, 400, 'mlps_level'],
    ['port 0', 'POST', '/api/v1/assets', { services: [{ port: 0, protocol: 'tcp' }] }, 400, 'port'],
    ['control characters', 'POST', '/api/v1/assets', { name: 'evil\u0000name' }, 400, 'name'],
    ['bad domain', 'POST', '/api/v1/assets', { domains: ['exa mple..com'] }, 400, 'not a domain name'],
    ['deep JSON', 'POST', '/api/v1/assets', { tags: deep(2000) }, 400, 'tags'],
    ['unknown organisation', 'POST', '/api/v1/assets', { organisation_id: '0a000000-0000-4000-8000-0000000000ff' }, 400, 'no active organisation'],
    ['credit code checksum', 'POST', '/api/v1/organisations', { name: 'X', credit_code: '91350100MA0000001Q', sector: 'water', locality: 'east-street' }, 400, 'check character'],
    ['credit code with O', 'POST', '/api/v1/organisations', { name: 'X', credit_code: '91350100MA000O001P', sector: 'water', locality: 'east-street' }, 400, '"O" cannot appear'],
    ['credit code too short', 'POST', '/api/v1/organisations', { name: 'X', credit_code: '9135', sector: 'water', locality: 'east-street' }, 400, 'credit_code'],
    ['duplicate credit code', 'POST', '/api/v1/organisations', { name: 'X', credit_code: creditCode(1), sector: 'water', locality: 'east-street' }, 409, 'belongs to organisation'],
    ['unknown sector', 'POST', '/api/v1/organisations', { name: 'X', credit_code: creditCode(77), sector: 'mining', locality: 'east-street' }, 400, 'no active sector mining'],
    ['SQL in a sector code', 'POST', '/api/v1/sectors', { code: "x'); DROP TABLE sectors; --", name_zh: 'x', name_en: 'x' }, 400, 'code'],
    ['own parent', 'POST', '/api/v1/localities', { code: 'loop', name_zh: '环', name_en: 'Loop', parent_code: 'loop' }, 400, 'own parent'],
    ['SQL in an id', 'GET', "/api/v1/assets/1' OR '1'='1", undefined, 400, 'params.id'],
    ['SQL in a sort', 'GET', '/api/v1/assets?sort=name;DROP%20TABLE%20assets', undefined, 400, 'querystring'],
    ['unknown filter', 'GET', '/api/v1/organisations?drop=1', undefined, 400, 'unknown field "drop"'],
    ['bad as_of', 'GET', '/api/v1/sectors?as_of=yesterday', undefined, 400, 'as_of'],
    ['huge limit', 'GET', '/api/v1/assets?limit=100000000', undefined, 400, 'limit'],
    ['bad audit time', 'GET', '/api/v1/audit?from=2026-13-45', undefined, 400, 'from'],
    ['bad token body', 'POST', '/api/v1/tokens', { name: 'x', role: 'admin', orgs: 'all' }, 400, 'orgs'],
  ]

  it('answers every hostile request with a 4xx problem and writes nothing', async () => {
    const before = await counts()
    for (const [what, method, url, body, status, detail] of cases) {
      const payload = method === 'POST' && url === '/api/v1/assets' ? { ...good(), ...(body as object) } : body
      const res = await h.call('admin', method, url, payload)
      expect(res.statusCode, `${what}: ${res.body}`).toBe(status)
      expect(res.headers['content-type'], what).toContain('application/problem+json')
      expect(res.json().detail, what).toContain(detail)
    }
    expect(await counts()).toEqual(before)
  })

  it('refuses an oversized body with 413, and a stale or malformed If-Match with 412', async () => {
    const before = await counts()
    const big = await h.call('admin', 'POST', '/api/v1/assets', { ...good(), notes: 'x'.repeat(2 * 1024 * 1024) })
    expect(big.statusCode).toBe(413)
    const json = JSON.stringify(good())
    const nested = `${json.slice(0, -1)},"notes":${'['.repeat(200_000)}"x"${']'.repeat(200_000)}}`
    const deepRes = await h.call('admin', 'POST', '/api/v1/assets', nested, { 'content-type': 'application/json' })
    expect(deepRes.statusCode, deepRes.body).toBeGreaterThanOrEqual(400)
    expect(deepRes.statusCode).toBeLessThan(500)
    const url = `/api/v1/assets/${asset.id}`
    for (const tag of ['"1"', 'W/"x"', "' OR 1=1 --"]) {
      expect((await h.call('ownerA', 'PATCH', url, { notes: 'x' }, { 'if-match': tag })).statusCode).toBe(412)
    }
    expect((await h.call('ownerA', 'PATCH', url, {}, { 'if-match': asset.etag })).statusCode).toBe(400)
    expect((await h.call('ownerA', 'PATCH', url, 'not json', { 'if-match': asset.etag, 'content-type': 'application/json' })).statusCode).toBe(400)
    expect(await counts()).toEqual(before)
  })

  it('stores SQL-looking and unicode text verbatim, and searches for it as text', async () => {
    const name = "Robert'); DROP TABLE assets; -- 学生信息系统 🚀"
    const res = await h.call('ownerA', 'POST', '/api/v1/assets', { ...good(), name, notes: '{{7*7}} ${x} \\\' "', domains: ['教育.中国'] })
    expect(res.statusCode, res.body).toBe(201)
    const got = (await h.call('ownerA', 'GET', `/api/v1/assets/${res.json().id}`)).json()
    expect(got).toMatchObject({ name, notes: '{{7*7}} ${x} \\\' "', domains: ['教育.中国'] })
    const found = await h.call('analyst', 'GET', `/api/v1/assets?q=${encodeURIComponent("'); DROP")}`)
    expect(found.json().items.map((a: { name: string }) => a.name)).toEqual([name])
    expect((await h.call('analyst', 'GET', `/api/v1/assets?q=${encodeURIComponent("' OR 1=1 --")}`)).json().total).toBe(0)
  })
})
