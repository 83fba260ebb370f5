import { HostBook, canonicalAddress, canonicalHostname, clip, cvesIn, cwesIn, portOf, score, severityFromCvss, severityFromWord } from './common.ts'
import { ReportError, emptyFinding, type ParsedReport } from './types.ts'
import { all, attr, one, text, type XmlNode } from './xml.ts'

/**
 * OpenVAS / Greenbone GMP XML: a `report` (possibly inside get_reports_response and a wrapping
 * report) › results › result with host, port ("443/tcp", "general/tcp"), nvt (OID, name,
 * cvss_base, tags, refs), threat and severity. A result whose threat is empty or "Log" takes its
 * severity from the numeric score. A host value that is not a valid address (DefectDojo's sample
 * has 192.168.1.1001) is kept under the host name the result gives, or the raw value, and noted.
 */
export function parseOpenvas(doc: XmlNode): ParsedReport {
  let report = one(one(doc, 'get_reports_response'), 'report') ?? one(doc, 'report')
  if (!report) throw new ReportError('report', 'missing GMP report element')
  const inner = one(report, 'report')
  if (inner) report = inner
  const book = new HostBook()
  const notes: string[] = []
  const invalid = new Set<string>()
  const results = all(one(report, 'results'), 'result')
  for (const [n, result] of results.entries()) {
    const hostNode = one(result, 'host')
    const raw = text(hostNode)
    const address = canonicalAddress(raw)
    let hostname = canonicalHostname(text(hostNode, 'hostname'))
    if (!address) {
      if (!invalid.has(raw)) notes.push(`result #${n + 1}: host "${raw.slice(0, 80)}" is not a valid IP address; kept as a named host`)
      invalid.add(raw)
      hostname ||= canonicalHostname(raw) || raw.toLowerCase().slice(0, 253)
      if (!hostname) {
        notes.push(`result #${n + 1} names no host; dropped`)
        continue
      }
    }
    const host = book.get(address, hostname)
    const nvt = one(result, 'nvt')
    const tags = new Map(text(nvt, 'tags').split('|').map((kv) => [kv.slice(0, kv.indexOf('=')), kv.slice(kv.indexOf('=') + 1).replace(/\s+/g, ' ').trim()]))
    const cvss = score(text(result, 'severity')) || score(text(nvt, 'cvss_base'))
    const refs = all(one(nvt, 'refs'), 'ref')
    const [portText = '', proto = ''] = text(result, 'port').split('/')
    host.findings.push(emptyFinding({
      port: portOf(portText), protocol: proto.toLowerCase(), title: clip(text(nvt, 'name') || text(result, 'name'), 500),
      severity: threatOf(text(result, 'threat')) ?? severityFromCvss(cvss),
      scannerId: attr(nvt, 'oid'), cvss,
      cves: cvesIn(refs.filter((r) => attr(r, 'type').toLowerCase() === 'cve').map((r) => attr(r, 'id')).join(' '), text(nvt, 'cve')),
      cwes: cwesIn(refs.filter((r) => attr(r, 'type').toLowerCase() === 'cwe').map((r) => attr(r, 'id')).join(' ')),
      description: clip([tags.get('summary') ?? '', tags.get('insight') ?? '', tags.get('impact') ?? ''].filter(Boolean).join('\n\n')),
      evidence: clip(text(result, 'description')), solution: clip(text(nvt, 'solution') || (tags.get('solution') ?? '')),
    }))
  }
  return { format: 'openvas', scanner: 'openvas', hosts: book.hosts(), items: results.length, notes }
}

/** The threat level named by the report; none for an empty threat or "Log" (the score decides). */
function threatOf(threat: string) {
  return threat.toLowerCase() === 'log' ? undefined : severityFromWord(threat)
}
