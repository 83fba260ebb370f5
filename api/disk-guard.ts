import type { FastifyInstance } from 'fastify'
import { lowDiskReason } from '../core/disk.ts'
import { loadSql } from '../sql/queries.ts'

/**
 * Why the service is short of disk right now, or undefined: the data directory (uploads, the
 * spool, the embedded engine) and, on a server, ClickHouse's own disks, against
 * HOLOWATCH_MIN_FREE_MB.
 */
export async function diskShortage(app: FastifyInstance): Promise<string | undefined> {
  const min = app.config.minFreeMb
  const local = await lowDiskReason(app.config.dataDir, min)
  if (local || min <= 0 || app.engine !== 'server') return local
  const rs = await app.clickhouse.query({ query: loadSql('api/disk_free'), format: 'JSONEachRow' })
  const [disk] = await rs.json<{ free: number; path: string }>()
  if (!disk || disk.free >= min * 1024 * 1024) return undefined
  return `ClickHouse's disk ${disk.path} has ${Math.floor(disk.free / 1024 / 1024)} MiB free, below HOLOWATCH_MIN_FREE_MB (${min} MiB)`
}
