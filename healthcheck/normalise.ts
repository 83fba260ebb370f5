import type { AssetMatcher } from './assets.ts'
import type { ParsedReport, ParsedService } from './importers/types.ts'
import { NIL_UUID, type FindingRow } from './model.ts'

/** A scanned host with the asset it belongs to (none: an unregistered asset of the campaign). */
export interface NormalHost {
  key: string
  address: string
  hostname: string
  asset_id: string
  org_id: string
  findings: number
  services: ParsedService[]
}

/** A finding of this upload before it meets the campaign's existing findings. */
export type Incoming = Omit<FindingRow, 'id' | 'campaign_id' | 'vendors' | 'state' | 'risk_expires_at' | 'state_note' | 'first_seen' | 'last_seen' | 'upload_id' | 'event' | 'version_at' | 'changed_by'>

const MAX_EVIDENCE = 65_536

/** The key a host is known by: its address, else its name. */
export function hostKey(address: string, hostname: string): string {
  return address || hostname
}

/**
 * The stable per-format key: scanner, scanner id (the title when the format has none), host and
 * port/protocol. The same key twice in one file is one finding seen at several places (Burp's
 * issue type on several paths, the generic CSV's title on several URLs): the evidence is joined.
 */
export function dedupKey(scanner: string, scannerId: string, title: string, host: string, port: number, protocol: string): string {
  return `${scanner}|${scannerId || `title:${title.toLowerCase()}`}|${host}|${port}/${protocol}`
}

export function normalise(report: ParsedReport, matcher: AssetMatcher): { hosts: NormalHost[]; findings: Incoming[] } {
  const hosts: NormalHost[] = []
  const byKey = new Map<string, Incoming>()
  for (const h of report.hosts) {
    const key = hostKey(h.address, h.hostname)
    const hit = matcher.match(h.address, h.hostname)
    const asset_id = hit?.asset.id ?? NIL_UUID
    const org_id = hit?.asset.org_id ?? NIL_UUID
    hosts.push({ key, address: h.address, hostname: h.hostname, asset_id, org_id, findings: h.findings.length, services: h.services })
    for (const f of h.findings) {
      const dk = dedupKey(report.scanner, f.scannerId, f.title, key, f.port, f.protocol)
      const seen = byKey.get(dk)
      if (seen) {
        if (f.evidence && !seen.evidence.includes(f.evidence) && seen.evidence.length < MAX_EVIDENCE) seen.evidence = `${seen.evidence}\n---\n${f.evidence}`.slice(0, MAX_EVIDENCE)
        seen.cves = [...new Set([...seen.cves, ...f.cves])]
        continue
      }
      byKey.set(dk, {
        dedup_keys: [dk], host: key, address: h.address, hostname: h.hostname, asset_id, org_id, port: f.port, protocol: f.protocol,
        service: f.service, product: f.product, version: f.version, title: f.title, severity: f.severity, scanner: report.scanner,
        scanner_id: f.scannerId, cves: f.cves, cwes: f.cwes, cvss: f.cvss, description: f.description, evidence: f.evidence, solution: f.solution,
      })
    }
  }
  return { hosts, findings: [...byKey.values()] }
}
