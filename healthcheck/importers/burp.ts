import { HostBook, canonicalAddress, canonicalHostname, clip, cvesIn, cwesIn } from './common.ts'
import { ReportError, emptyFinding, type ParsedReport, type Severity } from './types.ts'
import { all, attr, one, text, type XmlNode } from './xml.ts'

const SEVERITY: Record<string, Severity> = { high: 'high', medium: 'medium', low: 'low', information: 'info', info: 'info' }

/**
 * Burp Suite XML (issues › issue): the host is the issue's URL origin (the ip attribute gives its
 * address when Burp resolved it), the port comes from the URL, the scanner id is Burp's numeric
 * issue type; the path and Burp's detail are the evidence. Several issues of one type on one
 * origin are the same finding at several locations.
 */
export function parseBurp(doc: XmlNode): ParsedReport {
  const root = one(doc, 'issues')
  if (!root) throw new ReportError('issues', 'missing root element')
  const book = new HostBook()
  const notes: string[] = []
  const issues = all(root, 'issue')
  for (const [n, issue] of issues.entries()) {
    const hostNode = one(issue, 'host')
    let url: URL | undefined
    try {
      url = new URL(text(hostNode))
    } catch {
      url = undefined
    }
    const address = canonicalAddress(attr(hostNode, 'ip')) || canonicalAddress(url?.hostname.replace(/^\[|\]$/g, '') ?? '')
    const hostname = url && !canonicalAddress(url.hostname.replace(/^\[|\]$/g, '')) ? canonicalHostname(url.hostname) : ''
    if (!address && !hostname) {
      notes.push(`issue #${n + 1}: host "${text(hostNode).slice(0, 80)}" is not a URL with a host; dropped`)
      continue
    }
    const host = book.get(address, hostname)
    const port = url ? Number(url.port || (url.protocol === 'https:' ? 443 : 80)) : 0
    const classes = text(issue, 'vulnerabilityClassifications')
    host.findings.push(emptyFinding({
      port, protocol: 'tcp', service: url?.protocol.replace(':', '') ?? '', title: clip(text(issue, 'name'), 500),
      severity: SEVERITY[text(issue, 'severity').toLowerCase()] ?? 'info', scannerId: text(issue, 'type'),
      cves: cvesIn(text(issue, 'issueDetail'), classes), cwes: cwesIn(classes),
      description: clip(stripTags(text(issue, 'issueBackground'))),
      evidence: clip(`${text(issue, 'location') || text(issue, 'path')}${text(issue, 'issueDetail') ? `\n${stripTags(text(issue, 'issueDetail'))}` : ''}`),
      solution: clip(stripTags([text(issue, 'remediationBackground'), text(issue, 'remediationDetail')].filter(Boolean).join('\n\n'))),
    }))
  }
  return { format: 'burp', scanner: 'burp', hosts: book.hosts(), items: issues.length, notes }
}

/** Burp writes its prose as HTML fragments; notices and reports show plain text. */
function stripTags(html: string): string {
  return html.replace(/<\/?(p|br|li|ul|ol|div)[^>]*>/gi, '\n').replace(/<[^>]+>/g, '').replace(/\n{3,}/g, '\n\n').trim()
}
