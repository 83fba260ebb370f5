import type { FastifyInstance } from 'fastify'
import { createHealthcheck, healthcheckConfigFrom } from '../../../healthcheck/index.ts'
import findingRoutes from '../findings/index.ts'
import noticeRoutes from '../notices/index.ts'
import reportRoutes from '../reports/index.ts'
import warningRoutes from '../warnings/index.ts'
import campaignRoutes from './index.ts'

/**
 * The health checks under /api/v1: campaigns and uploads, findings, notices, warnings and
 * reports over one health-check service, so that app.ts registers them in one line.
 */
export default async function healthcheckApi(app: FastifyInstance) {
  const hc = createHealthcheck(healthcheckConfigFrom(app.config), { clickhouse: app.clickhouse })
  const opts = { prefix: '/api/v1', hc }
  await app.register(campaignRoutes, opts)
  await app.register(findingRoutes, opts)
  await app.register(noticeRoutes, opts)
  await app.register(warningRoutes, opts)
  await app.register(reportRoutes, opts)
}
