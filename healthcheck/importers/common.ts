import { formatAddress, parseAddress } from '../../detection/cidr.ts'
import type { ParsedHost, Severity } from './types.ts'

/** Longest text kept for one field (evidence and descriptions can be whole HTTP responses). */
export const MAX_FIELD = 65_536

/** The canonical form of an IPv4/IPv6 address, or '' when the text is not one. */
export function canonicalAddress(text: string): string {
  const s = text.trim()
  if (s === '' || /^\d+(\.\d+){3}$/.test(s) === false && !s.includes(':')) return ''
  if (s.split('.').some((o) => o.length > 1 && o.startsWith('0') && /^\d+$/.test(o))) return ''
  const v = parseAddress(s)
  return v === undefined ? '' : formatAddress(v)
}

const HOSTNAME = /^(?=.{1,253}$)[a-z0-9_]([a-z0-9_-]{0,62})(\.[a-z0-9_]([a-z0-9_-]{0,62}))*\.?$/

/** A DNS or NetBIOS name in lower case without a trailing dot, or '' when the text is not one. */
export function canonicalHostname(text: string): string {
  const s = text.trim().toLowerCase().replace(/\.$/, '')
  return HOSTNAME.test(s) ? s : ''
}

export function clip(text: string, max = MAX_FIELD): string {
  const t = text.trim()
  return t.length > max ? `${t.slice(0, max)}…` : t
}

const CVE = /CVE-\d{4}-\d{4,7}/gi
const CWE = /CWE-\d{1,5}/gi

/** Every CVE id in the text, upper case, each once, in order of appearance. */
export function cvesIn(...texts: string[]): string[] {
  return [...new Set(texts.flatMap((t) => t.match(CVE) ?? []).map((c) => c.toUpperCase()))]
}

export function cwesIn(...texts: string[]): string[] {
  return [...new Set(texts.flatMap((t) => t.match(CWE) ?? []).map((c) => c.toUpperCase()))]
}

export function score(text: string): number {
  const v = Number.parseFloat(text)
  return Number.isFinite(v) && v >= 0 && v <= 10 ? Math.round(v * 10) / 10 : 0
}

/** The CVSS v3 qualitative rating (none counts as info). */
export function severityFromCvss(cvss: number): Severity {
  if (cvss >= 9) return 'critical'
  if (cvss >= 7) return 'high'
  if (cvss >= 4) return 'medium'
  if (cvss > 0) return 'low'
  return 'info'
}

/** Severity words in English and Chinese as scanners and spreadsheets write them. */
export function severityFromWord(word: string): Severity | undefined {
  const w = word.trim().toLowerCase()
  const table: Record<string, Severity> = {
    critical: 'critical', urgent: 'critical', 紧急: 'critical', 严重: 'critical', 超危: 'critical',
    high: 'high', 高: 'high', 高危: 'high',
    medium: 'medium', moderate: 'medium', 中: 'medium', 中危: 'medium',
    low: 'low', 低: 'low', 低危: 'low',
    info: 'info', information: 'info', informational: 'info', none: 'info', log: 'info', 信息: 'info', 提示: 'info',
  }
  return table[w]
}

/** A port number 0–65535 from text ('' and 'general' are 0). */
export function portOf(text: string): number {
  const v = Number.parseInt(text, 10)
  return Number.isInteger(v) && v >= 0 && v <= 65535 ? v : 0
}

/** Starts a host record; the report gives at least an address or a name for it. */
export function newHost(address: string, hostname: string, os = ''): ParsedHost {
  return { address, hostname, os, services: [], findings: [] }
}

/** Hosts by key (address, else name), so that a report naming a host twice gets one record. */
export class HostBook {
  private readonly byKey = new Map<string, ParsedHost>()
  get(address: string, hostname: string, os = ''): ParsedHost {
    const key = address || `name:${hostname}`
    let host = this.byKey.get(key)
    if (!host) {
      host = newHost(address, hostname, os)
      this.byKey.set(key, host)
    }
    if (!host.hostname && hostname) host.hostname = hostname
    if (!host.os && os) host.os = os
    return host
  }
  hosts(): ParsedHost[] {
    return [...this.byKey.values()]
  }
}
