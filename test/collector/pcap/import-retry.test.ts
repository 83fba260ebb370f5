import { fileURLToPath } from 'node:url'
import type { ClickHouseClient } from '@clickhouse/client'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { importCaptureFile, ImportWriteError, sha256File } from '../../../collector/capture/import.ts'
import { createLogger } from '../../../core/logger.ts'
import { openTestDb, type TestDb } from '../../helpers/db.ts'
import { LOCAL } from './helpers.ts'

// An import that fails or dies midway leaves some of its batches stored. Importing the same
// content again must store the capture exactly once: in flows and in the rollups fed from it.
const capture = fileURLToPath(new URL('dev-capture.pcap', LOCAL))
const FLOWS = 10_698
const logger = createLogger('silent')

/**
 * The real client, except that the `failAt`-th insert into flows is refused the way ClickHouse
 * refuses bad data (no retry helps), as a disk or a network failure would stop an import.
 */
function failingAt(clickhouse: ClickHouseClient, failAt: number): ClickHouseClient {
  let inserts = 0
  return new Proxy(clickhouse, {
    get(target, prop, receiver) {
      if (prop !== 'exec') return Reflect.get(target, prop, receiver) as unknown
      return (params: { query: string }) => {
        if (params.query.startsWith('INSERT INTO flows') && ++inserts >= failAt) {
          return Promise.reject(Object.assign(new Error('Cannot parse input (injected)'), { code: '27' }))
        }
        return target.exec(params as Parameters<ClickHouseClient['exec']>[0])
      }
    },
  })
}

describe('importing a capture again after an import that stopped midway', () => {
  let db: TestDb
  const counts = async () => {
    const [flows] = await db.rows<{ n: string }>("SELECT count() AS n FROM flows WHERE sensor = 'retry'")
    const [rollup] = await db.rows<{ n: string }>("SELECT sum(flows) AS n FROM traffic_1m")
    // The rollup has no sensor column: this file's database holds these imports only (the
    // forced import of the last test comes after every count).
    return { flows: Number(flows!.n), rollup: Number(rollup!.n) }
  }

  beforeAll(async () => {
    db = await openTestDb()
  })
  afterAll(() => db.close())

  it('stores the batches the first try did not, and none of those it did', async () => {
    const options = { sensor: 'retry', origin: 'cli' as const }
    const first = importCaptureFile(capture, options, { clickhouse: failingAt(db.clickhouse, 5), logger, batchRows: 1_000 })
    await expect(first).rejects.toThrow(ImportWriteError)
    expect(await counts()).toEqual({ flows: 4_000, rollup: 4_000 })
    const [failed] = await db.rows<{ status: string; error: string }>("SELECT status, error FROM pcap_imports_current WHERE sensor = 'retry'")
    expect(failed).toMatchObject({ status: 'failed', error: expect.stringContaining('injected') })

    const again = await importCaptureFile(capture, options, { clickhouse: db.clickhouse, logger, batchRows: 1_000 })
    expect(again).toMatchObject({ status: 'imported', flows: FLOWS })
    expect(await counts()).toEqual({ flows: FLOWS, rollup: FLOWS })
    // Done now: a third time is a no-op.
    expect((await importCaptureFile(capture, options, { clickhouse: db.clickhouse, logger, batchRows: 1_000 })).status).toBe('already_imported')
    expect(await counts()).toEqual({ flows: FLOWS, rollup: FLOWS })
  })

  it('an import still alive holds its content; one silent for two minutes died and is taken over', async () => {
    const sha256 = await sha256File(capture)
    await db.clickhouse.command({ query: "ALTER TABLE pcap_imports DELETE WHERE sensor = 'retry'", clickhouse_settings: { mutations_sync: '1' } })
    const running = (id: string, ageSeconds: number) =>
      db.clickhouse.command({
        query: `INSERT INTO pcap_imports (id, sha256, file_name, sensor, origin, size, status, started, version_at)
                VALUES ({id:UUID}, {sha256:String}, 'other.pcap', 'other', 'api', 1, 'running', now64(3) - {age:UInt32}, now64(6) - {age:UInt32})`,
        query_params: { id, sha256, age: ageSeconds },
      })
    await running('0c000000-0000-4000-8000-000000000001', 20)
    const held = await importCaptureFile(capture, { sensor: 'retry', origin: 'cli' }, { clickhouse: db.clickhouse, logger })
    expect(held).toMatchObject({ status: 'in_progress', previous: { id: '0c000000-0000-4000-8000-000000000001' } })
    await db.clickhouse.command({ query: "ALTER TABLE pcap_imports DELETE WHERE sensor = 'other'", clickhouse_settings: { mutations_sync: '1' } })
    await running('0c000000-0000-4000-8000-000000000002', 150)
    const taken = await importCaptureFile(capture, { sensor: 'retry', origin: 'cli' }, { clickhouse: db.clickhouse, logger, batchRows: 1_000 })
    expect(taken.status).toBe('imported')
    // Its batches were all stored by the first test: nothing is added.
    expect(await counts()).toEqual({ flows: FLOWS, rollup: FLOWS })
  })

  it('a running import says it is alive until it ends', async () => {
    const beats: string[] = []
    const spy = new Proxy(db.clickhouse, {
      get(target, prop, receiver) {
        if (prop !== 'insert') return Reflect.get(target, prop, receiver) as unknown
        return (params: { table: string; values: { status?: string }[] }) => {
          if (params.table === 'pcap_imports') beats.push(params.values[0]!.status!)
          return target.insert(params as Parameters<ClickHouseClient['insert']>[0])
        }
      },
    })
    await importCaptureFile(capture, { sensor: 'beat', origin: 'cli', force: true }, { clickhouse: spy, logger, heartbeatMs: 50, batchRows: 500 })
    expect(beats[0]).toBe('running')
    expect(beats.filter((b) => b === 'running').length).toBeGreaterThan(1)
    expect(beats.at(-1)).toBe('done')
  })

  it('an import that died after storing its services counts them once when done again', async () => {
    const services = async () =>
      db.rows<{ port: number; packets: string; observations: string }>("SELECT port, packets, observations FROM observed_services_current WHERE has(sensors, 'retry-svc') ORDER BY port")
    const options = { sensor: 'retry-svc', origin: 'cli' as const }
    const path = fileURLToPath(new URL('services.pcap', LOCAL))
    // The process "dies" when it writes the done record: flows and services are stored, the import is not.
    const dying = new Proxy(db.clickhouse, {
      get(target, prop, receiver) {
        if (prop !== 'insert') return Reflect.get(target, prop, receiver) as unknown
        return (params: { table: string; values: { status?: string }[] }) =>
          params.table === 'pcap_imports' && params.values[0]!.status === 'done'
            ? Promise.reject(new Error('killed (injected)'))
            : target.insert(params as Parameters<ClickHouseClient['insert']>[0])
      },
    })
    await expect(importCaptureFile(path, options, { clickhouse: dying, logger })).rejects.toThrow('killed')
    const once = await services()
    expect(once.length).toBeGreaterThan(0)
    // Its "running" row goes stale (as after two silent minutes) and the file is imported again.
    await db.clickhouse.command({ query: "ALTER TABLE pcap_imports DELETE WHERE sensor = 'retry-svc'", clickhouse_settings: { mutations_sync: '1' } })
    expect((await importCaptureFile(path, options, { clickhouse: db.clickhouse, logger })).status).toBe('imported')
    expect(await services()).toEqual(once)
  })
})
