import { HostBook, canonicalAddress, canonicalHostname, clip, cvesIn, portOf, score } from './common.ts'
import { ReportError, emptyFinding, type ParsedReport, type Severity } from './types.ts'
import { all, attr, one, text, type XmlNode } from './xml.ts'

/** Qualys severity 1–5 (minimal … urgent). */
const SEVERITY: Record<string, Severity> = { '1': 'info', '2': 'low', '3': 'medium', '4': 'high', '5': 'critical' }

/**
 * Qualys asset data report: HOST_LIST › HOST (IP, DNS, NETBIOS, OS) › VULN_INFO_LIST ›
 * VULN_INFO (QID, TYPE, PORT, PROTOCOL, RESULT); titles, severities, CVEs and solutions come from
 * the GLOSSARY's VULN_DETAILS by QID. Information gathered (TYPE Ig) is severity info whatever
 * the glossary says: it describes the host, it is not a defect.
 */
export function parseQualysAssetReport(doc: XmlNode): ParsedReport {
  const root = one(doc, 'ASSET_DATA_REPORT')
  if (!root) throw new ReportError('ASSET_DATA_REPORT', 'missing root element')
  const glossary = new Map<string, XmlNode>()
  for (const d of all(one(one(root, 'GLOSSARY'), 'VULN_DETAILS_LIST'), 'VULN_DETAILS')) glossary.set(text(d, 'QID') || attr(d, 'id').replace(/^qid_/, ''), d)
  const book = new HostBook()
  const notes: string[] = []
  let items = 0
  for (const [n, h] of all(one(root, 'HOST_LIST'), 'HOST').entries()) {
    const list = all(one(h, 'VULN_INFO_LIST'), 'VULN_INFO')
    items += list.length
    const address = canonicalAddress(text(h, 'IP'))
    const hostname = canonicalHostname(text(h, 'DNS')) || canonicalHostname(text(h, 'NETBIOS'))
    if (!address && !hostname) {
      notes.push(`HOST #${n + 1} ("${text(h, 'IP').slice(0, 80)}") has neither a valid address nor a name; its ${list.length} items were dropped`)
      continue
    }
    const host = book.get(address, hostname, text(h, 'OPERATING_SYSTEM'))
    for (const v of list) {
      const qid = text(v, 'QID')
      const d = glossary.get(qid)
      const type = text(v, 'TYPE')
      const cvss = score(text(one(d, 'CVSS_SCORE'), 'CVSS_BASE')) || score(text(d, 'CVSS_BASE'))
      host.findings.push(emptyFinding({
        port: portOf(text(v, 'PORT')), protocol: text(v, 'PROTOCOL').toLowerCase(), service: text(v, 'SERVICE'),
        title: clip(text(d, 'TITLE') || `QID ${qid}`, 500), severity: type === 'Ig' ? 'info' : (SEVERITY[text(d, 'SEVERITY')] ?? 'info'),
        scannerId: qid, cvss, cves: cvesIn(all(one(d, 'CVE_ID_LIST'), 'CVE_ID').map((c) => text(c, 'ID')).join(' ')),
        description: clip([text(d, 'THREAT'), text(d, 'IMPACT')].filter((t) => t && t !== 'N/A').join('\n\n')),
        evidence: clip(text(v, 'RESULT')), solution: clip(text(d, 'SOLUTION')),
      }))
    }
  }
  return { format: 'qualys', scanner: 'qualys', hosts: book.hosts(), items, notes }
}

/**
 * Qualys scan report (scan-1.dtd): SCAN › IP (value, name) › VULNS / PRACTICES › CAT (port,
 * protocol) › VULN / PRACTICE (number = QID, severity, cveid). Confirmed vulnerabilities and
 * potential ones (practices) are items; INFOS and SERVICES describe the host and are not.
 */
export function parseQualysScan(doc: XmlNode): ParsedReport {
  const root = one(doc, 'SCAN')
  if (!root) throw new ReportError('SCAN', 'missing root element')
  const book = new HostBook()
  const notes: string[] = []
  let items = 0
  for (const [n, ip] of all(root, 'IP').entries()) {
    const address = canonicalAddress(attr(ip, 'value'))
    const hostname = canonicalHostname(attr(ip, 'name'))
    const groups = [['VULNS', 'VULN'], ['PRACTICES', 'PRACTICE']] as const
    const cats = groups.flatMap(([g, v]) => all(one(ip, g), 'CAT').map((cat) => ({ cat, vulns: all(cat, v) })))
    const count = cats.reduce((a, c) => a + c.vulns.length, 0)
    items += count
    if (!address && !hostname) {
      notes.push(`IP #${n + 1} ("${attr(ip, 'value').slice(0, 80)}") is neither a valid address nor a name; its ${count} items were dropped`)
      continue
    }
    const host = book.get(address, hostname, text(ip, 'OS'))
    for (const { cat, vulns } of cats) {
      for (const v of vulns) {
        const cvss = score(text(v, 'CVSS3_BASE')) || score(text(v, 'CVSS_BASE'))
        host.findings.push(emptyFinding({
          port: portOf(attr(cat, 'port')), protocol: attr(cat, 'protocol').toLowerCase(), service: attr(cat, 'value'),
          title: clip(text(v, 'TITLE') || `QID ${attr(v, 'number')}`, 500), severity: SEVERITY[attr(v, 'severity')] ?? 'info',
          scannerId: attr(v, 'number'), cvss, cves: cvesIn(attr(v, 'cveid'), all(one(v, 'CVE_ID_LIST'), 'CVE_ID').map((c) => text(c, 'ID')).join(' ')),
          description: clip([text(v, 'DIAGNOSIS'), text(v, 'CONSEQUENCE')].filter(Boolean).join('\n\n')),
          evidence: clip(text(v, 'RESULT')), solution: clip(text(v, 'SOLUTION')),
        }))
      }
    }
  }
  return { format: 'qualys_scan', scanner: 'qualys', hosts: book.hosts(), items, notes }
}
