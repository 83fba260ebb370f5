import { hostname } from 'node:os'
import { parseArgs } from 'node:util'
import { NotACaptureError } from '../../collector/capture/index.ts'
import { SENSOR_NAME, type ImportReport } from '../../collector/capture/import.ts'
import { createPcapImporter } from '../../collector/capture/importer.ts'
import { createLogger } from '../../core/logger.ts'
import { UsageError, type Command } from '../command.ts'
import { configFrom, openMigrated } from '../context.ts'

export const importPcapCommand: Command = {
  name: 'import-pcap',
  usage: `Usage: holowatch import-pcap [--sensor NAME] [--force] [--json] [--config FILE] FILE...

Reads each capture (classic pcap in either byte order, µs or ns; pcapng; either one gzipped),
assembles its packets into flows (active timeout 60 s, idle 15 s, on packet time) and stores them
in flows with source kind pcap, and the services seen answering in observed_services.
The same content (SHA-256) is imported once: importing it again reports the earlier import and
adds nothing, unless --force. Progress (bytes and packets) goes to standard error; a summary of
each file (packets, flows, services, skipped packets by reason, seconds) to standard output,
with how long it is kept: imported flows stay HOLOWATCH_IMPORT_TTL_DAYS from the import however old
the capture, and a warning names what a setting drops at once (docs/retention.md).

  --sensor NAME   sensor recorded in every flow and service (default: this host's name)
  --force         import content that was imported before (its flows are then stored twice)
  --json          print the summaries as JSON lines instead of text
  --config FILE   JSON file of settings (environment variables win)

Exit code 0 when every file was imported or had been already (damaged packets are counted, not
fatal); 1 when a file could not be read at all (missing, not a capture) or its flows could not be
stored; 2 for wrong arguments.`,
  async run(args) {
    const { values, positionals } = parseArgs({
      args,
      allowPositionals: true,
      options: { sensor: { type: 'string' }, force: { type: 'boolean' }, json: { type: 'boolean' }, config: { type: 'string' } },
    })
    if (positionals.length === 0) throw new UsageError('name at least one capture FILE')
    const sensor = values.sensor ?? hostname().split('.')[0]!.slice(0, 64)
    if (!SENSOR_NAME.test(sensor)) throw new UsageError(`--sensor "${sensor}": letters, digits and _ . : @ - (at most 64)`)
    const loaded = configFrom(values.config)
    const logger = createLogger(loaded.config.logLevel === 'info' ? 'warn' : loaded.config.logLevel)
    const { clickhouse } = await openMigrated(loaded)
    const importer = createPcapImporter(loaded.config, { clickhouse, logger }, 'cli')
    importer.start()
    let failed = 0
    try {
      for (const file of positionals) {
        const progress = progressLine(file)
        try {
          const report = await importer.importFile(file, { sensor, origin: 'cli', force: values.force, onProgress: progress.update })
          progress.done()
          console.log(values.json ? JSON.stringify(report) : describe(report))
        } catch (err) {
          progress.done()
          failed++
          const reason = err instanceof NotACaptureError ? err.message : (err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (err as Error).message
          if (values.json) console.log(JSON.stringify({ file, status: 'failed', error: reason }))
          console.error(`${file}: not imported: ${reason}`)
        }
      }
    } finally {
      await importer.stop()
      await clickhouse.close()
    }
    return failed > 0 ? 1 : 0
  },
}

function describe(r: ImportReport): string {
  const skipped = Object.entries(r.skipped).map(([reason, n]) => `${reason} ${n}`).join(', ') || 'none'
  if (r.status !== 'imported') {
    const when = r.previous?.finished ?? r.previous?.started
    const what = r.status === 'already_imported' ? `already imported (${when}, as ${r.previous?.file}, sensor ${r.previous?.sensor}, ${r.previous?.origin})` : `being imported right now (since ${when})`
    return `${r.file}: ${what}; nothing added. sha256 ${r.sha256}; use --force to import it again`
  }
  return [
    `${r.file}: imported ${r.format}${r.compressed ? ' (gzip)' : ''}, sensor ${r.sensor}${r.forced ? ', forced' : ''}`,
    `  packets ${r.packets}  flows ${r.flows}  services ${r.services}  seconds ${r.seconds.toFixed(2)}`,
    `  skipped ${skipped}${r.stoppedBy ? `  (reading stopped early: ${r.stoppedBy})` : ''}`,
    `  first packet ${r.firstPacket ?? '-'}  last packet ${r.lastPacket ?? '-'}  sha256 ${r.sha256}`,
    ...retentionLines(r),
  ].join('\n')
}

function retentionLines(r: ImportReport): string[] {
  if (!r.retention) return []
  const { flowsExpireAt, trafficExpireAt, warnings } = r.retention
  return [
    `  flows kept ${flowsExpireAt ? `until ${flowsExpireAt}` : 'forever'}  traffic charts ${trafficExpireAt ? `until ${trafficExpireAt}` : 'forever'}`,
    ...warnings.map((w) => `  warning: ${w}`),
  ]
}

/**
 * Progress on standard error: redrawn in place five times a second on a terminal, one line every
 * ten seconds otherwise (a log file should not fill with progress).
 */
function progressLine(file: string): { update: (bytes: number, packets: number, size: number) => void; done: () => void } {
  const tty = process.stderr.isTTY === true
  const every = tty ? 200 : 10_000
  let last = Date.now()
  let drawn = false
  return {
    update(bytes, packets, size) {
      const now = Date.now()
      if (now - last < every) return
      last = now
      const pct = size > 0 ? Math.min(100, Math.floor((bytes / size) * 100)) : 0
      const text = `${file}: ${pct}%  ${(bytes / 1e6).toFixed(1)} / ${(size / 1e6).toFixed(1)} MB  ${packets.toLocaleString('en')} packets`
      if (tty) {
        process.stderr.write(`\r${text}\x1b[K`)
        drawn = true
      } else process.stderr.write(`${text}\n`)
    },
    done() {
      if (drawn) process.stderr.write('\r\x1b[K')
    },
  }
}
