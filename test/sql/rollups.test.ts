import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { flowsToNative } from '../../collector/writer/index.ts'
import { newBatch } from '../../collector/writer/batch.ts'
import { insertBatch } from '../../collector/writer/insert.ts'
import { openTestDb, type TestDb } from '../helpers/db.ts'
import { syntheticFlows } from '../helpers/flows.ts'

// The minute and day traffic rollups against the flows they summarise: the day rollup is fed
// from the minute rollup (migration 0023), so both must agree with a GROUP BY over flows, and a
// batch inserted twice (a retry) must not count twice in either.
describe('traffic rollups', () => {
  let db: TestDb
  beforeAll(async () => {
    db = await openTestDb()
    const flows = syntheticFlows(30_000).map((f, i) => ({
      ...f,
      srcAddr: `10.0.${(i >> 8) & 255}.${i & 255}`,
      dstPort: [443, 80, 40000 + (i % 100)][i % 3]!,
      timeStart: f.timeStart + (i % 2) * 86_400_000, // two days
    }))
    for (let i = 0; i < flows.length; i += 10_000) {
      const batch = newBatch(10_000, flowsToNative(flows.slice(i, i + 10_000)))
      await insertBatch(db.clickhouse, batch)
      await insertBatch(db.clickhouse, batch) // the retry of a batch whose answer was lost
    }
  })
  afterAll(() => db.close())

  it('traffic_1d holds per day what flows hold, ephemeral ports folded, each batch once', async () => {
    const fromFlows = await db.rows(
      `SELECT toStartOfDay(time_start) AS d, if(dst_port >= 32768, 0, dst_port) AS p, count() AS f, sum(bytes) AS b, uniq(src_addr) AS s
       FROM flows GROUP BY d, p ORDER BY d, p`,
    )
    const fromDays = await db.rows(`SELECT day AS d, dst_port AS p, sum(flows) AS f, sum(bytes) AS b, uniqMerge(sources) AS s FROM traffic_1d GROUP BY d, p ORDER BY d, p`)
    expect(fromFlows).toHaveLength(6)
    expect(fromDays).toEqual(fromFlows)
    expect((await db.rows<{ n: number }>('SELECT count() AS n FROM flows'))[0]!.n).toBe(30_000)
  })

  it('traffic_1m holds per minute what flows hold', async () => {
    const fromFlows = await db.rows(`SELECT toStartOfMinute(time_start) AS m, count() AS f, sum(packets) AS p FROM flows GROUP BY m ORDER BY m`)
    const fromMinutes = await db.rows(`SELECT minute AS m, sum(flows) AS f, sum(packets) AS p FROM traffic_1m GROUP BY m ORDER BY m`)
    expect(fromMinutes).toEqual(fromFlows)
  })
})
