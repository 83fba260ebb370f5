/** One `holowatch <name>` sub-command. */
export interface Command {
  name: string
  /** Full help text shown by `holowatch <name> --help`. */
  usage: string
  /** Runs the command; the resolved number is the process exit code. */
  run(args: string[]): Promise<number>
}

/** Thrown for wrong command-line words: printed with the command's usage, exit code 2. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'UsageError'
  }
}

export function wantsHelp(args: string[]): boolean {
  return args.includes('--help') || args.includes('-h')
}
