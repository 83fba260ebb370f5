import type { Logger } from '../core/logger.ts'
import { listenProblem } from '../core/startup.ts'
import { buildApp, buildOperationsApp, type App } from './app.ts'
import type { AppDeps } from './types.ts'

export interface ApiServer {
  app: App
  /** The address the server listens on, e.g. http://127.0.0.1:8080. */
  url: string
  close(): Promise<void>
}

/**
 * Listens on HOLOWATCH_API_HOST:HOLOWATCH_API_PORT with sane timeouts; close() drains requests.
 * `operations` serves only /healthz, /readyz and /metrics (holowatch collect).
 */
export async function startApiServer(deps: AppDeps, logger: Logger, scope: 'full' | 'operations' = 'full'): Promise<ApiServer> {
  const app = await (scope === 'full' ? buildApp : buildOperationsApp)(deps, {
    loggerInstance: logger.child({ stage: 'api' }),
    connectionTimeout: 30_000,
    keepAliveTimeout: 5_000,
    requestTimeout: 120_000,
    return503OnClosing: true,
  })
  let url: string
  try {
    url = await app.listen({ host: deps.config.apiHost, port: deps.config.apiPort })
  } catch (err) {
    await app.close()
    throw listenProblem(err, 'the API', deps.config.apiHost, deps.config.apiPort, 'HOLOWATCH_API_PORT, HOLOWATCH_API_HOST') ?? err
  }
  return { app, url, close: () => app.close() }
}
