import { randomUUID } from 'node:crypto'
import { rankAssets, type Incident } from './incident.ts'
import type { Detection } from './runner.ts'
import { maxSeverity, severityOf } from './severity.ts'

const MAX_ADDRESSES = 50
const MAX_PORTS = 200

export interface MergeResult {
  incident: Incident
  opened: boolean
  /** The magnitude reached ten times that of the last alert: alert again. */
  realerted: boolean
}

/**
 * Folds one detection into the incident it continues, or opens a new one. A detection continues
 * an incident of the same key when it starts within `gapMs` of the incident's last activity:
 * while the attack goes on it stays one incident, with first and last seen, peak, the union of
 * sources, targets, ports and assets, and the severity of its worst moment. It alerts again only
 * when the magnitude grows by an order of magnitude over the last alert.
 */
export function mergeDetection(current: Incident | undefined, d: Detection, gapMs: number): MergeResult {
  const answered = d.verdict.details.answered === true
  const severity = severityOf(d.rule, d.assets[0]?.grade, d.verdict.ratio, answered)
  const details = { ...d.verdict.details, variants: [d.variant] }
  if (!current || d.firstSeen > current.lastSeen + gapMs || d.lastSeen < current.firstSeen - gapMs) {
    return {
      opened: true,
      realerted: false,
      incident: {
        id: randomUUID(), rule: d.rule, key: d.key, source: d.source, sources: d.sources.slice(0, MAX_ADDRESSES),
        sourceCount: d.sourceCount, targets: d.targets.slice(0, MAX_ADDRESSES), targetCount: d.targetCount,
        ports: [...d.ports].sort((a, b) => a - b).slice(0, MAX_PORTS), protocols: d.protocols, assets: d.assets,
        firstSeen: d.firstSeen, lastSeen: d.lastSeen, peak: d.verdict.magnitude, peakUnit: d.verdict.unit,
        alertedMagnitude: d.verdict.magnitude, alertCount: 1, packets: d.packets, bytes: d.bytes, flows: d.flows,
        severity, details,
      },
    }
  }
  const i = current
  // A scan incident gathers port scans (ports) and sweeps (hosts): magnitudes compare in one unit only.
  const sameUnit = d.verdict.unit === i.peakUnit
  const realerted = sameUnit && d.verdict.magnitude >= 10 * i.alertedMagnitude
  const peakDetails = sameUnit && d.verdict.magnitude > i.peak ? details : i.details
  const merged: Incident = {
    ...i,
    sources: union(i.sources, d.sources, MAX_ADDRESSES),
    sourceCount: Math.max(i.sourceCount, d.sourceCount, new Set([...i.sources, ...d.sources]).size),
    targets: union(i.targets, d.targets, MAX_ADDRESSES),
    targetCount: Math.max(i.targetCount, d.targetCount, new Set([...i.targets, ...d.targets]).size),
    ports: union(i.ports, d.ports, MAX_PORTS).sort((a, b) => a - b),
    protocols: union(i.protocols, d.protocols, 16),
    assets: rankAssets([...i.assets, ...d.assets]),
    firstSeen: Math.min(i.firstSeen, d.firstSeen),
    lastSeen: Math.max(i.lastSeen, d.lastSeen),
    peak: sameUnit ? Math.max(i.peak, d.verdict.magnitude) : i.peak,
    alertedMagnitude: realerted ? d.verdict.magnitude : i.alertedMagnitude,
    alertCount: i.alertCount + (realerted ? 1 : 0),
    // Totals come from the detection windows once they are stored; until then the larger view.
    packets: Math.max(i.packets, d.packets),
    bytes: Math.max(i.bytes, d.bytes),
    flows: Math.max(i.flows, d.flows),
    severity: maxSeverity(i.severity, severity),
    details: mergeDetails(peakDetails, i.details, details),
  }
  return { incident: merged, opened: false, realerted }
}

/** The peak window's facts, with the lists that describe the whole incident accumulated. */
function mergeDetails(peak: Record<string, unknown>, a: Record<string, unknown>, b: Record<string, unknown>): Record<string, unknown> {
  const out = { ...peak }
  for (const k of ['variants', 'techniques', 'vectors', 'feeds', 'labels', 'services']) {
    const x = a[k]
    const y = b[k]
    if (Array.isArray(x) || Array.isArray(y)) out[k] = union((x as unknown[]) ?? [], (y as unknown[]) ?? [], 50).sort()
  }
  if (a.answered === true || b.answered === true) out.answered = true
  return out
}

function union<T>(a: readonly T[], b: readonly T[], max: number): T[] {
  return [...new Set([...a, ...b])].slice(0, max)
}
