import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildApp, type App } from '../../api/app.ts'
import { createMetricsRegistry } from '../../core/metrics.ts'
import { loadMigrations } from '../../sql/migrations.ts'
import { migrate } from '../../sql/migrate.ts'
import { seedAsset, seedOrganisation } from '../helpers/archive-seed.ts'
import { openTestDb, type TestDb } from '../helpers/db.ts'

// An archive from before allocations: migration 0050 gives every active organisation its active
// assets' networks as allocations, and the networks two organisations already shared are listed.
const X = '0a000000-0000-4000-8000-00000000000a'
const Y = '0a000000-0000-4000-8000-00000000000b'
const Z = '0a000000-0000-4000-8000-00000000000c'
const W = '0a000000-0000-4000-8000-00000000000d'
const X1 = '0b000000-0000-4000-8000-000000000001'
const Y1 = '0b000000-0000-4000-8000-000000000002'

describe('migration 0050: allocations for an existing archive', () => {
  let db: TestDb
  let app: App
  const target = { database: 'holowatch' }
  const allocations = async (id: string) =>
    (await db.rows<{ a: string[] }>('SELECT allocations AS a FROM organisations_current WHERE id = {id:UUID}', { id }))[0]!.a

  beforeAll(async () => {
    db = await openTestDb({ migrate: false })
    await migrate(db.clickhouse, target, loadMigrations().filter((m) => m.name < '0050'))
    await seedOrganisation(db.clickhouse, { id: X, name: 'Water Works', sector: 'water', locality: 'east-street' })
    await seedOrganisation(db.clickhouse, { id: Y, name: 'Pump Station', sector: 'water', locality: 'east-street' })
    await seedOrganisation(db.clickhouse, { id: W, name: 'No Assets Yet', sector: 'water', locality: 'east-street' })
    await db.clickhouse.insert({ table: 'organisations', format: 'JSONEachRow', values: [{ id: Z, name: 'Closed', credit_code: '91350100M000100Y43', sector: 'water', locality: 'east-street', status: 'inactive' }] })
    await seedAsset(db.clickhouse, { id: X1, org_id: X, name: 'plant', grade: 'core', networks: ['10.0.0.0/24', '2001:db8:1::/48'] })
    await seedAsset(db.clickhouse, { id: '0b000000-0000-4000-8000-000000000003', org_id: X, name: 'office', grade: 'general', networks: ['10.0.1.0/24'] })
    await db.clickhouse.insert({ table: 'assets', format: 'JSONEachRow', values: [{ id: '0b000000-0000-4000-8000-000000000004', org_id: X, name: 'old', category: 'website', grade: 'general', mlps_level: 2, networks: ['10.9.0.0/24'], status: 'decommissioned' }] })
    // Pump Station's host inside Water Works' block: a nesting from before allocations existed.
    await seedAsset(db.clickhouse, { id: Y1, org_id: Y, name: 'pump', grade: 'important', networks: ['10.0.0.5/32'] })
    await db.clickhouse.insert({ table: 'assets', format: 'JSONEachRow', values: [{ id: '0b000000-0000-4000-8000-000000000005', org_id: Z, name: 'gone', category: 'website', grade: 'general', mlps_level: 2, networks: ['10.8.0.0/24'], status: 'decommissioned' }] })
    const result = await migrate(db.clickhouse, target)
    // 0050 and whatever later migrations this build has.
    expect(result.applied[0]).toBe('0050_org_allocations')
    expect(result.applied.every((name) => name >= '0050')).toBe(true)
    app = await buildApp({ config: db.config, clickhouse: db.clickhouse, engine: 'embedded', metrics: createMetricsRegistry() }, { logger: false })
    await app.ready()
  })
  afterAll(async () => {
    await app?.close()
    await db.close()
  })

  it('gives each active organisation its active assets\' networks, in a new version written by the migration', async () => {
    expect(await allocations(X)).toEqual(['10.0.0.0/24', '10.0.1.0/24', '2001:db8:1::/48'])
    expect(await allocations(Y)).toEqual(['10.0.0.5/32'])
    expect(await allocations(W)).toEqual([])
    expect(await allocations(Z)).toEqual([])
    const versions = await db.rows<{ id: string; n: number; last: string }>(
      'SELECT toString(id) AS id, count() AS n, argMax(changed_by, version_at) AS last FROM organisations GROUP BY id ORDER BY id',
    )
    expect(versions).toEqual([
      { id: X, n: 2, last: 'migration' }, { id: Y, n: 2, last: 'migration' }, { id: Z, n: 1, last: '' }, { id: W, n: 1, last: 'test' },
    ])
  })

  it('lists the pair two organisations already shared for an administrator', async () => {
    const admin = (await app.tokens.create({ name: 'admin', role: 'admin' }, { name: 'test', role: 'admin', address: '127.0.0.1', via: 'cli' })).token
    const res = await app.inject({ method: 'GET', url: '/api/v1/archive/allocation-conflicts', headers: { authorization: `Bearer ${admin}` } })
    expect(res.statusCode, res.body).toBe(200)
    expect(res.json()).toEqual({
      total: 2,
      items: [
        {
          kind: 'allocation', relation: 'inside', network: '10.0.0.5/32', organisation_id: Y, organisation_name: 'Pump Station', asset_id: null,
          other_network: '10.0.0.0/24', other_organisation_id: X, other_organisation_name: 'Water Works', other_asset_id: null,
        },
        {
          kind: 'asset_network', relation: 'inside', network: '10.0.0.5/32', organisation_id: Y, organisation_name: 'Pump Station', asset_id: Y1,
          other_network: '10.0.0.0/24', other_organisation_id: X, other_organisation_name: 'Water Works', other_asset_id: X1,
        },
      ],
    })
  })

  it('lets owners keep working inside the derived allocations, and nowhere near the shared pair', async () => {
    const owner = (await app.tokens.create({ name: 'water-cso', role: 'owner', orgs: [X] }, { name: 'test', role: 'admin', address: '127.0.0.1', via: 'cli' })).token
    const post = (networks: string[]) => app.inject({
      method: 'POST', url: '/api/v1/assets', headers: { authorization: `Bearer ${owner}` },
      payload: { organisation_id: X, name: `n${networks[0]}`, category: 'website', grade: 'general', mlps_level: 2, networks },
    })
    expect((await post(['10.0.0.128/25'])).statusCode).toBe(201)
    const near = await post(['10.0.0.0/28'])
    expect(near.statusCode).toBe(409)
    expect(near.body).not.toContain('Pump Station')
    expect(near.body).not.toContain(Y)
  })
})
