import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { inlineSettings } from '../../core/embedded.ts'
import { openTestDb, type TestDb } from '../helpers/db.ts'

describe('the embedded engine connection', () => {
  let db: TestDb
  beforeAll(async () => {
    db = await openTestDb({ migrate: false })
    await db.clickhouse.command({
      query: 'CREATE TABLE dedup (a UInt32) ENGINE = MergeTree ORDER BY a SETTINGS non_replicated_deduplication_window = 100',
    })
  })
  afterAll(() => db.close())

  it('keeps a per-insert setting to that insert: a token does not leak into the next insert', async () => {
    const insert = (a: number, token?: string) =>
      db.clickhouse.insert({
        table: 'dedup',
        values: [{ a }],
        format: 'JSONEachRow',
        ...(token ? { clickhouse_settings: { insert_deduplication_token: token } } : {}),
      })
    await insert(1, 'batch-1')
    await insert(1, 'batch-1') // a retry of the same batch: deduplicated
    await insert(2) // an unrelated insert right after: must land
    expect(await db.rows('SELECT a FROM dedup ORDER BY a')).toEqual([{ a: 1 }, { a: 2 }])
    expect(await db.rows("SELECT getSetting('insert_deduplication_token') AS t")).toEqual([{ t: '' }])
  })

  it('applies a per-query setting to that query only', async () => {
    const rs = await db.clickhouse.query({ query: "SELECT getSetting('max_threads') AS t", format: 'JSONEachRow', clickhouse_settings: { max_threads: 1 } })
    expect(await rs.json()).toEqual([{ t: 1 }])
    expect((await db.rows<{ t: number }>("SELECT getSetting('max_threads') AS t"))[0]!.t).not.toBe(1)
  })

  it('places settings before the FORMAT clause and quotes string values', () => {
    const out = inlineSettings({ query: 'INSERT INTO t (a) FORMAT TabSeparated', clickhouse_settings: { insert_deduplication_token: "it's" } }, true)
    expect(out.query).toBe("INSERT INTO t (a) SETTINGS insert_deduplication_token = 'it\\'s' FORMAT TabSeparated")
    expect(out.clickhouse_settings).toBeUndefined()
  })
})
