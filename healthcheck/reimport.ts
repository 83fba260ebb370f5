import { randomUUID } from 'node:crypto'
import { msFromCh } from './time.ts'
import type { FindingRow } from './model.ts'
import type { Incoming } from './normalise.ts'

export interface ReimportContext {
  campaignId: string
  uploadId: string
  scanner: string
  vendor: string
  /** Hosts this upload scanned: only their findings can be found absent. */
  hostKeys: Set<string>
  now: number
  stamp: string
  changedBy: string
  newId?: () => string
}

export interface ReimportCounts {
  created: number
  updated: number
  reopened: number
  mitigated: number
  merged: number
}

/**
 * Reimport semantics, as a pure plan over the campaign's current findings and this upload's:
 * - the same key again: the finding is seen (open stays open; mitigated reopens; a false
 *   positive stays one; an accepted risk stays accepted until its expiry, then reopens);
 * - no key match but a common CVE on the same host and port from another scanner or vendor:
 *   merged into that finding (its keys and vendors grow);
 * - otherwise a new open finding;
 * - an open or reopened finding of this scanner on a host this upload scanned, not reported
 *   again: mitigated.
 * Returns the versions to append and what happened.
 */
export function planReimport(existing: FindingRow[], incoming: Incoming[], ctx: ReimportContext): { rows: FindingRow[]; counts: ReimportCounts } {
  const newId = ctx.newId ?? randomUUID
  const counts: ReimportCounts = { created: 0, updated: 0, reopened: 0, mitigated: 0, merged: 0 }
  const byKey = new Map<string, FindingRow>()
  for (const f of existing) for (const k of f.dedup_keys) byKey.set(k, f)
  const touched = new Map<string, FindingRow>()
  const ownsScanner = (f: FindingRow) => f.dedup_keys.some((k) => k.startsWith(`${ctx.scanner}|`))
  const base = { upload_id: ctx.uploadId, version_at: ctx.stamp, changed_by: ctx.changedBy, last_seen: ctx.stamp.slice(0, 23) }

  for (const inc of incoming) {
    const key = inc.dedup_keys[0]!
    let current = byKey.get(key)
    let merged = false
    if (!current && inc.cves.length > 0) {
      current = existing.find((f) => f.host === inc.host && f.port === inc.port && f.protocol === inc.protocol &&
        f.cves.some((c) => inc.cves.includes(c)) && (!ownsScanner(f) || !f.vendors.includes(ctx.vendor)))
      merged = current !== undefined
    }
    if (current) current = touched.get(current.id) ?? current
    if (!current) {
      const row: FindingRow = {
        ...inc, ...base, id: newId(), campaign_id: ctx.campaignId, vendors: [ctx.vendor], state: 'open', risk_expires_at: null, state_note: '',
        first_seen: base.last_seen, event: 'created',
      }
      counts.created++
      touched.set(row.id, row)
      for (const k of row.dedup_keys) byKey.set(k, row)
      continue
    }
    let state = current.state
    let event = merged ? 'merged' : 'seen'
    if (state === 'mitigated') {
      state = 'reopened'
      event = 'reopened'
    } else if (state === 'accepted_risk' && current.risk_expires_at !== null && msFromCh(current.risk_expires_at) <= ctx.now) {
      state = 'reopened'
      event = 'reopened'
    }
    if (event === 'reopened') counts.reopened++
    else if (merged) counts.merged++
    else counts.updated++
    const row: FindingRow = {
      ...current, ...base, state, event,
      dedup_keys: [...new Set([...current.dedup_keys, key])],
      vendors: [...new Set([...current.vendors, ctx.vendor])],
      cves: [...new Set([...current.cves, ...inc.cves])],
      // The newest report's wording and evidence win for the scanner that wrote the finding.
      ...(merged ? {} : { title: inc.title, severity: inc.severity, cvss: inc.cvss, evidence: inc.evidence, solution: inc.solution || current.solution, description: inc.description || current.description }),
      asset_id: inc.asset_id, org_id: inc.org_id,
    }
    touched.set(row.id, row)
    for (const k of row.dedup_keys) byKey.set(k, row)
  }

  for (const f of existing) {
    if (touched.has(f.id) || !ctx.hostKeys.has(f.host) || !ownsScanner(f)) continue
    if (f.state !== 'open' && f.state !== 'reopened') continue
    touched.set(f.id, { ...f, ...base, last_seen: f.last_seen, state: 'mitigated', event: 'mitigated' })
    counts.mitigated++
  }
  return { rows: [...touched.values()], counts }
}
