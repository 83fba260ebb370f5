import type { FastifyInstance } from 'fastify'

/** Prometheus exposition of every stage's metrics (one registry per process). */
export default async function metricsRoutes(app: FastifyInstance) {
  app.get('/metrics', { schema: { tags: ['operations'], hide: true } }, async (_request, reply) => {
    reply.type(app.metrics.contentType)
    return app.metrics.metrics()
  })
}
