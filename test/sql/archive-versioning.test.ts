import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { openTestDb, type TestDb } from '../helpers/db.ts'
import { seedAsset, seedOrganisation } from '../helpers/archive-seed.ts'

const ORG = '0a000000-0000-4000-8000-0000000000aa'
const ASSET = '0b000000-0000-4000-8000-0000000000aa'

describe('the archive is append-only and versioned', () => {
  let db: TestDb
  beforeAll(async () => {
    db = await openTestDb()
    await seedOrganisation(db.clickhouse, { id: ORG, name: 'Water Works', sector: 'water', locality: 'north' })
    await seedAsset(db.clickhouse, { id: ASSET, org_id: ORG, name: 'SCADA v1', grade: 'important', networks: ['10.9.0.0/24'], version_at: '2026-01-01 00:00:00.000000' })
    await seedAsset(db.clickhouse, { id: ASSET, org_id: ORG, name: 'SCADA v2', grade: 'core', networks: ['10.9.0.0/24', '10.9.1.0/24'], version_at: '2026-06-01 00:00:00.000000' })
  })
  afterAll(() => db.close())

  it('serves the latest version as the current state', async () => {
    const current = await db.rows('SELECT name, grade, networks FROM assets_current WHERE id = {id:UUID}', { id: ASSET })
    expect(current).toEqual([{ name: 'SCADA v2', grade: 'core', networks: ['10.9.0.0/24', '10.9.1.0/24'] }])
  })

  it('keeps every version in the history, oldest first', async () => {
    const history = await db.rows('SELECT name, grade, version_at FROM assets WHERE id = {id:UUID} ORDER BY version_at', { id: ASSET })
    expect(history).toEqual([
      { name: 'SCADA v1', grade: 'important', version_at: '2026-01-01 00:00:00.000000' },
      { name: 'SCADA v2', grade: 'core', version_at: '2026-06-01 00:00:00.000000' },
    ])
  })

  it('answers "as of" a time with the version in force then', async () => {
    const asOf = (t: string) =>
      db.rows(
        `SELECT name FROM assets WHERE id = {id:UUID} AND version_at <= {t:DateTime64(6)}
         ORDER BY version_at DESC LIMIT 1`,
        { id: ASSET, t },
      )
    expect(await asOf('2026-03-01 00:00:00')).toEqual([{ name: 'SCADA v1' }])
    expect(await asOf('2026-07-01 00:00:00')).toEqual([{ name: 'SCADA v2' }])
    expect(await asOf('2025-12-31 00:00:00')).toEqual([])
  })
})
