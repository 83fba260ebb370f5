/**
 * Printable text out of hostile bytes: ASCII 0x20-0x7e kept, tabs as spaces, anything else
 * dropped to '.', cut to `max` characters. Never throws, never returns control characters.
 */
export function printable(buf: Buffer, start: number, end: number, max: number): string {
  let s = ''
  const stop = Math.min(end, start + max)
  for (let i = start; i < stop; i++) {
    const c = buf[i]!
    s += c === 9 ? ' ' : c >= 0x20 && c < 0x7f ? String.fromCharCode(c) : '.'
  }
  return s.trim()
}

/** Offset of the end of the line starting at `start` (the CR or LF, or `end`). */
export function lineEnd(buf: Buffer, start: number, end: number): number {
  for (let i = start; i < end; i++) if (buf[i] === 13 || buf[i] === 10) return i
  return end
}

/** True when the bytes at `off` are the ASCII `prefix` (case-sensitive). */
export function startsWith(buf: Buffer, off: number, end: number, prefix: string): boolean {
  if (end - off < prefix.length) return false
  for (let i = 0; i < prefix.length; i++) if (buf[off + i] !== prefix.charCodeAt(i)) return false
  return true
}

/**
 * The value of the first header line named `name` (lower-case, with the colon) in an HTTP head
 * whose header lines start at `start`, or null.
 */
export function headerValue(buf: Buffer, start: number, end: number, name: string, max: number): string | null {
  let i = start
  while (i < end) {
    const e = lineEnd(buf, i, end)
    if (e === i) return null // the blank line that ends the head
    if (e - i > name.length && asciiLower(buf, i, name)) return printable(buf, i + name.length, e, max)
    i = nextLine(buf, e)
  }
  return null
}

/** Where the next line starts, given the end of a line (skips CRLF or a lone CR or LF). */
export function nextLine(buf: Buffer, e: number): number {
  return e + (buf[e] === 13 && buf[e + 1] === 10 ? 2 : 1)
}

function asciiLower(buf: Buffer, off: number, lower: string): boolean {
  for (let k = 0; k < lower.length; k++) if ((buf[off + k]! | 0x20) !== (lower.charCodeAt(k) | 0x20)) return false
  return true
}
