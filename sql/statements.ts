/**
 * Splits a SQL script into statements on `;`, ignoring semicolons inside quotes, identifiers in
 * backticks and comments. Empty statements (only whitespace and comments) are dropped.
 */
export function splitStatements(script: string): string[] {
  const statements: string[] = []
  let current = ''
  let i = 0
  while (i < script.length) {
    const ch = script[i]!
    const next = script[i + 1]
    if (ch === '-' && next === '-') {
      const end = script.indexOf('\n', i)
      const stop = end === -1 ? script.length : end + 1
      current += script.slice(i, stop)
      i = stop
    } else if (ch === '/' && next === '*') {
      const end = script.indexOf('*/', i + 2)
      const stop = end === -1 ? script.length : end + 2
      current += script.slice(i, stop)
      i = stop
    } else if (ch === "'" || ch === '"' || ch === '`') {
      let j = i + 1
      while (j < script.length && script[j] !== ch) j += script[j] === '\\' ? 2 : 1
      current += script.slice(i, j + 1)
      i = j + 1
    } else if (ch === ';') {
      pushStatement(statements, current)
      current = ''
      i++
    } else {
      current += ch
      i++
    }
  }
  pushStatement(statements, current)
  return statements
}

function pushStatement(statements: string[], text: string): void {
  if (stripComments(text).trim() !== '') statements.push(text.trim())
}

export function stripComments(sql: string): string {
  return sql.replace(/--[^\n]*/g, '').replace(/\/\*[\s\S]*?\*\//g, '')
}
