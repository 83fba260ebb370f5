import type { ClickHouseClient } from '@clickhouse/client'
import { contains, parseAddress, parseNetwork, type Network } from './cidr.ts'

/** An active allow-list entry: detections from `source` (towards `target`) of `rules` are suppressed. */
export interface AllowEntry {
  id: string
  source: Network
  target: Network | undefined
  rules: string[]
  reason: string
}

export async function loadAllowlist(ch: ClickHouseClient, nowMs: number): Promise<AllowEntry[]> {
  const rs = await ch.query({
    query: `SELECT toString(id) AS id, source_cidr, target_cidr, rules, reason
            FROM (SELECT * FROM allowlist ORDER BY id, version_at DESC LIMIT 1 BY id)
            WHERE status = 'active' AND (expires_at IS NULL OR expires_at > fromUnixTimestamp64Milli({now:Int64}))`,
    query_params: { now: nowMs },
    format: 'JSONEachRow',
  })
  const rows = await rs.json<{ id: string; source_cidr: string; target_cidr: string; rules: string[]; reason: string }>()
  const out: AllowEntry[] = []
  for (const r of rows) {
    const source = parseNetwork(r.source_cidr)
    if (!source) continue
    out.push({ id: r.id, source, target: r.target_cidr ? parseNetwork(r.target_cidr) : undefined, rules: r.rules, reason: r.reason })
  }
  return out
}

/**
 * The entry that covers a detection, if any: every attacker-side address inside the entry's
 * source network, and every target inside its target network when it has one.
 */
export function allowedBy(entries: readonly AllowEntry[], rule: string, attackers: readonly string[], targets: readonly string[]): AllowEntry | undefined {
  if (attackers.length === 0) return undefined
  const a = attackers.map(parseAddress)
  const t = targets.map(parseAddress)
  return entries.find(
    (e) =>
      (e.rules.length === 0 || e.rules.includes(rule)) &&
      a.every((x) => x !== undefined && contains(e.source, x)) &&
      (!e.target || t.every((x) => x !== undefined && contains(e.target!, x))),
  )
}
