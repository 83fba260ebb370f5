import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { runCli } from '../helpers/cli.ts'

// The token and archive commands, run as a user would, on their own embedded data directory.
describe('holowatch token and archive commands', () => {
  const dir = mkdtempSync(join(tmpdir(), 'holowatch-cli-'))
  const env = { HOLOWATCH_DATA_DIR: join(dir, 'data'), HOLOWATCH_LOG_LEVEL: 'silent' }
  afterAll(() => rmSync(dir, { recursive: true, force: true }))

  it('creates, lists and revokes tokens; the secret is printed once and never listed', async () => {
    const created = await runCli(['token', 'create', 'analyst wang', '--role', 'analyst'], env)
    expect(created.code, created.stderr).toBe(0)
    const token = /hw_[A-Za-z0-9_-]{43}/.exec(created.stdout)?.[0]
    expect(token).toBeDefined()
    const id = /id ([0-9a-f-]{36})/.exec(created.stdout)![1]!
    const list = await runCli(['token', 'list'], env)
    expect(list.stdout).toContain('analyst wang')
    expect(list.stdout).not.toContain(token!)
    expect((await runCli(['token', 'create', 'x', '--role', 'owner'], env)).code).toBe(2)
    const revoked = await runCli(['token', 'revoke', id], env)
    expect(revoked.stdout).toContain('revoked')
    expect((await runCli(['token', 'revoke', id], env)).code).toBe(1)
    const json = JSON.parse((await runCli(['token', 'list', '--json'], env)).stdout)
    expect(json[0]).toMatchObject({ name: 'analyst wang', created_by: expect.stringMatching(/^cli:/), revoked_by: expect.stringMatching(/^cli:/) })
  })

  it('reports every bad row with row and column, writes nothing, dry run or not (the export stays empty)', async () => {
    const file = join(dir, 'archive.csv')
    writeFileSync(file, [
      '统一社会信用代码,单位名称,所属行业,所属属地,资产名称,资产类别,重要程度,等保级别,IP地址',
      '12350100MB0000001Y,第一中学,教育,other,门户网站,网站,重要,二级,203.0.113.10',
      '12350100MB0000001Y,第一中学,教育,other,学籍系统,业务系统,核心,三级,10.20.0.1/24',
    ].join('\n'))
    const locality = await runCli(['archive', 'import', file, '--dry-run'], env)
    expect(locality.code).toBe(1)
    expect(locality.stderr).toContain('row 2, locality: no active locality other')
    expect(locality.stderr).toContain('row 3, networks: "10.20.0.1/24" has host bits set')
    expect(locality.stdout).toContain('nothing was written')
    writeFileSync(file, '\uFEFFcredit_code,org_name,sector,locality,asset_name,category,grade,mlps_level,networks\n12350100MB0000001Y,第一中学,education,,门户网站,website,important,2,203.0.113.10\n')
    const missing = await runCli(['archive', 'import', file], env)
    expect(missing.stderr).toContain('row 2, locality')
    const exported = await runCli(['archive', 'export', '--format', 'json'], env)
    expect(JSON.parse(exported.stdout)).toEqual({ organisations: [], assets: [] })
  })

  it('adds a locality, imports a file that names it, and exports it back', async () => {
    const added = await runCli(['archive', 'locality', 'east-street', '--zh', '东街街道', '--en', 'East Street'], env)
    expect(added.stdout, added.stderr).toContain('locality east-street (东街街道) created')
    const file = join(dir, 'ok.csv')
    writeFileSync(file, [
      '统一社会信用代码,单位名称,所属行业,所属属地,资产名称,资产类别,重要程度,等保级别,IP地址',
      '12350100MB0000001Y,第一中学,教育,东街街道,门户网站,网站,重要,二级,203.0.113.10',
    ].join('\n'))
    const dry = await runCli(['archive', 'import', file, '--dry-run'], env)
    expect(dry.stdout).toContain('dry run: no problems; 1 rows: 1 organisations and 1 assets new')
    const done = await runCli(['archive', 'import', file], env)
    expect(done.code, done.stderr).toBe(0)
    const out = join(dir, 'out.csv')
    await runCli(['archive', 'export', '--out', out], env)
    expect(readFileSync(out, 'utf8')).toContain('12350100MB0000001Y,第一中学,education,east-street')
  })

  it('a partial file changes only its columns; the dry run prints each changed field; --clear-empty clears', async () => {
    const file = join(dir, 'phone.csv')
    const org = '12350100MB0000001Y,第一中学,教育,东街街道'
    writeFileSync(file, `credit_code,org_name,sector,locality,cso_phone\n${org},0591-8888001\n`)
    expect((await runCli(['archive', 'import', file], env)).code).toBe(0)
    writeFileSync(file, `credit_code,org_name,sector,locality,cso_phone,asset_name,notes\n${org},,门户网站,对外门户\n`)
    const dry = await runCli(['archive', 'import', file, '--dry-run'], env)
    expect(dry.code, dry.stderr).toBe(0)
    expect(dry.stdout).toMatch(/row 2: asset [0-9a-f-]{36} \(门户网站\) changed\n {6}notes: "" → "对外门户"\n/)
    expect(dry.stdout).toContain('row 2: organisation 12350100MB0000001Y: cso_phone keeps "0591-8888001"')
    expect(dry.stdout).toContain('0 organisations and 1 assets changed, 1 unchanged. 1 empty cell(s) kept the archive\'s value (--clear-empty clears them). Nothing was written.')
    const clear = await runCli(['archive', 'import', file, '--dry-run', '--clear-empty'], env)
    expect(clear.stdout).toContain('row 2: organisation 12350100MB0000001Y (第一中学) changed\n      cso_phone: "0591-8888001" → ""\n')
    expect((await runCli(['archive', 'import', file, '--clear-empty'], env)).stdout).toContain('imported: 1 rows: 0 organisations and 0 assets new, 1 organisations and 1 assets changed')
    const exported = JSON.parse((await runCli(['archive', 'export', '--format', 'json'], env)).stdout)
    expect(exported.organisations[0].cso.phone).toBe('')
    expect(exported.assets[0]).toMatchObject({ notes: '对外门户', networks: ['203.0.113.10/32'], grade: 'important', mlps_level: 2 })
  })

  it('imports a block over another organisation\'s only with --allow-cross-org, and lists the conflict', async () => {
    const file = join(dir, 'hospital.csv')
    writeFileSync(file, [
      'credit_code,org_name,sector,locality,asset_name,category,grade,mlps_level,networks,allocations',
      '12350100MB00000022,县人民医院,health,east-street,HIS,database,core,3,203.0.113.0/28,203.0.113.0/28',
    ].join('\n'))
    const refused = await runCli(['archive', 'import', file], env)
    expect(refused.code).toBe(1)
    expect(refused.stderr).toContain('row 2, allocations: 203.0.113.0/28 shares addresses with organisation')
    expect((await runCli(['archive', 'conflicts'], env)).code).toBe(0)
    const allowed = await runCli(['archive', 'import', file, '--allow-cross-org'], env)
    expect(allowed.code, allowed.stderr).toBe(0)
    const listed = await runCli(['archive', 'conflicts'], env)
    expect(listed.code).toBe(1)
    expect(listed.stdout).toMatch(/^asset network 203\.0\.113\.10\/32 of 第一中学 \([0-9a-f-]{36}\), asset [0-9a-f-]{36} lies inside 203\.0\.113\.0\/28 of 县人民医院/m)
  })
})
