import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { loadMigrations } from '../../sql/migrations.ts'
import { renderMigration, shardedTableNames } from '../../sql/render.ts'
import { openTestDb, type TestDb } from '../helpers/db.ts'

const migrations = loadMigrations()
const sharded = shardedTableNames(migrations)
const target = { database: 'holowatch', cluster: 'county' }
const rendered = migrations.flatMap((m) => renderMigration(m, target, sharded))

describe('migrations rendered for a cluster', () => {
  let db: TestDb
  beforeAll(async () => {
    db = await openTestDb({ migrate: false })
  })
  afterAll(() => db.close())

  it('shards flows and its rollups, and replicates the archive on every node', () => {
    expect([...sharded].sort()).toEqual(['fanout_hosts_1m', 'fanout_ports_1m', 'flow_sources_sample', 'flows', 'traffic_1d', 'traffic_1m'])
  })

  it('puts every DDL statement ON CLUSTER', () => {
    const ddl = rendered.filter((s) => /^(CREATE|ALTER|DROP)\b/i.test(s))
    expect(ddl.length).toBeGreaterThan(10)
    for (const s of ddl) expect(s).toContain("ON CLUSTER 'county'")
  })

  it('creates flows as a local Replicated table plus a Distributed table over it', () => {
    const local = rendered.find((s) => /CREATE TABLE IF NOT EXISTS flows_local /.test(s))
    expect(local).toMatch(/ENGINE = ReplicatedMergeTree\('\/clickhouse\/county\/tables\/\{shard\}\/holowatch\/flows_local', '\{replica\}'\)/)
    const dist = rendered.find((s) => /CREATE TABLE IF NOT EXISTS flows ON CLUSTER/.test(s))
    expect(dist).toContain("AS flows_local")
    expect(dist).toContain("ENGINE = Distributed('county', 'holowatch', 'flows_local', rand())")
  })

  it('keeps engine parameters and makes the rollup views read and write local tables', () => {
    const rollup = rendered.find((s) => /CREATE TABLE IF NOT EXISTS traffic_1m_local /.test(s))
    expect(rollup).toContain('ENGINE = ReplicatedAggregatingMergeTree(')
    const mv = rendered.find((s) => /CREATE MATERIALIZED VIEW IF NOT EXISTS traffic_1m_mv /.test(s))
    expect(mv).toContain('TO traffic_1m_local')
    expect(mv).toContain('FROM flows_local')
    expect(mv).not.toMatch(/FROM flows\b(?!_local)/)
  })

  it('replicates archive tables under one path shared by all shards', () => {
    const assets = rendered.find((s) => /CREATE TABLE IF NOT EXISTS assets ON CLUSTER/.test(s))
    expect(assets).toContain("ReplicatedMergeTree('/clickhouse/county/tables/all/holowatch/assets', '{replica}')")
    expect(rendered.some((s) => /assets_local/.test(s))).toBe(false)
  })

  it('renders statements that ClickHouse\'s own parser accepts', async () => {
    for (const statement of rendered) {
      const [row] = await db.rows<{ q: string }>('SELECT formatQuery({sql:String}) AS q', { sql: statement })
      expect(row!.q.length, statement).toBeGreaterThan(0)
    }
  })

  it('renders the single-node migrations unchanged apart from the database name', () => {
    const single = migrations.flatMap((m) => renderMigration(m, { database: 'holowatch' }, sharded))
    expect(single.some((s) => s.includes('ON CLUSTER'))).toBe(false)
    expect(single.some((s) => s.includes('${database}'))).toBe(false)
    expect(single.some((s) => s.includes("'holowatch.asset_networks_dict'"))).toBe(true)
  })
})
