import type { Logger } from '../core/logger.ts'

/** A running part of the process, stopped in reverse order of start. */
export interface Stage {
  name: string
  stop(): Promise<void>
  /** Resolves (or rejects) if the stage dies on its own; the whole process then stops. */
  done?: Promise<unknown>
}

/**
 * Waits for SIGINT/SIGTERM or for a stage to die, then stops every stage in reverse order.
 * Resolves with the exit code: 0 after a signal, 1 when a stage died.
 */
export async function runUntilSignal(stages: Stage[], logger: Logger): Promise<number> {
  const reason = await new Promise<{ signal?: string; failed?: string; err?: unknown }>((resolve) => {
    const onSignal = (signal: string) => resolve({ signal })
    process.once('SIGINT', onSignal)
    process.once('SIGTERM', onSignal)
    for (const stage of stages) {
      stage.done?.then(
        () => resolve({ failed: stage.name }),
        (err: unknown) => resolve({ failed: stage.name, err }),
      )
    }
  })
  if (reason.failed) logger.error({ stage: reason.failed, err: reason.err }, 'a stage stopped unexpectedly; shutting down')
  else logger.info({ signal: reason.signal }, 'shutting down')
  let exitCode = reason.failed ? 1 : 0
  for (const stage of [...stages].reverse()) {
    try {
      await stage.stop()
    } catch (err) {
      logger.error({ stage: stage.name, err }, 'stage did not stop cleanly')
      exitCode = 1
    }
  }
  logger.info({ exitCode }, 'stopped')
  return exitCode
}
