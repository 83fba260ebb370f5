import type { FastifyInstance } from 'fastify'
import { detectorConfigFrom } from '../../../detection/config.ts'
import allowlistRoutes from '../allowlist/index.ts'
import statsRoutes from '../stats/index.ts'
import thresholdRoutes from '../thresholds/index.ts'
import threatIntelRoutes from '../threat-intel/index.ts'
import trafficRoutes from '../traffic/index.ts'
import attackAggregateRoutes from './aggregates.ts'
import attackRoutes from './index.ts'

/**
 * Everything detection serves under /api/v1: attacks (incidents), traffic, the overview
 * statistics, threat-intel feeds, the allow-list and threshold overrides. Each folder is one
 * resource; this only mounts them, so that app.ts registers detection in one line.
 */
export default async function detectionApi(app: FastifyInstance) {
  const opts = { prefix: '/api/v1' }
  await app.register(attackAggregateRoutes, opts)
  await app.register(attackRoutes, opts)
  await app.register(trafficRoutes, opts)
  await app.register(statsRoutes, opts)
  await app.register(threatIntelRoutes, opts)
  await app.register(allowlistRoutes, opts)
  await app.register(thresholdRoutes, { ...opts, current: () => detectorConfigFrom(app.config).thresholds })
}
