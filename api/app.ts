import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify'
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import auth from './plugins/auth.ts'
import errors from './plugins/errors.ts'
import httpMetrics from './plugins/http-metrics.ts'
import jsonBody from './plugins/json-body.ts'
import securityHeaders from './plugins/security-headers.ts'
import dashboard from './plugins/dashboard.ts'
import openapi from './plugins/openapi.ts'
import archiveApi from './routes/archive/register.ts'
import observedServiceRoutes from './routes/assets/observed-services.ts'
import detectionApi from './routes/attacks/register.ts'
import healthcheckApi from './routes/campaigns/register.ts'
import exporterRoutes from './routes/exporters/index.ts'
import healthRoutes from './routes/health/index.ts'
import meRoutes from './routes/me/index.ts'
import metricsRoutes from './routes/metrics/index.ts'
import pcapRoutes from './routes/pcaps/index.ts'
import { ProblemSchema } from './schemas.ts'
import type { AppDeps } from './types.ts'

export type App = FastifyInstance

/**
 * Builds the holowatch API as a Fastify application without listening (tests call `inject()`,
 * api/server.ts listens). Dependencies come in by hand; nothing here opens connections.
 */
export async function buildApp(deps: AppDeps, options: FastifyServerOptions = {}): Promise<App> {
  const app = await baseApp(deps, options)
  await app.register(openapi)
  await app.register(auth)
  await app.register(healthRoutes)
  await app.register(metricsRoutes)
  await app.register(detectionApi)
  await app.register(archiveApi)
  await app.register(healthcheckApi)
  await app.register(pcapRoutes, { prefix: '/api/v1', tap: deps.observeFlows })
  await app.register(exporterRoutes, { prefix: '/api/v1', source: deps.collector })
  await app.register(meRoutes, { prefix: '/api/v1' })
  await app.register(observedServiceRoutes, { prefix: '/api/v1' })
  await app.register(dashboard)
  return app
}

/**
 * Only /healthz, /readyz and /metrics: what `holowatch collect` serves so that a collector on
 * its own host can be probed and scraped like the full service.
 */
export async function buildOperationsApp(deps: AppDeps, options: FastifyServerOptions = {}): Promise<App> {
  const app = await baseApp(deps, options)
  await app.register(healthRoutes)
  await app.register(metricsRoutes)
  return app
}

/** The Fastify instance every variant starts from: decorations, problem+json errors, security headers, the JSON body parser, HTTP metrics. */
async function baseApp(deps: AppDeps, options: FastifyServerOptions): Promise<App> {
  const app = Fastify({
    bodyLimit: 1024 * 1024,
    ajv: { customOptions: { removeAdditional: false, coerceTypes: 'array', allErrors: false } },
    ...options,
  }).withTypeProvider<TypeBoxTypeProvider>()

  app.decorate('config', deps.config)
  app.decorate('clickhouse', deps.clickhouse)
  app.decorate('engine', deps.engine)
  app.decorate('metrics', deps.metrics)
  app.addSchema(ProblemSchema)

  await app.register(errors)
  await app.register(securityHeaders)
  await app.register(jsonBody)
  await app.register(httpMetrics)
  return app
}
