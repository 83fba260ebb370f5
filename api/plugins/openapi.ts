import swagger from '@fastify/swagger'
import swaggerUi from '@fastify/swagger-ui'
import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import { VERSION } from '../../core/version.ts'

/** The OpenAPI document (from the route schemas) at /docs/json and its browsable UI at /docs. */
export default fp(
  async function openapiPlugin(app: FastifyInstance) {
    await app.register(swagger, {
      openapi: {
        openapi: '3.1.0',
        info: {
          title: 'holowatch API',
          version: VERSION,
          description:
            'The holographic archive of core systems, flows, attacks and health checks. ' +
            'Errors are application/problem+json (RFC 9457); times are ISO 8601 UTC.',
        },
        components: {
          securitySchemes: { bearer: { type: 'http', scheme: 'bearer', description: 'holowatch API token' } },
        },
        security: [{ bearer: [] }],
      },
    })
    await app.register(swaggerUi, {
      routePrefix: '/docs',
      staticCSP: true,
      // Its own policy, but never framed (it sets its header after the app's hook runs).
      transformStaticCSP: (header: string) => header.replace(/frame-ancestors [^;]*/, "frame-ancestors 'none'"),
    })
  },
  { name: 'holowatch-openapi' },
)
