import { readdirSync, readFileSync, readlinkSync, realpathSync } from 'node:fs'
import { join } from 'node:path'

/**
 * A reason the service cannot start that the operator fixes outside holowatch (a data
 * directory held by another process, a port taken, a directory it may not write). The CLI
 * prints it as one line, without a stack trace, and exits with code 2.
 */
export class StartupError extends Error {
  override name = 'StartupError'
}

/**
 * Another process holding the embedded engine's lock on `dataDir`, as "pid 123 (holowatch
 * serve)": the engine writes its pid into `status` and keeps that file open (locked) while it
 * runs. A status file left by a process that died is not a holder.
 */
export function dataDirHolder(dataDir: string): string | undefined {
  const status = join(dataDir, 'status')
  let pid: string | undefined
  try {
    pid = /^PID:\s*(\d+)/m.exec(readFileSync(status, 'utf8'))?.[1]
  } catch {
    return undefined
  }
  if (!pid || Number(pid) === process.pid || !holdsOpen(pid, status)) return undefined
  try {
    const argv = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean)
    const at = argv.findIndex((a) => /holowatch(\.js)?$/.test(a))
    const command = at >= 0 ? ['holowatch', ...argv.slice(at + 1)].join(' ') : argv.join(' ')
    return `pid ${pid} (${command})`
  } catch {
    return `pid ${pid}`
  }
}

/** Whether process `pid` has `file` open (true when its descriptors cannot be read but it is alive). */
function holdsOpen(pid: string, file: string): boolean {
  let target: string
  try {
    target = realpathSync(file)
  } catch {
    return false
  }
  try {
    return readdirSync(`/proc/${pid}/fd`).some((fd) => {
      try {
        return readlinkSync(`/proc/${pid}/fd/${fd}`) === target
      } catch {
        return false
      }
    })
  } catch (err) {
    return (err as { code?: string }).code === 'EACCES'
  }
}

/** The one-line reason for a file-system error on `path`, or undefined when it is not one an operator fixes. */
export function fileProblem(err: unknown, what: string, path: string): StartupError | undefined {
  const code = (err as { code?: string }).code
  const why: Record<string, string> = {
    EACCES: 'permission denied', EPERM: 'permission denied', EROFS: 'the file system is read-only',
    ENOTDIR: 'a part of the path is a file, not a directory', ENOSPC: 'the disk is full', EEXIST: 'a file of that name is in the way',
  }
  return code && why[code] ? new StartupError(`cannot use ${what} ${path}: ${why[code]}`) : undefined
}

/** The one-line reason a listening socket could not bind, naming the setting that chooses it. */
export function listenProblem(err: unknown, what: string, host: string, port: number, setting: string): StartupError | undefined {
  const code = (err as { code?: string }).code
  if (code === 'EADDRINUSE') return new StartupError(`${what} port ${port} on ${host} is in use by another process; stop it or choose another port (${setting})`)
  if (code === 'EACCES') return new StartupError(`${what} port ${port} on ${host} needs privileges this process does not have; choose a port above 1023 (${setting})`)
  if (code === 'EADDRNOTAVAIL') return new StartupError(`${what}: ${host} is not an address of this machine`)
  return undefined
}
