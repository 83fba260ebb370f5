import type { ClickHouseClient } from '../core/clickhouse.ts'

/** Who makes a change and from where: a token over the API, or an operator on the command line. */
export interface Actor {
  name: string
  role: string
  tokenId?: string
  /** The client address for the API, the host name for the command line. */
  address: string
  via: 'api' | 'cli'
}

export type AuditAction = 'create' | 'update' | 'decommission' | 'revoke' | 'import'
export type AuditObject = 'token' | 'sector' | 'locality' | 'organisation' | 'asset' | 'archive'

/** A changed field: its value before and after the write (null where it did not exist). */
export type Changes = Record<string, [unknown, unknown]>

export interface AuditEntry {
  action: AuditAction
  objectType: AuditObject
  objectId: string
  changes: Changes
}

/**
 * The fields whose values differ between two versions of an object, each as [before, after].
 * A created object has `before` null, so every field it has is listed.
 */
export function diffFields(before: Record<string, unknown> | null, after: Record<string, unknown>, skip: readonly string[] = []): Changes {
  const changes: Changes = {}
  for (const key of Object.keys(after)) {
    if (skip.includes(key)) continue
    const old = before ? before[key] : null
    if (JSON.stringify(old) !== JSON.stringify(after[key])) changes[key] = [old ?? null, after[key]]
  }
  return changes
}

/** Appends audit rows; one insert for all the entries of one write (an import writes many). */
export async function recordAudit(ch: ClickHouseClient, actor: Actor, entries: AuditEntry[]): Promise<void> {
  if (entries.length === 0) return
  await ch.insert({
    table: 'audit_log',
    format: 'JSONEachRow',
    values: entries.map((e) => ({
      actor: actor.name,
      role: actor.role,
      token_id: actor.tokenId ?? '',
      action: e.action,
      object_type: e.objectType,
      object_id: e.objectId,
      changes: JSON.stringify(e.changes),
      address: actor.address,
      via: actor.via,
    })),
  })
}
