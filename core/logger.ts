import { pino, type Logger } from 'pino'

export type { Logger }

/**
 * JSON-lines logger (Fastify's own logger, shared by every stage): on standard output for the
 * services, on standard error (fd 2) for a command whose standard output is its result.
 */
export function createLogger(level: string, bindings: Record<string, unknown> = {}, fd: 1 | 2 = 1): Logger {
  const options = { level, base: { service: 'holowatch', ...bindings }, timestamp: pino.stdTimeFunctions.isoTime }
  return fd === 1 ? pino(options) : pino(options, pino.destination({ fd: 2, sync: true }))
}
