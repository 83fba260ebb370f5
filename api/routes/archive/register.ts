import type { FastifyInstance } from 'fastify'
import { createArchiveService } from '../../../archive/service.ts'
import assetRoutes from '../assets/index.ts'
import auditRoutes from '../audit/index.ts'
import localityRoutes from '../localities/index.ts'
import organisationRoutes from '../organisations/index.ts'
import sectorRoutes from '../sectors/index.ts'
import tokenRoutes from '../tokens/index.ts'
import conflictRoutes from './conflicts.ts'
import importExportRoutes from './import-export.ts'

/**
 * Everything the archive issue serves under /api/v1: tokens, the archive (sectors, localities,
 * organisations, assets), the audit log, bulk import/export and the allocation conflicts. Each folder is one resource;
 * this only mounts them, so that app.ts registers the archive in one line.
 */
export default async function archiveApi(app: FastifyInstance) {
  const prefix = '/api/v1'
  const service = createArchiveService(app.clickhouse)
  await app.register(tokenRoutes, { prefix })
  await app.register(sectorRoutes, { prefix, service })
  await app.register(localityRoutes, { prefix, service })
  await app.register(organisationRoutes, { prefix, service })
  await app.register(assetRoutes, { prefix, service })
  await app.register(auditRoutes, { prefix })
  await app.register(importExportRoutes, { prefix, service })
  await app.register(conflictRoutes, { prefix })
}
