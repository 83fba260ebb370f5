import { createHash } from 'node:crypto'
import { readdirSync, readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

export type ClusterMode = 'sharded' | 'replicated'

/** One numbered migration file, as shipped. */
export interface Migration {
  name: string
  checksum: string
  /** The file's own text; `${database}` is substituted when it is rendered. */
  sql: string
  /** From the file's `-- cluster: sharded|replicated` line: how its tables spread on a cluster. */
  clusterMode: ClusterMode
}

export const MIGRATIONS_DIR = join(dirname(fileURLToPath(import.meta.url)), 'migrations')

const FILE_NAME = /^(\d{4})_[a-z0-9_]+\.sql$/

/** Reads `sql/migrations/NNNN_name.sql` in order. */
export function loadMigrations(dir = MIGRATIONS_DIR): Migration[] {
  const files = readdirSync(dir).filter((f) => f.endsWith('.sql')).sort()
  const seen = new Set<string>()
  return files.map((file) => {
    const match = FILE_NAME.exec(file)
    if (!match) throw new Error(`migration file name ${file} does not match NNNN_name.sql`)
    if (seen.has(match[1]!)) throw new Error(`two migrations are numbered ${match[1]}`)
    seen.add(match[1]!)
    const sql = readFileSync(join(dir, file), 'utf8')
    const mode = /^--\s*cluster:\s*(sharded|replicated)\b/m.exec(sql)?.[1] as ClusterMode | undefined
    return {
      name: file.replace(/\.sql$/, ''),
      checksum: createHash('sha256').update(sql).digest('hex'),
      sql,
      clusterMode: mode ?? 'replicated',
    }
  })
}
