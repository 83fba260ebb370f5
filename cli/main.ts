import { ConfigError } from '../core/config.ts'
import { StartupError } from '../core/startup.ts'
import { detachStdin } from '../core/stdin.ts'
import { MigrationError } from '../sql/migrate.ts'
import { UsageError, wantsHelp, type Command } from './command.ts'
import { versionCommand } from './commands/version.ts'

interface CommandEntry {
  name: string
  summary: string
  load(): Promise<Command>
}

/**
 * The commands, each loaded only when it runs: a command pays for its own modules alone (token
 * commands start in a fraction of the time the whole server's graph takes to load).
 */
const COMMANDS: CommandEntry[] = [
  { name: 'serve', summary: 'run everything in one process: migrate, then the collector, detection, the API and dashboard', load: async () => (await import('./commands/serve.ts')).serveCommand },
  { name: 'collect', summary: 'run only the NetFlow / IPFIX collector (no API, no detection)', load: async () => (await import('./commands/collect.ts')).collectCommand },
  { name: 'migrate', summary: 'apply pending schema migrations (or list them with --status)', load: async () => (await import('./commands/migrate.ts')).migrateCommand },
  { name: 'detect', summary: 'run detection over a past window of flow time (e.g. an imported capture)', load: async () => (await import('./commands/detect.ts')).detectCommand },
  { name: 'import-pcap', summary: 'import pcap / pcapng files (gzip too) into flows and observed services', load: async () => (await import('./commands/import-pcap.ts')).importPcapCommand },
  { name: 'threat-intel', summary: 'load, refresh, list or delete threat-intel lists of known-bad addresses', load: async () => (await import('./commands/threat-intel.ts')).threatIntelCommand },
  { name: 'token', summary: 'create, list or revoke API tokens', load: async () => (await import('./commands/token.ts')).tokenCommand },
  { name: 'archive', summary: 'import the archive from CSV/XLSX (all or nothing) or export it to CSV, XLSX or JSON', load: async () => (await import('./commands/archive.ts')).archiveCommand },
  { name: 'healthcheck', summary: 'health-check campaigns: import scanner reports, list and create campaigns, escalate overdue notices', load: async () => (await import('./commands/healthcheck.ts')).healthcheckCommand },
  { name: 'config', summary: 'validate the configuration and print it with its defaults (--check)', load: async () => (await import('./commands/config.ts')).configCommand },
  { name: 'demo', summary: 'load the lab fixtures (archive, a capture, a health check) into a fresh data dir, detect, and serve the dashboard', load: async () => (await import('./commands/demo.ts')).demoCommand },
  { name: 'version', summary: 'print the holowatch version', load: async () => versionCommand },
]

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
  const entry = COMMANDS.find((c) => c.name === name)
  if (!entry) {
    console.error(`holowatch: unknown command "${name}"\n\n${mainHelp()}`)
    return 2
  }
  const command = await entry.load()
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
    if (err instanceof StartupError) {
      console.error(`holowatch ${name}: ${err.message}`)
      return 2
    }
    if (err instanceof MigrationError) {
      console.error(`holowatch: ${err.message}`)
      return 1
    }
    console.error(`holowatch ${name}: ${(err as Error).stack ?? String(err)}`)
    return 1
  }
}

detachStdin()
process.exitCode = await main(process.argv.slice(2))
