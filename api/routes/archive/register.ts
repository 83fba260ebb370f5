import type { FastifyInstance } from 'fastify'
import tokenRoutes from '../tokens/index.ts'

/**
 * Everything the archive issue serves under /api/v1: tokens, the archive (sectors, localities,
 * organisations, assets), the audit log and bulk import/export. Each folder is one resource;
 * this only mounts them, so that app.ts registers the archive in one line.
 */
export default async function archiveApi(app: FastifyInstance) {
  const opts = { prefix: '/api/v1' }
  await app.register(tokenRoutes, opts)
}
