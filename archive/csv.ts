/**
 * CSV as spreadsheets write it (RFC 4180: quoted fields, doubled quotes, new lines inside
 * quotes). Files are UTF-8 (with or without BOM); a file that is not valid UTF-8 is read as
 * GB18030, which is what Excel on a Chinese Windows saves.
 */
export function decodeText(bytes: Uint8Array): string {
  let text: string
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes)
  } catch {
    text = new TextDecoder('gb18030').decode(bytes)
  }
  return text.replace(/^\uFEFF/, '')
}

/** A quoted field that never closes; `row` and `line` (1-based) are where it opened. */
export class UnclosedQuoteError extends RangeError {
  constructor(readonly row: number, readonly line: number) {
    super(`row ${row}, line ${line}: a quoted field opens here and is never closed (unclosed quote or truncated file)`)
  }
}

/**
 * Parses CSV text into rows of cells. An unterminated quote throws UnclosedQuoteError with the
 * row and line where the quoted field opened, which is where whoever wrote the file has to look.
 */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = []
  let row: string[] = []
  let cell = ''
  let quoted = false
  let line = 1
  let openedAt = { row: 0, line: 0 }
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!
    if (ch === '\n') line++
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        cell += '"'
        i++
      } else if (ch === '"') quoted = false
      else cell += ch
      continue
    }
    if (ch === '"' && cell === '') {
      quoted = true
      openedAt = { row: rows.length + 1, line }
    } else if (ch === ',') {
      row.push(cell)
      cell = ''
    } else if (ch === '\n' || ch === '\r') {
      row.push(cell)
      rows.push(row)
      row = []
      cell = ''
      if (ch === '\r' && text[i + 1] === '\n') i++
      if (ch === '\r' && text[i] === '\n') line++
    } else cell += ch
  }
  if (quoted) throw new UnclosedQuoteError(openedAt.row, openedAt.line)
  if (cell !== '' || row.length > 0) {
    row.push(cell)
    rows.push(row)
  }
  return rows
}

/**
 * Formats rows as CSV with a BOM (so that Excel reads UTF-8). A cell that a spreadsheet would
 * run as a formula (= + - @ first) gets a leading apostrophe, which import removes again.
 */
export function formatCsv(rows: string[][]): string {
  const cell = (v: string) => {
    const safe = /^[=+\-@\t\r]/.test(v) ? `'${v}` : v
    return /[",\n\r]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe
  }
  return `\uFEFF${rows.map((r) => r.map(cell).join(',')).join('\r\n')}\r\n`
}

/** Undoes the formula guard of formatCsv and of spreadsheets ('=… typed as text). */
export function unguard(cell: string): string {
  return /^'[=+\-@]/.test(cell) ? cell.slice(1) : cell
}
