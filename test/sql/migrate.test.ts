import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { loadMigrations, MIGRATIONS_DIR } from '../../sql/migrations.ts'
import { migrate, MigrationError, pendingMigrations } from '../../sql/migrate.ts'
import { applyRetention } from '../../sql/ttl.ts'
import { openTestDb, type TestDb } from '../helpers/db.ts'

describe('migrations on the embedded engine', () => {
  let db: TestDb
  const target = { database: 'holowatch' }
  beforeAll(async () => {
    db = await openTestDb({ migrate: false })
  })
  afterAll(() => db.close())

  it('apply every migration on an empty data directory and record name, checksum and time', async () => {
    const all = loadMigrations()
    const result = await migrate(db.clickhouse, target)
    expect(result.applied).toEqual(all.map((m) => m.name))
    const recorded = await db.rows<{ name: string; checksum: string; applied_at: string }>(
      'SELECT name, checksum, applied_at FROM schema_migrations ORDER BY name',
    )
    expect(recorded.map((r) => [r.name, r.checksum])).toEqual(all.map((m) => [m.name, m.checksum]))
    expect(recorded.every((r) => Date.parse(r.applied_at + 'Z') > Date.parse('2020-01-01'))).toBe(true)
    const tables = await db.rows<{ name: string }>('SELECT name FROM system.tables WHERE database = {db:String}', { db: 'holowatch' })
    expect(tables.map((t) => t.name)).toEqual(
      expect.arrayContaining(['flows', 'traffic_1m', 'fanout_ports_1m', 'fanout_hosts_1m', 'assets', 'organisations', 'asset_networks_dict']),
    )
    expect(await pendingMigrations(db.clickhouse)).toEqual([])
  })

  it('does nothing on a second run', async () => {
    const before = await db.rows<{ n: number }>('SELECT count() AS n FROM schema_migrations')
    const result = await migrate(db.clickhouse, target)
    expect(result.applied).toEqual([])
    expect(result.alreadyApplied.length).toBe(loadMigrations().length)
    expect(await db.rows<{ n: number }>('SELECT count() AS n FROM schema_migrations')).toEqual(before)
    // The seeded sectors were not inserted twice.
    expect(await db.rows('SELECT count() AS n FROM sectors')).toEqual([{ n: 7 }])
  })

  it('refuses an applied migration whose file changed, naming it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'holowatch-migrations-'))
    cpSync(MIGRATIONS_DIR, dir, { recursive: true })
    const file = join(dir, '0003_flows.sql')
    writeFileSync(file, readFileSync(file, 'utf8').replace('sampling_rate UInt32 DEFAULT 1', 'sampling_rate UInt64 DEFAULT 1'))
    const attempt = migrate(db.clickhouse, target, loadMigrations(dir))
    await expect(attempt).rejects.toThrow(MigrationError)
    await expect(migrate(db.clickhouse, target, loadMigrations(dir))).rejects.toThrow(/0003_flows: was applied with checksum .* must not change/)
  })

  it('sets, keeps and removes the flows retention from the setting', async () => {
    const ttl = async () => (await db.rows<{ e: string }>("SELECT engine_full AS e FROM system.tables WHERE database = 'holowatch' AND name = 'flows'"))[0]!.e
    expect((await applyRetention(db.clickhouse, target, { flowsDays: 30, importDays: 0, rollupDays: 0 })).flows).toBe('set')
    expect(await ttl()).toContain("TTL if(source_kind = 'pcap', toDateTime('2106-01-01 00:00:00', 'UTC'), toDateTime(time_start) + toIntervalDay(30))")
    expect((await applyRetention(db.clickhouse, target, { flowsDays: 30, importDays: 0, rollupDays: 0 })).flows).toBe('unchanged')
    expect((await applyRetention(db.clickhouse, target, { flowsDays: 0, importDays: 0, rollupDays: 0 })).flows).toBe('removed')
    expect(await ttl()).not.toContain('TTL')
  })
})
