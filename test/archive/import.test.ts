import { readFileSync } from 'node:fs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { parseCsv } from '../../archive/csv.ts'
import { readXlsx, writeXlsx } from '../../archive/xlsx.ts'
import { creditCode, openHarness, type Harness } from './harness.ts'

// Bulk import and export through the API: all or nothing, every bad row reported, round trips.
const TEMPLATE = readFileSync(new URL('../../docs/archive-import-template.csv', import.meta.url))
const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet'

describe('archive import and export', () => {
  let h: Harness
  beforeAll(async () => { h = await openHarness() })
  afterAll(() => h.close())

  const counts = async () => h.db.rows('SELECT (SELECT count() FROM organisations) AS o, (SELECT count() FROM assets) AS a')
  const upload = (body: Buffer | string, query = '', type = 'text/csv') =>
    h.app.inject({ method: 'POST', url: `/api/v1/archive/import${query}`, payload: body, headers: { authorization: `Bearer ${h.tokens.admin}`, 'content-type': type } })
  const exportAs = (format: string, extra = '', who: 'admin' | 'ownerA' = 'admin') => h.call(who, 'GET', `/api/v1/archive/export?format=${format}${extra}`)

  it('a file with bad rows writes nothing and reports every problem with row and column; the dry run too', async () => {
    const bad = [
      'credit_code,org_name,sector,locality,asset_name,category,grade,mlps_level,networks,services',
      `${creditCode(40)},Water Works,water,east-street,SCADA,industrial_control,core,3,10.80.0.0/24,502/tcp Modbus`,
      `${creditCode(40)},Water Works,water,east-street,Billing,business_system,important,三级,10.80.1.5/24,`,
      `91350100MA0000041X,Bus Company,transport,east-street,Tickets,website,general,2,10.81.0.0/24,`,
      `${creditCode(42)},Power Grid,power,east-street,EMS,industrial_control,core,7,10.80.0.0/24,80/http`,
    ].join('\n')
    const before = await counts()
    for (const query of ['?dry_run=true', '']) {
      const res = await upload(bad, query)
      const problems = query ? res.json().problems : res.json().errors.map((e: { field: string; message: string }) => `${e.field}: ${e.message}`)
      expect(res.statusCode, res.body).toBe(query ? 200 : 422)
      if (query) {
        expect(res.json()).toMatchObject({ dry_run: true, applied: false, rows: 4 })
        expect(problems.map((p: { row: number; column: string }) => `${p.row} ${p.column}`)).toEqual(['3 networks', '4 credit_code', '5 mlps_level', '5 services'])
        expect(problems[0].reason).toContain('host bits set')
      } else {
        expect(res.json().detail).toContain('nothing was written')
        expect(problems[0]).toContain('row 3, networks')
      }
    }
    expect(await counts()).toEqual(before)
    // The duplicate network of row 2 inside the same file is caught once row 5 is otherwise fixed.
    const fixed = bad.replace('10.80.1.5/24', '10.80.1.0/24').replace('91350100MA0000041X', creditCode(41)).replace(',7,10.80.0.0/24,80/http', ',3,10.80.0.0/24,80/tcp')
    const dup = await upload(fixed, '?dry_run=true')
    expect(dup.json().problems).toEqual([{ row: 5, column: 'networks', reason: expect.stringContaining('10.80.0.0/24 belongs to asset') }])
    const ok = await upload(fixed.replace(',3,10.80.0.0/24,80/tcp', ',3,10.82.0.0/24,80/tcp'), '?name=water.csv')
    expect(ok.statusCode, ok.body).toBe(200)
    expect(ok.json()).toMatchObject({ applied: true, rows: 4, created: { organisations: 3, assets: 4 }, problems: [] })
    const billing = (await h.call('analyst', 'GET', '/api/v1/assets?q=Billing')).json().items[0]
    expect(billing).toMatchObject({ mlps_level: 3, networks: ['10.80.1.0/24'], grade: 'important' })
    const audit = (await h.call('admin', 'GET', '/api/v1/audit?object_type=archive&action=import')).json().items
    expect(audit[0]).toMatchObject({ object_id: 'water.csv', actor: 'centre-admin', changes: { rows: [null, 4] } })
  })

  it('imports the shipped template with Chinese labels, then re-importing it changes nothing', async () => {
    const res = await upload(TEMPLATE)
    expect(res.statusCode, res.body).toBe(200)
    expect(res.json()).toMatchObject({ created: { organisations: 2, assets: 3 }, problems: [] })
    const school = (await h.call('analyst', 'GET', '/api/v1/organisations?q=第一中学')).json().items[0]
    expect(school).toMatchObject({ sector: 'education', locality: 'east-street', cso: { name: '张伟', certificate: 'CISP-2024-0001' } })
    const portal = (await h.call('analyst', 'GET', '/api/v1/assets?q=学校门户网站')).json().items[0]
    expect(portal).toMatchObject({
      category: 'website', grade: 'important', mlps_level: 2, networks: ['203.0.113.10/32'], domains: ['www.school.example.cn'],
      services: [{ port: 443, protocol: 'tcp', product: 'nginx', version: '1.24' }, { port: 80, protocol: 'tcp', product: 'nginx', version: '1.24' }],
    })
    const again = await upload(TEMPLATE)
    expect(again.json()).toMatchObject({ created: { organisations: 0, assets: 0 }, updated: { organisations: 0, assets: 0 }, unchanged: 5 })
  })

  it('export → import round-trips in CSV and XLSX, with English or Chinese headers', async () => {
    const csv = await exportAs('csv')
    expect(csv.headers['content-type']).toContain('text/csv')
    const rows = parseCsv(csv.body.replace(/^\uFEFF/, ''))
    expect(rows[0]![0]).toBe('credit_code')
    const before = await counts()
    const back = await upload(csv.rawPayload)
    expect(back.json(), back.body).toMatchObject({ problems: [], created: { organisations: 0, assets: 0 }, updated: { organisations: 0, assets: 0 } })
    expect(await counts()).toEqual(before)
    const xlsx = await exportAs('xlsx', '&headers=zh')
    expect(xlsx.headers['content-type']).toBe(XLSX)
    const sheet = await readXlsx(xlsx.rawPayload)
    expect(sheet[0]![0]).toBe('统一社会信用代码')
    expect(sheet.length).toBe(rows.filter((r) => r.some((c) => c !== '')).length)
    const xback = await upload(xlsx.rawPayload, '', XLSX)
    expect(xback.json(), xback.body).toMatchObject({ problems: [], created: { organisations: 0, assets: 0 }, updated: { organisations: 0, assets: 0 } })
    // An edit made in the spreadsheet comes back as exactly that change.
    const edited = sheet.map((r) => [...r])
    const nameCol = edited[0]!.indexOf('资产名称')
    const notesCol = edited[0]!.indexOf('备注')
    const hisRow = edited.find((r) => r[nameCol] === 'HIS')!
    hisRow[notesCol] = '已完成等保测评'
    const changed = await upload(await writeXlsx('archive', edited), '', XLSX)
    expect(changed.json()).toMatchObject({ problems: [], updated: { organisations: 0, assets: 1 } })
    expect((await h.call('analyst', 'GET', '/api/v1/assets?q=HIS')).json().items[0].notes).toBe('已完成等保测评')
    const json = await exportAs('json')
    expect(json.json().assets.length).toBe(rows.filter((r) => r[10]).length - 1)
  })

  it('an owner exports only its organisations; only admins import; unreadable files are refused', async () => {
    const own = (await exportAs('json', '', 'ownerA')).json()
    expect(own.organisations.map((o: { id: string }) => o.id)).toEqual([h.orgA])
    const ownerImport = await h.app.inject({ method: 'POST', url: '/api/v1/archive/import', payload: TEMPLATE, headers: { authorization: `Bearer ${h.tokens.ownerA}`, 'content-type': 'text/csv' } })
    expect(ownerImport.statusCode).toBe(403)
    expect((await upload(Buffer.from('PK\u0003\u0004 not really a zip'), '', XLSX)).statusCode).toBe(400)
    expect((await upload('"unterminated,quote\n')).statusCode).toBe(400)
    const headers = await upload('credit_code,org_name,secret_column\n', '?dry_run=true')
    expect(headers.json().problems.map((p: { column: string }) => p.column)).toEqual(['secret_column', 'sector (所属行业)', 'locality (所属属地)'])
  })
})
