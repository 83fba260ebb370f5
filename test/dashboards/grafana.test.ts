import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { openTestDb, type TestDb } from '../helpers/db.ts'
import { flowRow, reloadArchiveDictionary, seedAsset, seedOrganisation } from '../helpers/archive-seed.ts'

const GRAFANA_DIR = join(import.meta.dirname, '../../dashboards/grafana')

interface Panel {
  id: number
  title: string
  datasource: { type: string }
  targets: { rawSql: string }[]
}

/**
 * Expands the macros of the Grafana ClickHouse data source the way the plugin does, for a fixed
 * range and a one-minute interval, so the panel SQL can run on the embedded engine.
 */
function expandMacros(sql: string): string {
  const from = "toDateTime('2026-11-22 00:00:00', 'UTC')"
  const to = "toDateTime('2026-11-23 00:00:00', 'UTC')"
  return sql
    .replace(/\$__timeFilter\((\w+)\)/g, `$1 >= ${from} AND $1 <= ${to}`)
    .replace(/\$__timeInterval\((\w+)\)/g, 'toStartOfInterval($1, INTERVAL 60 second)')
    .replaceAll('$__fromTime', from)
    .replaceAll('$__toTime', to)
    .replaceAll('$__interval_s', '60')
}

const dashboards = readdirSync(GRAFANA_DIR).filter((f) => f.endsWith('.json'))

describe('Grafana dashboards', () => {
  let db: TestDb
  beforeAll(async () => {
    db = await openTestDb()
    const org = '0a000000-0000-4000-8000-0000000000f1'
    await seedOrganisation(db.clickhouse, { id: org, name: 'Power Grid Co', sector: 'power', locality: 'south' })
    await seedAsset(db.clickhouse, { id: '0b000000-0000-4000-8000-0000000000f1', org_id: org, name: 'dispatch', grade: 'core', networks: ['10.50.0.0/24'] })
    await reloadArchiveDictionary(db.clickhouse)
    await db.clickhouse.insert({ table: 'flows', format: 'JSONEachRow', values: [flowRow('198.51.100.1', '10.50.0.5')] })
  })
  afterAll(() => db.close())

  it('ships at least the one-screen dashboard for the official ClickHouse data source', () => {
    expect(dashboards).toContain('one-screen.json')
    for (const file of dashboards) {
      const dash = JSON.parse(readFileSync(join(GRAFANA_DIR, file), 'utf8')) as { panels: Panel[]; uid: string }
      expect(dash.uid).toBeTruthy()
      for (const panel of dash.panels) expect(panel.datasource.type, panel.title).toBe('grafana-clickhouse-datasource')
    }
  })

  for (const file of dashboards) {
    it(`runs every panel query of ${file} against the current schema`, async () => {
      const dash = JSON.parse(readFileSync(join(GRAFANA_DIR, file), 'utf8')) as { panels: Panel[] }
      expect(dash.panels.length).toBeGreaterThan(5)
      const results: Record<string, unknown[]> = {}
      for (const panel of dash.panels) {
        for (const target of panel.targets) {
          results[panel.title] = await db.rows(expandMacros(target.rawSql)).catch((err: Error) => {
            throw new Error(`panel "${panel.title}": ${err.message}`)
          })
        }
      }
      if (file === 'one-screen.json') {
        expect(results['Flows analysed']).toEqual([{ flows: 1 }])
        expect(results['Assets under watch by grade']).toEqual([{ grade: 'core', assets: 1 }])
        expect(results['Inbound traffic by sector']).toEqual([{ sector: 'power', bytes: 4000 }])
      }
    })
  }
})
