/** Severities from most to least urgent; `info` is information gathered, not a defect. */
export const SEVERITIES = ['critical', 'high', 'medium', 'low', 'info'] as const
export type Severity = (typeof SEVERITIES)[number]

export const FORMATS = ['nessus', 'openvas', 'nmap', 'qualys', 'qualys_scan', 'burp', 'csv', 'xlsx'] as const
export type ReportFormat = (typeof FORMATS)[number]

/** One vulnerability on one host (and port), as the scanner reported it. */
export interface ParsedFinding {
  port: number
  protocol: string
  service: string
  title: string
  severity: Severity
  /** Plugin id, NVT OID, QID, Burp issue type, Nmap script id, or the CSV's own id column. */
  scannerId: string
  cves: string[]
  cwes: string[]
  /** 0 when the report gave no score. */
  cvss: number
  description: string
  evidence: string
  solution: string
  product: string
  version: string
}

/** An open port with what answered on it (Nmap): an observation, not a defect. */
export interface ParsedService {
  port: number
  protocol: string
  service: string
  product: string
  version: string
}

export interface ParsedHost {
  /** Canonical IPv4/IPv6 address, or '' when the report gave none or an invalid one. */
  address: string
  /** Lower-case DNS or NetBIOS name ('' when none). */
  hostname: string
  os: string
  services: ParsedService[]
  findings: ParsedFinding[]
}

export interface ParsedReport {
  format: ReportFormat
  /** The scanning product the findings are keyed by (nessus, openvas, …). */
  scanner: string
  hosts: ParsedHost[]
  /** Raw items in the file: report items, results, open ports, rows. */
  items: number
  /** Remarks on content that was kept differently or dropped (counted, not fatal). */
  notes: string[]
}

/**
 * A file that cannot be imported. `place` names where the problem is (line and column, an
 * element path, a CSV row and column) so that a vendor can find it in their export.
 */
export class ReportError extends Error {
  constructor(
    readonly place: string,
    readonly reason: string,
    /** Every problem found when there are several (a spreadsheet with many bad rows). */
    readonly problems: { place: string; reason: string }[] = [{ place, reason }],
  ) {
    super(place ? `${place}: ${reason}` : reason)
    this.name = 'ReportError'
  }
}

export function emptyFinding(overrides: Partial<ParsedFinding>): ParsedFinding {
  return {
    port: 0, protocol: '', service: '', title: '', severity: 'info', scannerId: '', cves: [], cwes: [], cvss: 0,
    description: '', evidence: '', solution: '', product: '', version: '', ...overrides,
  }
}
