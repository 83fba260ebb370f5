import { mkdir, readdir, rename, stat, writeFile } from 'node:fs/promises'
import { basename, dirname, join } from 'node:path'
import type { Logger } from '../../core/logger.ts'
import { ImportWriteError, SENSOR_NAME, type ImportReport } from './import.ts'
import type { PcapImporter } from './importer.ts'

export interface InboxConfig {
  /** The watched folder (HOLOWATCH_PCAP_INBOX); created if missing, with done/ and failed/. */
  dir: string
  /** Sensor recorded for files at the top of the folder; a file in <dir>/<name>/ is recorded under <name>. */
  sensor: string
  /** How often the folder is listed. Default 2 s. */
  pollMs?: number
  /** A file is taken once its size and modification time have not changed for this long. Default 5 s. */
  stableMs?: number
}

export interface PcapInbox {
  start(): Promise<void>
  /** Stops polling and waits for the file being imported, if any. */
  stop(): Promise<void>
  /** One pass over the folder (what each poll does); resolves when the files ready now are handled. */
  scan(): Promise<void>
}

interface Seen {
  size: number
  mtimeMs: number
  since: number
}

/** Names that are never captures to import: hidden files, partial downloads, our own reason and summary files. */
const IGNORED = /^\.|\.(part|tmp|partial|crdownload|reason\.txt|summary\.json)$/i

/**
 * The watched folder: capture files dropped into it (at the top, or in a sub-folder named after
 * the sensor) are imported once they stopped growing, then moved to done/ (with the import
 * summary as <name>.summary.json) or to failed/ with <name>.reason.txt saying why. Polling rather
 * than fs.watch: it works the same on every filesystem, NFS and SMB shares included, and a
 * writer that is slow or pauses is caught by the stable-size rule. When ClickHouse cannot take
 * the flows the file stays where it is and is tried again on a later pass.
 */
export function createPcapInbox(config: InboxConfig, deps: { importer: PcapImporter; logger: Logger }): PcapInbox {
  const pollMs = config.pollMs ?? 2_000
  const stableMs = config.stableMs ?? 5_000
  const logger = deps.logger.child({ stage: 'pcap-inbox', inbox: config.dir })
  const done = join(config.dir, 'done')
  const failed = join(config.dir, 'failed')
  const seen = new Map<string, Seen>()
  let timer: NodeJS.Timeout | undefined
  let pass: Promise<void> | undefined
  let stopping = false

  /** The files waiting in the folder, with the sensor each one is recorded under. */
  const candidates = async (): Promise<{ path: string; sensor: string; rel: string }[]> => {
    const out: { path: string; sensor: string; rel: string }[] = []
    for (const entry of await readdir(config.dir, { withFileTypes: true })) {
      if (IGNORED.test(entry.name)) continue
      if (entry.isFile()) out.push({ path: join(config.dir, entry.name), sensor: config.sensor, rel: entry.name })
      else if (entry.isDirectory() && entry.name !== 'done' && entry.name !== 'failed' && SENSOR_NAME.test(entry.name)) {
        for (const inner of await readdir(join(config.dir, entry.name), { withFileTypes: true })) {
          if (inner.isFile() && !IGNORED.test(inner.name)) out.push({ path: join(config.dir, entry.name, inner.name), sensor: entry.name, rel: join(entry.name, inner.name) })
        }
      }
    }
    return out
  }

  const ready = async (path: string, now: number): Promise<boolean> => {
    const st = await stat(path).catch(() => null)
    if (!st) {
      seen.delete(path)
      return false
    }
    const before = seen.get(path)
    if (!before || before.size !== st.size || before.mtimeMs !== st.mtimeMs) {
      seen.set(path, { size: st.size, mtimeMs: st.mtimeMs, since: now })
      return false
    }
    return st.size > 0 && now - before.since >= stableMs
  }

  const moveTo = async (folder: string, rel: string, from: string): Promise<string> => {
    let target = join(folder, rel)
    await mkdir(dirname(target), { recursive: true })
    // Never overwrite an earlier file of the same name.
    if (await stat(target).catch(() => null)) target = `${target}.${new Date().toISOString().replace(/[:.]/g, '-')}`
    await rename(from, target)
    return target
  }

  const handle = async (file: { path: string; sensor: string; rel: string }): Promise<void> => {
    let report: ImportReport
    try {
      report = await deps.importer.importFile(file.path, { sensor: file.sensor, origin: 'inbox', fileName: basename(file.path) })
    } catch (err) {
      if (err instanceof ImportWriteError) {
        logger.warn({ file: file.rel, err: err.message }, 'ClickHouse did not take the flows; the file stays in the inbox for the next pass')
        seen.delete(file.path)
        return
      }
      const code = (err as NodeJS.ErrnoException).code
      const reason = code === 'ENOENT' ? 'the file disappeared before it could be read' : (err as Error).message
      const target = await moveTo(failed, file.rel, file.path)
      await writeWhole(`${target}.reason.txt`, `${reason}\n`)
      seen.delete(file.path)
      logger.warn({ file: file.rel, reason, moved: target }, 'capture not imported')
      return
    }
    if (report.status === 'in_progress') return // another process is on it; look again later
    const target = await moveTo(done, file.rel, file.path)
    await writeWhole(`${target}.summary.json`, `${JSON.stringify(report, null, 2)}\n`)
    seen.delete(file.path)
    logger.info({ file: file.rel, status: report.status, packets: report.packets, flows: report.flows, services: report.services, moved: target }, 'inbox capture handled')
  }

  const scan = async (): Promise<void> => {
    const now = Date.now()
    for (const file of await candidates()) {
      if (stopping) return
      if (await ready(file.path, now)) await handle(file)
    }
  }

  const tick = (): void => {
    pass = scan()
      .catch((err: unknown) => logger.error({ err }, 'inbox pass failed'))
      .finally(() => {
        if (!stopping) timer = setTimeout(tick, pollMs)
      })
  }

  return {
    async start() {
      await mkdir(done, { recursive: true })
      await mkdir(failed, { recursive: true })
      stopping = false
      logger.info({ sensor: config.sensor, pollMs, stableMs }, 'watching the pcap inbox')
      tick()
    },
    async stop() {
      stopping = true
      clearTimeout(timer)
      await pass
    },
    scan,
  }
}

/** Writes a file whole or not at all (a temporary name, then a rename): whoever watches done/ and failed/ never reads half of it. */
async function writeWhole(path: string, text: string): Promise<void> {
  await writeFile(`${path}.part`, text)
  await rename(`${path}.part`, path)
}
