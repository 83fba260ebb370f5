import type { FastifyInstance } from 'fastify'
import { Type } from 'typebox'
import { ApiError } from '../../errors.ts'
import { pendingMigrations } from '../../../sql/migrate.ts'
import { diskShortage } from '../../disk-guard.ts'

const Health = Type.Object({ status: Type.Literal('ok') })
const Ready = Type.Object({
  status: Type.Literal('ready'),
  engine: Type.Union([Type.Literal('embedded'), Type.Literal('server')]),
  database: Type.String(),
})

/**
 * /healthz: the process is alive (no dependencies checked, for liveness probes).
 * /readyz: the database answers, every migration is applied and the disk is not short
 * (HOLOWATCH_MIN_FREE_MB), for readiness probes.
 */
export default async function healthRoutes(app: FastifyInstance) {
  app.get('/healthz', { schema: { tags: ['operations'], response: { 200: Health } } }, async () => ({ status: 'ok' as const }))

  app.get(
    '/readyz',
    { schema: { tags: ['operations'], response: { 200: Ready, 503: { $ref: 'Problem#' } } } },
    async () => {
      const ping = await app.clickhouse.ping()
      if (!ping.success) throw new ApiError('not_ready', 'ClickHouse does not answer')
      let pending: string[]
      try {
        pending = await pendingMigrations(app.clickhouse)
      } catch {
        throw new ApiError('not_ready', 'the schema is not migrated yet')
      }
      if (pending.length > 0) throw new ApiError('not_ready', `migrations pending: ${pending.join(', ')}`)
      const shortage = await diskShortage(app)
      if (shortage) throw new ApiError('not_ready', shortage)
      return { status: 'ready' as const, engine: app.engine, database: app.config.clickhouseDatabase }
    },
  )
}
