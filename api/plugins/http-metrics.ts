import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import { Histogram } from 'prom-client'

/** Request counts and latency per route and status, labelled by route pattern (bounded cardinality). */
export default fp(
  async function httpMetricsPlugin(app: FastifyInstance) {
    const duration = new Histogram({
      name: 'holowatch_http_request_duration_seconds',
      help: 'API request latency by method, route pattern and status code',
      labelNames: ['method', 'route', 'status'] as const,
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers: [app.metrics],
    })
    app.addHook('onResponse', async (request, reply) => {
      const route = request.routeOptions.url ?? 'unmatched'
      duration.labels(request.method, route, String(reply.statusCode)).observe(reply.elapsedTime / 1000)
    })
  },
  { name: 'holowatch-http-metrics' },
)
