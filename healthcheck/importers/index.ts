import { decodeText } from '../../archive/csv.ts'
import { parseBurp } from './burp.ts'
import { parseGenericCsv, parseGenericXlsx } from './generic.ts'
import { parseNessus } from './nessus.ts'
import { parseNmap } from './nmap.ts'
import { parseOpenvas } from './openvas.ts'
import { parseQualysAssetReport, parseQualysScan } from './qualys.ts'
import { ReportError, type ParsedReport, type ReportFormat } from './types.ts'
import { DEFAULT_XML_LIMITS, parseXml, type XmlLimits, type XmlNode } from './xml.ts'

export { ReportError, SEVERITIES, FORMATS, type ParsedReport, type ParsedHost, type ParsedFinding, type Severity, type ReportFormat } from './types.ts'

/** The root element of each XML format. */
const ROOTS: Record<string, { format: ReportFormat; parse: (doc: XmlNode) => ParsedReport }> = {
  NessusClientData_v2: { format: 'nessus', parse: parseNessus },
  report: { format: 'openvas', parse: parseOpenvas },
  get_reports_response: { format: 'openvas', parse: parseOpenvas },
  nmaprun: { format: 'nmap', parse: parseNmap },
  ASSET_DATA_REPORT: { format: 'qualys', parse: parseQualysAssetReport },
  SCAN: { format: 'qualys_scan', parse: parseQualysScan },
  issues: { format: 'burp', parse: parseBurp },
}

export interface ParseOptions {
  /** Largest file accepted, in bytes. */
  maxBytes?: number
  xml?: XmlLimits
}

/**
 * Recognises a report by its content (never by its file name) and parses it completely, or
 * throws a ReportError naming the place of the first problem. Nothing is written here: the
 * caller stores the result only once the whole file parsed.
 */
export async function parseReport(bytes: Uint8Array, options: ParseOptions = {}): Promise<ParsedReport> {
  const maxBytes = options.maxBytes ?? 256 * 1024 * 1024
  if (bytes.length > maxBytes) throw new ReportError('', `the file is ${bytes.length} bytes; the limit is ${maxBytes}`)
  if (bytes.length >= 4 && bytes[0] === 0x50 && bytes[1] === 0x4b && bytes[2] === 3 && bytes[3] === 4) return parseGenericXlsx(bytes)
  const text = decodeText(bytes)
  const start = text.search(/\S/)
  if (start < 0) throw new ReportError('', 'the file is empty')
  if (text[start] !== '<') {
    if (bytes.includes(0)) throw new ReportError('byte ' + bytes.indexOf(0), 'binary content: not a scanner report, CSV or XLSX file')
    return parseGenericCsv(text)
  }
  const root = rootName(text)
  const kind = root ? ROOTS[root] : undefined
  if (!kind) {
    throw new ReportError('root element', root
      ? `<${root}> is not a known report (Nessus v2, OpenVAS/GMP, Nmap, Qualys, Burp)`
      : 'no root element found (empty or truncated XML)')
  }
  const doc = parseXml(text, options.xml ?? DEFAULT_XML_LIMITS)
  return kind.parse(doc)
}

/** The name of the first element, past the XML declaration, comments, PIs and the DOCTYPE. */
function rootName(text: string): string | undefined {
  const stripped = text.replace(/<\?[\s\S]*?\?>|<!--[\s\S]*?-->/g, '')
  const doctypeFree = stripped.replace(/<!DOCTYPE[^[>]*(\[[\s\S]*?\])?\s*>/i, '')
  return /<([A-Za-z_][\w.-]*)/.exec(doctypeFree)?.[1]
}
