import { readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

const SQL_DIR = dirname(fileURLToPath(import.meta.url))
const cache = new Map<string, string>()

/**
 * The text of `sql/<name>.sql` (e.g. `detection/port_scan`, `queries/traffic/top`), read once.
 * Queries live in .sql files so that they read as SQL and can be run by hand; values are always
 * bound with {name:Type} parameters, never spliced in.
 */
export function loadSql(name: string): string {
  let text = cache.get(name)
  if (text === undefined) {
    if (!/^[a-z0-9_]+(\/[a-z0-9_-]+)*$/.test(name)) throw new Error(`bad SQL file name ${name}`)
    text = readFileSync(join(SQL_DIR, `${name}.sql`), 'utf8')
    cache.set(name, text)
  }
  return text
}

/**
 * Fills `${slot}` markers of a query with fragments chosen from allow-lists (sort keys,
 * dimensions). Each fragment must come from code, never from a request: this throws on a slot
 * the query lacks or one left unfilled, so a typo cannot slip through.
 */
export function fillSlots(sql: string, slots: Record<string, string>): string {
  let out = sql
  for (const [name, fragment] of Object.entries(slots)) {
    const marker = `\${${name}}`
    if (!out.includes(marker)) throw new Error(`query has no slot ${name}`)
    out = out.replaceAll(marker, fragment)
  }
  const left = /\$\{(\w+)\}/.exec(out)
  if (left) throw new Error(`query slot ${left[1]} not filled`)
  return out
}
