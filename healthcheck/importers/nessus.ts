import { HostBook, canonicalAddress, canonicalHostname, clip, cvesIn, cwesIn, portOf, score } from './common.ts'
import { ReportError, emptyFinding, type ParsedReport, type Severity } from './types.ts'
import { all, attr, one, text, type XmlNode } from './xml.ts'

const SEVERITY: Record<string, Severity> = { '0': 'info', '1': 'low', '2': 'medium', '3': 'high', '4': 'critical' }

/**
 * Nessus v2 (.nessus): NessusClientData_v2 › Report › ReportHost › ReportItem. The host address
 * comes from the host-ip property (else the ReportHost name when it is an address); the name from
 * host-fqdn / hostname / netbios-name (else the ReportHost name when it is not an address).
 */
export function parseNessus(doc: XmlNode): ParsedReport {
  const root = one(doc, 'NessusClientData_v2')
  if (!root) throw new ReportError('NessusClientData_v2', 'missing root element')
  const book = new HostBook()
  const notes: string[] = []
  let items = 0
  for (const report of all(root, 'Report')) {
    for (const [h, rh] of all(report, 'ReportHost').entries()) {
      const props = new Map(all(one(rh, 'HostProperties'), 'tag').map((t) => [attr(t, 'name'), text(t)]))
      const name = attr(rh, 'name')
      const address = canonicalAddress(props.get('host-ip') ?? '') || canonicalAddress(name)
      const hostname = canonicalHostname(props.get('host-fqdn') ?? '') || canonicalHostname(props.get('hostname') ?? '') ||
        (canonicalAddress(name) ? canonicalHostname(props.get('netbios-name') ?? '') : canonicalHostname(name))
      if (!address && !hostname) {
        notes.push(`ReportHost #${h + 1} ("${name.slice(0, 80)}") has neither a valid address nor a host name; its items were dropped`)
        items += all(rh, 'ReportItem').length
        continue
      }
      const host = book.get(address, hostname, props.get('operating-system') ?? '')
      for (const item of all(rh, 'ReportItem')) {
        items++
        const severity = SEVERITY[attr(item, 'severity')] ?? 'info'
        const cvss = score(text(item, 'cvss3_base_score')) || score(text(item, 'cvss_base_score'))
        const cveText = all(item, 'cve').map((c) => text(c)).join(' ')
        host.findings.push(emptyFinding({
          port: portOf(attr(item, 'port')), protocol: attr(item, 'protocol').toLowerCase(), service: attr(item, 'svc_name'),
          title: clip(attr(item, 'pluginName') || text(item, 'plugin_name') || text(item, 'synopsis'), 500), severity,
          scannerId: attr(item, 'pluginID'), cves: cvesIn(cveText), cwes: cwesIn(all(item, 'cwe').map((c) => `CWE-${text(c)}`).join(' ')), cvss,
          description: clip([text(item, 'synopsis'), text(item, 'description')].filter(Boolean).join('\n\n')),
          evidence: clip(text(item, 'plugin_output')), solution: clip(text(item, 'solution')),
        }))
      }
    }
  }
  return { format: 'nessus', scanner: 'nessus', hosts: book.hosts(), items, notes }
}
