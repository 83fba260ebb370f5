import { pino, type Logger } from 'pino'

export type { Logger }

/** JSON-lines logger on standard output (Fastify's own logger, shared by every stage). */
export function createLogger(level: string, bindings: Record<string, unknown> = {}): Logger {
  return pino({ level, base: { service: 'holowatch', ...bindings }, timestamp: pino.stdTimeFunctions.isoTime })
}
