import { randomUUID } from 'node:crypto'
import { accessSync, constants, mkdirSync } from 'node:fs'
import { rm, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import type { ClickHouseClientConfigOptions } from '@clickhouse/client'
import { createChdbConnection } from 'chdb/connection'
import { dataDirHolder, fileProblem, StartupError } from './startup.ts'

type Connection = NonNullable<ClickHouseClientConfigOptions['connection']>

type Settings = Record<string, unknown> | undefined

/**
 * Opens the in-process engine (chDB) on `dataDir` as a `@clickhouse/client` connection.
 *
 * chDB applies per-query `clickhouse_settings` with session-wide `SET` statements, so a setting
 * given to one query (for example an insert deduplication token) would stay in force for every
 * later query of the process — and silently drop the next unrelated insert. This wrapper turns
 * per-query settings into a `SETTINGS` clause of that one statement instead, which is what the
 * HTTP interface does on a server.
 */
export function createEmbeddedConnection(dataDir: string): Connection {
  const inner = openEngine(dataDir)
  const spill = join(dataDir, 'tmp-insert')
  return new Proxy(inner, {
    get(target, prop, receiver) {
      const value = Reflect.get(target, prop, receiver)
      if (typeof value !== 'function') return value
      if (prop === 'exec') {
        return async (params: ExecParams) => {
          const binary = params.values && BINARY_INSERT.exec(params.query)
          if (!binary) return value.call(target, inlineSettings(params, false))
          return execBinaryInsert(params, binary, spill, (p: ExecParams) => value.call(target, p))
        }
      }
      if (prop === 'insert' || prop === 'query' || prop === 'command') {
        return (params: { query: string; clickhouse_settings?: Settings }) =>
          value.call(target, inlineSettings(params, prop === 'insert'))
      }
      return value.bind(target)
    },
  })
}

/**
 * Opens the engine's files, with a one-line StartupError for what an operator must fix: a
 * directory that cannot be created or written, or one another process holds (the engine
 * locks its data directory; two processes on one directory would corrupt it).
 */
function openEngine(dataDir: string): Connection {
  try {
    mkdirSync(dataDir, { recursive: true })
    accessSync(dataDir, constants.W_OK)
  } catch (err) {
    throw fileProblem(err, 'the data directory', dataDir) ?? err
  }
  const held = () => {
    const holder = dataDirHolder(dataDir)
    return holder && new StartupError(`the data directory ${dataDir} is in use by ${holder}; stop it, or give this command another HOLOWATCH_DATA_DIR`)
  }
  // Asked first so that the engine does not print its own lock error; asked again if it fails (a race).
  const before = held()
  if (before) throw before
  try {
    return createChdbConnection({ path: dataDir }) as unknown as Connection
  } catch (err) {
    throw held() || err
  }
}

interface ExecParams {
  query: string
  values?: AsyncIterable<Buffer | Uint8Array | string>
  clickhouse_settings?: Settings
}

/** `INSERT INTO t (cols) FORMAT Native|RowBinary` with a body. */
const BINARY_INSERT = /^\s*INSERT\s+INTO\s+([\w.]+)\s*(\([^)]*\))?\s*FORMAT\s+(Native|RowBinary)\s*$/i

/**
 * chDB takes an insert body as text appended to the SQL, which would corrupt a binary format.
 * A binary body is written to a file under the data directory and inserted with
 * `INSERT … SELECT * FROM file(…, Native)` instead: the same rows, the same settings (for
 * example the deduplication token), and no text round trip.
 */
async function execBinaryInsert(
  params: ExecParams,
  match: RegExpExecArray,
  spillDir: string,
  exec: (p: ExecParams) => Promise<unknown>,
): Promise<unknown> {
  const [, table, columns, format] = match
  if (format!.toLowerCase() !== 'native') throw new Error('the embedded engine takes binary inserts in Native format only')
  const chunks: Buffer[] = []
  for await (const chunk of params.values!) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : Buffer.from(chunk))
  mkdirSync(spillDir, { recursive: true })
  const file = join(spillDir, `${randomUUID()}.native`)
  await writeFile(file, Buffer.concat(chunks))
  try {
    const query = `INSERT INTO ${table} ${columns ?? ''} SELECT * FROM file('${file}', 'Native')`
    return await exec(inlineSettings({ query, clickhouse_settings: params.clickhouse_settings }, false))
  } finally {
    await rm(file, { force: true })
  }
}

/** Moves `clickhouse_settings` into the statement's own SETTINGS clause. */
export function inlineSettings<P extends { query: string; clickhouse_settings?: Settings }>(params: P, isInsert: boolean): P {
  const settings = Object.entries(params.clickhouse_settings ?? {}).filter(([, v]) => v !== undefined)
  if (settings.length === 0) return { ...params, clickhouse_settings: undefined }
  const clause = 'SETTINGS ' + settings.map(([k, v]) => `${settingName(k)} = ${settingLiteral(v)}`).join(', ')
  let query = params.query
  if (isInsert) {
    // The client renders `INSERT INTO t (cols) FORMAT X`; SETTINGS goes right before FORMAT.
    query = query.replace(/\sFORMAT\s+\w+\s*$/, (fmt) => ` ${clause}${fmt}`)
  } else {
    const format = /\n?FORMAT\s+\w+\s*$/.exec(query)
    const body = format ? query.slice(0, format.index) : query
    const tail = format ? format[0] : ''
    const trimmed = body.replace(/;\s*$/, '')
    if (/\bSETTINGS\b[^)]*$/i.test(trimmed)) {
      throw new Error('query already ends with a SETTINGS clause: put every setting there, not in clickhouse_settings')
    }
    query = `${trimmed}\n${clause}${tail}`
  }
  return { ...params, query, clickhouse_settings: undefined }
}

function settingName(name: string): string {
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) throw new Error(`invalid setting name ${JSON.stringify(name)}`)
  return name
}

function settingLiteral(value: unknown): string {
  if (typeof value === 'number' && Number.isFinite(value)) return String(value)
  if (typeof value === 'boolean') return value ? '1' : '0'
  return `'${String(value).replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`
}
