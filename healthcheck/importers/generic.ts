import { parseCsv, UnclosedQuoteError } from '../../archive/csv.ts'
import { readXlsx } from '../../archive/xlsx.ts'
import { HostBook, canonicalAddress, canonicalHostname, clip, cvesIn, cwesIn, portOf, score, severityFromWord } from './common.ts'
import { ReportError, emptyFinding, type ParsedReport } from './types.ts'

/**
 * The generic template (docs/healthcheck-template.csv): one finding per row, headers in English
 * or Chinese, in any order. DefectDojo's generic CSV (Date, Title, CweId, Url, Severity, …) is a
 * subset of it. Each column accepts the names listed here (compared without case, spaces,
 * underscores or hyphens).
 */
export const COLUMNS = {
  ip: ['ip', 'ipaddress', 'address', 'IP地址', '资产IP', '主机IP'],
  hostname: ['hostname', 'host', 'domain', '主机名', '域名', '主机'],
  url: ['url', 'endpoint', '网址', '链接', 'URL地址'],
  port: ['port', '端口'],
  protocol: ['protocol', '协议'],
  service: ['service', '服务'],
  product: ['product', '产品', '组件'],
  version: ['version', '版本'],
  title: ['title', 'name', 'vulnerability', '漏洞名称', '标题', '问题名称'],
  severity: ['severity', 'risk', '风险等级', '危险等级', '严重程度', '等级'],
  scanner_id: ['scannerid', 'id', 'pluginid', 'vulnid', '漏洞编号', '编号'],
  cve: ['cve', 'cves', 'cveid', 'CVE编号'],
  cwe: ['cwe', 'cweid', 'CWE编号'],
  cvss: ['cvss', 'cvssscore', 'CVSS评分'],
  description: ['description', '漏洞描述', '描述', '详情'],
  impact: ['impact', '影响'],
  evidence: ['evidence', 'proof', 'output', '验证证据', '证据', '验证过程'],
  solution: ['solution', 'mitigation', 'remediation', 'fix', '整改建议', '修复建议', '解决方案'],
  references: ['references', '参考'],
  false_positive: ['falsepositive', '误报'],
  // Read but not used: the upload's own time is when the finding was seen.
  date: ['date', '发现时间', '日期'],
  active: ['active'],
  verified: ['verified'],
  duplicate: ['duplicate'],
} as const
type Column = keyof typeof COLUMNS

const squash = (h: string) => h.trim().toLowerCase().replace(/[\s_\-（）()]/g, '')
const LOOKUP = new Map<string, Column>(Object.entries(COLUMNS).flatMap(([col, names]) => names.map((n) => [squash(n), col as Column])))

export async function parseGenericXlsx(bytes: Uint8Array): Promise<ParsedReport> {
  let rows: string[][]
  try {
    rows = await readXlsx(bytes)
  } catch (err) {
    throw new ReportError('workbook', `not a readable XLSX file: ${(err as Error).message}`)
  }
  return { ...parseRows(rows), format: 'xlsx' }
}

export function parseGenericCsv(text: string): ParsedReport {
  let rows: string[][]
  try {
    rows = parseCsv(text)
  } catch (err) {
    if (err instanceof UnclosedQuoteError) throw new ReportError(`row ${err.row}, line ${err.line}`, 'a quoted field opens here and is never closed (unclosed quote or truncated file)')
    throw err
  }
  return { ...parseRows(rows), format: 'csv' }
}

function parseRows(rows: string[][]): ParsedReport {
  const header = rows[0] ?? []
  const columns = header.map((h) => LOOKUP.get(squash(h)))
  const notes = header.filter((_, i) => columns[i] === undefined && header[i]!.trim() !== '').map((h) => `column "${h.slice(0, 40)}" is not part of the template; ignored`)
  const at = new Map<Column, number>()
  columns.forEach((c, i) => c && !at.has(c) && at.set(c, i))
  const missing = (['title', 'severity'] as const).filter((c) => !at.has(c))
  if (!at.has('ip') && !at.has('hostname') && !at.has('url')) missing.push('ip, hostname or url' as never)
  if (missing.length > 0) throw new ReportError('row 1 (header)', `missing column(s): ${missing.join('; ')} (see docs/healthcheck-import.md)`)
  const book = new HostBook()
  const problems: { place: string; reason: string }[] = []
  let items = 0
  for (let r = 1; r < rows.length; r++) {
    const row = rows[r]!
    if (row.every((c) => c.trim() === '')) continue
    items++
    const get = (c: Column) => (at.has(c) ? (row[at.get(c)!] ?? '').trim() : '')
    const bad = (c: Column, reason: string) => problems.push({ place: `row ${r + 1}, column ${header[at.get(c)!]?.trim() || c}`, reason })
    let url: URL | undefined
    if (get('url')) {
      try {
        url = new URL(get('url'))
      } catch {
        bad('url', `"${get('url').slice(0, 80)}" is not a URL`)
      }
    }
    const urlHost = url?.hostname.replace(/^\[|\]$/g, '') ?? ''
    const address = get('ip') ? canonicalAddress(get('ip')) : canonicalAddress(urlHost)
    if (get('ip') && !address) bad('ip', `"${get('ip').slice(0, 80)}" is not a valid IPv4 or IPv6 address`)
    const hostname = get('hostname') ? canonicalHostname(get('hostname')) : canonicalAddress(urlHost) ? '' : canonicalHostname(urlHost)
    if (get('hostname') && !hostname) bad('hostname', `"${get('hostname').slice(0, 80)}" is not a host name`)
    if (!get('ip') && !get('hostname') && !get('url')) problems.push({ place: `row ${r + 1}`, reason: 'no ip, hostname or url: the finding belongs to no host' })
    const severity = severityFromWord(get('severity'))
    if (!severity) bad('severity', `"${get('severity').slice(0, 40)}" is not a severity (critical, high, medium, low, info / 严重, 高危, 中危, 低危, 信息)`)
    if (!get('title')) bad('title', 'empty')
    const portText = get('port')
    const port = portText ? portOf(portText) : url ? Number(url.port || (url.protocol === 'https:' ? 443 : url.protocol === 'http:' ? 80 : 0)) : 0
    if (portText && (!/^\d{1,5}$/.test(portText) || port !== Number(portText))) bad('port', `"${portText.slice(0, 20)}" is not a port 0–65535`)
    const cvssText = get('cvss')
    if (cvssText && score(cvssText) === 0 && Number(cvssText) !== 0) bad('cvss', `"${cvssText.slice(0, 20)}" is not a score 0–10`)
    if (/^(true|yes|1|是)$/i.test(get('false_positive'))) continue
    if (problems.length > 0 || !severity || (!address && !hostname)) continue
    const cweText = get('cwe')
    book.get(address, hostname).findings.push(emptyFinding({
      port, protocol: (get('protocol') || (port ? 'tcp' : '')).toLowerCase(), service: get('service') || (url?.protocol.replace(':', '') ?? ''),
      product: get('product'), version: get('version'), title: clip(get('title'), 500), severity, scannerId: get('scanner_id'),
      cves: cvesIn(get('cve')), cwes: cwesIn(/^\d+$/.test(cweText) ? (cweText === '0' ? '' : `CWE-${cweText}`) : cweText), cvss: score(cvssText),
      description: clip([get('description'), get('impact'), get('references')].filter(Boolean).join('\n\n')),
      evidence: clip([url?.href ?? '', get('evidence')].filter(Boolean).join('\n')), solution: clip(get('solution')),
    }))
  }
  if (problems.length > 0) {
    const shown = problems.slice(0, 50)
    throw new ReportError(shown[0]!.place, `${problems.length} bad cell(s); first: ${shown[0]!.reason}`, shown)
  }
  if (items === 0) throw new ReportError('row 2', 'the file has a header but no data rows')
  return { format: 'csv', scanner: 'generic', hosts: book.hosts(), items, notes }
}

