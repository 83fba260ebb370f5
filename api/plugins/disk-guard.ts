import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import { diskShortage } from '../disk-guard.ts'
import { ApiError } from '../errors.ts'

/** The routes that take files or many rows: refused while the disk is short, before their body is read. */
const INGEST_ROUTES = new Set([
  'POST /api/v1/pcaps',
  'POST /api/v1/campaigns/:id/uploads',
  'POST /api/v1/archive/import',
  'PUT /api/v1/threat-intel/feeds/:name',
  'POST /api/v1/threat-intel/feeds/:name/refresh',
])

/**
 * Uploads and imports answer 503 with Retry-After while the disk is short (HOLOWATCH_MIN_FREE_MB),
 * before a byte of the body is stored, so that nothing is half-written; the sender sends again
 * later. /readyz reports the same condition.
 */
export default fp(
  async function diskGuardPlugin(app: FastifyInstance) {
    app.addHook('onRequest', async (request, reply) => {
      if (!INGEST_ROUTES.has(`${request.method} ${request.routeOptions.url ?? ''}`)) return
      const shortage = await diskShortage(app)
      if (!shortage) return
      reply.header('connection', 'close')
      throw new ApiError('disk_full', `${shortage}; nothing was stored: send it again later`)
    })
  },
  { name: 'holowatch-disk-guard' },
)
