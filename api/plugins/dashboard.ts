import { existsSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import fastifyStatic from '@fastify/static'
import type { FastifyInstance } from 'fastify'

/** Where `npm install` (the prepare script, dashboards/build.ts) puts the built web app. */
export const DASHBOARD_DIR = fileURLToPath(new URL('../../dashboards/dist/', import.meta.url))

/**
 * The web dashboard at / : a public shell page and its assets (it talks to the token-protected
 * /api/v1 like any client). Without a build (a checkout that skipped `npm install`) the API
 * still serves and / says how to build the dashboard.
 */
export default async function dashboardPlugin(app: FastifyInstance, opts: { root?: string } = {}) {
  const root = opts.root ?? DASHBOARD_DIR
  if (!existsSync(`${root}/index.html`)) {
    app.get('/', { schema: { hide: true } }, async (_request, reply) =>
      reply.type('text/plain; charset=utf-8').send('The dashboard is not built: run `npm install` (or `npx tsx dashboards/build.ts`).\n'))
    return
  }
  await app.register(fastifyStatic, {
    root,
    prefix: '/',
    decorateReply: false,
    index: ['index.html'],
    wildcard: false,
    // Built file names carry no hash: revalidate each time (cheap, and a new build shows at once).
    cacheControl: true,
    maxAge: 0,
  })
}
