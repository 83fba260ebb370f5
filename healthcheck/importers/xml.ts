import { XMLParser, XMLValidator } from 'fast-xml-parser'
import { ReportError } from './types.ts'

/** An element as the parser gives it: attributes prefixed with '@', text under '#text'. */
export type XmlNode = Record<string, unknown>

export interface XmlLimits {
  /** Deepest element nesting accepted. */
  maxDepth: number
  /** Most elements accepted in one file. */
  maxElements: number
}

export const DEFAULT_XML_LIMITS: XmlLimits = { maxDepth: 64, maxElements: 2_000_000 }

const BUILTIN = /&(?:lt|gt|amp|quot|apos|#\d{1,7}|#x[0-9A-Fa-f]{1,6});/y

/**
 * Parses scanner XML defensively. The document type declaration is never read: an external one
 * (Qualys names its DTD by URL) is blanked out unread, an internal subset is accepted only
 * without entity declarations, so there is nothing to fetch and nothing to expand. Only the five
 * predefined entities and character references are decoded. Depth and element count are bounded
 * before the parser builds anything; a malformed or truncated file fails with its line and column.
 */
export function parseXml(text: string, limits: XmlLimits = DEFAULT_XML_LIMITS): XmlNode {
  const body = blankDoctype(text)
  scan(body, limits)
  const verdict = XMLValidator.validate(body, { allowBooleanAttributes: true })
  if (verdict !== true) {
    const { line, col, msg } = verdict.err
    throw new ReportError(`line ${line}, column ${col}`, `malformed XML: ${msg}`)
  }
  const parser = new XMLParser({
    ignoreAttributes: false,
    attributeNamePrefix: '@',
    processEntities: false,
    htmlEntities: false,
    parseTagValue: false,
    parseAttributeValue: false,
    trimValues: true,
    allowBooleanAttributes: true,
    ignoreDeclaration: true,
    ignorePiTags: true,
    maxNestedTags: limits.maxDepth,
    tagValueProcessor: (_name, value) => decodeEntities(value),
    attributeValueProcessor: (_name, value) => decodeEntities(value),
  })
  return parser.parse(body) as XmlNode
}

/** Replaces the DOCTYPE declaration by spaces (new lines kept, so positions stay true). */
function blankDoctype(text: string): string {
  const start = text.search(/<!DOCTYPE/i)
  if (start < 0) return text
  const firstElement = text.search(/<[A-Za-z_]/)
  if (firstElement >= 0 && firstElement < start) return text // inside the document: the validator reports it
  let i = start + 9
  let quote = ''
  let depth = 0
  for (; i < text.length; i++) {
    const ch = text[i]!
    if (quote) {
      if (ch === quote) quote = ''
    } else if (ch === '"' || ch === "'") quote = ch
    else if (ch === '[') depth++
    else if (ch === ']') depth--
    else if (ch === '>' && depth <= 0) break
  }
  if (i >= text.length) throw new ReportError(placeOf(text, start), 'the document type declaration never ends (truncated file?)')
  const decl = text.slice(start, i + 1)
  const entity = decl.search(/<!ENTITY/i)
  if (entity >= 0) {
    throw new ReportError(placeOf(text, start + entity), 'entity declarations are refused: external entities and entity expansion are disabled for uploaded reports')
  }
  return text.slice(0, start) + decl.replace(/[^\n]/g, ' ') + text.slice(i + 1)
}

/**
 * One linear pass over the markup: element depth and count within limits, and no entity
 * reference other than the predefined ones (an undeclared `&xxe;` is named with its place).
 */
function scan(text: string, limits: XmlLimits): void {
  let depth = 0
  let elements = 0
  let i = 0
  let amp = text.indexOf('&')
  while (i < text.length) {
    const lt = text.indexOf('<', i)
    // The next '&' is remembered, not searched again per tag: a file without any stays linear.
    if (amp >= 0 && amp < i) amp = text.indexOf('&', i)
    if (amp >= 0 && (lt < 0 || amp < lt)) {
      BUILTIN.lastIndex = amp
      if (!BUILTIN.test(text)) {
        const name = /^&[^;\s<]{0,40};?/.exec(text.slice(amp))?.[0] ?? '&'
        throw new ReportError(placeOf(text, amp), `entity reference ${name} is refused: only &lt; &gt; &amp; &quot; &apos; and character references are allowed`)
      }
      i = amp + 1
      continue
    }
    if (lt < 0) break
    if (text.startsWith('<!--', lt)) i = skipTo(text, lt, '-->')
    else if (text.startsWith('<![CDATA[', lt)) i = skipTo(text, lt, ']]>')
    else if (text.startsWith('<?', lt)) i = skipTo(text, lt, '?>')
    else if (text.startsWith('<!', lt)) throw new ReportError(placeOf(text, lt), 'markup declarations are not allowed inside the document')
    else {
      const end = tagEnd(text, lt)
      if (end < 0) throw new ReportError(placeOf(text, lt), 'the file ends inside a tag (truncated?)')
      if (text[lt + 1] === '/') depth--
      else if (text[end - 1] !== '/') {
        depth++
        elements++
      } else elements++
      if (depth > limits.maxDepth) throw new ReportError(placeOf(text, lt), `elements nest deeper than ${limits.maxDepth} levels`)
      if (elements > limits.maxElements) throw new ReportError(placeOf(text, lt), `more than ${limits.maxElements} elements`)
      i = end + 1
    }
  }
}

function skipTo(text: string, from: number, marker: string): number {
  const end = text.indexOf(marker, from)
  if (end < 0) throw new ReportError(placeOf(text, from), `the file ends before ${marker} closes what starts here (truncated?)`)
  return end + marker.length
}

/** The index of the '>' closing the tag opened at `lt`, skipping quoted attribute values. */
function tagEnd(text: string, lt: number): number {
  let quote = ''
  for (let i = lt + 1; i < text.length; i++) {
    const ch = text[i]
    if (quote) {
      if (ch === quote) quote = ''
    } else if (ch === '"' || ch === "'") quote = ch
    else if (ch === '>') return i
  }
  return -1
}

export function placeOf(text: string, index: number): string {
  let line = 1
  let last = -1
  for (let i = text.indexOf('\n'); i >= 0 && i < index; i = text.indexOf('\n', i + 1)) {
    line++
    last = i
  }
  return `line ${line}, column ${index - last}`
}

const NAMED: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" }

export function decodeEntities(value: string): string {
  if (!value.includes('&')) return value
  return value.replace(/&(lt|gt|amp|quot|apos|#\d{1,7}|#x[0-9A-Fa-f]{1,6});/g, (_m, name: string) => {
    if (name[0] !== '#') return NAMED[name]!
    const code = name[1] === 'x' ? parseInt(name.slice(2), 16) : parseInt(name.slice(1), 10)
    return code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : '\uFFFD'
  })
}

/** The children named `name` as an array (the parser gives one child as an object). */
export function all(node: unknown, name: string): XmlNode[] {
  if (!node || typeof node !== 'object') return []
  const v = (node as XmlNode)[name]
  if (v === undefined || v === null) return []
  return (Array.isArray(v) ? v : [v]).map((x) => (typeof x === 'object' && x !== null ? (x as XmlNode) : { '#text': String(x) }))
}

export function one(node: unknown, name: string): XmlNode | undefined {
  return all(node, name)[0]
}

/** The text of a child element (or of the node itself with name ''), '' when absent. */
export function text(node: unknown, name = ''): string {
  const target = name === '' ? node : node && typeof node === 'object' ? (node as XmlNode)[name] : undefined
  const first = Array.isArray(target) ? target[0] : target
  if (first === undefined || first === null) return ''
  if (typeof first !== 'object') return String(first).trim()
  const t = (first as XmlNode)['#text']
  return t === undefined ? '' : String(t).trim()
}

export function attr(node: XmlNode | undefined, name: string): string {
  const v = node?.[`@${name}`]
  return v === undefined || v === null ? '' : String(v).trim()
}
