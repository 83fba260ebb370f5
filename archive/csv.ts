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

/** Parses CSV text into rows of cells. Throws a RangeError on an unterminated quote. */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = []
  let row: string[] = []
  let cell = ''
  let quoted = false
  let i = 0
  const endCell = () => {
    row.push(cell)
    cell = ''
  }
  while (i < text.length) {
    const ch = text[i]!
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        cell += '"'
        i += 2
        continue
      }
      if (ch === '"') quoted = false
      else cell += ch
      i++
      continue
    }
    if (ch === '"' && cell === '') quoted = true
    else if (ch === ',') endCell()
    else if (ch === '\n' || ch === '\r') {
      endCell()
      rows.push(row)
      row = []
      if (ch === '\r' && text[i + 1] === '\n') i++
    } else cell += ch
    i++
  }
  if (quoted) throw new RangeError('the file ends inside a quoted field')
  if (cell !== '' || row.length > 0) {
    endCell()
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
