import { ConfigError } from '../core/config.ts'
import { MigrationError } from '../sql/migrate.ts'
import { UsageError, wantsHelp, type Command } from './command.ts'
import { collectCommand } from './commands/collect.ts'
import { archiveCommand } from './commands/archive.ts'
import { configCommand } from './commands/config.ts'
import { demoCommand } from './commands/demo.ts'
import { detectCommand } from './commands/detect.ts'
import { healthcheckCommand } from './commands/healthcheck.ts'
import { importPcapCommand } from './commands/import-pcap.ts'
import { migrateCommand } from './commands/migrate.ts'
import { serveCommand } from './commands/serve.ts'
import { threatIntelCommand } from './commands/threat-intel.ts'
import { tokenCommand } from './commands/token.ts'
import { versionCommand } from './commands/version.ts'

const COMMANDS: Command[] = [serveCommand, collectCommand, migrateCommand, detectCommand, importPcapCommand, threatIntelCommand, tokenCommand, archiveCommand, healthcheckCommand, configCommand, demoCommand, versionCommand]

function mainHelp(): string {
  const width = Math.max(...COMMANDS.map((c) => c.name.length))
  return [
    'holowatch: the holographic archive of core systems and the attacks on them',
    '',
    'Usage: holowatch <command> [options]',
    '',
    'Commands:',
    ...COMMANDS.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    '',
    "Run 'holowatch <command> --help' for a command's options.",
  ].join('\n')
}

export async function main(argv: string[]): Promise<number> {
  const [name, ...args] = argv
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    console.log(mainHelp())
    return 0
  }
  if (name === '--version' || name === '-v') return versionCommand.run([])
  const command = COMMANDS.find((c) => c.name === name)
  if (!command) {
    console.error(`holowatch: unknown command "${name}"\n\n${mainHelp()}`)
    return 2
  }
  if (wantsHelp(args)) {
    console.log(command.usage)
    return 0
  }
  try {
    return await command.run(args)
  } catch (err) {
    if (err instanceof UsageError || (err as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
      console.error(`holowatch ${name}: ${(err as Error).message}\n\n${command.usage}`)
      return 2
    }
    if (err instanceof ConfigError) {
      console.error(`holowatch: invalid configuration: ${err.message}`)
      return 1
    }
    if (err instanceof MigrationError) {
      console.error(`holowatch: ${err.message}`)
      return 1
    }
    console.error(`holowatch ${name}: ${(err as Error).stack ?? String(err)}`)
    return 1
  }
}

process.exitCode = await main(process.argv.slice(2))
