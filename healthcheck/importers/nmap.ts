import { HostBook, canonicalAddress, canonicalHostname, clip, cvesIn, portOf, score, severityFromCvss } from './common.ts'
import { ReportError, emptyFinding, type ParsedFinding, type ParsedReport } from './types.ts'
import { all, attr, one, type XmlNode } from './xml.ts'

/**
 * Nmap XML (-oX): every open port of a host that is up becomes an observation (port, protocol,
 * service, product, version); NSE script output that reports a vulnerability ("VULNERABLE",
 * CVE ids, the vulners table) becomes a finding on that port. Closed and filtered ports are not
 * items. Hosts that are down are skipped.
 */
export function parseNmap(doc: XmlNode): ParsedReport {
  const root = one(doc, 'nmaprun')
  if (!root) throw new ReportError('nmaprun', 'missing root element')
  const book = new HostBook()
  const notes: string[] = []
  let items = 0
  for (const [n, h] of all(root, 'host').entries()) {
    if (attr(one(h, 'status'), 'state') && attr(one(h, 'status'), 'state') !== 'up') continue
    const addresses = all(h, 'address').filter((a) => ['ipv4', 'ipv6'].includes(attr(a, 'addrtype')))
    const address = addresses.map((a) => canonicalAddress(attr(a, 'addr'))).find(Boolean) ?? ''
    const names = all(one(h, 'hostnames'), 'hostname')
    const hostname = canonicalHostname(attr(names.find((x) => attr(x, 'type') === 'user') ?? names[0], 'name'))
    if (!address && !hostname) {
      notes.push(`host #${n + 1} has neither a valid address nor a name; dropped`)
      continue
    }
    const host = book.get(address, hostname, attr(one(one(h, 'os'), 'osmatch'), 'name'))
    for (const p of all(one(h, 'ports'), 'port')) {
      if (attr(one(p, 'state'), 'state') !== 'open') continue
      items++
      const svc = one(p, 'service')
      const port = portOf(attr(p, 'portid'))
      const protocol = attr(p, 'protocol').toLowerCase()
      const service = { port, protocol, service: attr(svc, 'name'), product: attr(svc, 'product'), version: attr(svc, 'version') }
      host.services.push(service)
      for (const s of all(p, 'script')) {
        const f = scriptFinding(s)
        if (f) host.findings.push({ ...f, port, protocol, service: service.service, product: service.product, version: service.version })
      }
    }
    for (const s of all(one(h, 'hostscript'), 'script')) {
      const f = scriptFinding(s)
      if (f) host.findings.push(f)
    }
  }
  return { format: 'nmap', scanner: 'nmap', hosts: book.hosts(), items, notes }
}

/** A finding when the script's output says the target is vulnerable or lists CVEs. */
function scriptFinding(script: XmlNode): ParsedFinding | undefined {
  const id = attr(script, 'id')
  const output = attr(script, 'output')
  const cves = cvesIn(output)
  const vulnerable = /\bVULNERABLE\b/.test(output) && !/NOT VULNERABLE/i.test(output)
  if (!vulnerable && cves.length === 0) return undefined
  // vulners prints "CVE-… <score> <url>" per line: the worst score sets the severity.
  const scores = [...output.matchAll(/CVE-\d{4}-\d+\s+(\d+(?:\.\d)?)/g)].map((m) => score(m[1] ?? ''))
  const cvss = scores.length > 0 ? Math.max(...scores) : 0
  const title = /^\s*(.+?):?\s*\n\s*State: VULNERABLE/m.exec(output)?.[1]?.trim() ?? `${id}: ${cves.slice(0, 3).join(', ') || 'vulnerable'}`
  return emptyFinding({
    title: clip(title, 500), severity: cvss > 0 ? severityFromCvss(cvss) : 'high', scannerId: id, cves, cvss, evidence: clip(output),
  })
}
